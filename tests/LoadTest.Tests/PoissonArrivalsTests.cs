using Hotline.LoadTest.Load;

namespace Hotline.Tests;

public sealed class PoissonArrivalsTests
{
    [Theory]
    [InlineData(100)]
    [InlineData(3.5)]
    public void The_mean_gap_over_many_arrivals_is_one_over_the_rate(double rate)
    {
        var arrivals = new PoissonArrivals(rate, new Random(7));
        const int samples = 200_000;

        var total = TimeSpan.Zero;
        for (var i = 0; i < samples; i++) total += arrivals.NextGap();

        var meanRate = samples / total.TotalSeconds;
        // Standard error of the mean of 200,000 exponential gaps is 1/sqrt(200,000) ≈ 0.22 %; 1 % is > 4 sigma.
        Assert.InRange(meanRate, rate * 0.99, rate * 1.01);
    }

    [Fact]
    public void Gaps_vary_like_an_exponential_distribution_not_a_fixed_interval()
    {
        var arrivals = new PoissonArrivals(100, new Random(11));
        var gaps = Enumerable.Range(0, 100_000).Select(_ => arrivals.NextGap().TotalSeconds).ToList();

        var mean = gaps.Average();
        var standardDeviation = Math.Sqrt(gaps.Sum(g => (g - mean) * (g - mean)) / gaps.Count);
        // An exponential distribution's standard deviation equals its mean; a paced (closed) schedule would have none.
        Assert.InRange(standardDeviation / mean, 0.97, 1.03);
        // And a share e^-1 ≈ 36.8 % of gaps exceed the mean.
        Assert.InRange(gaps.Count(g => g > mean) / (double)gaps.Count, 0.36, 0.375);
    }

    [Fact]
    public void A_schedule_holds_about_rate_times_duration_arrivals_in_order_and_inside_the_duration()
    {
        var duration = TimeSpan.FromSeconds(600);
        var schedule = new PoissonArrivals(100, new Random(3)).Schedule(duration).ToList();

        // 60,000 expected; a Poisson count's standard deviation is sqrt(60,000) ≈ 245.
        Assert.InRange(schedule.Count, 59_000, 61_000);
        Assert.All(schedule.Zip(schedule.Skip(1)), pair => Assert.True(pair.First <= pair.Second));
        Assert.All(schedule, at => Assert.InRange(at, TimeSpan.Zero, duration));
    }

    [Fact]
    public void The_same_seed_gives_the_same_schedule()
    {
        var first = new PoissonArrivals(50, new Random(42)).Schedule(TimeSpan.FromSeconds(10)).ToList();
        var second = new PoissonArrivals(50, new Random(42)).Schedule(TimeSpan.FromSeconds(10)).ToList();

        Assert.Equal(first, second);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void A_rate_that_is_not_a_positive_number_is_refused(double rate)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PoissonArrivals(rate, new Random(1)));
    }

    [Fact]
    public void Exponential_samples_average_to_their_mean()
    {
        var random = new Random(5);
        var mean = TimeSpan.FromSeconds(2);

        var average = Enumerable.Range(0, 200_000).Average(_ => Exponential.Sample(random, mean).TotalSeconds);

        Assert.InRange(average, 1.98, 2.02);
    }
}
