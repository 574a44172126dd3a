using Hotline.LoadTest.Cli;
using Hotline.LoadTest.Reporting;
using Hotline.LoadTest.Routing;
using Spectre.Console;

namespace Hotline.LoadTest.Scenarios;

/// <summary>
/// <c>route</c>: the ACD routing decision alone, <see cref="Hotline.Queues.AcdRouter"/> driven in-process with no
/// Orleans, at 10,000 ready seats and 25,000 waiting calls kept in steady state.
/// </summary>
public sealed class RouteScenario : IScenario
{
    public string Name => "route";
    public string Summary => "the routing decision alone (AcdRouter, no Orleans): decisions/s and latency per decision";
    public string Usage => RouteOptions.Usage;

    public Task<Report> RunAsync(CommandLine options, ScenarioContext context, CancellationToken cancellationToken)
    {
        var o = RouteOptions.Parse(options);
        options.EnsureAllRead();

        var report = new Report
        {
            Scenario = Name,
            Command = context.Command,
            StartedAt = context.Time.GetUtcNow(),
            Machine = MachineInfo.Current(),
            Parameters = o.Describe(),
        };
        var table = report.AddTable(
            "Routing decision in steady state",
            "strategy",
            $"One decision = `Next(minimumLevel)` + the matched seat back as ready + a new call in; {o.Seats:#,0} ready seats, " +
            $"{o.Calls:#,0} waiting calls. Latencies in µs over {o.Decisions:#,0} decisions after {o.Warmup:#,0} warm-up decisions; " +
            "`next_*` times `Next` alone, `seat_back_*` the `AddSeat` of the seat whose call ended, `call_in_*` the `AddCall` of the new call; " +
            "bytes are those allocated inside the router's calls.");

        foreach (var strategy in o.Strategies)
        {
            cancellationToken.ThrowIfCancellationRequested();
            AnsiConsole.MarkupLine($"[grey]route[/] {Names.Of(strategy)}: filling {o.Seats:#,0} seats and {o.Calls:#,0} calls, {o.Warmup:#,0} warm-up + {o.Decisions:#,0} measured decisions…");
            var m = new RoutingWorkload(strategy, o).Measure();
            var row = table.AddRow(Names.Of(strategy));
            row.Set("decisions_per_second", Math.Round(m.DecisionsPerSecond));
            row.Set("p50_us", m.Cycle.Percentile(50) / 1000);
            row.Set("p90_us", m.Cycle.Percentile(90) / 1000);
            row.Set("p99_us", m.Cycle.Percentile(99) / 1000);
            row.Set("max_us", m.Cycle.Max / 1000);
            row.Set("mean_us", m.Cycle.Mean / 1000);
            row.Set("next_p50_us", m.Next.Percentile(50) / 1000);
            row.Set("next_p99_us", m.Next.Percentile(99) / 1000);
            row.Set("seat_back_p99_us", m.SeatBack.Percentile(99) / 1000);
            row.Set("call_in_p99_us", m.CallIn.Percentile(99) / 1000);
            if (o.AllocationDecisions > 0) row.Set("bytes_per_decision", Math.Round(m.AllocatedBytesPerDecision, 1));
        }

        report.Notes.Add("Decisions per second divide the measured decisions by the wall time of the loop, which also makes each new call and seat object and records two histograms.");
        report.Notes.Add("The maximum includes garbage collections and any other pause of the process; percentiles are HdrHistogram's (3 significant digits).");
        report.FinishedAt = context.Time.GetUtcNow();
        ConsoleTables.Show(table);
        return Task.FromResult(report);
    }
}
