using Hotline.Calls;
using Hotline.Common;
using Hotline.Events;
using Hotline.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Hotline.Seats;

/// <summary>The seat's durable record.</summary>
[GenerateSerializer, Alias("hotline.SeatRecord")]
public sealed class SeatRecord
{
    [Id(0)] public SeatState State { get; set; }
    [Id(1)] public string? Reason { get; set; }
    [Id(2)] public DateTimeOffset StateSince { get; set; }
    [Id(3)] public string? CallId { get; set; }
    [Id(4)] public string? Extension { get; set; }
    [Id(5)] public List<QueueSkill> Queues { get; set; } = [];
    [Id(6)] public List<string> Languages { get; set; } = [];
    [Id(7)] public int CallsAnswered { get; set; }
    [Id(8)] public TimeSpan TalkTime { get; set; }
    [Id(9)] public DateTimeOffset IdleSince { get; set; }
    [Id(10)] public bool HelpRequested { get; set; }
    [Id(11)] public long Version { get; set; }
    [Id(12)] public SeatOffer? Offer { get; set; }
    [Id(13)] public DateTimeOffset? TalkStartedAt { get; set; }
    /// <summary>A not-ready (e.g. forced by a supervisor) that takes effect when the current call is done.</summary>
    [Id(14)] public string? PendingNotReady { get; set; }
    [Id(15)] public bool PendingLogout { get; set; }
    [Id(16)] public string? HelpNote { get; set; }
}

/// <summary>
/// One agent seat. Reentrant, like the queue and the call, so that grains calling each other never wait
/// on themselves; each command checks and changes state synchronously before its first await.
/// </summary>
[Reentrant]
[GrainType("seat")]
public sealed partial class SeatGrain : Grain, ISeatGrain
{
    public const string NoAnswerReason = "no-answer";
    public const string LoginReason = "login";
    public const string SupervisorReason = "supervisor";

    private readonly IPersistentState<SeatRecord> _state;
    private readonly TimeProvider _time;
    private readonly HotlineGrainOptions _options;
    private readonly ILogger<SeatGrain> _logger;
    private readonly CoalescingWriter _writer;
    private readonly SoftStateRegistry _softState;
    private EventPublisher _events = null!;
    private IGrainTimer? _wrapUpTimer;
    private IGrainTimer? _heartbeat;
    private bool _unsaved;
    // A call whose end of wrap-up could not be told (its silo was dying): the heartbeat tells it again.
    private string? _wrapUpNotTold;
    // When the seat last told its queues and the board what it is (the audit repeats it every AuditSeconds).
    private DateTimeOffset _announcedAt;
    // What each served queue was last told of this seat's availability (see AvailabilityOf); soft, so a new activation tells all.
    private readonly Dictionary<string, SeatState> _told = new(StringComparer.Ordinal);

