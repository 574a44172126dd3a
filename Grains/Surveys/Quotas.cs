namespace Hotline.Surveys;

/// <summary>What a quota counts over: a stratum, a county/district, or a number source.</summary>
public enum QuotaDimension
{
    Stratum,
    County,
    Source,
}

/// <summary>A quota (配额): how many valid completed interviews one stratum, county or source needs.</summary>
public sealed record QuotaTarget(QuotaDimension Dimension, string Key, int Target);

/// <summary>One valid completed interview, as the quotas count it.</summary>
public sealed record QuotaCompletion(string Stratum, string? County, string Source);

public sealed record QuotaProgress(QuotaDimension Dimension, string Key, int Target, int Completed)
{
    public int Remaining => Math.Max(0, Target - Completed);
    public bool Met => Completed >= Target;
    /// <summary>Completion in percent, capped at 100; a zero target counts as met.</summary>
    public double Percent => Target <= 0 ? 100 : Math.Min(100, 100.0 * Completed / Target);
}

/// <summary>Quota progress: the dialler feeds completions, the supervisor reads progress, a met stratum stops being dialled.</summary>
public static class Quotas
{
    public static IReadOnlyList<QuotaProgress> Progress(IReadOnlyList<QuotaTarget> targets, IEnumerable<QuotaCompletion> completions)
    {
        var counts = new Dictionary<(QuotaDimension, string), int>();
        foreach (var c in completions)
        {
            Count(QuotaDimension.Stratum, c.Stratum);
            if (c.County is not null) Count(QuotaDimension.County, c.County);
            Count(QuotaDimension.Source, c.Source);
        }
        return targets.Select(t => new QuotaProgress(t.Dimension, t.Key, t.Target, counts.GetValueOrDefault((t.Dimension, t.Key)))).ToArray();

        void Count(QuotaDimension dimension, string key) => counts[(dimension, key)] = counts.GetValueOrDefault((dimension, key)) + 1;
    }

    /// <summary>Whether a number of this stratum, county and source may still be dialled: no quota it counts towards is met.</summary>
    public static bool IsOpen(IReadOnlyList<QuotaProgress> progress, string stratum, string? county, string source) =>
        !progress.Any(p => p.Met && p.Dimension switch
        {
            QuotaDimension.Stratum => p.Key == stratum,
            QuotaDimension.County => p.Key == county,
            QuotaDimension.Source => p.Key == source,
            _ => false,
        });
}
