namespace Hotline.LoadTest.Load;

/// <summary>
/// Arrival times of an open model: independent exponential gaps with mean 1/rate, so calls keep arriving
/// at the offered rate however slowly the system answers (a closed loop would slow down with it and hide
/// the queueing). Deterministic for a seeded <see cref="Random"/>.
/// </summary>
public sealed class PoissonArrivals
{
    private readonly Random _random;
    private readonly TimeSpan _meanGap;

    public PoissonArrivals(double ratePerSecond, Random random)
    {
        if (!(ratePerSecond > 0) || !double.IsFinite(ratePerSecond))
            throw new ArgumentOutOfRangeException(nameof(ratePerSecond), ratePerSecond, "The rate must be a positive number.");
        RatePerSecond = ratePerSecond;
        _random = random;
        _meanGap = TimeSpan.FromSeconds(1 / ratePerSecond);
    }

    public double RatePerSecond { get; }

    public TimeSpan NextGap() => Exponential.Sample(_random, _meanGap);

    /// <summary>Arrival offsets from the start, in order, all before <paramref name="duration"/>.</summary>
    public IEnumerable<TimeSpan> Schedule(TimeSpan duration)
    {
        var at = NextGap();
        while (at < duration)
        {
            yield return at;
            at += NextGap();
        }
    }
}
