using System.Diagnostics;
using Hotline.LoadTest.Cli;
using Hotline.LoadTest.Reporting;
using Hotline.LoadTest.Scenarios;
using Hotline.Surveys;
using Spectre.Console;

namespace Hotline.LoadTest.Surveys;

/// <summary>Settings of <c>survey-sample</c>: the size of the synthetic frame and of the sample drawn from it.</summary>
public sealed record SurveySampleOptions
{
    public int Frame { get; init; } = 1_000_000;
    public int Departments { get; init; } = 50;
    /// <summary>Each department's sample, split over the four sources 40/30/20/10 (部门/热线/企业/运营商).</summary>
    public int PerDepartment { get; init; } = 400;
    public int Draws { get; init; } = 5;
    public int Seed { get; init; } = 42;

    public const string Usage = """
          --frame N                numbers in the frame (default 1000000)
          --departments N          evaluated departments; strata are department × source (default 50)
          --per-department N       sample per department, split 40/30/20/10 over the sources (default 400)
          --draws N                timed draws, each with its own seed (default 5)
          --seed N                 seed of the synthetic frame and of the first draw (default 42)
        """;

    public static SurveySampleOptions Parse(CommandLine args) => new()
    {
        Frame = args.Int("frame", 1_000_000, min: 1),
        Departments = args.Int("departments", 50, min: 1, max: 10_000),
        PerDepartment = args.Int("per-department", 400, min: 0),
        Draws = args.Int("draws", 5, min: 1, max: 1000),
        Seed = args.Int("seed", 42),
    };

    public Dictionary<string, string> Describe() => new()
    {
        ["frame"] = Frame.ToString("#,0"),
        ["departments"] = Departments.ToString(),
        ["per_department"] = PerDepartment.ToString(),
        ["draws"] = Draws.ToString(),
        ["seed"] = Seed.ToString(),
    };
}

/// <summary>
/// <c>survey-sample</c>: stratified random-start systematic sampling (<see cref="SystematicSampler"/>) of a synthetic
/// frame of mobile numbers, in process with no database; the target is a 1,000,000-number frame in ≤ 5 s.
/// </summary>
public sealed class SurveySampleScenario : IScenario
{
    public string Name => "survey-sample";
    public string Summary => "systematic sampling of a synthetic frame (SystematicSampler, no database): seconds per draw";
    public string Usage => SurveySampleOptions.Usage;

    public Task<Report> RunAsync(CommandLine options, ScenarioContext context, CancellationToken cancellationToken)
    {
        var o = SurveySampleOptions.Parse(options);
        options.EnsureAllRead();
        var report = new Report
        {
            Scenario = Name,
            Command = context.Command,
            StartedAt = context.Time.GetUtcNow(),
            Machine = MachineInfo.Current(),
            Parameters = o.Describe(),
        };

        AnsiConsole.MarkupLine($"[grey]survey-sample[/] building a frame of {o.Frame:#,0} numbers over {o.Departments} departments × 4 sources…");
        var frame = BuildFrame(o);
        var design = Design(o);
        var table = report.AddTable("Systematic draw of the whole frame", "draw",
            $"One draw = group the frame's units into {design.Targets.Count} department × source strata, sort each by number, " +
            $"pick n at interval N/n from a seeded start; {o.Frame:#,0} units, a sample of {o.PerDepartment * o.Departments:#,0}.");

        var seconds = new List<double>();
        SampleDraw? first = null;
        for (var i = 0; i < o.Draws; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            var draw = SystematicSampler.Draw(frame, design, o.Seed + i);
            clock.Stop();
            first ??= draw;
            seconds.Add(clock.Elapsed.TotalSeconds);
            table.AddRow($"seed {o.Seed + i}").Set("seconds", Math.Round(clock.Elapsed.TotalSeconds, 3)).Set("members", draw.Members.Count)
                .Set("short_strata", draw.Strata.Count(s => s.Shortfall > 0));
        }

        var repeat = SystematicSampler.Draw(frame, design, o.Seed);
        var same = repeat.Members.Select(m => m.Unit.Number).SequenceEqual(first!.Members.Select(m => m.Unit.Number));
        var worst = seconds.Max();
        report.Targets.Add(new TargetCheck($"systematic sampling of a {o.Frame:#,0}-number frame", "≤ 5 s", $"{worst:0.00} s (slowest of {o.Draws})",
            worst <= 5, worst <= 5 ? "met" : $"missed by {worst - 5:0.00} s"));
        report.Targets.Add(new TargetCheck("same seed, same sample", "identical", same ? "identical" : "different", same, same ? "met" : "missed"));
        report.Notes.Add("The first draw includes the JIT; the frame is built before timing and is not part of any draw's time.");
        report.FinishedAt = context.Time.GetUtcNow();
        ConsoleTables.Show(table);
        return Task.FromResult(report);
    }

    /// <summary>Distinct mobile numbers spread evenly over departments and over the sources in 40/30/20/10 shares.</summary>
    internal static List<FrameUnit> BuildFrame(SurveySampleOptions o)
    {
        var random = new Random(o.Seed);
        var units = new List<FrameUnit>(o.Frame);
        var step = Math.Max(1, 8_000_000_000L / o.Frame);
        for (var i = 0; i < o.Frame; i++)
        {
            var number = (13_000_000_000L + i * step + random.NextInt64(step)).ToString();
            var roll = random.NextDouble();
            var source = roll < 0.4 ? FrameSources.Department : roll < 0.7 ? FrameSources.Hotline : roll < 0.9 ? FrameSources.Enterprise : FrameSources.Carrier;
            units.Add(new FrameUnit(number, PhoneKind.Mobile, $"county-{i % 17}", $"dept-{i % o.Departments}", null, source));
        }
        return units;
    }

    internal static SamplingDesign Design(SurveySampleOptions o)
    {
        var targets = new List<StratumTarget>();
        for (var d = 0; d < o.Departments; d++)
            foreach (var (source, size) in SourceAllocation.Allocate(o.PerDepartment,
                [(FrameSources.Department, 0.4), (FrameSources.Hotline, 0.3), (FrameSources.Enterprise, 0.2), (FrameSources.Carrier, 0.1)]))
                targets.Add(new StratumTarget(new Dictionary<string, string?> { [FrameColumns.Department] = $"dept-{d}", [FrameColumns.Source] = source }, size));
        return new SamplingDesign([FrameColumns.Department, FrameColumns.Source], targets);
    }
}
