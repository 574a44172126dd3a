namespace Hotline.Surveys;

/// <summary>A stratum's target sample size; <see cref="Values"/> gives the stratum's value of each stratifying attribute.</summary>
public sealed record StratumTarget(IReadOnlyDictionary<string, string?> Values, int Size);

/// <summary>How a frame is divided into strata (分层) and how many numbers each stratum draws.</summary>
public sealed record SamplingDesign(IReadOnlyList<string> StratifyBy, IReadOnlyList<StratumTarget> Targets)
{
    /// <summary>The canonical key of a stratum, e.g. <c>department=gongan|source=hotline</c>.</summary>
    public string KeyOf(IReadOnlyDictionary<string, string?> values) =>
        string.Join('|', StratifyBy.Select(a => $"{a}={(values.TryGetValue(a, out var v) ? v : null)}"));

    public string KeyOf(FrameUnit unit) => string.Join('|', StratifyBy.Select(a => $"{a}={unit.Attribute(a)}"));
}

/// <summary>One stratum of a draw, with what an auditor needs to repeat it.</summary>
public sealed record StratumDraw(string Stratum, int Population, int Target, int Drawn, double Interval, double Start)
{
    /// <summary>Numbers the stratum could not supply (its population was smaller than the target).</summary>
    public int Shortfall => Target - Drawn;
}

public sealed record DrawnUnit(string Stratum, int Ordinal, FrameUnit Unit);

public sealed record SampleDraw(long Seed, string SortOrder, IReadOnlyList<StratumDraw> Strata, IReadOnlyList<DrawnUnit> Members);

/// <summary>
/// Random-start systematic sampling (随机起点等距抽样) within each stratum. The stratum's usable units are sorted by
/// normalised number (ordinal); with N units and a target n the interval is k = N/n (a fraction); a random start r
/// in [0, k) picks the units at positions ⌊r + i·k⌋ for i = 0…n−1, so every unit is drawn with probability exactly
/// n/N. Each stratum's start comes from its own SplitMix64 stream, seeded with the draw's seed and the stratum's key:
/// the same seed, frame and design give the same sample, whatever order the strata are listed in.
/// </summary>
public static class SystematicSampler
{
    public const string SortOrder = "number ascending (ordinal), within each stratum";

    /// <param name="excluded">Numbers that may not be drawn: for a replacement draw, every number drawn before.</param>
    public static SampleDraw Draw(IEnumerable<FrameUnit> frame, SamplingDesign design, long seed, IReadOnlySet<string>? excluded = null)
    {
        var targets = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var target in design.Targets)
            targets[design.KeyOf(target.Values)] = target.Size;

        var populations = new Dictionary<string, List<FrameUnit>>(StringComparer.Ordinal);
        foreach (var unit in frame)
        {
            if (excluded?.Contains(unit.Number) == true) continue;
            var key = design.KeyOf(unit);
            if (!targets.ContainsKey(key)) continue;
            if (!populations.TryGetValue(key, out var list)) populations[key] = list = [];
            list.Add(unit);
        }

        var strata = new List<StratumDraw>();
        var members = new List<DrawnUnit>();
        foreach (var (key, n) in targets.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            var population = populations.TryGetValue(key, out var units) ? units : [];
            population.Sort((a, b) => string.CompareOrdinal(a.Number, b.Number));
            var (positions, interval, start) = Positions(population.Count, n, StreamSeed(seed, key));
            for (var i = 0; i < positions.Length; i++)
                members.Add(new DrawnUnit(key, i, population[positions[i]]));
            strata.Add(new StratumDraw(key, population.Count, n, positions.Length, interval, start));
        }
        return new SampleDraw(seed, SortOrder, strata, members);
    }

    /// <summary>
    /// The sorted positions drawn from a population of <paramref name="size"/> for a target <paramref name="n"/>:
    /// all of them when the population is no larger than the target.
    /// </summary>
    public static (int[] Positions, double Interval, double Start) Positions(int size, int n, ulong stream)
    {
        if (n <= 0 || size == 0) return ([], 0, 0);
        if (n >= size) return (Enumerable.Range(0, size).ToArray(), 1, 0);
        var k = (double)size / n;
        var state = stream;
        var start = NextUnit(ref state) * k;
        var positions = new int[n];
        for (var i = 0; i < n; i++)
            positions[i] = Math.Min(size - 1, (int)Math.Floor(start + i * k));
        return (positions, k, start);
    }

    /// <summary>A stratum's own random stream: the draw's seed mixed with the FNV-1a hash of the stratum's key.</summary>
    public static ulong StreamSeed(long seed, string stratum)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in stratum)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }
        return unchecked((ulong)seed) ^ hash;
    }

    /// <summary>SplitMix64 (Steele, Lea, Flood 2014): a small generator with a fixed, published algorithm, so a draw can be redone anywhere.</summary>
    public static double NextUnit(ref ulong state)
    {
        unchecked
        {
            state += 0x9E3779B97F4A7C15UL;
            var z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (z >> 11) * (1.0 / (1UL << 53));
        }
    }
}

/// <summary>Splits a department's target over the sources in the proportions the evaluation office sets (四类号码比例).</summary>
public static class SourceAllocation
{
    /// <summary>Largest remainder: the sizes add up to <paramref name="total"/>; ties go to the source listed first.</summary>
    public static IReadOnlyList<(string Source, int Size)> Allocate(int total, IReadOnlyList<(string Source, double Weight)> proportions)
    {
        var sum = proportions.Sum(p => p.Weight);
        if (total < 0 || sum <= 0 || proportions.Any(p => p.Weight < 0 || double.IsNaN(p.Weight)))
            throw new ArgumentException("A non-negative total and non-negative weights with a positive sum.");
        var exact = proportions.Select(p => total * p.Weight / sum).ToArray();
        var sizes = exact.Select(e => (int)Math.Floor(e)).ToArray();
        var left = total - sizes.Sum();
        foreach (var i in Enumerable.Range(0, exact.Length).OrderByDescending(i => exact[i] - sizes[i]).ThenBy(i => i).Take(left))
            sizes[i]++;
        return proportions.Select((p, i) => (p.Source, sizes[i])).ToArray();
    }
}
