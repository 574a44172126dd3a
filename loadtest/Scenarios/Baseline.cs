using System.Globalization;
using Hotline.LoadTest.Cli;
using Hotline.LoadTest.Cluster;
using Hotline.LoadTest.Load;
using Hotline.LoadTest.Reporting;
using Hotline.LoadTest.Tickets;
using Spectre.Console;

namespace Hotline.LoadTest.Scenarios;

/// <summary>
/// The two limits every figure is compared with, measured on the same cluster and database as the run: empty
/// grain calls per second (<see cref="PingLoad"/>) and PostgreSQL's single-row INSERT rate (pgbench).
/// </summary>
public sealed record BaselineOptions
{
    public TimeSpan PingDuration { get; init; } = TimeSpan.FromSeconds(10);
    public int PingConcurrency { get; init; } = 64;
    public int PingGrains { get; init; } = 1024;
    public TimeSpan PgbenchDuration { get; init; } = TimeSpan.FromSeconds(10);
    public IReadOnlyList<int> PgbenchClients { get; init; } = [1, 8, 32];

    public const string Usage = """
          --ping-duration D        how long the empty-grain closed loop runs (default 10s)
          --ping-concurrency N     outstanding pings (default 64)
          --pgbench-duration D     length of each pgbench run (default 10s)
          --pgbench-clients LIST   pgbench client counts (default 1,8,32)
        """;

    public static BaselineOptions Parse(CommandLine args) => new()
    {
        PingDuration = args.Duration("ping-duration", TimeSpan.FromSeconds(10), min: TimeSpan.FromSeconds(1)),
        PingConcurrency = args.Int("ping-concurrency", 64, min: 1, max: 10_000),
        PgbenchDuration = args.Duration("pgbench-duration", TimeSpan.FromSeconds(10), min: TimeSpan.FromSeconds(1)),
        PgbenchClients = ParseList(args.String("pgbench-clients", "1,8,32")!),
    };

    public static IReadOnlyList<int> ParseList(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(t => int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 1000
            ? n : throw new UsageException($"--pgbench-clients needs numbers 1–1000 separated by commas, not '{text}'."))
        .ToList();
}

/// <summary>What the baseline measured: the ceilings the other figures are shown as a share of.</summary>
public sealed record BaselineFigures(double PingPerSecond, double? PgbenchInsertsPerSecond, int? PgbenchClients);

public static class Baseline
{
    public static async Task<BaselineFigures> MeasureAsync(HotlineSession session, BaselineOptions o, Report report, CancellationToken cancellationToken)
    {
        Say($"empty grain calls: {o.PingConcurrency} outstanding for {Durations.Format(o.PingDuration)}…");
        var ping = new PingLoad(session.Client, o.PingConcurrency, o.PingGrains);
        var run = ping.RunAsync(o.PingDuration, cancellationToken);
        var progress = new LiveProgress("ping", report,
            () => [("elapsed", $"{ping.Elapsed.TotalSeconds:0}s"), ("pings", ping.Done.ToString(CultureInfo.InvariantCulture)),
                ("per second", ping.Elapsed.TotalSeconds > 0 ? (ping.Done / ping.Elapsed.TotalSeconds).ToString("0", CultureInfo.InvariantCulture) : "–"),
                ("p99", ping.Ping.Count > 0 ? $"{ping.Ping.Percentile(99) / 1000:0.###} ms" : "–"), ("errors", ping.Failed.ToString(CultureInfo.InvariantCulture))],
            at => new ProgressSample(Math.Round(at, 1), ping.Elapsed.TotalSeconds > 0 ? Math.Round(ping.Done / ping.Elapsed.TotalSeconds) : 0, o.PingConcurrency,
                ping.Ping.Count > 0 ? ping.Ping.Percentile(99) / 1000 : null, ping.Failed),
            recordTimeline: report.Timeline.Count == 0); // after a load, the load's timeline is the one worth drawing
        await progress.WatchAsync(run, "baseline");
        var pingRate = await run;
        report.AddOperation("ping", ping.Ping);

        Say($"pgbench single-row INSERT on the same database, {string.Join('/', o.PgbenchClients)} clients × {Durations.Format(o.PgbenchDuration)}…");
        var pg = new TicketsOptions { Database = session.ConnectionString, PgbenchClients = o.PgbenchClients, PgbenchDuration = o.PgbenchDuration };
        var synchronousCommit = await Pgbench.ShowAsync(session.ConnectionString, "synchronous_commit", cancellationToken);
        var results = await Pgbench.RunAsync(pg, line => AnsiConsole.MarkupLine($"[grey]pgbench[/] {Markup.Escape(line)}"), cancellationToken);
        var best = results.Where(r => r.Tps is not null).MaxBy(r => r.Tps);

        var t = report.AddTable("Baseline: the limits of this machine", "figure",
            $"Empty grain calls (IPingGrain, {o.PingConcurrency} outstanding over {o.PingGrains} grains, {Durations.Format(o.PingDuration)}) and pgbench's single-row INSERT (`{Pgbench.Script.Trim()}`, synchronous_commit = {synchronousCommit}, {Durations.Format(o.PgbenchDuration)} per client count) on the run's own cluster and database.");
        t.AddRow("ping_calls_per_second").Set("value", Math.Round(pingRate));
        t.AddRow("ping_errors").Set("value", ping.Failed);
        foreach (var r in results)
        {
            if (r.Tps is { } tps) t.AddRow($"pgbench_inserts_per_second_{r.Clients}_clients").Set("value", Math.Round(tps, 1));
            if (r.Error is { } error) report.Notes.Add($"pgbench -c {r.Clients} failed: {error}");
        }
        report.Parameters["synchronous_commit"] = synchronousCommit;
        return new BaselineFigures(pingRate, best?.Tps, best?.Clients);
    }

