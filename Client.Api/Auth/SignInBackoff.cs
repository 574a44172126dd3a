namespace Hotline.Api.Auth;

/// <summary>
/// How long failed sign-ins from one source bar one job number: nothing for the first
/// <see cref="MaxFailures"/> − 1, then <see cref="FirstBlock"/>, doubled at every further failure up to
/// <see cref="LongestBlock"/>. Failures older than <see cref="Memory"/> are forgotten.
/// </summary>
public sealed record SignInBackoff(int MaxFailures, TimeSpan FirstBlock, TimeSpan LongestBlock, TimeSpan Memory)
{
    /// <summary>The failure count after one more failure at <paramref name="now"/>.</summary>
    public int NextCount(int previous, DateTimeOffset? lastFailureAt, DateTimeOffset now) =>
        lastFailureAt is { } last && now - last < Memory ? previous + 1 : 1;

    /// <summary>The end of the block that <paramref name="failures"/> failures earn, or null when none.</summary>
    public DateTimeOffset? BlockedUntil(int failures, DateTimeOffset now)
    {
        if (failures < MaxFailures) return null;
        var doublings = Math.Min(failures - MaxFailures, 30);
        var ticks = Math.Min(FirstBlock.Ticks * Math.Pow(2, doublings), LongestBlock.Ticks);
        return now + TimeSpan.FromTicks((long)ticks);
    }
}
