using Hotline.Common;
using Hotline.Events;
using Hotline.Queues;
using Hotline.Seats;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Placement;

namespace Hotline.Calls;

/// <summary>The call's durable record; the silo's call storage also writes it as the call detail record.</summary>
[GenerateSerializer, Alias("hotline.CallRecord")]
public sealed class CallRecord
{
    [Id(0)] public bool Started { get; set; }
    [Id(1)] public CallState State { get; set; }
    [Id(2)] public CallChannel Channel { get; set; }
    [Id(3)] public string? From { get; set; }
    [Id(4)] public string? To { get; set; }
    [Id(5)] public string? Language { get; set; }
    [Id(6)] public int Priority { get; set; }
    /// <summary>The queue the call waits in (its home queue); overflow queues are in <see cref="Queues"/>.</summary>
    [Id(7)] public string? QueueId { get; set; }
    [Id(8)] public string? SeatJobNo { get; set; }
    [Id(9)] public DateTimeOffset ArrivedAt { get; set; }
    [Id(10)] public DateTimeOffset? QueuedAt { get; set; }
    [Id(11)] public DateTimeOffset? OfferedAt { get; set; }
    [Id(12)] public DateTimeOffset? AnsweredAt { get; set; }
    [Id(13)] public DateTimeOffset? EndedAt { get; set; }
    [Id(14)] public DateTimeOffset? WrapUpEndedAt { get; set; }
    [Id(15)] public string? EndReason { get; set; }
    [Id(16)] public bool OnHold { get; set; }
    [Id(17)] public bool IsCallback { get; set; }
    [Id(18)] public int RingNoAnswerCount { get; set; }
    [Id(19)] public string? TicketNumber { get; set; }
    [Id(20)] public List<string> OfferedSeats { get; set; } = [];
    /// <summary>Every queue the call waits in: the home queue first, then overflow queues.</summary>
    [Id(21)] public List<string> Queues { get; set; } = [];
    /// <summary>When the call entered its current line; its place in every queue it waits in.</summary>
    [Id(22)] public DateTimeOffset? EnqueuedAt { get; set; }
    /// <summary>The queue whose offer is ringing, or null for a direct transfer to a seat.</summary>
    [Id(23)] public string? OfferingQueue { get; set; }
    [Id(24)] public int RingTimeoutSeconds { get; set; }
    /// <summary>The silo whose edge holds the call's media; a sweep on the survivors finds calls left on a dead one.</summary>
    [Id(25)] public string? Silo { get; set; }
    /// <summary>The queue the trunk asked for when the call began in the IVR; the IVR's "agent" choice uses it.</summary>
    [Id(26)] public string? RequestedQueueId { get; set; }
    /// <summary>The IVR flow version the call runs.</summary>
    [Id(27)] public int? IvrFlowVersion { get; set; }
    /// <summary>The hotline placed the call (外呼).</summary>
    [Id(28)] public bool Outbound { get; set; }
    /// <summary>Why an outbound call was placed: callback, return_visit, survey, manual.</summary>
    [Id(29)] public string? Purpose { get; set; }
    /// <summary>The third party in the call (conference, consultation, transfer out, supervisor), if any.</summary>
    [Id(30)] public CallParticipant? Participant { get; set; }
}

/// <summary>
/// One call. Reentrant like the seat and the queue: a queue's offer can arrive while the call is still
/// entering the queue. Placed on the silo whose edge holds the call's media; its record names that silo, so
/// when the silo dies the survivors' lost-call sweep wakes the call and it records itself as lost.
/// </summary>
[Reentrant]
[PreferLocalPlacement]
[GrainType("call")]
public sealed partial class CallGrain : Grain, ICallGrain
{
    private readonly IPersistentState<CallRecord> _state;
    private readonly TimeProvider _time;
    private readonly HotlineGrainOptions _options;
    private readonly ICallMediaRegistry _mediaRegistry;
    private readonly IOutboundDialer _dialer;
    private readonly ILogger<CallGrain> _logger;
    private readonly CoalescingWriter _writer;
    private readonly SoftStateRegistry _softState;
    private EventPublisher _events = null!;
    private ICallMedia? _media;
    private IGrainTimer? _ringTimer;
    private IGrainTimer? _heartbeat;
    private IGrainTimer? _queueRetry;
    private TimeSpan _queueRetryDelay;
    private string? _ivrNode;
    private bool _enqueuePending;
    private bool _unsaved;
    // When this call last told its queues it is waiting (the audit repeats it every AuditSeconds).
    private DateTimeOffset _touchedAt;