    /// <summary>Adds a table of the run's figures as shares of the baseline's limits.</summary>
    public static void AddRatios(Report report, BaselineFigures baseline, IEnumerable<(string Name, double Value, bool AgainstDatabase)> figures)
    {
        var t = report.AddTable("Against the same-run baseline", "figure",
            $"Each figure ÷ the limit it competes for: empty grain calls {baseline.PingPerSecond:0}/s, pgbench {(baseline.PgbenchInsertsPerSecond is { } p ? $"{p:0}" : "–")} inserts/s ({baseline.PgbenchClients} clients).");
        foreach (var (name, value, db) in figures)
        {
            var limit = db ? baseline.PgbenchInsertsPerSecond : baseline.PingPerSecond;
            var row = t.AddRow(name).Set("value", Math.Round(value, 1));
            if (limit is { } l and > 0) row.Set("ratio", Math.Round(value / l, 4));
        }
    }

    private static void Say(string message) => AnsiConsole.MarkupLine($"[grey]baseline[/] {Markup.Escape(message)}");
}

/// <summary><c>baseline</c>: the empty-grain call rate and pgbench's single-row INSERT rate on a hotline the harness starts.</summary>
public sealed class BaselineScenario : IScenario
{
    public string Name => "baseline";
    public string Summary => "empty Orleans grain calls per second and pgbench's single-row INSERT rate on the same cluster and database";
    public string Usage => string.Join('\n', BaselineOptions.Usage, HarnessOptions.Usage);

    public async Task<Report> RunAsync(CommandLine options, ScenarioContext context, CancellationToken cancellationToken)
    {
        var harness = HarnessOptions.Parse(options, Environment.GetEnvironmentVariable);
        var o = BaselineOptions.Parse(options);
        options.EnsureAllRead();
        var report = new Report { Scenario = Name, Command = context.Command, StartedAt = context.Time.GetUtcNow(), Machine = MachineInfo.Current() };
        harness.Describe(report.Parameters);
        await using var session = await HotlineSession.StartAsync(harness, context.OutDir, cancellationToken);
        await Baseline.MeasureAsync(session, o, report, cancellationToken);
        report.FinishedAt = context.Time.GetUtcNow();
        CallsScenario.Show(report);
        return report;
    }
}
