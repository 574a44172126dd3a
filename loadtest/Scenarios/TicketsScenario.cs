using System.Globalization;
using Hotline.LoadTest.Cli;
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
    public string Usage => TicketsOptions.Usage;

    public async Task<Report> RunAsync(CommandLine options, ScenarioContext context, CancellationToken cancellationToken)
    {
        var o = TicketsOptions.Parse(options, Environment.GetEnvironmentVariable);
        options.EnsureAllRead();

        var report = new Report
        {
            Scenario = Name,
            Command = context.Command,
            StartedAt = context.Time.GetUtcNow(),
            Machine = MachineInfo.Current(),
            Parameters = o.Describe(),
        };

        using var host = HotlineClient.Build(o.ClientOptions());
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new ScenarioFailedException(
                $"cannot reach the hotline cluster through {EnqueueOptions.RedactPassword(o.Database)}: {e.Message} Is a silo running against that database (--db or ${EnqueueOptions.DatabaseVariable})?", e);
        }
        TicketLoad load;
        TimeSpan window;
        bool drained;
        try
        {
            var client = host.Client();
            report.Notes.Add(await EnsureCategoryAsync(client));
            load = new TicketLoad(client, o);
            AnsiConsole.MarkupLine(o.ClosedLoop
                ? $"[grey]tickets[/] closed loop, {o.Concurrency} outstanding registrations for {Durations.Format(o.Duration)}…"
                : $"[grey]tickets[/] {o.Rate} registrations/s (Poisson) for {Durations.Format(o.Duration)}…");
            var run = o.ClosedLoop ? load.RunClosedAsync(cancellationToken) : load.RunOpenAsync(o.Rate!.Value, cancellationToken);
            await ProgressAsync(load, run, "sending");
            window = await run;
            var drain = load.DrainAsync(cancellationToken);
            await ProgressAsync(load, drain, "draining");
            drained = await drain;
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }

        var ticketRate = FillTickets(report, o, load, window, drained);

        if (o.Pgbench)
        {
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

        report.FinishedAt = context.Time.GetUtcNow();
        foreach (var table in report.Tables) ConsoleTables.Show(table);
        return report;
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
        ratio.AddRow("ratio_tickets_to_inserts").Set("value", Math.Round(ticketRate / best.Tps!.Value, 3));
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
