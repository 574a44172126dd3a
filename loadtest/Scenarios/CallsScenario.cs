using System.Globalization;
using Hotline.Calls;
using Hotline.Diagnostics;
using Hotline.Events;
using Hotline.LoadTest.Cli;
using Hotline.LoadTest.Cluster;
using Hotline.LoadTest.Drills;
using Hotline.LoadTest.Enqueue;
using Hotline.LoadTest.Reporting;
using Hotline.LoadTest.Tickets;
using Orleans.Streams;
using Spectre.Console;

namespace Hotline.LoadTest.Scenarios;

/// <summary>
/// <c>calls</c>: a call centre against the hotline the harness starts (or <c>--target</c>): Poisson arrivals,
/// agents who think before answering, talk and wrap up for exponential times, callers who give up; optionally
/// work orders beside the calls and a failure drill (<c>--kill-silo</c>, <c>--restart-db</c>) during the run.
/// </summary>
public sealed class CallsScenario : IScenario
{
    public string Name => "calls";
    public string Summary => "a call centre (arrivals, agents, abandonment) against a hotline the harness starts; --silos, --kill-silo, --restart-db";
    public string Usage => string.Join('\n', CallsOptions.Usage, HarnessOptions.Usage);

    public async Task<Report> RunAsync(CommandLine options, ScenarioContext context, CancellationToken cancellationToken)
    {
        var harness = HarnessOptions.Parse(options, Environment.GetEnvironmentVariable);
        var o = CallsOptions.Parse(options, drill: harness.KillSiloAt is not null || harness.RestartDbAt is not null || harness.RollingRestartAt is not null);
        options.EnsureAllRead();
        await using var session = await HotlineSession.StartAsync(harness, context.OutDir, cancellationToken);
        return await RunAsync(Name, session, o, context, rateAt: null, cancellationToken);
    }

    /// <summary>The run itself, shared with <c>day</c> (which passes a time-varying rate).</summary>
    internal static async Task<Report> RunAsync(string name, HotlineSession session, CallsOptions o, ScenarioContext context,
        Func<TimeSpan, double>? rateAt, CancellationToken cancellationToken)
    {
        var s = o.Simulation;
        var startedAt = context.Time.GetUtcNow();
        var runTag = startedAt.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture);
        var queueId = $"calls-{runTag}";
        var report = new Report
        {
            Scenario = name,
            Command = context.Command,
            StartedAt = startedAt,
            Machine = MachineInfo.Current(),
            Parameters = s.Describe(queueId),
        };
        o.Describe(report.Parameters);
        session.Options.Describe(report.Parameters);
        report.Parameters["database"] = EnqueueOptions.RedactPassword(session.ConnectionString);

