using System.Diagnostics;
using System.Globalization;
using Hotline.Calls;
using Hotline.LoadTest.Cli;
using Hotline.LoadTest.Cluster;
using Hotline.LoadTest.Reporting;
using Npgsql;

namespace Hotline.LoadTest.Drills;

/// <summary>
/// <c>--rolling-restart AT</c>: from AT into the run, every silo in turn is stopped gracefully (SIGTERM, as a Kubernetes
/// rolling update stops a pod), replaced by a new process and waited for until ready before the next one goes. The report
/// counts what a rolling update must not lose: the calls in flight at each stop and the calls that arrived during the
/// drill (each must end normally, none left open), and the acknowledged work orders (each must be in the database).
/// </summary>
public sealed class RollingRestartDrill(HotlineSession session, Func<IReadOnlyList<string>> inFlight, Func<IReadOnlyList<string>> allCalls, Func<TimeSpan> elapsed)
{
    /// <summary>How long a silo may take to stop before it is killed, like a pod's grace period.</summary>
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(90);

    private readonly List<Restart> _restarts = [];
    private readonly HashSet<string> _inFlightAtStops = new(StringComparer.Ordinal);
    private IReadOnlyList<string> _startedBefore = [];
    private IReadOnlyList<string> _startedDuring = [];

    public bool Active => session.Options.RollingRestartAt is not null;
    public string? Error { get; private set; }
    public TimeSpan? Took { get; private set; }

    private sealed record Restart(int Silo, int InFlight, double StoppedSeconds, int ExitCode, double ReadySeconds);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (session.Options.RollingRestartAt is not { } at || session.Local is not { } local) return;
        try
        {
            var wait = at - elapsed();
            if (wait > TimeSpan.Zero) await Task.Delay(wait, cancellationToken);
            _startedBefore = allCalls();
            var began = Stopwatch.GetTimestamp();
            foreach (var silo in local.Silos.Where(s => !s.Killed).ToList())
            {
                var calls = inFlight();
                _inFlightAtStops.UnionWith(calls);
                HotlineSession.Say($"rolling restart: SIGTERM silo-{silo.Index + 1} (pid {silo.Process.Pid}) with {calls.Count} calls in flight");
                var started = Stopwatch.GetTimestamp();
                var (replacement, stopped, exitCode) = await local.RestartSiloAsync(silo, StopTimeout, cancellationToken);
                var ready = Stopwatch.GetElapsedTime(started);
                _restarts.Add(new Restart(silo.Index + 1, calls.Count, Math.Round(stopped.TotalSeconds, 1), exitCode, Math.Round(ready.TotalSeconds, 1)));
                HotlineSession.Say($"rolling restart: silo-{silo.Index + 1} stopped in {stopped.TotalSeconds:0.0} s (exit {exitCode}), replacement pid {replacement.Process.Pid} ready after {ready.TotalSeconds:0.0} s");
            }
            Took = Stopwatch.GetElapsedTime(began);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Error = "the run was stopped before the rolling restart finished";
        }
        catch (HarnessException e)
        {
            Error = e.Message;
        }
        finally
        {
            _startedDuring = allCalls().Except(_startedBefore).ToList();
        }
    }

    public async Task ReportAsync(Report report, IReadOnlyDictionary<string, CallSnapshot?> finals, IReadOnlyCollection<string> acknowledged, CancellationToken cancellationToken)
    {
        if (!Active) return;
        if (Error is not null) report.Notes.Add($"Rolling restart error: {Error}");
        var restarts = report.AddTable("Rolling restart: each silo", "silo");
        foreach (var r in _restarts)
            restarts.AddRow($"silo-{r.Silo}").Set("calls_in_flight", r.InFlight).Set("stopped_after_seconds", r.StoppedSeconds)
                .Set("exit_code", r.ExitCode).Set("replacement_ready_after_seconds", r.ReadySeconds);
        var t = report.AddTable("Rolling restart", "figure");
        void Figure(string name, double value) => t.AddRow(name).Set("value", value);
        Figure("silos_restarted", _restarts.Count);
        Figure("silos_killed_after_stop_timeout", _restarts.Count(r => r.StoppedSeconds >= StopTimeout.TotalSeconds));
        if (Took is { } took) Figure("drill_seconds", Math.Round(took.TotalSeconds, 1));

        var calls = _inFlightAtStops.Union(_startedDuring).Where(finals.ContainsKey).ToList();
        var lost = calls.Where(id => !FailureDrill.EndedNormally(finals[id])).ToList();
        Figure("calls_in_flight_at_a_stop", _inFlightAtStops.Count);
        Figure("calls_started_during_drill", _startedDuring.Count);
        Figure("calls_lost", lost.Count);
        Figure("calls_lost_with_silo", lost.Count(id => finals[id] is { EndReason: "lost_with_silo" }));
        Figure("calls_left_open", lost.Count(id => FailureDrill.LeftOpen(finals[id])));
        if (lost.Count > 0)
            report.Notes.Add($"Calls lost in the rolling restart: {string.Join(", ", lost.Take(10).Select(id => $"{id} ({finals[id]?.State.ToString() ?? "unreadable"} {finals[id]?.EndReason})"))}.");

        var found = await CountTicketsAsync(acknowledged, cancellationToken);
        Figure("tickets_acknowledged", acknowledged.Count);
        Figure("tickets_found_in_database", found);

        var complete = Error is null && _restarts.Count == session.Options.Silos;
        report.Targets.Add(new TargetCheck("rolling restart: every silo restarted", $"{session.Options.Silos}", $"{_restarts.Count}", complete,
            complete ? "met" : $"missed: {session.Options.Silos - _restarts.Count} not restarted"));
        report.Targets.Add(new TargetCheck("rolling restart: no call lost", "0 lost", $"{lost.Count} of {calls.Count}", lost.Count == 0,
            lost.Count == 0 ? "met" : $"missed: {lost.Count} lost"));
        report.Targets.Add(new TargetCheck("rolling restart: no acknowledged work order lost", $"{acknowledged.Count} found", $"{found} of {acknowledged.Count}",
            found == acknowledged.Count, found == acknowledged.Count ? "met" : $"missed: {acknowledged.Count - found} lost"));
    }

    private async Task<int> CountTicketsAsync(IReadOnlyCollection<string> numbers, CancellationToken cancellationToken)
    {
        if (numbers.Count == 0) return 0;
        await using var connection = new NpgsqlConnection(session.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM tickets WHERE number = ANY($1)", connection);
        command.Parameters.AddWithValue(numbers.ToArray());
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }
}
