using System.Globalization;
using Hotline.LoadTest.Cli;
using Hotline.LoadTest.Cluster;
using Hotline.LoadTest.Enqueue;
using Hotline.LoadTest.Reporting;
using Hotline.LoadTest.Tickets;
using Hotline.Tickets;
using Microsoft.Extensions.Hosting;
using Spectre.Console;

namespace Hotline.LoadTest.Scenarios;

/// <summary>
/// <c>tickets</c>: durable work-order registrations per second and their latency against a running silo
/// (<see cref="ITicketIntakeGrain.RegisterAsync"/> returns after the order's row and history are committed),
/// optionally beside pgbench's single-row INSERT rate on the same database.
/// </summary>
public sealed class TicketsScenario : IScenario
{
    public string Name => "tickets";
    public string Summary => "durable ticket registrations per second and latency against a running silo (Poisson rate or closed loop), optionally beside pgbench";
    public string Usage => string.Join('\n', TicketsOptions.Usage, "      --create-only            with --rate N, registrations only instead of the life-cycle mix", HarnessOptions.Usage);

    public async Task<Report> RunAsync(CommandLine options, ScenarioContext context, CancellationToken cancellationToken)
    {
        // --db (or HOTLINE_DB) names a silo's database that is already up; without it the harness starts the hotline.
        var databaseGiven = options.Has("db") || !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(EnqueueOptions.DatabaseVariable));
        var o = TicketsOptions.Parse(options, Environment.GetEnvironmentVariable);
        var createOnly = options.Flag("create-only");
        var harness = HarnessOptions.Parse(options, Environment.GetEnvironmentVariable);
        options.EnsureAllRead();
        if (databaseGiven) harness = harness with { Target = o.Database };
        var mix = o.Rate is not null && !createOnly;

        var report = new Report
        {
            Scenario = Name,
            Command = context.Command,
            StartedAt = context.Time.GetUtcNow(),
            Machine = MachineInfo.Current(),
            Parameters = o.Describe(),
        };
        report.Parameters["mix"] = mix ? string.Join(", ", TicketMix.Operations.Zip(TicketMix.Weights, (op, w) => $"{op} {w:P0}")) : "create only";
        harness.Describe(report.Parameters);