    public SeatGrain(
        [PersistentState(GrainStorage.States.Seat, GrainStorage.Hotline)] IPersistentState<SeatRecord> state,
        [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
        IOptions<HotlineGrainOptions> options,
        SoftStateRegistry softState,
        ILogger<SeatGrain> logger)
    {
        _state = state;
        _time = time;
        _options = options.Value;
        _logger = logger;
        _softState = softState;
        _writer = new CoalescingWriter(() => _state.WriteStateAsync());
    }

    private string JobNo => this.GetPrimaryKeyString();
    private SeatRecord S => _state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _events = EventPublisher.For(this, EventTopics.Seats, _logger);
        if (S.StateSince == default) S.StateSince = _time.GetUtcNow();
        // A reservation read back is kept: its call may still be ringing here, and the agent must be able to answer
        // it. The heartbeat releases it if the call is not offering to this seat any more (CheckReservationAsync).
        if (S.State == SeatState.Wrapup) ArmWrapUpTimer();
        if (S.State != SeatState.LoggedOut)
        {
            StartHeartbeat();
            await NotifyAsync(); // a queue rebuilt on another silo learns of this seat at once
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _softState.Track(GrainContext.GrainId, matters: false);
        return Task.CompletedTask;
    }

    public Task<SeatSnapshot> GetAsync() => Task.FromResult(Snapshot());

    public async Task<SeatSnapshot> LoginAsync(SeatLogin login)
    {
        Require(SeatCommand.Login, SeatActor.Agent);
        foreach (var skill in login.Queues)
            if (skill.Level is < AcdRouter.MinLevel or > AcdRouter.MaxLevel)
                throw new DomainException("validation.failed", $"Level for queue '{skill.QueueId}' must be 1 to 5.", status: 400);

        // Weighted queues first: a freed seat is announced to the queues in this order.
        var configs = await Task.WhenAll(login.Queues.Select(async q =>
            (Skill: q, Config: await GrainFactory.GetGrain<IQueueGrain>(q.QueueId).GetConfigAsync())));
        var decision = Require(SeatCommand.Login, SeatActor.Agent); // again: an offer may have come during the look-up
        var previousQueues = S.Queues.Select(q => q.QueueId).ToList();
        S.Queues = configs.OrderByDescending(c => c.Config.Priority).ThenBy(c => c.Skill.QueueId, StringComparer.Ordinal)
            .Select(c => c.Skill).ToList();
        S.Languages = login.Languages.Select(l => l.Trim().ToLowerInvariant()).Where(l => l.Length > 0).Distinct().ToList();
        S.Extension = login.Extension;
        _told.Clear(); // levels and languages may have changed: every queue hears the seat again
        if (decision.Effect == SeatEffect.Enter) Enter(decision.Next, LoginReason);
        else S.Version++;
        StartHeartbeat();
        _logger.LogInformation("Seat {JobNo} logged in to {Queues}", JobNo, string.Join(",", S.Queues.Select(q => q.QueueId)));
        await SaveAndNotifyAsync("seat.logged_in", dropped: previousQueues.Except(S.Queues.Select(q => q.QueueId)));
        return Snapshot();
    }

    public async Task<SeatSnapshot> ReadyAsync()
    {
        var decision = Require(SeatCommand.Ready, SeatActor.Agent);
        switch (decision.Effect)
        {
            case SeatEffect.Enter:
                S.PendingNotReady = null;
                Enter(SeatState.Ready);
                await SaveAndNotifyAsync("seat.ready");
                break;
            case SeatEffect.EndWrapUp:
                await EndCallAsync(decision.Next);
                break;
        }
        return Snapshot();
    }

    public Task<SeatSnapshot> NotReadyAsync(string reason) =>
        NotReadyAsync(SeatCommand.NotReady, SeatActor.Agent, reason, "seat.not_ready_pending", "seat.not_ready");

    public async Task<SeatSnapshot> LogoutAsync()
    {
        await LogoutAsync(SeatCommand.Logout, SeatActor.Agent, null, "seat.logged_out");
        return Snapshot();
    }

    public async Task<SeatSnapshot> WrapUpDoneAsync()
    {
        var decision = Require(SeatCommand.WrapUpDone, SeatActor.Agent);
        await EndCallAsync(decision.Next);
        return Snapshot();
    }

    public async Task<SeatSnapshot> AnswerAsync()
    {
        Require(SeatCommand.Answer, SeatActor.Agent);
        await Call(S.CallId!).AnswerAsync(JobNo);
        return Snapshot();
    }

    public async Task<SeatSnapshot> HangupAsync()
    {
        // A ringing outbound call is the agent's to cancel, an inbound offer is not: the call's life cycle decides.
        Require(SeatCommand.Hangup, SeatActor.Agent);
        await Call(S.CallId!).HangupAsync(CallParty.Agent);
        return Snapshot();
    }

    public async Task<SeatSnapshot> HoldAsync(bool onHold)
    {
        Require(onHold ? SeatCommand.Hold : SeatCommand.Resume, SeatActor.Agent);
        await Call(S.CallId!).HoldAsync(JobNo, onHold);
        return Snapshot();
    }

    public async Task<SeatSnapshot> TransferAsync(TransferTarget target)
    {
        Require(SeatCommand.Transfer, SeatActor.Agent);
        if (target.Kind == TransferTargetKind.Seat && target.Id == JobNo)
            throw new DomainException("validation.failed", "A call cannot be transferred to the seat that holds it.", status: 400);
        await Call(S.CallId!).TransferAsync(JobNo, target);
        return Snapshot();
    }

    public async Task<SeatSnapshot> RequestHelpAsync(string? note)
    {
        Require(SeatCommand.Help, SeatActor.Agent);
        S.HelpRequested = true;
        S.HelpNote = note;
        S.Version++;
        _logger.LogInformation("Seat {JobNo} asks for a supervisor", JobNo);
        await SaveAndNotifyAsync("seat.help_requested");
        return Snapshot();
    }

    public async Task<SeatSnapshot> ClearHelpAsync(string supervisorJobNo)
    {
        Require(SeatCommand.ClearHelp, SeatActor.Supervisor);
        if (!S.HelpRequested) return Snapshot();
        S.HelpRequested = false;
        S.HelpNote = null;
        S.Version++;
        await SaveAndNotifyAsync("seat.help_cleared");
        return Snapshot();
    }

    public Task<SeatSnapshot> ForceNotReadyAsync(string supervisorJobNo, string? reason)
    {
        _logger.LogInformation("Supervisor {Supervisor} forces seat {JobNo} not ready", supervisorJobNo, JobNo);
        return NotReadyAsync(SeatCommand.ForceNotReady, SeatActor.Supervisor, reason ?? SupervisorReason,
            "seat.forced_not_ready_pending", "seat.forced_not_ready");
    }

    public async Task<SeatSnapshot> ForceLogoutAsync(string supervisorJobNo)
    {
        _logger.LogInformation("Supervisor {Supervisor} forces seat {JobNo} out", supervisorJobNo, JobNo);
        await LogoutAsync(SeatCommand.ForceLogout, SeatActor.Supervisor, "seat.forced_logout_pending", "seat.forced_logout");
        return Snapshot();
    }

    private async Task<SeatSnapshot> NotReadyAsync(SeatCommand command, SeatActor actor, string reason, string pendingEvent, string nowEvent)
    {
        var decision = Require(command, actor);
        switch (decision.Effect)
        {
            case SeatEffect.Defer:
                S.PendingNotReady = reason;
                S.Version++;
                await SaveAndNotifyAsync(pendingEvent);
                break;
            case SeatEffect.EndWrapUp:
                S.PendingNotReady = reason;
                await EndCallAsync(decision.Next);
                break;
            case SeatEffect.Enter:
                Enter(SeatState.NotReady, reason);
                await SaveAndNotifyAsync(nowEvent);
                break;
        }
        return Snapshot();
    }

    private async Task LogoutAsync(SeatCommand command, SeatActor actor, string? pendingEvent, string nowEvent)
    {
        var decision = Require(command, actor);
        switch (decision.Effect)
        {
            case SeatEffect.Defer:
                S.PendingLogout = true;
                S.Version++;
                await SaveAndNotifyAsync(pendingEvent!);
                break;
            case SeatEffect.EndWrapUp:
                S.PendingLogout = true;
                await EndCallAsync(decision.Next);
                break;
            case SeatEffect.Enter:
                await LogOutNowAsync(nowEvent);
                break;
        }
    }

    // ---- between grains ---------------------------------------------------------------------------

    public Task<bool> TryReserveAsync(SeatOffer offer)
    {
        if (Decide(SeatCommand.Reserve).Effect != SeatEffect.Enter) return Task.FromResult(false);
        S.Offer = offer;
        Enter(SeatState.Reserved, callId: offer.CallId, keepIdleSince: true);
        _told[offer.QueueId] = SeatState.Reserved; // the queue that reserved the seat knows; the others that hold it as ready are told
        _ = NotifyAsync("seat.offered");
        // Written without holding up the offer, so that a seat whose silo dies while the call rings comes back
        // reserved for it; if the write fails the seat still holds the offer and its heartbeat writes it again.
        _ = WriteInBackgroundAsync();
        return Task.FromResult(true);
    }

    public Task<bool> TryReserveForOutboundAsync(SeatOffer offer)
    {
        if (Decide(SeatCommand.ReserveOutbound).Effect != SeatEffect.Enter) return Task.FromResult(false);
        // A not-ready agent placing calls (return visits) stays out of the queues afterwards: the reason comes back
        // when the call and its wrap-up are done, as a supervisor's pending not-ready would.
        if (S.State == SeatState.NotReady) S.PendingNotReady ??= S.Reason;
        S.Offer = offer;
        Enter(SeatState.Reserved, callId: offer.CallId, keepIdleSince: true);
        _ = NotifyAsync("seat.dialing");
        return Task.FromResult(true);
    }

    public async Task ReleaseReservationAsync(string callId)
    {
        if (S.CallId != callId) return;
        var decision = Decide(SeatCommand.Release);
        if (decision.Effect != SeatEffect.Enter) return;
        S.Offer = null;
        if (decision.Next == SeatState.Ready)
        {
            Enter(SeatState.Ready, keepIdleSince: true); // the seat keeps its turn
            await SaveAndNotifyAsync("seat.offer_withdrawn");
        }
        else await GoAfterCallAsync(decision.Next);
    }

    public async Task OnCallAnsweredAsync(string callId)
    {
        var decision = Decide(SeatCommand.CallAnswered);
        if (decision.Effect != SeatEffect.Enter)
        {
            _logger.LogWarning("Seat {JobNo} is {State} but call {CallId} says it was answered here; left as it is", JobNo, S.State, callId);
            return;
        }
        if (S.State != SeatState.Reserved || S.CallId != callId)
        {
            // The call, the authority on its offer, says this seat answered it, but the seat holds no reservation for it:
            // the seat came back from a dead silo without it (its write had not landed) or was reserved since for another
            // call (that offer rings out at its call). The agent is on the line with this call, so the seat follows.
            _logger.LogWarning("Seat {JobNo} was {State} ({Held}) when call {CallId} was answered here; it takes the call", JobNo, S.State, S.CallId, callId);
            S.Offer = S.Offer is { } other ? other with { CallId = callId } : null;
        }
        S.TalkStartedAt = _time.GetUtcNow();
        S.CallsAnswered++;
        Enter(decision.Next, callId: callId);
        await SaveAndNotifyAsync("seat.talking");
    }

    public async Task OnRingNoAnswerAsync(string callId)
    {
        if (S.CallId != callId) return;
        var decision = Decide(SeatCommand.RingOut);
        if (decision.Effect != SeatEffect.Enter) return;
        _logger.LogDebug("Seat {JobNo} did not answer {CallId}; set not ready", JobNo, callId);
        S.Offer = null;
        S.PendingNotReady = null;
        if (decision.Next == SeatState.LoggedOut)
        {
            await LogOutNowAsync("seat.logged_out");
            return;
        }
        Enter(decision.Next, NoAnswerReason);
        await SaveAndNotifyAsync("seat.no_answer");
    }

    public async Task OnCallEndedAsync(string callId)
    {
        if (S.CallId != callId) return;
        var decision = Decide(SeatCommand.CallEnded);
        if (decision.Effect == SeatEffect.Keep) return;
        if (S.TalkStartedAt is { } started) S.TalkTime += _time.GetUtcNow() - started;
        S.TalkStartedAt = null;
        if (decision.Effect == SeatEffect.Enter)
        {
            Enter(decision.Next, callId: callId);
            ArmWrapUpTimer();
            await SaveAndNotifyAsync("seat.wrapup");
            return;
        }
        await EndCallAsync(decision.Next);
    }

    // ---- internals --------------------------------------------------------------------------------

    private SeatFacts Facts => new(S.PendingLogout, S.PendingNotReady is not null, HasWrapUp: (S.Offer?.WrapUpSeconds ?? 0) > 0);

    private SeatDecision Decide(SeatCommand command) => SeatLifecycle.Decide(S.State, command, SeatActor.System, Facts);

    /// <summary>The decision for a command from the agent or a supervisor, or the domain exception when the table refuses.</summary>
    private SeatDecision Require(SeatCommand command, SeatActor actor)
    {
        var decision = SeatLifecycle.Decide(S.State, command, actor, Facts);
        return decision.Refused ? throw decision.ToException(JobNo) : decision;
    }

    /// <summary>The seat is done with its call (wrap-up over, or no wrap-up): it goes where the table says, then tells the call.</summary>
    private async Task EndCallAsync(SeatState next)
    {
        _wrapUpTimer?.Dispose();
        _wrapUpTimer = null;
        var callId = S.CallId;
        S.Offer = null;
        await GoAfterCallAsync(next);
        if (callId is not null) await TellWrapUpDoneAsync(callId);
    }

    /// <summary>Enters the state a seat takes after a call: out, not ready for the reason that waited, or ready.</summary>
    private async Task GoAfterCallAsync(SeatState next)
    {
        switch (next)
        {
            case SeatState.LoggedOut:
                await LogOutNowAsync("seat.logged_out");
                break;
            case SeatState.NotReady:
                var reason = S.PendingNotReady;
                S.PendingNotReady = null;
                Enter(SeatState.NotReady, reason);
                await SaveAndNotifyAsync("seat.not_ready");
                break;
            default:
                Enter(SeatState.Ready);
                await SaveAndNotifyAsync("seat.ready");
                break;
        }
    }

    private async Task LogOutNowAsync(string eventType)
    {
        var queues = S.Queues.Select(q => q.QueueId).ToList();
        S.PendingLogout = false;
        S.PendingNotReady = null;
        S.HelpRequested = false;
        Enter(SeatState.LoggedOut);
        _heartbeat?.Dispose();
        _heartbeat = null;
        await SaveAndNotifyAsync(eventType);
        S.Queues = [];
        S.Version++;
        await _writer.WriteAsync();
        _logger.LogInformation("Seat {JobNo} logged out of {Queues}", JobNo, string.Join(",", queues));
    }

    private void Enter(SeatState state, string? reason = null, string? callId = null, bool keepIdleSince = false)
    {
        var now = _time.GetUtcNow();
        S.State = state;
        S.Reason = state == SeatState.NotReady ? reason : null;
        S.CallId = state is SeatState.Reserved or SeatState.Talking or SeatState.Wrapup ? callId ?? S.CallId : null;
        S.StateSince = now;
        if (state == SeatState.Ready && !keepIdleSince) S.IdleSince = now;
        S.Version++;
    }

    private void ArmWrapUpTimer()
    {
        _wrapUpTimer?.Dispose();
        var seconds = S.Offer?.WrapUpSeconds ?? 0;
        var due = S.StateSince + TimeSpan.FromSeconds(seconds) - _time.GetUtcNow();
        _wrapUpTimer = this.RegisterGrainTimer(async _ =>
        {
            var decision = Decide(SeatCommand.WrapUpTimer);
            if (decision.Effect == SeatEffect.EndWrapUp) await EndCallAsync(decision.Next);
        }, new GrainTimerCreationOptions(due < TimeSpan.Zero ? TimeSpan.Zero : due, Timeout.InfiniteTimeSpan) { Interleave = true, KeepAlive = true });
    }

    private async Task SaveAndNotifyAsync(string eventType, IEnumerable<string>? dropped = null)
    {
        await WriteAsync();
        await NotifyAsync(eventType, dropped);
    }

    private SeatSnapshot Snapshot() => new(JobNo, S.State, S.Reason, S.StateSince, S.CallId, S.Extension,
        S.Queues.ToList(), S.Languages.ToList(), S.CallsAnswered, S.TalkTime, S.HelpRequested, S.Version,
        SeatLifecycle.AgentActionNames(S.State, Facts));

    private ICallGrain Call(string callId) => GrainFactory.GetGrain<ICallGrain>(callId);
}
