using System.Globalization;
using Hotline.LoadTest.Cli;
using Hotline.LoadTest.Cluster;
using Hotline.LoadTest.Load;
using Hotline.LoadTest.Reporting;

namespace Hotline.LoadTest.Scenarios;

/// <summary>
/// <c>day</c>: a hotline day compressed into <c>--duration</c>: calls arrive along <see cref="HotlineDay"/>'s curve
/// (morning and afternoon peaks at <c>--rate</c>), with work orders registered beside them.
/// </summary>
public sealed class DayScenario : IScenario
{
    public string Name => "day";
    public string Summary => "a compressed hotline day: calls along a curve with morning and afternoon peaks, work orders beside them";
    public string Usage => string.Join('\n', "      (the calls options; --rate is the peak hour's rate, --duration the whole day, default 120s; --tickets-rate defaults to 5)", CallsOptions.Usage, HarnessOptions.Usage);

    public async Task<Report> RunAsync(CommandLine options, ScenarioContext context, CancellationToken cancellationToken)
    {
        var harness = HarnessOptions.Parse(options, Environment.GetEnvironmentVariable);
        if (!options.Has("duration")) options = options.WithDefault("duration", "120s");
        if (!options.Has("tickets-rate")) options = options.WithDefault("tickets-rate", "5");
        var o = CallsOptions.Parse(options, drill: true);
        options.EnsureAllRead();
        var day = o.Simulation.Duration;
        await using var session = await HotlineSession.StartAsync(harness, context.OutDir, cancellationToken);
        var report = await CallsScenario.RunAsync(Name, session, o, context, at => HotlineDay.ShareAt(at / day), cancellationToken);
        report.Parameters["curve"] = "hourly shares of the peak: " + string.Join(' ', HotlineDay.Hourly.Select(h => h.ToString("0.##", CultureInfo.InvariantCulture)));
        report.Notes.Add($"One simulated hour = {Durations.Format(day / 24)}. The mean rate over the day is {HotlineDay.MeanShare:P0} of the peak rate ({o.Simulation.Rate * HotlineDay.MeanShare:0.#} calls/s); arrivals are a Poisson process at the peak rate thinned by the curve.");
        return report;
    }
}