        var client = session.Client;
        var view = new ClusterView(client);
        var simulation = new CallCentreSimulation(client, s with { Database = session.ConnectionString, RateAt = rateAt }, queueId, runTag, context.Time);
        StreamSubscriptionHandle<HotlineEvent>? subscription = null;
        if (s.Offers == OfferNotice.Stream)
        {
            subscription = await client.GetStreamProvider(EventTopics.StreamProvider)
                .GetStream<HotlineEvent>(StreamId.Create(EventTopics.Namespace, EventTopics.Seats))
                .SubscribeAsync(simulation.OnSeatEventAsync);
        }
        try
        {
            var memory = o.Memory && session.Options.Silos == 1 ? new MemoryFigures() : null;
            if (memory is not null) memory.Empty = await client.GetGrain<ISiloProbeGrain>(0).MeasureAsync();

            Say($"queue {queueId}: logging in {s.Agents} agents…");
            try
            {
                await simulation.PrepareAsync(cancellationToken);
            }
            catch (Exception e) when (ErrorLog.IsClusterFailure(e) || e is InvalidOperationException)
            {
                throw new ScenarioFailedException($"could not set up queue {queueId} and its seats: {e.Message}", e);
            }
            if (memory is not null) memory.IdleSeats = await client.GetGrain<ISiloProbeGrain>(0).MeasureAsync();
            var before = await view.FiguresAsync();

            TicketLoad? tickets = null;
            Task<TimeSpan>? ticketRun = null;
            if (o.TicketsRate > 0)
            {
                report.Notes.Add(await TicketsScenario.EnsureCategoryAsync(client));
                tickets = new TicketLoad(client, new TicketsOptions { Rate = o.TicketsRate, Duration = s.Duration, Warmup = TimeSpan.Zero, Database = session.ConnectionString, Seed = s.Seed });
            }

            var drill = new FailureDrill(session, queueId, simulation.InFlightCallIds, simulation.AllCallIds, () => simulation.Elapsed);
            await drill.ArmAsync(context.Time.GetUtcNow(), runTag);
            var rolling = new RollingRestartDrill(session, simulation.InFlightCallIds, simulation.AllCallIds, () => simulation.Elapsed);

            Say(rateAt is null
                ? $"{s.Rate} calls/s for {Durations.Format(s.Duration)}; {s.Agents} agents think {Durations.Format(s.Think)}, talk {Durations.Format(s.Talk)}, wrap up {Durations.Format(s.WrapUp)} (means)…"
                : $"a compressed hotline day in {Durations.Format(s.Duration)}, peak {s.Rate} calls/s; {s.Agents} agents…");
            var arrivals = simulation.RunArrivalsAsync(cancellationToken);
            if (tickets is not null) ticketRun = tickets.RunOpenAsync(o.TicketsRate, cancellationToken);
            var drillRun = Task.WhenAll(drill.RunAsync(cancellationToken), rolling.RunAsync(cancellationToken));
            var memoryRun = memory is null ? Task.CompletedTask : MeasureUnderLoadAsync(client, simulation, memory, s.Duration / 2, cancellationToken);

            var progress = Progress(name, report, simulation, tickets, s);
            await progress.WatchAsync(arrivals, "arrivals");
            var window = await arrivals;
            var drain = simulation.DrainAsync(s.Grace, cancellationToken);
            await progress.WatchAsync(Task.WhenAll(drain, drillRun, memoryRun, ticketRun ?? Task.CompletedTask), "draining");
            if (!await drain)
            {
                // The grace is over: the driver's agents and callers end what they still hold, and the hotline gets
                // half a minute to record it; what is open after that, the hotline failed to end.
                simulation.WindDown();
                await progress.WatchAsync(simulation.DrainAsync(TimeSpan.FromSeconds(30), cancellationToken), "winding down");
            }
            if (tickets is not null) await tickets.DrainAsync(cancellationToken);

            Say("reading every call's record…");
            // Three heartbeats (10 s each) and a margin: a call whose "wrap-up done" was lost ends on the seat's or its
            // own next heartbeat, or the one after when the first reached a silo still settling after a fault.
            var tally = await simulation.CollectAsync(settle: TimeSpan.FromSeconds(35));
            var after = await view.FiguresAsync();
            Fill(report, o, simulation, tally, window, before, after, session, tickets);
            if (memory is not null) memory.Fill(report);
            await drill.ReportAsync(report, simulation.Finals(), tickets?.Acknowledged.ToArray() ?? [], CancellationToken.None);
            await rolling.ReportAsync(report, simulation.Finals(), tickets?.Acknowledged.ToArray() ?? [], CancellationToken.None);
            if (o.Baseline)
            {
                var baseline = await Baseline.MeasureAsync(session, new BaselineOptions(), report, cancellationToken);
                var answered = report.Tables.First(t => t.Title == "Calls").Rows.First(r => r.Name == "answered_per_second").Values["value"];
                List<(string, double, bool)> figures = [("calls_answered_per_second", answered, false)];
                if (tickets is not null) figures.Add(("ticket_registrations_per_second", tickets.Acknowledged.Count / window.TotalSeconds, true));
                Baseline.AddRatios(report, baseline, figures);
            }
            report.FinishedAt = context.Time.GetUtcNow();
            Show(report);

            Say("hanging up what is left and logging the agents out…");
            await simulation.CleanUpAsync();
        }
        finally
        {
            if (subscription is not null)
            {
                try
                {
                    await subscription.UnsubscribeAsync();
                }
                catch (Exception e) when (ErrorLog.IsClusterFailure(e))
                {
                    // The cluster is going away with the session anyway.
                }
            }
        }
        return report;
    }

    private static void Say(string message) => AnsiConsole.MarkupLine($"[grey]calls[/] {Markup.Escape(message)}");

    private static LiveProgress Progress(string name, Report report, CallCentreSimulation s, TicketLoad? tickets, EnqueueOptions o)
    {
        var last = (Seconds: 0.0, Issued: 0);
        return new LiveProgress(name, report, () =>
        {
            var elapsed = s.Elapsed.TotalSeconds;
            var rate = elapsed > 0 ? s.Issued / Math.Min(elapsed, o.Duration.TotalSeconds) : 0;
            var p99 = s.ClientOffer.Count > 0 ? Report.FormatValue(s.ClientOffer.Percentile(99) / 1000) + " ms" : "–";
            List<(string, string)> figures =
            [
                ("elapsed", $"{elapsed:0}s"),
                ("calls", s.Issued.ToString(CultureInfo.InvariantCulture)),
                ("rate/s", rate.ToString("0.0", CultureInfo.InvariantCulture)),
                ("in flight", s.InFlight.ToString(CultureInfo.InvariantCulture)),
                ("answered", s.AnsweredByAgents.ToString(CultureInfo.InvariantCulture)),
                ("abandoned", s.AbandonedByCallers.ToString(CultureInfo.InvariantCulture)),
                ("p99 offer seen", p99),
                ("errors", s.Errors.Total.ToString(CultureInfo.InvariantCulture)),
            ];
            if (tickets is not null)
                figures.Add(("tickets ok/err", $"{tickets.Succeeded}/{tickets.Failed}"));
            return figures;
        }, at =>
        {
            var issued = s.Issued;
            var rate = at > last.Seconds ? (issued - last.Issued) / (at - last.Seconds) : 0;
            last = (at, issued);
            return new ProgressSample(Math.Round(at, 1), Math.Round(rate, 2), s.InFlight,
                s.ClientOffer.Count > 0 ? s.ClientOffer.Percentile(99) / 1000 : null, s.Errors.Total + (tickets?.Failed ?? 0));
        });
    }

    private static async Task MeasureUnderLoadAsync(IClusterClient client, CallCentreSimulation s, MemoryFigures memory, TimeSpan at, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(at, cancellationToken);
            memory.ActiveCalls = s.InFlight;
            memory.UnderLoad = await client.GetGrain<ISiloProbeGrain>(0).MeasureAsync();
        }
        catch (Exception e) when (e is OperationCanceledException || ErrorLog.IsClusterFailure(e))
        {
            memory.Error = e.Message;
        }
    }

    private static void Fill(Report report, CallsOptions o, CallCentreSimulation s, CallTally tally, TimeSpan window,
        IReadOnlyList<SiloFigures> before, IReadOnlyList<SiloFigures> after, HotlineSession session, TicketLoad? tickets)
    {
        var so = o.Simulation;
        var answer = new Latency("us", 3_600_000_000);
        int measured = 0, answeredMeasured = 0, abandonedMeasured = 0, withinServiceLevel = 0;
        foreach (var (snapshot, isMeasured) in s.Records())
        {
            if (!isMeasured) continue;
            measured++;
            if (snapshot is { State: CallState.Ended, AnsweredAt: { } answeredAt })
            {
                answeredMeasured++;
                answer.Record((long)(answeredAt - snapshot.ArrivedAt).TotalMicroseconds);
                if (snapshot.QueuedAt is { } queued && answeredAt - queued <= o.ServiceLevel) withinServiceLevel++;
            }
            else if (snapshot.State == CallState.Abandoned) abandonedMeasured++;
        }

        var offer = report.AddOperation("enqueue_to_offer", s.GrainOffer, tally.Lost);
        report.AddOperation("offer_seen_by_agent", s.ClientOffer);
        var routing = s.OfferAttempt.Count > 0 ? report.AddOperation("offer_attempt_routing", s.OfferAttempt) : null;
        if (s.FreeToOffer.Count > 0) report.AddOperation("call_and_seat_free_to_offer_old", s.FreeToOffer);
        report.AddOperation("arrival_to_answer", answer, tally.Lost);
        report.AddOperation("call_start", s.StartRoundTrip);
        if (tickets is not null) report.AddOperation("ticket_create", tickets.Registration);

        var latency = report.AddTable("Call latency", "measured as", $"Milliseconds, calls arriving after the first {Durations.Format(so.Warmup)} only.");
        s.GrainOffer.AddTo(latency.AddRow("enqueue → offer (grain: OfferedAt − QueuedAt)"), "ms", 1000);
        if (s.OfferAttempt.Count > 0)
            s.OfferAttempt.AddTo(latency.AddRow("routing, per offer attempt: call and seat both free → this offer (grain clock; a re-offer after a ring-out is its own attempt; stream mode)"), "ms", 1000);
        if (s.FreeToOffer.Count > 0)
            s.FreeToOffer.AddTo(latency.AddRow("old figure: first seat's ready or QueuedAt → last offer (counts ring-outs; kept to compare)"), "ms", 1000);
        if (s.EventDelivery.Count > 0)
            s.EventDelivery.AddTo(latency.AddRow("offer seen at the desk: seat.offered At → received by the driver's agent"), "ms", 1000);
        s.ClientOffer.AddTo(latency.AddRow("StartAsync sent → agent sees the offer (client)"), "ms", 1000);
        answer.AddTo(latency.AddRow("answer time (grain: AnsweredAt − ArrivedAt, think time included)"), "ms", 1000);
        s.StartRoundTrip.AddTo(latency.AddRow("StartAsync round trip (client)"), "ms", 1000);
        s.ScheduleLag.AddTo(latency.AddRow("driver: arrival sent after its scheduled time"), "ms", 1000);

        var calls = report.AddTable("Calls", "figure");
        void Figure(string name, double value) => calls.AddRow(name).Set("value", value);
        Figure("target_rate_per_second", so.Rate);
        Figure("achieved_rate_per_second", Math.Round(s.Issued / window.TotalSeconds, 2));
        Figure("started", s.Issued);
        Figure("entered", s.Issued - s.NeverEntered);
        Figure("answered", tally.Answered);
        Figure("reoffers_after_ring_out", s.Reoffers);
        Figure("abandoned", tally.Abandoned);
        Figure("ended_otherwise", tally.OtherTotal);
        Figure("lost", tally.Lost);
        Figure("errors", s.Errors.Total);
        Figure("offers_missed_by_agents", s.MissedOffers);
        Figure("wrap_ups_ended_after_the_agents", s.WrapUpsSettled);
        Figure("calls_ended_early_after_the_grace", s.CutShort);
        if (s.CutShort > 0)
            report.Notes.Add($"The grace of {Durations.Format(so.Grace)} ended with calls still held by the driver: the driver ended {s.CutShort} conversations and waits early (agents hung up, waiting callers gave up), so that only calls the hotline failed to end count as lost.");
        if (s.LogInEventsHeardAfter is { } heard)
            report.Notes.Add(s.ReadyHeard >= so.Agents
                ? $"Arrivals began once the driver had heard all {so.Agents} seats' \"ready\" on the seats stream, {heard.TotalSeconds:0.0} s after the log-ins began."
                : $"Arrivals began after {heard.TotalSeconds:0.0} s with only {s.ReadyHeard} of {so.Agents} seats' \"ready\" heard on the seats stream: early offers queued behind the log-in events.");
        if (s.WrapUpsSettled > 0)
            report.Notes.Add($"{s.WrapUpsSettled} calls were still in wrap-up when their agents had finished (the \"wrap-up done\" message was lost in a fault) and ended on a later heartbeat, the last {s.WrapUpSettleMax.TotalSeconds:0.0} s after the records were first read.");
        Figure("answered_per_second", Math.Round(tally.Answered / window.TotalSeconds, 2));
        Figure("abandonment_rate", measured > 0 ? Math.Round((double)abandonedMeasured / measured, 4) : double.NaN);
        Figure("service_level", answeredMeasured + abandonedMeasured > 0 ? Math.Round((double)withinServiceLevel / (answeredMeasured + abandonedMeasured), 4) : double.NaN);
        if (tickets is not null)
        {
            Figure("tickets_sent", tickets.Sent);
            Figure("tickets_acknowledged", tickets.Acknowledged.Count);
            Figure("tickets_errors", tickets.Failed);
        }

        var silos = report.AddTable("Silos", "silo", "Activations at the end of the run (Orleans IManagementGrain.GetSimpleGrainStatistics) and messages received per second during it (GetRuntimeStatistics, end − start).");
        foreach (var a in after)
        {
            var b = before.FirstOrDefault(x => x.Silo == a.Silo);
            var row = silos.AddRow(a.Silo).Set("activations", a.Activations).Set("call_grains", a.Calls).Set("seat_grains", a.Seats).Set("queue_grains", a.Queues)
                .Set("calls_per_second", Math.Round(a.Calls / window.TotalSeconds, 2));
            // Orleans 10 leaves the runtime statistics' message counters at zero unless message statistics are on; then they say nothing.
            if (b is not null && a.ReceivedMessages > 0) row.Set("messages_received_per_second", Math.Round((a.ReceivedMessages - b.ReceivedMessages) / window.TotalSeconds, 1));
        }
        foreach (var gone in before.Where(b => after.All(a => a.Silo != b.Silo)))
            silos.AddRow(gone.Silo + " (gone)").Set("activations", gone.Activations);

        foreach (var (kind, count, message) in s.Errors.Summary()) report.Notes.Add($"Errors {kind}: {count} (first: {message})");
        if (tickets is not null)
            foreach (var (kind, count, message) in tickets.Errors.Summary()) report.Notes.Add($"Errors ticket {kind}: {count} (first: {message})");
        if (tally.LostIn.Count > 0)
            report.Notes.Add("Lost calls by the state they were left in: " + string.Join(", ", tally.LostIn.Select(p => $"{p.Value} {p.Key}")) + ".");
        if (tally.Other.Count > 0)
            report.Notes.Add("Ended otherwise: " + string.Join(", ", tally.Other.Select(p => $"{p.Value} {p.Key}")) + ".");
        var erlangs = so.Rate * (so.Think + so.Talk + so.WrapUp).TotalSeconds;
        report.Notes.Add($"Offered load about {erlangs:0.#} Erlang (rate × (think + talk + wrap-up)) on {so.Agents} agents: {erlangs / so.Agents:P0} occupancy before the offer's travel to the agent.");
        report.Notes.Add("lost = entered the hotline and not in a final state (ended, abandoned, voicemail, failed) once the grace period was over, or unreadable. service_level = answered within the threshold of entering the queue ÷ (answered + abandoned).");

        report.Targets.Add(new TargetCheck("no lost call", "0", tally.Lost.ToString(CultureInfo.InvariantCulture), tally.Lost == 0, tally.Lost == 0 ? "met" : $"missed: {tally.Lost} lost"));
        if (offer.Count > 0)
            report.Targets.Add(new TargetCheck("enqueue → offer p99", "≤ 10 ms", $"{offer.P99:0.###} ms", offer.P99 <= 10,
                offer.P99 <= 10 ? "met" : $"missed by {offer.P99 - 10:0.###} ms ({offer.P99 / 10:0.#}×)"));
        if (routing is not null)
        {
            report.Targets.Add(new TargetCheck("routing per offer attempt (call and seat free → offer) p99", "≤ 10 ms", $"{routing.P99:0.###} ms", routing.P99 <= 10,
                routing.P99 <= 10 ? "met" : $"missed by {routing.P99 - 10:0.###} ms ({routing.P99 / 10:0.#}×)"));
            var p999 = s.OfferAttempt.Percentile(99.9) / 1000;
            report.Targets.Add(new TargetCheck("routing per offer attempt p99.9", "≤ 50 ms", $"{p999:0.###} ms", p999 <= 50,
                p999 <= 50 ? "met" : $"missed by {p999 - 50:0.###} ms ({p999 / 50:0.#}×)"));
        }
        if (s.EventDelivery.Count > 0)
        {
            var seen = s.EventDelivery.Percentile(99) / 1000;
            report.Targets.Add(new TargetCheck("offer seen at the desk p99", "≤ 100 ms", $"{seen:0.###} ms", seen <= 100,
                seen <= 100 ? "met" : $"missed by {seen - 100:0.###} ms ({seen / 100:0.#}×)"));
        }
        if (so.Rate >= 150)
            report.Targets.Add(new TargetCheck("150 arrivals/s sustained", "≥ 150/s", $"{s.Issued / window.TotalSeconds:0.0}/s", s.Issued / window.TotalSeconds >= 149,
                s.Issued / window.TotalSeconds >= 149 ? "met" : $"missed by {150 - s.Issued / window.TotalSeconds:0.0}/s"));
    }

    internal static void Show(Report report)
    {
        foreach (var table in report.Tables) ConsoleTables.Show(table);
        if (report.Operations.Count > 0)
        {
            var ops = new Table().Title("[bold]Operations (ms)[/]").Border(TableBorder.Rounded);
            foreach (var c in new[] { "operation", "count", "p50", "p90", "p99", "max", "lost" }) ops.AddColumn(c);
            foreach (var (n, op) in report.Operations)
                ops.AddRow(Markup.Escape(n), Report.FormatValue(op.Count), Report.FormatValue(op.P50), Report.FormatValue(op.P90), Report.FormatValue(op.P99), Report.FormatValue(op.Max), op.Lost?.ToString(CultureInfo.InvariantCulture) ?? "");
            AnsiConsole.Write(ops);
        }
        foreach (var t in report.Targets)
            AnsiConsole.MarkupLine($"{(t.Met ? "[green]met   [/]" : "[red]MISSED[/]")} {Markup.Escape(t.Name)}: {Markup.Escape(t.Measured)} (wanted {Markup.Escape(t.Wanted)}){(t.Met ? "" : " — " + Markup.Escape(t.Verdict))}");
    }
}

