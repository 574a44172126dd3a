namespace Hotline.LoadTest.Load;

/// <summary>Samples of the exponential distribution: gaps between Poisson arrivals, talk times, caller patience.</summary>
public static class Exponential
{
    /// <summary>A sample with the given mean. <c>1 - NextDouble()</c> lies in (0, 1], so the logarithm is finite.</summary>
    public static TimeSpan Sample(Random random, TimeSpan mean) =>
        TimeSpan.FromTicks((long)(-Math.Log(1.0 - random.NextDouble()) * mean.Ticks));
}
