using Hotline.LoadTest.Cluster;
using Hotline.LoadTest.Enqueue;
using Hotline.LoadTest.Reporting;
using Hotline.LoadTest.Scenarios;

namespace Hotline.Tests;

/// <summary>
/// The failure drill at small scale with real processes: three silos on the test PostgreSQL (./test.sh starts it),
/// calls and work orders flowing, one silo SIGKILLed. Checks the properties, not the timings.
/// </summary>
public sealed class KillDrillTests
{
    [Fact]
    public async Task A_silo_killed_during_calls_leaves_no_call_open_loses_no_acknowledged_ticket_or_due_reminder_and_the_cluster_serves_again()
    {
        var server = Environment.GetEnvironmentVariable("HOTLINE_TEST_DB")
            ?? throw new InvalidOperationException("HOTLINE_TEST_DB is not set: run the tests with ./test.sh, which starts a throw-away PostgreSQL and sets it.");
        var logs = Directory.CreateTempSubdirectory("kill-drill-");
        var harness = new HarnessOptions { Silos = 3, PgServer = server, Api = false, KillSiloAt = TimeSpan.FromSeconds(8), Logs = logs.FullName };
        var options = DrillLoad(grace: TimeSpan.FromSeconds(40));

        Report report;
        await using (var session = await HotlineSession.StartAsync(harness, null, CancellationToken.None))
        {
            report = await CallsScenario.RunAsync("calls", session, options, new ScenarioContext("kill drill test", TimeProvider.System), null, CancellationToken.None);
            Assert.True(session.Local!.Silos.Single(s => s.Killed).Process.HasExited);
        }

        var drill = report.Tables.Single(t => t.Title == "Failure drill: kill-silo").Rows.ToDictionary(r => r.Name, r => r.Values["value"]);
        // Every failure message carries the whole drill table, the report's notes and where the silos' logs are kept.
        var context = string.Join(Environment.NewLine, drill.Select(f => $"{f.Key} = {f.Value}").Concat(report.Notes).Prepend($"logs in {logs.FullName}"));
        void Check(bool holds, string what) => Assert.True(holds, $"{what}{Environment.NewLine}{context}");

        Check(drill["tickets_acknowledged"] > 0, "no work order was acknowledged");
        Check(drill["tickets_acknowledged"] == drill["tickets_found_in_database"], "an acknowledged work order is missing from the database");
        // No live call on a survivor is lost. About a third of them had their grain-directory entry on the killed silo;
        // the default directory lost those entries and deactivated the calls, the distributed directory rebuilds them.
        Check(drill["calls_on_surviving_silos"] >= 5, "too few calls were live on the survivors at the kill to tell");
        Check(drill["calls_on_surviving_silos_dropped"] == 0, "calls were dropped on the surviving silos");
        // No call is left open: every call on a survivor, and every call that arrived while the killed silo was not yet
        // declared dead, ended (a call whose "wrap-up done" was lost is read again until its heartbeat ends it).
        Check(drill["calls_on_surviving_silos_left_open"] == 0, "calls were left open on the survivors");
        Check(drill["calls_started_during_outage_left_open"] == 0, "calls that arrived in the outage were left open");
        Check(drill["calls_waiting_in_queue_at_fault"] == drill["calls_waiting_answered"] + drill["calls_waiting_abandoned_by_caller"],
            "a call waiting in the queue at the kill was neither answered nor abandoned by its caller");
        Check(drill["reminders_due_during_outage"] == drill["reminders_fired_afterwards"], "a reminder due in the outage did not fire");
        Check(double.IsFinite(drill["served_again_after_seconds"]), "the cluster did not serve again after the kill");
        logs.Delete(recursive: true);
    }

    [Fact]
    public async Task A_database_restart_during_calls_loses_no_acknowledged_ticket_and_the_cluster_serves_again()
    {
        // The drill stops and starts the PostgreSQL the harness owns, so it gets its own server on a port of its own.
        var port = int.TryParse(Environment.GetEnvironmentVariable("HOTLINE_TEST_DRILL_PG_PORT"), out var p) ? p : 55446;
        var logs = Directory.CreateTempSubdirectory("restart-db-drill-");
        var harness = new HarnessOptions { Silos = 1, PgPort = port, Api = false, RestartDbAt = TimeSpan.FromSeconds(8), DbDown = TimeSpan.FromSeconds(3), Logs = logs.FullName };
        var options = DrillLoad(grace: TimeSpan.FromSeconds(30));

        Report report;
        await using (var session = await HotlineSession.StartAsync(harness, null, CancellationToken.None))
            report = await CallsScenario.RunAsync("calls", session, options, new ScenarioContext("restart-db drill test", TimeProvider.System), null, CancellationToken.None);

        var drill = report.Tables.Single(t => t.Title == "Failure drill: restart-db").Rows.ToDictionary(r => r.Name, r => r.Values["value"]);
        Assert.True(drill["tickets_acknowledged"] > 0);
        Assert.Equal(drill["tickets_acknowledged"], drill["tickets_found_in_database"]);
        Assert.Equal(drill["reminders_due_during_outage"], drill["reminders_fired_afterwards"]);
        Assert.True(double.IsFinite(drill["served_again_after_seconds"]), "the cluster served again after the restart");
        // Every call's record can be read back after the restart: nothing was left unreadable.
        Assert.DoesNotContain(report.Notes, n => n.StartsWith("Lost calls by the state", StringComparison.Ordinal) && n.Contains("unreadable", StringComparison.Ordinal));
        logs.Delete(recursive: true);
    }

    /// <summary>
    /// The small call centre both drills run: 4 calls and 4 work orders a second for 20 s, 30 agents talking 4 s on
    /// average (about 17 calls talking at once, so a kill finds some whose directory entry it takes down).
    /// </summary>
    private static CallsOptions DrillLoad(TimeSpan grace) => new()
    {
        Simulation = new EnqueueOptions
        {
            Rate = 4,
            Duration = TimeSpan.FromSeconds(20),
            Agents = 30,
            Think = TimeSpan.FromMilliseconds(100),
            Talk = TimeSpan.FromSeconds(4),
            WrapUp = TimeSpan.FromMilliseconds(100),
            Patience = TimeSpan.FromSeconds(30),
            Warmup = TimeSpan.Zero,
            Grace = grace,
            RingTimeoutSeconds = 15,
        },
        TicketsRate = 4,
        Memory = false,
    };
}
