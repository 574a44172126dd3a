using System.Diagnostics;
using System.Globalization;
using Hotline.Calls;
using Hotline.Diagnostics;
using Hotline.LoadTest.Cli;
using Hotline.LoadTest.Cluster;
using Hotline.LoadTest.Reporting;
using Hotline.Queues;
using Npgsql;
using Orleans.Runtime;

namespace Hotline.LoadTest.Drills;

/// <summary>
/// The failures injected during a run (<c>--kill-silo AT</c>, <c>--restart-db AT</c>) and what the report says
/// about them: acknowledged work orders against the database, calls in flight at the fault by where they lived,
/// reminders due during the outage, and how long until the cluster served again.
/// </summary>
public sealed class FailureDrill(HotlineSession session, string queueId, Func<IReadOnlyList<string>> inFlight, Func<IReadOnlyList<string>> allCalls, Func<TimeSpan> elapsed)
{
    private const int ReminderProbes = 10;
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);
    private readonly IClusterClient _client = session.Client;
    private readonly List<string> _probeKeys = [];
    private readonly Dictionary<string, string> _callSilo = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _callState = new(StringComparer.Ordinal);
    private int _probeWrites;

    public HarnessOptions Options => session.Options;
    public bool Active => Options.KillSiloAt is not null || Options.RestartDbAt is not null;
    public TimeSpan? FaultAt => Options.KillSiloAt ?? Options.RestartDbAt;
    public string Kind => Options.KillSiloAt is not null ? "kill-silo" : "restart-db";

    public SiloProcess? Victim { get; private set; }
    public string? VictimAddress { get; private set; }
    public string? VictimReason { get; private set; }
    public DateTimeOffset? FaultTime { get; private set; }
    /// <summary>From the fault to the first probe round that fully succeeded.</summary>
    public TimeSpan? ServedAgainAfter { get; private set; }
    /// <summary>Restart-db: from PostgreSQL accepting connections again to the first full probe round.</summary>
    public TimeSpan? ServedAgainAfterDatabaseBack { get; private set; }
    public TimeSpan? DeclaredDeadAfter { get; private set; }
    public int FailedProbeRounds { get; private set; }
    public string? FirstProbeError { get; private set; }
    public IReadOnlyList<string> InFlightAtFault { get; private set; } = [];
    private IReadOnlyList<string> _startedBeforeFault = [];
    /// <summary>Calls the driver started between the fault and the first full probe round.</summary>
    public IReadOnlyList<string> StartedDuringOutage { get; private set; } = [];
    public string? Error { get; private set; }

    /// <summary>Arms the reminder probes to fall due one after another during the seconds after the planned fault.</summary>
    public async Task ArmAsync(DateTimeOffset runStart, string runTag)
    {
        if (FaultAt is not { } at) return;
        var outage = Options.RestartDbAt is not null ? Options.DbDown : TimeSpan.FromSeconds(20);
        for (var i = 0; i < ReminderProbes; i++)
        {
            var key = $"drill-{runTag}-{i}";
            _probeKeys.Add(key);
            var due = runStart + at + TimeSpan.FromTicks(outage.Ticks * (i + 1) / ReminderProbes);
            await _client.GetGrain<IReminderProbeGrain>(key).ArmAsync(due);
        }
    }

    /// <summary>Waits for the fault's time into the run, injects it and measures the recovery.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (FaultAt is not { } at || session.Local is not { } local) return;
        try
        {
            var wait = at - elapsed();
            if (wait > TimeSpan.Zero) await Task.Delay(wait, cancellationToken);
            if (Options.KillSiloAt is not null) await KillAsync(local, cancellationToken);
            else await RestartDatabaseAsync(local, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Error = "the run was stopped before the drill finished";
        }
        catch (Exception e) when (e is HarnessException or NpgsqlException or OrleansException or TimeoutException)
        {
            Error = e.Message;
        }
    }

    private async Task KillAsync(LocalHotline local, CancellationToken cancellationToken)
    {
        var view = new ClusterView(_client);
        var queueSilo = await view.ActivationSiloAsync(_client.GetGrain<IQueueGrain>(queueId));
        Victim = local.Silos.FirstOrDefault(s => !s.Killed && queueSilo is not null && s.SiloPort == queueSilo.Endpoint.Port);
        VictimReason = $"it held queue {queueId}";
        if (Victim is null)
        {
            Victim = local.Silos.Last(s => !s.Killed);
            VictimReason = $"the last silo (queue {queueId} was on {queueSilo}, not one of ours)";
        }
        VictimAddress = (await view.AddressOfAsync(Victim.SiloPort))?.ToParsableString();
        await SnapshotCallsAsync(local, cancellationToken);

        var faultAt = Stopwatch.GetTimestamp();
        FaultTime = DateTimeOffset.UtcNow;
        local.KillSilo(Victim, FaultTime.Value);
        HotlineSession.Say($"SIGKILL silo-{Victim.Index + 1} (pid {Victim.Process.Pid}, {VictimReason}) with {InFlightAtFault.Count} calls in flight");

        var dead = WatchMembershipAsync(view, faultAt, cancellationToken);
        ServedAgainAfter = await WaitServedAsync(faultAt, cancellationToken);
        HotlineSession.Say($"cluster served again {ServedAgainAfter?.TotalSeconds:0.0} s after the kill");
        await dead;
    }

    private async Task WatchMembershipAsync(ClusterView view, long faultAt, CancellationToken cancellationToken)
    {
        var deadline = faultAt + Stopwatch.Frequency * 120;
        while (Stopwatch.GetTimestamp() < deadline && !cancellationToken.IsCancellationRequested)
        {
            try
            {
                var hosts = await view.HostsAsync().WaitAsync(ProbeTimeout, cancellationToken);
                if (hosts.Any(h => h.Address.ToParsableString() == VictimAddress && h.Status == SiloStatus.Dead))
                {
                    DeclaredDeadAfter = Stopwatch.GetElapsedTime(faultAt);
                    return;
                }
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                // The management grain may itself have lived on the dead silo: ask again.
            }
            await Task.Delay(250, cancellationToken);
        }
    }

    private async Task RestartDatabaseAsync(LocalHotline local, CancellationToken cancellationToken)
    {
        await SnapshotCallsAsync(local, cancellationToken);
        var faultAt = Stopwatch.GetTimestamp();
        FaultTime = DateTimeOffset.UtcNow;
        HotlineSession.Say($"stopping PostgreSQL for {Durations.Format(Options.DbDown)} with {InFlightAtFault.Count} calls in flight");
        await local.RestartDatabaseAsync(Options.DbDown, cancellationToken);
        var back = Stopwatch.GetTimestamp();
        HotlineSession.Say($"PostgreSQL is back after {Stopwatch.GetElapsedTime(faultAt).TotalSeconds:0.0} s");
        ServedAgainAfter = await WaitServedAsync(faultAt, cancellationToken);
        if (ServedAgainAfter is not null) ServedAgainAfterDatabaseBack = ServedAgainAfter - Stopwatch.GetElapsedTime(faultAt, back);
        HotlineSession.Say($"cluster served again {ServedAgainAfter?.TotalSeconds:0.0} s after the stop");
    }

    /// <summary>Where each call in flight lives and in which state, read from call_records just before the fault.</summary>
    private async Task SnapshotCallsAsync(LocalHotline local, CancellationToken cancellationToken)
    {
        InFlightAtFault = inFlight();
        _startedBeforeFault = allCalls();
        await using var connection = Unpooled(local.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT call_id, coalesce(silo, ''), state FROM call_records WHERE call_id = ANY($1)", connection);
        command.Parameters.AddWithValue(InFlightAtFault.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            _callSilo[reader.GetString(0)] = reader.GetString(1);
            _callState[reader.GetString(0)] = reader.GetString(2);
        }
    }

    /// <summary>
    /// Probe rounds every 250 ms until one fully succeeds within 2 s: the queue, ten grains never activated
    /// before (placed anew, possibly on a silo not yet known dead) and one durable write (grain state and a reminder row).
    /// </summary>
    private async Task<TimeSpan?> WaitServedAsync(long faultAt, CancellationToken cancellationToken)
    {
        try
        {
            return await ProbeUntilServedAsync(faultAt, cancellationToken);
        }
        finally
        {
            StartedDuringOutage = allCalls().Except(_startedBeforeFault).ToList();
        }
    }

    private async Task<TimeSpan?> ProbeUntilServedAsync(long faultAt, CancellationToken cancellationToken)
    {
        var deadline = faultAt + Stopwatch.Frequency * 180;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var round = Interlocked.Increment(ref _probeWrites);
                var probes = Enumerable.Range(0, 10)
                    .Select(_ => _client.GetGrain<IPingGrain>(Random.Shared.NextInt64()).PingAsync())
                    .Append(_client.GetGrain<IQueueGrain>(queueId).GetAsync())
                    .Append(_client.GetGrain<IReminderProbeGrain>($"served-{Guid.NewGuid():N}-{round}").ArmAsync(DateTimeOffset.UtcNow.AddHours(1)));
                await Task.WhenAll(probes).WaitAsync(ProbeTimeout, cancellationToken);
                return Stopwatch.GetElapsedTime(faultAt);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                FailedProbeRounds++;
                FirstProbeError ??= $"{e.GetType().Name}: {e.Message}";
            }
            await Task.Delay(250, cancellationToken);
        }
        return null;
    }

    /// <summary>After the run: reminder probes, tickets in the database, calls by where they lived; into the report.</summary>
    public async Task ReportAsync(Report report, IReadOnlyDictionary<string, CallSnapshot?> finals, IReadOnlyCollection<string> acknowledged, CancellationToken cancellationToken)
    {
        if (!Active) return;
        var t = report.AddTable($"Failure drill: {Kind}", "figure");
        void Figure(string name, double value) => t.AddRow(name).Set("value", value);
        if (Error is not null) report.Notes.Add($"Drill error: {Error}");
        if (FaultTime is null)
        {
            report.Notes.Add("The drill's fault was never injected (the run ended first).");
            return;
        }
        Figure("fault_at_seconds", FaultAt!.Value.TotalSeconds);
        if (Victim is not null) report.Notes.Add($"Killed silo-{Victim.Index + 1} ({VictimAddress ?? "address unknown"}) with SIGKILL: {VictimReason}.");
        if (DeclaredDeadAfter is { } dead) Figure("declared_dead_after_seconds", Math.Round(dead.TotalSeconds, 1));
        Figure("served_again_after_seconds", ServedAgainAfter is { } s ? Math.Round(s.TotalSeconds, 1) : double.NaN);
        if (ServedAgainAfterDatabaseBack is { } b) Figure("served_again_after_database_back_seconds", Math.Round(b.TotalSeconds, 1));
        Figure("failed_probe_rounds", FailedProbeRounds);
        if (FirstProbeError is not null) report.Notes.Add($"First failed probe after the fault: {FirstProbeError}");

        // Work orders: every acknowledged number must be in the database.
        var found = await CountTicketsAsync(acknowledged, cancellationToken);
        Figure("tickets_acknowledged", acknowledged.Count);
        Figure("tickets_found_in_database", found);

        // Calls in flight at the fault, by where their grain lived.
        var victim = VictimAddress ?? "";
        // A call whose StartAsync had not returned at the fault has no record yet, so the snapshot cannot say where it
        // lived; if it was later recorded lost_with_silo its grain was on the killed silo (only a call reactivated away
        // from its media is recorded so), and it is counted there rather than as dropped on a survivor.
        var unrecorded = InFlightAtFault.Where(id => !_callSilo.ContainsKey(id)).ToList();
        var onVictim = InFlightAtFault.Where(id => victim.Length > 0 && (_callSilo.GetValueOrDefault(id) == victim
            || (!_callSilo.ContainsKey(id) && finals.GetValueOrDefault(id) is { EndReason: "lost_with_silo" }))).ToList();
        // A call whose start was on its way at the fault, failed with an error to the caller and left no record never
        // entered the hotline: it lived on no silo. It is counted apart (the start errors say what the caller saw).
        var neverEntered = InFlightAtFault.Where(id => !finals.ContainsKey(id)).ToList();
        var onSurvivors = InFlightAtFault.Except(onVictim).Except(neverEntered).ToList();
        var waiting = onSurvivors.Where(id => _callState.GetValueOrDefault(id) == "queued").ToList();
        Figure("calls_in_flight_at_fault", InFlightAtFault.Count);
        if (Options.KillSiloAt is not null)
        {
            Figure("calls_in_flight_without_record_at_fault", unrecorded.Count);
            Figure("calls_in_flight_whose_start_failed_without_entering", neverEntered.Count);
            Figure("calls_on_dead_silo", onVictim.Count);
            Figure("calls_on_dead_silo_recorded_lost_with_silo", onVictim.Count(id => finals.GetValueOrDefault(id) is { EndReason: "lost_with_silo" }));
        }
        var (ok, dropped) = Outcomes(onSurvivors, finals);
        Figure(Options.KillSiloAt is not null ? "calls_on_surviving_silos" : "calls_in_flight_ended_normally_or_not", onSurvivors.Count);
        Figure("calls_on_surviving_silos_ended_normally", ok);
        if (dropped > 0)
            report.Notes.Add($"Calls dropped on the surviving silos: {string.Join(", ", onSurvivors.Where(id => !EndedNormally(finals.GetValueOrDefault(id))).Select(id => $"{id} ({Describe(finals.GetValueOrDefault(id))}, recorded on {_callSilo.GetValueOrDefault(id, "no silo yet")})"))}.");
        Figure("calls_on_surviving_silos_dropped", dropped);
        // Of those, the ones read back in no final state (a caller stranded, or a record never finished), and the ones
        // whose conversation was over and only the record's final step (wrap-up done) was missing.
        Figure("calls_on_surviving_silos_left_open", onSurvivors.Count(id => LeftOpen(finals.GetValueOrDefault(id))));
        Figure("calls_on_surviving_silos_left_in_wrapup", onSurvivors.Count(id => finals.GetValueOrDefault(id) is { State: CallState.Wrapup }));
        Figure("calls_waiting_in_queue_at_fault", waiting.Count);
        Figure("calls_waiting_answered", waiting.Count(id => finals.GetValueOrDefault(id) is { State: CallState.Ended, AnsweredAt: not null }));
        Figure("calls_waiting_abandoned_by_caller", waiting.Count(id => finals.GetValueOrDefault(id) is { State: CallState.Abandoned }));
        if (Options.KillSiloAt is not null)
            report.Notes.Add($"The queue grain {queueId} lived on the killed silo; the {waiting.Count} calls waiting in it whose own grain lived on a survivor had to be offered by the queue's new activation.");

        // Calls that arrived while the cluster was not serving: whatever happened to them, none may be left hanging.
        var outage = StartedDuringOutage.Where(finals.ContainsKey).ToList();
        Figure("calls_started_during_outage", outage.Count);
        Figure("calls_started_during_outage_answered", outage.Count(id => finals[id] is { State: CallState.Ended, AnsweredAt: not null }));
        Figure("calls_started_during_outage_abandoned", outage.Count(id => finals[id] is { State: CallState.Abandoned }));
        Figure("calls_started_during_outage_failed", outage.Count(id => finals[id] is { State: CallState.Failed }));
        var hanging = outage.Where(id => finals[id] is null || LeftOpen(finals[id])).ToList();
        Figure("calls_started_during_outage_left_hanging", hanging.Count);
        Figure("calls_started_during_outage_left_open", hanging.Count(id => LeftOpen(finals[id])));
        Figure("calls_started_during_outage_left_in_wrapup", hanging.Count(id => finals[id] is { State: CallState.Wrapup }));
        if (hanging.Count > 0)
            report.Notes.Add($"{hanging.Count} calls that arrived during the outage were never ended (states: {string.Join(", ", hanging.GroupBy(id => finals[id]?.State.ToString() ?? "unreadable").Select(g => $"{g.Count()} {g.Key}"))}); e.g. {string.Join(", ", hanging.Take(3))}.");

        // Reminders due during the outage.
        var probes = await WaitRemindersAsync(cancellationToken);
        Figure("reminders_due_during_outage", probes.Count);
        Figure("reminders_fired_afterwards", probes.Count(p => p.FiredAt is not null));
        var late = probes.Where(p => p is { FiredAt: not null, DueAt: not null }).Select(p => (p.FiredAt!.Value - p.DueAt!.Value).TotalSeconds).ToList();
        if (late.Count > 0) Figure("reminder_max_lateness_seconds", Math.Round(late.Max(), 1));

        report.Targets.Add(Check("no acknowledged work order lost", $"{acknowledged.Count} found", $"{found} of {acknowledged.Count} in the database", found == acknowledged.Count,
            found == acknowledged.Count ? "met" : $"missed: {acknowledged.Count - found} lost"));
        report.Targets.Add(Check("no call dropped on the surviving silos", "0 dropped", $"{dropped} of {onSurvivors.Count}", dropped == 0, dropped == 0 ? "met" : $"missed: {dropped} dropped"));
        report.Targets.Add(Check("reminders due in the outage fire afterwards", $"{probes.Count} fired", $"{probes.Count(p => p.FiredAt is not null)} fired",
            probes.All(p => p.FiredAt is not null), probes.All(p => p.FiredAt is not null) ? "met" : $"missed: {probes.Count(p => p.FiredAt is null)} never fired"));
        if (ServedAgainAfter is { } served)
            report.Targets.Add(Check("service resumes within 30 s", "≤ 30 s", $"{served.TotalSeconds:0.0} s", served.TotalSeconds <= 30,
                served.TotalSeconds <= 30 ? "met" : $"missed by {served.TotalSeconds - 30:0.0} s"));
        else
            report.Targets.Add(Check("service resumes within 30 s", "≤ 30 s", "never within 180 s", false, "missed"));
    }

    /// <summary>
    /// A connection of its own: a pooled one opened before a database restart is dead afterwards and fails its
    /// first command (57P01), which would make the drill's own check fail instead of the hotline.
    /// </summary>
    private static NpgsqlConnection Unpooled(string connectionString) =>
        new(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);

    private static TargetCheck Check(string name, string wanted, string measured, bool met, string verdict) => new(name, wanted, measured, met, verdict);

    private static string Describe(CallSnapshot? call) => call is null ? "unreadable" : $"{call.State} {call.EndReason}".Trim();

    private static (int Ok, int Dropped) Outcomes(IEnumerable<string> ids, IReadOnlyDictionary<string, CallSnapshot?> finals)
    {
        var (ok, dropped) = (0, 0);
        foreach (var id in ids)
        {
            if (EndedNormally(finals.GetValueOrDefault(id))) ok++;
            else dropped++;
        }
        return (ok, dropped);
    }

    /// <summary>Read back and not in a final state: a caller stranded (queued, ringing, talking) or a record never finished.</summary>
    internal static bool LeftOpen(CallSnapshot? call) =>
        call is not null && !call.State.IsFinal();

    internal static bool EndedNormally(CallSnapshot? call) =>
        call is { State: CallState.Ended or CallState.Abandoned } && call.EndReason != "lost_with_silo";

    private async Task<int> CountTicketsAsync(IReadOnlyCollection<string> numbers, CancellationToken cancellationToken)
    {
        if (numbers.Count == 0) return 0;
        await using var connection = Unpooled(session.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM tickets WHERE number = ANY($1)", connection);
        command.Parameters.AddWithValue(numbers.ToArray());
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    /// <summary>Reads the probes until all fired or two minutes passed (a reminder that failed its tick fires again a minute later).</summary>
    private async Task<IReadOnlyList<ReminderProbeSnapshot>> WaitRemindersAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 130;
        while (true)
        {
            var probes = new List<ReminderProbeSnapshot>();
            foreach (var key in _probeKeys)
            {
                try
                {
                    probes.Add(await _client.GetGrain<IReminderProbeGrain>(key).GetAsync());
                }
                catch (Exception e) when (e is OrleansException or TimeoutException)
                {
                    probes.Add(new ReminderProbeSnapshot(null, null, null));
                }
            }
            if (probes.All(p => p.FiredAt is not null) || Stopwatch.GetTimestamp() > deadline || cancellationToken.IsCancellationRequested) return probes;
            HotlineSession.Say($"waiting for reminders: {probes.Count(p => p.FiredAt is not null)} of {probes.Count} fired");
            await Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None);
        }
    }
}
