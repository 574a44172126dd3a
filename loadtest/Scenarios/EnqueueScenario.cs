using System.Globalization;
using Hotline.Events;
using Hotline.LoadTest.Cli;
using Hotline.LoadTest.Enqueue;
using Hotline.LoadTest.Reporting;
using Microsoft.Extensions.Hosting;
using Orleans.Streams;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Hotline.LoadTest.Scenarios;

/// <summary>
/// <c>enqueue</c>: end-to-end enqueue → offer latency against a running silo, with simulated calls arriving at a
/// Poisson rate and simulated agents that answer every offer and hang up after an exponential talk time.
/// </summary>
public sealed class EnqueueScenario : IScenario
{
    public string Name => "enqueue";
    public string Summary => "enqueue → offer latency of simulated calls against a running silo (open model, Poisson arrivals)";
    public string Usage => EnqueueOptions.Usage;

    public async Task<Report> RunAsync(CommandLine options, ScenarioContext context, CancellationToken cancellationToken)
    {
        var o = EnqueueOptions.Parse(options, Environment.GetEnvironmentVariable);
        options.EnsureAllRead();

        var startedAt = context.Time.GetUtcNow();
        var runTag = startedAt.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture);
        var queueId = o.Queue ?? $"bench-{runTag}";
        var report = new Report
        {
            Scenario = Name,
            Command = context.Command,
            StartedAt = startedAt,
            Machine = MachineInfo.Current(),
            Parameters = o.Describe(queueId),
        };

