using HdrHistogram;

namespace Hotline.LoadTest.Reporting;

/// <summary>
/// A latency histogram in whole units of <see cref="Unit"/> (nanoseconds or microseconds), safe to record into
/// from many threads, with the percentiles the reports show.
/// </summary>
public sealed class Latency(string unit, long highestTrackable)
{
    private readonly LongConcurrentHistogram _histogram = new(1, highestTrackable, 3);

    public string Unit { get; } = unit;
    public long Count => _histogram.TotalCount;

    /// <summary>Values below 1 are recorded as 1, the histogram's floor; above the ceiling as the ceiling.</summary>
    public void Record(long value) => _histogram.RecordValue(Math.Clamp(value, 1, _histogram.HighestTrackableValue));

    // Reads go through a copy: a late response may still be recorded while a report is written, and the
    // histogram's enumerators refuse a source modified under them.
    public double Percentile(double percentile) => Count == 0 ? double.NaN : _histogram.Copy().GetValueAtPercentile(percentile);
    public double Max => Count == 0 ? double.NaN : _histogram.Copy().GetMaxValue();
    public double Mean => Count == 0 ? double.NaN : _histogram.Copy().GetMean();

    /// <summary>
    /// Adds count, p50/p90/p99/max and mean to the row, each divided by <paramref name="scale"/> (e.g. ns → µs);
    /// an empty histogram adds only its count of 0, so reports never carry NaN.
    /// </summary>
    public ReportRow AddTo(ReportRow row, string suffix, double scale = 1, string prefix = "")
    {
        row.Set(prefix + "count", Count);
        if (Count == 0) return row;
        row.Set($"{prefix}p50_{suffix}", Percentile(50) / scale);
        row.Set($"{prefix}p90_{suffix}", Percentile(90) / scale);
        row.Set($"{prefix}p99_{suffix}", Percentile(99) / scale);
        row.Set($"{prefix}max_{suffix}", Max / scale);
        row.Set($"{prefix}mean_{suffix}", Mean / scale);
        return row;
    }
}