        await using var session = await HotlineSession.StartAsync(harness, context.OutDir, cancellationToken);
        o = o with { Database = session.ConnectionString };
        report.Parameters["database"] = EnqueueOptions.RedactPassword(session.ConnectionString);
        var client = session.Client;
        report.Notes.Add(await EnsureCategoryAsync(client));
        if (mix)
        {
            await RunMixAsync(client, o, report, cancellationToken);
        }
        else
        {
            var load = new TicketLoad(client, o);
            AnsiConsole.MarkupLine(o.ClosedLoop
                ? $"[grey]tickets[/] closed loop, {o.Concurrency} outstanding registrations for {Durations.Format(o.Duration)}…"
                : $"[grey]tickets[/] {o.Rate} registrations/s (Poisson) for {Durations.Format(o.Duration)}…");
            var run = o.ClosedLoop ? load.RunClosedAsync(cancellationToken) : load.RunOpenAsync(o.Rate!.Value, cancellationToken);
            await ProgressAsync(load, run, "sending");
            var window = await run;
            var drain = load.DrainAsync(cancellationToken);
            await ProgressAsync(load, drain, "draining");
            var drained = await drain;
            report.AddOperation("ticket_create", load.Registration);
            var rate = FillTickets(report, o, load, window, drained);
            await PgbenchAsync(report, o, rate, cancellationToken);
        }
        report.FinishedAt = context.Time.GetUtcNow();
        CallsScenario.Show(report);
        return report;
    }

    /// <summary>The life-cycle mix at a Poisson rate of operations, then (with --pgbench) the baseline beside it.</summary>
    private static async Task RunMixAsync(IClusterClient client, TicketsOptions o, Report report, CancellationToken cancellationToken)
    {
        var mix = new TicketMix(client, o);
        try
        {
            await mix.PrepareAsync();
        }
        catch (Exception e) when (ErrorLog.IsClusterFailure(e))
        {
            throw new ScenarioFailedException($"could not set up department {TicketMix.Department}: {e.Message}", e);
        }
        AnsiConsole.MarkupLine($"[grey]tickets[/] {o.Rate} operations/s (Poisson) for {Durations.Format(o.Duration)}: create, dispatch, sign, reply, visit…");
        var last = (Seconds: 0.0, Sent: 0L);
        var progress = new LiveProgress("tickets", report, () =>
        [
            ("elapsed", $"{mix.Elapsed.TotalSeconds:0}s"),
            ("sent", mix.Sent.ToString(CultureInfo.InvariantCulture)),
            ("rate/s", mix.Elapsed.TotalSeconds > 0 ? (mix.Sent / Math.Min(mix.Elapsed.TotalSeconds, o.Duration.TotalSeconds)).ToString("0.0", CultureInfo.InvariantCulture) : "–"),
            ("in flight", mix.InFlight.ToString(CultureInfo.InvariantCulture)),
            ("p99 create", mix.Latencies["create"].Count > 0 ? $"{mix.Latencies["create"].Percentile(99) / 1000:0.#} ms" : "–"),
            ("errors", mix.Failed.ToString(CultureInfo.InvariantCulture)),
        ], at =>
        {
            var sent = mix.Sent;
            var rate = at > last.Seconds ? (sent - last.Sent) / (at - last.Seconds) : 0;
            last = (at, sent);
            var create = mix.Latencies["create"];
            return new ProgressSample(Math.Round(at, 1), Math.Round(rate, 2), mix.InFlight, create.Count > 0 ? create.Percentile(99) / 1000 : null, mix.Failed);
        });
        var run = mix.RunOpenAsync(o.Rate!.Value, cancellationToken);
        await progress.WatchAsync(run, "sending");
        var window = await run;
        var drain = mix.DrainAsync(cancellationToken);
        await progress.WatchAsync(drain, "draining");
        await drain;

        foreach (var op in TicketMix.Operations) report.AddOperation(op, mix.Latencies[op]);
        var t = report.AddTable("Operations", "operation", $"Latency in ms of operations sent after the first {Durations.Format(o.Warmup)}; count_all includes the warm-up.");
        foreach (var op in TicketMix.Operations)
            mix.Latencies[op].AddTo(t.AddRow(op), "ms", 1000).Set("count_all", mix.Counts.GetValueOrDefault(op));
        var figures = report.AddTable("Tickets", "figure");
        figures.AddRow("target_operations_per_second").Set("value", o.Rate!.Value);
        figures.AddRow("operations_per_second").Set("value", Math.Round(mix.Succeeded / window.TotalSeconds, 1));
        figures.AddRow("creates_per_second").Set("value", Math.Round(mix.Counts.GetValueOrDefault("create") / window.TotalSeconds, 1));
        figures.AddRow("sent").Set("value", mix.Sent);
        figures.AddRow("errors").Set("value", mix.Failed);
        figures.AddRow("outstanding_at_end").Set("value", mix.InFlight);
        foreach (var (kind, count, message) in mix.Errors.Summary()) report.Notes.Add($"Errors {kind}: {count} (first: {message})");
        report.Notes.Add("Each arrival picks an operation by weight and takes an order that reached the step before it; when none is waiting it registers a new order instead, so creates run above their weight at the start. Every operation returns after the order's row and history are committed.");
        var create = report.Operations["create"];
        if (o.Rate >= 1000 && create.Count > 0)
            report.Targets.Add(new TargetCheck("ticket create p99 at 1,000/s", "≤ 50 ms", $"{create.P99:0.#} ms", create.P99 <= 50, create.P99 <= 50 ? "met" : $"missed by {create.P99 - 50:0.#} ms"));
        await PgbenchAsync(report, o, mix.Counts.GetValueOrDefault("create") / window.TotalSeconds, cancellationToken);
    }

    private static async Task PgbenchAsync(Report report, TicketsOptions o, double ticketRate, CancellationToken cancellationToken)
    {
        if (!o.Pgbench) return;
        string synchronousCommit;
        IReadOnlyList<PgbenchResult> results;
        try
        {
            synchronousCommit = await Pgbench.ShowAsync(o.Database, "synchronous_commit", cancellationToken);
            AnsiConsole.MarkupLine($"[grey]tickets[/] pgbench baseline on the same database (synchronous_commit = {synchronousCommit})…");
            results = await Pgbench.RunAsync(o, line => AnsiConsole.MarkupLine($"[grey]pgbench[/] {Markup.Escape(line)}"), cancellationToken);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or IOException)
        {
            throw new ScenarioFailedException($"pgbench baseline: cannot prepare the database: {e.Message}", e);
        }
        report.Parameters["synchronous_commit"] = synchronousCommit;
        FillPgbench(report, o, results, synchronousCommit, ticketRate);
    }

    /// <summary>Adds <c>housing-fund</c> to the catalogue when it lacks it, keeping every other category and rule.</summary>
    internal static async Task<string> EnsureCategoryAsync(IClusterClient client)
    {
        var catalogue = client.GetGrain<ICatalogueGrain>(ICatalogueGrain.Centre);
        try
        {
            var current = await catalogue.GetAsync();
            if (current.Categories.Any(c => c.Id == TicketIntakes.Category))
                return $"The catalogue (version {current.Version}) already had category `{TicketIntakes.Category}`; left as it was.";
            var saved = await catalogue.SaveAsync([.. current.Categories, TicketIntakes.HousingFund], current.Rules);
            return $"The catalogue had no category `{TicketIntakes.Category}`: added it (catalogue version {saved.Version}, {saved.Categories.Count} categories, no dispatch rule for it).";
        }
        catch (Exception e) when (ErrorLog.IsClusterFailure(e))
        {
            throw new ScenarioFailedException($"could not read or update the catalogue: {e.Message}", e);
        }
    }

    private static double FillTickets(Report report, TicketsOptions o, TicketLoad load, TimeSpan window, bool drained)
    {
        var measuredSeconds = Math.Max(0.001, (load.LastCompletion - o.Warmup).TotalSeconds);
        var rate = load.MeasuredSucceeded / measuredSeconds;

        var latency = report.AddTable("Registration latency", "measured as",
            $"Milliseconds; successful registrations sent after the first {Durations.Format(o.Warmup)}.");
        load.Registration.AddTo(latency.AddRow("client: RegisterAsync round trip"), "ms", 1000);
        if (!o.ClosedLoop)
            load.ScheduleLag.AddTo(latency.AddRow("driver: sent after its scheduled time (all)"), "ms", 1000);

        var figures = report.AddTable("Registrations", "figure");
        void Figure(string name, double value) => figures.AddRow(name).Set("value", value);
        if (o.Rate is { } target) Figure("target_rate_per_second", target);
        else Figure("concurrency", o.Concurrency);
        Figure("registrations_per_second", Math.Round(rate, 1));
        Figure("sent_per_second", Math.Round(load.Sent / window.TotalSeconds, 1));
        Figure("send_window_seconds", Math.Round(window.TotalSeconds, 1));
        Figure("sent", load.Sent);
        Figure("succeeded", load.Succeeded);
        Figure("succeeded_after_warmup", load.MeasuredSucceeded);
        Figure("errors", load.Failed);
        Figure("outstanding_at_end", load.InFlight);

        var errors = load.Errors.Summary();
        if (errors.Count > 0)
        {
            var table = report.AddTable("Errors", "operation: kind");
            foreach (var (kind, count, message) in errors)
            {
                table.AddRow(kind).Set("count", count);
                report.Notes.Add($"First {kind}: {message}");
            }
        }
        if (!drained)
            report.Notes.Add($"{load.InFlight} registrations were still outstanding {Durations.Format(o.Grace)} after the last was sent; they are neither successes nor errors here.");
        report.Notes.Add($"registrations_per_second = successful registrations sent after the first {Durations.Format(o.Warmup)} ÷ the time from then to the last registration that finished ({measuredSeconds:0.0} s). " +
            "Each registration returns only after the order's row and its history are committed to PostgreSQL (ITicketIntakeGrain.RegisterAsync → ITicketGrain.CreateAsync).");
        report.Notes.Add(o.ClosedLoop
            ? $"Closed loop: {o.Concurrency} workers, each sending its next registration as soon as the last returned (10 ms pause after an error), so the rate is the ceiling at that concurrency and the latency includes queueing inside the silo and PostgreSQL."
            : "Open model: Poisson arrivals sent on schedule without waiting for earlier registrations, so a slow system builds a backlog that shows in the latency instead of lowering the rate.");
        report.Notes.Add("Intakes: phone channel, category housing-fund, kinds consultation 55 % / complaint 30 % / help 10 % / suggestion 5 %, Chinese summary and a content of ~100 characters, a caller's mobile number, a district; actor 9900 (integration).");
        return rate;
    }

    private static void FillPgbench(Report report, TicketsOptions o, IReadOnlyList<PgbenchResult> results, string synchronousCommit, double ticketRate)
    {
        var table = report.AddTable("pgbench: single-row INSERT on the same database", "clients",
            $"`pgbench -n -f script -c C -j min(2,C) -T {Math.Round(o.PgbenchDuration.TotalSeconds)}`, script `{Pgbench.Script.Trim()}`, table `{Pgbench.Table}(id bigserial primary key, payload text)`, synchronous_commit = {synchronousCommit}; one transaction = one INSERT (autocommit).");
        foreach (var r in results)
        {
            var row = table.AddRow(r.Clients.ToString(CultureInfo.InvariantCulture));
            if (r.Tps is { } tps) row.Set("tps", Math.Round(tps, 1));
            if (r.LatencyAverageMs is { } latency) row.Set("latency_average_ms", latency);
            if (r.Transactions is { } n) row.Set("transactions", n);
            if (r.Failed is { } failed) row.Set("failed", failed);
            if (r.Error is { } error) report.Notes.Add($"pgbench -c {r.Clients} failed: {error}");
        }
        var best = results.Where(r => r.Tps is not null).MaxBy(r => r.Tps);
        if (best is null)
        {
            report.Notes.Add("No pgbench run gave a rate, so there is no ratio.");
            return;
        }
        var ratio = report.AddTable("Ticket registrations against the database's own insert rate", "figure");
        ratio.AddRow("ticket_registrations_per_second").Set("value", Math.Round(ticketRate, 1));
        ratio.AddRow("pgbench_best_inserts_per_second").Set("value", Math.Round(best.Tps!.Value, 1));
        ratio.AddRow("pgbench_best_clients").Set("value", best.Clients);
        var share = ticketRate / best.Tps!.Value;
        ratio.AddRow("ratio_tickets_to_inserts").Set("value", Math.Round(share, 3));
        report.Targets.Add(new TargetCheck("durable ticket creation ≥ half of pgbench's insert rate", $"≥ {best.Tps.Value / 2:0}/s (0.5)",
            $"{ticketRate:0.#}/s ({share:0.###})", share >= 0.5, share >= 0.5 ? "met" : $"missed by {best.Tps.Value / 2 - ticketRate:0}/s ({0.5 / Math.Max(share, 1e-9):0.#}× short)"));
        report.Notes.Add("pgbench ran after the ticket load had finished (the silo still running, idle), so the two did not compete; bench_insert was dropped afterwards. " +
            "A ticket registration is more than one INSERT (the order's row and its history, in one transaction, plus the silo's own work), so a ratio well below 1 is expected; it shows how far the registration path is from the database's own commit limit on this machine.");
    }

    /// <summary>A line every 5 s until <paramref name="work"/> ends.</summary>
    private static async Task ProgressAsync(TicketLoad load, Task work, string phase)
    {
        while (await Task.WhenAny(work, Task.Delay(TimeSpan.FromSeconds(5))) != work)
            Console.WriteLine($"[{phase}] {Line(load)}");
        Console.WriteLine($"[{phase} done] {Line(load)}");
    }

    private static string Line(TicketLoad load)
    {
        var p99 = load.Registration.Count > 0 ? Report.FormatValue(load.Registration.Percentile(99) / 1000) + " ms" : "–";
        return $"elapsed {load.Elapsed.TotalSeconds:0}s  sent {load.Sent}  succeeded {load.Succeeded}  outstanding {load.InFlight}  errors {load.Failed}  p99 {p99}";
    }
}