/// <summary>The silo's heap after full collections: empty, with the seats logged in and idle, and halfway through the load.</summary>
internal sealed class MemoryFigures
{
    private const int MinimumForPerItemVerdict = 500;

    public SiloMemory? Empty { get; set; }
    public SiloMemory? IdleSeats { get; set; }
    public SiloMemory? UnderLoad { get; set; }
    public int ActiveCalls { get; set; }
    public string? Error { get; set; }

    public void Fill(Report report)
    {
        if (Empty is null || IdleSeats is null) return;
        var seats = int.Parse(report.Parameters["agents"], CultureInfo.InvariantCulture);
        var t = report.AddTable("Memory", "figure", "Bytes of the silo's managed heap after a forced, compacting full collection (ISiloProbeGrain: GC.Collect, then GC.GetTotalMemory(true)); one silo only.");
        t.AddRow("heap_empty_bytes").Set("value", Empty.HeapBytes);
        t.AddRow("heap_with_idle_seats_bytes").Set("value", IdleSeats.HeapBytes);
        var perSeat = (IdleSeats.HeapBytes - Empty.HeapBytes) / (double)seats;
        t.AddRow("bytes_per_idle_seat").Set("value", Math.Round(perSeat));
        // With few seats the queue's and the stream's fixed costs dominate the difference: no per-seat verdict then.
        if (seats >= MinimumForPerItemVerdict)
            report.Targets.Add(new TargetCheck("memory per idle seat", "≤ 5 KB", $"{perSeat / 1024:0.0} KB ({seats} seats)", perSeat <= 5 * 1024,
                perSeat <= 5 * 1024 ? "met" : $"missed by {(perSeat - 5 * 1024) / 1024:0.0} KB"));
        else
            report.Notes.Add($"bytes_per_idle_seat with only {seats} seats is mostly fixed costs; use --agents {MinimumForPerItemVerdict} or more for the per-seat figure.");
        if (UnderLoad is not null && ActiveCalls > 0)
        {
            t.AddRow("heap_under_load_bytes").Set("value", UnderLoad.HeapBytes);
            t.AddRow("active_calls_at_measurement").Set("value", ActiveCalls);
            var perCall = (UnderLoad.HeapBytes - IdleSeats.HeapBytes) / (double)ActiveCalls;
            t.AddRow("bytes_per_active_call").Set("value", Math.Round(perCall));
            if (ActiveCalls >= MinimumForPerItemVerdict / 5)
                report.Targets.Add(new TargetCheck("memory per active call", "≤ 20 KB", $"{perCall / 1024:0.0} KB ({ActiveCalls} calls)", perCall <= 20 * 1024,
                    perCall <= 20 * 1024 ? "met" : $"missed by {(perCall - 20 * 1024) / 1024:0.0} KB"));
            report.Notes.Add("bytes_per_active_call = (heap under load − heap with idle seats) ÷ calls in flight at that moment; it includes everything the calls keep alive (call grains and their state, queue entries, finished calls' activations not yet collected), so it is an upper bound.");
        }
        else if (Error is not null) report.Notes.Add($"Memory under load not measured: {Error}");
    }
}