        using var host = HotlineClient.Build(o);
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new ScenarioFailedException(
                $"cannot reach the hotline cluster through {EnqueueOptions.RedactPassword(o.Database)}: {e.Message} Is a silo running against that database (--db or ${EnqueueOptions.DatabaseVariable})?", e);
        }
        var client = host.Client();
        var simulation = new CallCentreSimulation(client, o, queueId, runTag, context.Time);
        var seats = client.GetStreamProvider(EventTopics.StreamProvider)
            .GetStream<HotlineEvent>(StreamId.Create(EventTopics.Namespace, EventTopics.Seats));
        // In poll mode nobody subscribes, so the live stream carries no consumer's load.
        var subscription = o.Offers == OfferNotice.Stream ? await seats.SubscribeAsync(simulation.OnSeatEventAsync) : null;
        try
        {
            AnsiConsole.MarkupLine($"[grey]enqueue[/] queue [bold]{queueId}[/]: logging in {o.Agents} agents…");
            try
            {
                await simulation.PrepareAsync(cancellationToken);
            }
            catch (Exception e) when (e is DomainException or OrleansException or TimeoutException or InvalidOperationException)
            {
                throw new ScenarioFailedException($"could not set up queue {queueId} and its seats: {e.Message}", e);
            }
            AnsiConsole.MarkupLine($"[grey]enqueue[/] {o.Rate} calls/s for {Durations.Format(o.Duration)}, talk {Durations.Format(o.Talk)} on average, then up to {Durations.Format(o.Grace)} to drain.");

            var arrivals = simulation.RunArrivalsAsync(cancellationToken);
            await ShowProgressAsync(simulation, o, arrivals, draining: false);
            var window = await arrivals;
            var drain = simulation.DrainAsync(o.Grace, cancellationToken);
            await ShowProgressAsync(simulation, o, drain, draining: true);
            await drain;

            AnsiConsole.MarkupLine("[grey]enqueue[/] reading every call's record…");
            var tally = await simulation.CollectAsync();
            var queue = await simulation.QueueSnapshotAsync();
            Fill(report, o, simulation, tally, queue, window);
            report.FinishedAt = context.Time.GetUtcNow();
            foreach (var table in report.Tables) ConsoleTables.Show(table);

            AnsiConsole.MarkupLine("[grey]enqueue[/] hanging up what is left and logging the agents out…");
            await simulation.CleanUpAsync();
            foreach (var (kind, count, message) in simulation.CleanupErrors.Summary())
                report.Notes.Add($"Clean-up after the report: {count} × {kind} ({message}).");
        }
        finally
        {
            if (subscription is not null) await subscription.UnsubscribeAsync();
            await host.StopAsync(CancellationToken.None);
        }
        return report;
    }

    private static void Fill(Report report, EnqueueOptions o, CallCentreSimulation s, CallTally tally, Queues.QueueSnapshot queue, TimeSpan window)
    {
        var latency = report.AddTable("Enqueue → offer latency", "measured as",
            $"Milliseconds, calls arriving after the first {Durations.Format(o.Warmup)} only.");
        s.GrainOffer.AddTo(latency.AddRow("grain: OfferedAt − QueuedAt"), "ms", 1000);
        s.ClientOffer.AddTo(latency.AddRow(o.Offers == OfferNotice.Stream
            ? "client: StartAsync sent → seat.offered received"
            : "client: StartAsync sent → poll sees offering"), "ms", 1000);
        s.StartRoundTrip.AddTo(latency.AddRow("client: StartAsync round trip"), "ms", 1000);
        if (o.Offers == OfferNotice.Stream)
            s.EventDelivery.AddTo(latency.AddRow("stream: seat.offered At → received by client (all calls)"), "ms", 1000);
        s.ScheduleLag.AddTo(latency.AddRow("driver: arrival sent after its scheduled time (all calls)"), "ms", 1000);

        var calls = report.AddTable("Calls", "figure");
        void Figure(string name, double value) => calls.AddRow(name).Set("value", value);
        Figure("target_rate_per_second", o.Rate);
        Figure("achieved_rate_per_second", Math.Round(s.Issued / window.TotalSeconds, 2));
        Figure("arrival_window_seconds", Math.Round(window.TotalSeconds, 1));
        Figure("started", s.Issued);
        Figure("start_errors", s.StartFailed);
        Figure("start_errors_never_entered", s.NeverEntered);
        Figure("entered", s.Issued - s.NeverEntered);
        Figure("answered", tally.Answered);
        Figure("abandoned", tally.Abandoned);
        Figure("ended_otherwise", tally.OtherTotal);
        Figure("lost", tally.Lost);
        Figure("errors", s.Errors.Total);
        Figure("offers_missed_by_agents", s.MissedOffers);
        Figure("offers_seen_before_start_returned", s.OffersBeforeStartReturned);
        Figure("queue_counter_entered", queue.Counters.Entered);
        Figure("queue_counter_offered", queue.Counters.Offered);
        Figure("queue_counter_answered", queue.Counters.Answered);
        Figure("queue_counter_abandoned", queue.Counters.Abandoned);
        Figure("queue_counter_ring_no_answer", queue.Counters.RingNoAnswer);
        Figure("queue_waiting_at_end", queue.WaitingCount);

        var errors = s.Errors.Summary();
        if (errors.Count > 0)
        {
            var table = report.AddTable("Errors", "operation: kind");
            foreach (var (kind, count, message) in errors)
            {
                table.AddRow(kind).Set("count", count);
                report.Notes.Add($"First {kind}: {message}");
            }
        }
        if (tally.Other.Count > 0)
            report.Notes.Add("Ended otherwise: " + string.Join(", ", tally.Other.Select(p => $"{p.Value} {p.Key}")) + ".");
        if (tally.LostIn.Count > 0)
            report.Notes.Add($"Lost after {Durations.Format(o.Grace)} of grace, by the state they were left in: " + string.Join(", ", tally.LostIn.Select(p => $"{p.Value} {p.Key}")) + ".");
        if (s.OffersOfUnknownCalls > 0)
            report.Notes.Add($"{s.OffersOfUnknownCalls} seat.offered events named a call this run did not start.");

        var erlangs = o.Rate * o.Talk.TotalSeconds;
        report.Notes.Add($"Offered load {erlangs:0.#} Erlang on {o.Agents} agents ({erlangs / o.Agents:P0} occupancy from talk time alone; a seat is also held while its offer travels to the agent and back). " +
            "The nearer occupancy comes to 100 %, the more calls wait for a free seat, and the grain figure then includes that wait; at or above 100 % the line grows for the whole run.");
        report.Notes.Add("grain: the call grain's own timestamps, QueuedAt when it enters the queue and OfferedAt when a reserved seat's offer is accepted (both from the silo's clock).");
        report.Notes.Add(o.Offers == OfferNotice.Stream
            ? "client: from just before the client sends StartAsync to the moment the seat's seat.offered event reaches the client on the `seats` memory stream (subscription, no polling). It includes the stream's delivery, whose pulling agent polls its queues periodically (Orleans' default 100 ms), shown separately in the `stream` row. The agents answer on that event, so a slow stream also holds seats reserved longer."
            : $"client: from just before the client sends StartAsync to the first read of the call (ICallGrain.GetAsync every {Durations.Format(o.PollInterval)}, starting with StartAsync's own result) that shows it offering; the poll interval bounds its resolution. Nobody subscribes to the live streams in this mode.");
        report.Notes.Add("StartAsync returns only after the call has entered the queue and registered its watchdog reminder, so the offer is usually made, and often seen, before StartAsync returns: the time from StartAsync returning to the offer would be negative, so it is not reported.");
    }

    /// <summary>Live figures until <paramref name="work"/> ends: a refreshing table on a terminal, a line every 5 s otherwise.</summary>
    private static async Task ShowProgressAsync(CallCentreSimulation s, EnqueueOptions o, Task work, bool draining)
    {
        var phase = draining ? "draining" : "arrivals";
        if (!AnsiConsole.Profile.Out.IsTerminal)
        {
            while (await Task.WhenAny(work, Task.Delay(TimeSpan.FromSeconds(5))) != work)
                Console.WriteLine($"[{phase}] {Line(s, o)}");
            Console.WriteLine($"[{phase} done] {Line(s, o)}");
            return;
        }
        await AnsiConsole.Live(Render(s, o, phase)).AutoClear(false).StartAsync(async live =>
        {
            while (await Task.WhenAny(work, Task.Delay(500)) != work)
            {
                live.UpdateTarget(Render(s, o, phase));
                live.Refresh();
            }
            live.UpdateTarget(Render(s, o, phase + " done"));
            live.Refresh();
        });
    }

    private static string Line(CallCentreSimulation s, EnqueueOptions o) => string.Join("  ", Figures(s, o).Select(f => $"{f.Name} {f.Value}"));

    private static IRenderable Render(CallCentreSimulation s, EnqueueOptions o, string phase)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]enqueue[/] — {phase}");
        foreach (var (name, _) in Figures(s, o)) table.AddColumn(new TableColumn(name).RightAligned());
        table.AddRow(Figures(s, o).Select(f => Markup.Escape(f.Value)).ToArray());
        return table;
    }

    private static IEnumerable<(string Name, string Value)> Figures(CallCentreSimulation s, EnqueueOptions o)
    {
        var elapsed = s.Elapsed.TotalSeconds;
        var rate = elapsed > 0 ? s.Issued / Math.Min(elapsed, o.Duration.TotalSeconds) : 0;
        var p99 = s.ClientOffer.Count > 0 ? Report.FormatValue(s.ClientOffer.Percentile(99) / 1000) + " ms" : "–";
        return
        [
            ("elapsed", $"{elapsed:0}s"),
            ("sent", s.Issued.ToString(CultureInfo.InvariantCulture)),
            ("rate/s", rate.ToString("0.0", CultureInfo.InvariantCulture)),
            ("in flight", s.InFlight.ToString(CultureInfo.InvariantCulture)),
            ("offered", s.OffersSeen.ToString(CultureInfo.InvariantCulture)),
            ("answered", s.AnsweredByAgents.ToString(CultureInfo.InvariantCulture)),
            ("p99 offer (client)", p99),
            ("errors", s.Errors.Total.ToString(CultureInfo.InvariantCulture)),
        ];
    }
}
