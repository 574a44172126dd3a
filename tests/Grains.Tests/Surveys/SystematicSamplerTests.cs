using Hotline.Surveys;

namespace Hotline.Tests.Surveys;

public class SystematicSamplerTests
{
    // Four strata of department × source with known sizes; the last is smaller than its target.
    private static readonly (string Department, string Source, int Size, int Target)[] Strata =
    [
        ("gongan", FrameSources.Hotline, 97, 10),
        ("gongan", FrameSources.Carrier, 50, 7),
        ("shuiwu", FrameSources.Hotline, 203, 20),
        ("shuiwu", FrameSources.Carrier, 10, 15),
    ];

    private static readonly List<FrameUnit> Frame = BuildFrame();

    private static List<FrameUnit> BuildFrame()
    {
        var units = new List<FrameUnit>();
        var next = 13000000000L;
        foreach (var (department, source, size, _) in Strata)
            for (var i = 0; i < size; i++)
                units.Add(new FrameUnit((next += 7919).ToString(), PhoneKind.Mobile, null, department, null, source));
        // Shuffled so that the sampler's own sort, not the input order, fixes the sample.
        return units.OrderBy(u => SystematicSampler.StreamSeed(1, u.Number)).ToList();
    }

    private static SamplingDesign Design(IEnumerable<(string Department, string Source, int Size, int Target)> strata) =>
        new([FrameColumns.Department, FrameColumns.Source],
            strata.Select(s => new StratumTarget(new Dictionary<string, string?> { ["department"] = s.Department, ["source"] = s.Source }, s.Target)).ToArray());

    [Fact]
    public void Each_stratum_draws_its_target_or_all_it_has_and_records_interval_and_start()
    {
        var draw = SystematicSampler.Draw(Frame, Design(Strata), seed: 20261207);

        Assert.Equal(
            [("department=gongan|source=carrier", 50, 7, 7, 0), ("department=gongan|source=hotline", 97, 10, 10, 0),
             ("department=shuiwu|source=carrier", 10, 15, 10, 5), ("department=shuiwu|source=hotline", 203, 20, 20, 0)],
            draw.Strata.Select(s => (s.Stratum, s.Population, s.Target, s.Drawn, s.Shortfall)));
        var gongan = draw.Strata[1];
        Assert.Equal(9.7, gongan.Interval, 12);
        Assert.InRange(gongan.Start, 0, 9.7);
        Assert.Equal(47, draw.Members.Count);
        Assert.Equal(47, draw.Members.Select(m => m.Unit.Number).Distinct().Count());
        Assert.All(draw.Members, m => Assert.Equal(m.Stratum, $"department={m.Unit.Department}|source={m.Unit.Source}"));
    }

    [Fact]
    public void Members_are_evenly_spaced_in_number_order_from_the_random_start()
    {
        var draw = SystematicSampler.Draw(Frame, Design(Strata), seed: 42);
        var stratum = draw.Strata.Single(s => s.Stratum == "department=shuiwu|source=hotline");
        var sorted = Frame.Where(u => u.Department == "shuiwu" && u.Source == FrameSources.Hotline)
            .Select(u => u.Number).Order(StringComparer.Ordinal).ToList();

        var expected = Enumerable.Range(0, 20).Select(i => sorted[(int)Math.Floor(stratum.Start + i * stratum.Interval)]);
        Assert.Equal(expected, draw.Members.Where(m => m.Stratum == stratum.Stratum).OrderBy(m => m.Ordinal).Select(m => m.Unit.Number));
    }

    [Fact]
    public void The_same_seed_gives_the_same_sample_whatever_order_the_strata_and_frame_come_in()
    {
        var first = SystematicSampler.Draw(Frame, Design(Strata), seed: 7);
        var again = SystematicSampler.Draw(Enumerable.Reverse(Frame), Design(Strata.Reverse()), seed: 7);
        var other = SystematicSampler.Draw(Frame, Design(Strata), seed: 8);

        Assert.Equal(first.Members.Select(m => m.Unit.Number), again.Members.Select(m => m.Unit.Number));
        Assert.NotEqual(first.Members.Select(m => m.Unit.Number), other.Members.Select(m => m.Unit.Number));
    }

    /// <summary>
    /// Over 20,000 seeds every unit of a stratum is drawn with frequency n/N. A unit's count is binomial(S, n/N), so
    /// the tolerance is five standard deviations of a frequency, sqrt(p(1−p)/S): about ±0.011 for p = 10/97.
    /// </summary>
    [Fact]
    public void Every_unit_is_drawn_with_frequency_n_over_N_across_many_seeds()
    {
        const int seeds = 20_000;
        var strata = Strata.Take(3).ToArray();
        var design = Design(strata);
        var counts = new Dictionary<string, int>();
        for (var seed = 0; seed < seeds; seed++)
            foreach (var member in SystematicSampler.Draw(Frame, design, seed).Members)
                counts[member.Unit.Number] = counts.GetValueOrDefault(member.Unit.Number) + 1;

        foreach (var (department, source, size, target) in strata)
        {
            var p = (double)target / size;
            var tolerance = 5 * Math.Sqrt(p * (1 - p) / seeds);
            foreach (var unit in Frame.Where(u => u.Department == department && u.Source == source))
                Assert.InRange((double)counts.GetValueOrDefault(unit.Number) / seeds, p - tolerance, p + tolerance);
        }
    }

    [Fact]
    public void Replacement_draws_take_only_units_never_drawn_until_the_stratum_is_exhausted()
    {
        var design = Design([Strata[0]]);
        var drawn = new HashSet<string>();
        var first = SystematicSampler.Draw(Frame, design, seed: 1);
        foreach (var m in first.Members) Assert.True(drawn.Add(m.Unit.Number));

        for (var round = 1; drawn.Count < 97; round++)
        {
            var replacement = SystematicSampler.Draw(Frame, design, seed: 1000 + round, excluded: drawn);
            Assert.Equal(97 - drawn.Count, replacement.Strata[0].Population);
            Assert.NotEmpty(replacement.Members);
            foreach (var m in replacement.Members) Assert.True(drawn.Add(m.Unit.Number), $"{m.Unit.Number} drawn twice in round {round}");
        }
        Assert.Empty(SystematicSampler.Draw(Frame, design, seed: 9, excluded: drawn).Members);
    }

    [Fact]
    public void Source_proportions_split_a_department_target_by_largest_remainder()
    {
        var sizes = SourceAllocation.Allocate(101, [("department", 0.4), ("hotline", 0.3), ("enterprise", 0.2), ("carrier", 0.1)]);
        Assert.Equal([("department", 41), ("hotline", 30), ("enterprise", 20), ("carrier", 10)], sizes);
        Assert.Equal(100, SourceAllocation.Allocate(100, [("a", 1), ("b", 1), ("c", 1)]).Sum(s => s.Size));
        Assert.Equal([("a", 34), ("b", 33), ("c", 33)], SourceAllocation.Allocate(100, [("a", 1), ("b", 1), ("c", 1)]));
    }
}
