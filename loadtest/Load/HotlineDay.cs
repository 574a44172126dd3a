namespace Hotline.LoadTest.Load;

/// <summary>
/// The arrival curve of a 12345 hotline's day, as a share of the peak hour, compressed into a run: quiet at night,
/// a morning peak from 9 to 11, a dip at lunch, an afternoon peak from 14 to 16, a tail into the evening.
/// </summary>
public static class HotlineDay
{
    /// <summary>Share of the peak rate in each hour 0–23 (the value at the hour's start; linear in between).</summary>
    public static readonly double[] Hourly =
    [
        0.04, 0.03, 0.02, 0.02, 0.02, 0.04, 0.10, 0.30, 0.70, 1.00, 0.95, 0.80,
        0.50, 0.60, 0.85, 0.90, 0.75, 0.55, 0.35, 0.25, 0.18, 0.12, 0.08, 0.05,
    ];

    /// <summary>The share of the peak rate at a point of the day given as a fraction 0–1.</summary>
    public static double ShareAt(double dayFraction)
    {
        var hour = Math.Clamp(dayFraction, 0, 1) * 24;
        var i = Math.Min((int)hour, 23);
        var next = Hourly[(i + 1) % 24];
        return Hourly[i] + (next - Hourly[i]) * (hour - i);
    }

    /// <summary>The mean share over the day: the run's average rate is the peak rate times this.</summary>
    public static double MeanShare => Enumerable.Range(0, 2400).Average(i => ShareAt(i / 2400.0));
}