    public CallGrain(
        [PersistentState(GrainStorage.States.Call, GrainStorage.Calls)] IPersistentState<CallRecord> state,
        [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
        IOptions<HotlineGrainOptions> options,
        ICallMediaRegistry mediaRegistry,
        IOutboundDialer dialer,
        SoftStateRegistry softState,
        ILogger<CallGrain> logger)
    {
        _state = state;
        _time = time;
        _options = options.Value;
        _mediaRegistry = mediaRegistry;
        _dialer = dialer;
        _softState = softState;
        _logger = logger;
        _writer = new CoalescingWriter(() => _state.WriteStateAsync());
    }

    private string CallId => this.GetPrimaryKeyString();
    private CallRecord S => _state.State;
    private CallFacts Facts => new(S.IsCallback, S.Outbound, WasQueued: S.QueuedAt is not null, S.Participant, S.OnHold);

    /// <summary>Where a seat stands in this call: the seat it is with, whoever brought its third party in, or neither.</summary>
    private CallActor ActorFor(string jobNo) =>
        jobNo == S.SeatJobNo ? CallActor.Seat : S.Participant?.By == jobNo ? CallActor.PartyInitiator : CallActor.OtherSeat;

    private CallDecision Decide(CallCommand command, CallActor actor = CallActor.System) =>
        CallLifecycle.Decide(S.State, command, actor, Facts);

    /// <summary>The decision, or the domain exception when the table refuses.</summary>
    private CallDecision Require(CallCommand command, CallActor actor = CallActor.System)
    {
        var decision = Decide(command, actor);
        return decision.Refused ? throw decision.ToException(CallId) : decision;
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _events = EventPublisher.For(this, EventTopics.Calls, _logger);
        if (!S.Started || S.State.IsFinal()) return;

        switch (S.State)
        {
            case CallState.CallbackWaiting:
                // The caller is not on the line: the task lives on and rejoins its queues.
                StartHeartbeat();
                await TouchQueuesAsync();
                break;
            case CallState.Wrapup:
                // The conversation is over; the seat finishes its after-call work, and this activation ends the call
                // once its seat has moved on.
                StartHeartbeat();
                break;
            default:
                // A fresh activation of a call that needed media: the silo holding it died (the distributed grain
                // directory rebuilds a dead silo's entries from the survivors, so a live call is never activated twice).
                var here = GrainContext.Address.SiloAddress?.ToParsableString();
                if (S.Silo is not { } recorded)
                    _logger.LogWarning("Call {CallId} was {State} with no silo recorded; recording it as lost", CallId, S.State);
                else if (recorded == here)
                {
                    // Its activation here ended while the call was live: the caller is hung up rather than left in silence.
                    _logger.LogError("Call {CallId} was {State} on this silo and lost its activation; recording it as lost", CallId, S.State);
                    _media = _mediaRegistry.Find(CallId, S.Channel);
                }
                else if (ServiceProvider.GetService<IClusterMembershipService>()?.CurrentSnapshot.GetSiloStatus(SiloAddress.FromParsableString(recorded)) == SiloStatus.Active)
                    _logger.LogError("Call {CallId} was {State} on silo {Silo}, which is alive, and lost its activation there; recording it as lost", CallId, S.State, recorded);
                else
                    _logger.LogWarning("Call {CallId} was {State} on silo {Silo}, which is gone; recording it as lost", CallId, S.State, recorded);
                await LoseAsync();
                break;
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _softState.Track(GrainContext.GrainId, matters: false);
        return Task.CompletedTask;
    }

    public Task<CallSnapshot> GetAsync()
    {
        if (!S.Started) throw new DomainException("call.not_found", $"Call '{CallId}' does not exist.", status: 404);
        return Task.FromResult(Snapshot());
    }

    public Task<CallSnapshot> StartAsync(CallStart start) => BeginAsync(start, CallCommand.Start);

    public Task<CallSnapshot> BeginIvrAsync(CallStart start) => BeginAsync(start, CallCommand.BeginIvr);

    /// <summary>The one way a trunk's call begins: straight into its queue, or into the IVR first.</summary>
    private async Task<CallSnapshot> BeginAsync(CallStart start, CallCommand command)
    {
        if (!CallLifecycle.Decide(S.Started ? S.State : CallState.Arrived, command).Applies) return Snapshot(); // a retried hand-over
        if (start.Channel == CallChannel.Simulated && !_options.SimulatedTrunkEnabled)
            throw new DomainException("sim.disabled", "The simulated trunk is switched off.", status: 404);
        _media = _mediaRegistry.Find(CallId, start.Channel)
            ?? throw new DomainException("telephony.no_media", $"No media session for call '{CallId}' on this silo.", status: 409);

        var now = _time.GetUtcNow();
        S.Started = true;
        S.Channel = start.Channel;
        S.From = start.From;
        S.To = start.To;
        S.Language = string.IsNullOrWhiteSpace(start.Language) ? null : start.Language.Trim().ToLowerInvariant();
        S.Priority = start.Priority;
        S.RequestedQueueId = start.QueueId;
        S.ArrivedAt = now;
        if (command == CallCommand.BeginIvr)
        {
            S.State = CallState.Ivr;
            _logger.LogDebug("Call {CallId} arrived on {Channel} and enters the IVR", CallId, start.Channel);
            await SaveAndPublishAsync("call.ivr");
            return Snapshot();
        }
        S.State = CallState.Arrived;
        _logger.LogDebug("Call {CallId} arrived on {Channel}", CallId, start.Channel);
        await EnterFirstQueueAsync(start.QueueId, now);
        return Snapshot();
    }

    public async Task<CallSnapshot> EndInIvrAsync(string reason, CallState final)
    {
        if (!S.Started) throw new DomainException("call.not_found", $"Call '{CallId}' does not exist.", status: 404);
        if (final is not (CallState.Ended or CallState.Voicemail or CallState.Failed))
            throw new DomainException("validation.failed", $"The IVR cannot end a call as {Names.Of(final)}.", status: 400);
        if (!Require(CallCommand.EndInIvr).Applies) return Snapshot(); // a retry, or the caller hung up first
        await FinishAsync(final, reason);
        return Snapshot();
    }

    public async Task<CallSnapshot> SetLanguageAsync(string language)
    {
        if (!S.Started) throw new DomainException("call.not_found", $"Call '{CallId}' does not exist.", status: 404);
        if (string.IsNullOrWhiteSpace(language))
            throw new DomainException("validation.failed", "A language is a code like en.", status: 400);
        Require(CallCommand.ChooseLanguage);
        var chosen = language.Trim().ToLowerInvariant();
        if (S.Language == chosen) return Snapshot();
        S.Language = chosen;
        await SaveAndPublishAsync("call.language_chosen");
        return Snapshot();
    }

    public Task SetIvrNodeAsync(int flowVersion, string nodeId)
    {
        if (S.State != CallState.Ivr || (_ivrNode == nodeId && S.IvrFlowVersion == flowVersion)) return Task.CompletedTask;
        _ivrNode = nodeId;
        S.IvrFlowVersion = flowVersion; // persisted with the next state change
        _events.Publish("call.ivr_node", CallId, _time.GetUtcNow(), Snapshot());
        return Task.CompletedTask;
    }

    public async Task<CallSnapshot> DtmfAsync(string digits)
    {
        if (!S.Started) throw new DomainException("call.not_found", $"Call '{CallId}' does not exist.", status: 404);
        if (S.State == CallState.Queued && S.QueueId is not null)
        {
            var config = await Queue(S.QueueId).GetConfigAsync();
            if (digits.Contains(config.CallbackDigit, StringComparison.Ordinal) && S.State == CallState.Queued)
                return await RequestCallbackAsync();
        }
        return Snapshot();
    }

    public async Task<CallSnapshot> LinkTicketAsync(string ticketNumber)
    {
        if (!S.Started) throw new DomainException("call.not_found", $"Call '{CallId}' does not exist.", status: 404);
        if (S.TicketNumber == ticketNumber) return Snapshot();
        S.TicketNumber = ticketNumber;
        await SaveAndPublishAsync("call.ticket_linked");
        return Snapshot();
    }

    public async Task<CallSnapshot> HangupAsync(CallParty by)
    {
        if (!S.Started) throw new DomainException("call.not_found", $"Call '{CallId}' does not exist.", status: 404);
        var actor = by switch { CallParty.Caller => CallActor.Caller, CallParty.Agent => CallActor.Seat, _ => CallActor.System };
        var decision = Require(CallCommand.Hangup, actor);
        if (!decision.Applies) return Snapshot(); // over already
        var now = _time.GetUtcNow();
        switch (S.State)
        {
            case CallState.Arrived or CallState.Ivr:
                await FinishAsync(decision.Next, by == CallParty.Caller ? "caller_hangup_ivr" : "system_hangup");
                break;
            case CallState.Queued or CallState.Offering:
                {
                    var seat = S.State == CallState.Offering ? S.SeatJobNo : null;
                    var enqueuedAt = S.EnqueuedAt ?? now;
                    var queues = S.Queues.ToList();
                    var abandoned = decision.Next == CallState.Abandoned;
                    await FinishAsync(decision.Next, abandoned ? "abandoned" : "system_hangup");
                    if (seat is not null) await TellAsync(() => Seat(seat).ReleaseReservationAsync(CallId), "seat", seat);
                    await Task.WhenAll(queues.Select((q, i) => TellAsync(() => i == 0 && abandoned
                        ? Queue(q).AbandonAsync(CallId, enqueuedAt)
                        : Queue(q).RemoveAsync(CallId), "queue", q)));
                    break;
                }
            case CallState.CallbackWaiting:
                {
                    var queues = S.Queues.ToList();
                    await FinishAsync(decision.Next, "callback_cancelled");
                    await Task.WhenAll(queues.Select(q => Queue(q).RemoveAsync(CallId)));
                    break;
                }
            case CallState.Dialing when S.SeatJobNo is { } dialingSeat:
                // An outbound call hung up before the citizen answered: cancelled by the agent, or the agent's phone gave up.
                await FinishAsync(decision.Next, by == CallParty.Agent ? "cancelled" : "not_connected");
                await Seat(dialingSeat).ReleaseReservationAsync(CallId);
                break;
            case CallState.Dialing:
                // The caller hung up while the department or outside number it was handed to still rang.
                await FinishAsync(decision.Next, by == CallParty.Caller ? "caller_hangup_transfer" : "system_hangup");
                break;
            case CallState.Talking:
                {
                    var seat = S.SeatJobNo!;
                    S.State = decision.Next;
                    S.EndedAt = now;
                    S.OnHold = false;
                    S.EndReason = by switch { CallParty.Caller => "caller_hangup", CallParty.Agent => "agent_hangup", _ => "system_hangup" };
                    await LetPartyGoAsync();
                    if (_media is not null) await _media.HangupAsync();
                    await SaveAndPublishAsync("call.wrapup");
                    await Seat(seat).OnCallEndedAsync(CallId);
                    break;
                }
        }
        return Snapshot();
    }

    public async Task WrapUpDoneAsync(string jobNo)
    {
        if (!Decide(CallCommand.WrapUpDone, ActorFor(jobNo)).Applies) return;
        S.WrapUpEndedAt = _time.GetUtcNow();
        // If this write fails the call is ended all the same and its heartbeat writes the record again.
        await FinishAsync(CallState.Ended, S.EndReason);
    }

    // ---- internals --------------------------------------------------------------------------------

    private async Task FinishAsync(CallState state, string? reason)
    {
        DisarmRing();
        S.State = state;
        S.EndReason = reason;
        S.EndedAt ??= _time.GetUtcNow();
        S.OnHold = false;
        if (_media is not null) await _media.HangupAsync();
        _mediaRegistry.Release(CallId);
        _media = null;
        await SaveAndPublishAsync($"call.{Names.Of(state)}");
        // Only once the final record is on disk: until then the heartbeat writes it again.
        _heartbeat?.Dispose();
        _heartbeat = null;
        _logger.LogDebug("Call {CallId} {State}: {Reason}", CallId, state, reason);
    }

    private async Task SaveAndPublishAsync(string eventType)
    {
        S.Silo = S.State.IsFinal() ? null : GrainContext.Address.SiloAddress?.ToParsableString();
        _softState.Track(GrainContext.GrainId, matters: S.State is CallState.Queued or CallState.CallbackWaiting);
        var snapshot = Snapshot();
        _events.Publish(eventType, CallId, _time.GetUtcNow(), snapshot);
        try
        {
            await _writer.WriteAsync();
            _unsaved = false;
        }
        catch (Exception e) when (e is not DomainException || TransientErrors.IsTransient(e))
        {
            _logger.LogError(e, "Could not record call {CallId} in state {State}; its heartbeat writes it again", CallId, snapshot.State);
            _unsaved = true;
            StartHeartbeat();
            throw;
        }
    }

    private CallSnapshot Snapshot() => new()
    {
        Id = CallId,
        State = S.State,
        Channel = S.Channel,
        From = S.From,
        To = S.To,
        Language = S.Language,
        Priority = S.Priority,
        QueueId = S.QueueId,
        SeatJobNo = S.SeatJobNo,
        ArrivedAt = S.ArrivedAt,
        QueuedAt = S.QueuedAt,
        OfferedAt = S.OfferedAt,
        AnsweredAt = S.AnsweredAt,
        EndedAt = S.EndedAt,
        WrapUpEndedAt = S.WrapUpEndedAt,
        EndReason = S.EndReason,
        OnHold = S.OnHold,
        IsCallback = S.IsCallback,
        RingNoAnswerCount = S.RingNoAnswerCount,
        TicketNumber = S.TicketNumber,
        OfferedSeats = S.OfferedSeats.ToList(),
        IvrNode = S.State == CallState.Ivr ? _ivrNode : null,
        IvrFlowVersion = S.IvrFlowVersion,
        Outbound = S.Outbound,
        Purpose = S.Purpose,
        Participant = S.Participant,
        Actions = CallLifecycle.SeatActionNames(S.State, Facts),
    };

    private IQueueGrain Queue(string queueId) => GrainFactory.GetGrain<IQueueGrain>(queueId);
    private ISeatGrain Seat(string jobNo) => GrainFactory.GetGrain<ISeatGrain>(jobNo);

    private DomainException StateConflict(string action) =>
        new("call.invalid_transition", $"Call {CallId} cannot {action} while {Names.Of(S.State)}.", Names.Of(S.State));
}
