namespace Hotline.Telephony.Media;

/// <summary>
/// Fixed buckets of 50 µs up to 100 ms (and one above) for the pacing loop's send lateness. Written by the pacing
/// thread only; readers may see a count a packet behind, which does not matter for percentiles.
/// </summary>
internal sealed class LatencyHistogram
{
    private const double BucketMs = 0.05;
    private const int Buckets = 2000;
    private readonly long[] _counts = new long[Buckets + 1];
    private long _total;
    private double _maxMs;

    public void Record(double ms)
    {
        int bucket = ms <= 0 ? 0 : (int)Math.Min(Buckets, ms / BucketMs);
        _counts[bucket]++;
        _total++;
        if (ms > _maxMs)
        {
            _maxMs = ms;
        }
    }

    public long Count => Volatile.Read(ref _total);

    public double MaxMs => _maxMs;

    /// <summary>The upper bound of the bucket holding the given quantile (0 when empty).</summary>
    public double Percentile(double quantile)
    {
        long total = Volatile.Read(ref _total);
        if (total == 0)
        {
            return 0;
        }
        long target = (long)Math.Ceiling(quantile * total);
        long seen = 0;
        for (int i = 0; i <= Buckets; i++)
        {
            seen += Volatile.Read(ref _counts[i]);
            if (seen >= target)
            {
                return i == Buckets ? _maxMs : Math.Min((i + 1) * BucketMs, _maxMs);
            }
        }
        return _maxMs;
    }

    public void Reset()
    {
        Array.Clear(_counts);
        _total = 0;
        _maxMs = 0;
    }
}
