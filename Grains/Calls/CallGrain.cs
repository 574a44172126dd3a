using Hotline.Common;
using Hotline.Departments;
using Hotline.Events;
using Hotline.Queues;
using Hotline.Seats;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Placement;
using Orleans.Runtime;

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
public sealed class CallGrain : Grain, ICallGrain
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
        [PersistentState("call", "calls")] IPersistentState<CallRecord> state,
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

    /// <summary>A silo died: a waiting call tells its queues again that it waits, in case one of them was lost with it.</summary>
    public async Task ReannounceAsync(string? lostSilo)
    {
        if (S.State is CallState.Queued or CallState.CallbackWaiting) await TouchQueuesAsync();
        else _softState.Track(GrainContext.GrainId, matters: false);
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

    /// <summary>The queue a new call goes to: the one asked for, else its language's, else the default.</summary>
    private string HomeQueue(string? requested) =>
        requested
        ?? (S.Language is not null && _options.LanguageQueues.TryGetValue(S.Language, out var byLanguage) ? byLanguage : _options.DefaultQueue);

    private async Task EnterFirstQueueAsync(string? requested, DateTimeOffset now, bool fromIvr = false)
    {
        try
        {
            await EnterQueueAsync(HomeQueue(requested), now, tellMedia: !fromIvr);
        }
        catch (DomainException e) when (e.Code == "queue.not_found")
        {
            await FinishAsync(CallState.Failed, "queue_not_found");
            throw;
        }
    }

    public async Task<CallSnapshot> EnqueueFromIvrAsync(string? queueId, int priority)
    {
        if (!S.Started) throw new DomainException("call.not_found", $"Call '{CallId}' does not exist.", status: 404);
        if (!Require(CallCommand.EnqueueFromIvr).Applies) return Snapshot(); // a retry: the call already went to its queue
        S.Priority = priority;
        _ivrNode = null;
        _logger.LogDebug("Call {CallId} leaves the IVR", CallId);
        // The IVR's queue step already plays the waiting music: the media is not told again.
        await EnterFirstQueueAsync(queueId ?? S.RequestedQueueId, _time.GetUtcNow(), fromIvr: true);
        return Snapshot();
    }

    public async Task<QueuePosition?> GetQueuePositionAsync()
    {
        if (S.State != CallState.Queued || S.QueueId is null) return null;
        var position = await Queue(S.QueueId).GetPositionAsync(CallId);
        return position.Position > 0 ? position : null;
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

    public async Task<CallSnapshot> RequestCallbackAsync()
    {
        Require(CallCommand.RequestCallback, CallActor.Caller);
        await BecomeCallbackAsync(requestedByCaller: true);
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

    // ---- between grains ---------------------------------------------------------------------------

    public Task<OfferResult> TryOfferAsync(string queueId, string jobNo, int ringTimeoutSeconds)
    {
        if (!Decide(CallCommand.Offer).Applies)
            return Task.FromResult(S.State == CallState.Offering ? OfferResult.AlreadyOffered : OfferResult.NotWaiting);
        Offer(queueId, jobNo, ringTimeoutSeconds);
        // Not awaited: the offer is decided; its record follows without holding up the queue.
        _ = SaveAndPublishAsync("call.offered");
        return Task.FromResult(OfferResult.Accepted);
    }

    public Task<CallSnapshot> AnswerAsync(string jobNo) => AnswerAsync(jobNo, connectMedia: true);

    /// <summary>
    /// The agent's phone answered the offer: the edge that saw the answer connects the audio itself when this returns the
    /// call talking at that seat, so the grain does not send it back a "connect" (one round trip less per answered call).
    /// </summary>
    public Task<CallSnapshot> PhoneAnsweredAsync(string jobNo) => AnswerAsync(jobNo, connectMedia: false);

    /// <summary>The seat's phone could not be rung at all (its connection is gone): the offer rings out now, not at its timeout.</summary>
    public Task PhoneUnreachableAsync(string jobNo, DateTimeOffset offeredAt)
    {
        _logger.LogWarning("Phone of seat {JobNo} is unreachable; call {CallId}'s offer rings out now", jobNo, CallId);
        return RingNoAnswerAsync(jobNo, offeredAt);
    }

    private async Task<CallSnapshot> AnswerAsync(string jobNo, bool connectMedia)
    {
        // A callback task answered by an agent with a phone dials the citizen instead: asked before deciding, so the
        // decision and the state change that follows it have no await between them (a ring-out may come meanwhile).
        var callBack = S.IsCallback && S.State == CallState.Offering && S.SeatJobNo == jobNo && await CanCallBackAsync(jobNo);
        var decision = Require(CallCommand.Answer, ActorFor(jobNo));
        DisarmRing();
        if (callBack) return await CallBackAsync(jobNo);
        var now = _time.GetUtcNow();
        S.State = decision.Next;
        S.AnsweredAt = now;
        // A direct transfer between seats was offered by no queue: its queues counted the call when it was
        // first answered and let it go then.
        var queues = S.OfferingQueue is null ? [] : S.Queues.ToList();
        var enqueuedAt = S.EnqueuedAt ?? now;
        if (connectMedia && _media is not null) await _media.ConnectToSeatAsync(jobNo);
        // The caller is connected: a seat or queue that cannot be told right now must not undo that. The seat takes
        // the call even if its reservation was lost (SeatGrain.OnCallAnsweredAsync); a queue rebuilt on another silo
        // never hears of the call again, as it has stopped touching its queues.
        await TellAsync(() => Seat(jobNo).OnCallAnsweredAsync(CallId), "seat", jobNo);
        // The home queue counts the answer toward its service level; overflow queues just let go.
        await Task.WhenAll(queues.Select((q, i) => TellAsync(() => i == 0
            ? Queue(q).AnsweredAsync(CallId, enqueuedAt, now)
            : Queue(q).RemoveAsync(CallId), "queue", q)));
        try
        {
            await SaveAndPublishAsync("call.answered");
        }
        catch (Exception e) when (TransientErrors.IsTransient(e))
        {
            // The agent is on the line: refusing the answer now would leave the call talking with nobody hanging it
            // up. The record follows on the heartbeat (SaveAndPublishAsync logged it and arranged that).
        }
        return Snapshot();
    }

    public async Task<CallSnapshot> HoldAsync(string jobNo, bool onHold)
    {
        Require(onHold ? CallCommand.Hold : CallCommand.Resume, ActorFor(jobNo));
        if (S.OnHold == onHold) return Snapshot();
        S.OnHold = onHold;
        if (_media is not null) await _media.HoldAsync(onHold);
        await SaveAndPublishAsync(onHold ? "call.held" : "call.resumed");
        return Snapshot();
    }

    public async Task<CallSnapshot> TransferAsync(string jobNo, TransferTarget target)
    {
        if (target.Attended && target.Kind == TransferTargetKind.Queue)
            throw new DomainException("validation.failed", "An attended transfer goes to a seat, a department or a number, not a queue.", status: 400);
        if (target.Attended || target.Kind is TransferTargetKind.Department or TransferTargetKind.Number)
        {
            // Attended: consult the target first (the caller hears music), then complete. Blind to the outside: hand over.
            return await AddPartyAsync(jobNo, target.Attended ? ParticipantRole.Consultation : ParticipantRole.TransferOut, target);
        }
        Require(CallCommand.Transfer, ActorFor(jobNo));

        var homeQueue = S.QueueId ?? _options.DefaultQueue;
        var config = await Queue(target.Kind == TransferTargetKind.Queue ? target.Id : homeQueue).GetConfigAsync();
        var reserved = target.Kind == TransferTargetKind.Seat
            && await Seat(target.Id).TryReserveAsync(new SeatOffer(CallId, homeQueue, S.IsCallback, config.WrapUpSeconds));
        if (target.Kind == TransferTargetKind.Seat && !reserved)
            throw new DomainException("seat.unavailable", $"Seat {target.Id} is not ready to take a transfer.", status: 409);
        // Decided again after the awaits: a hang-up or a third party may have come meanwhile.
        var decision = Decide(CallCommand.Transfer, ActorFor(jobNo));
        if (decision.Refused)
        {
            if (reserved) await TellAsync(() => Seat(target.Id).ReleaseReservationAsync(CallId), "seat", target.Id);
            throw decision.ToException(CallId);
        }

        _logger.LogDebug("Call {CallId} transferred by {JobNo} to {Kind} {Target}", CallId, jobNo, target.Kind, target.Id);
        S.OnHold = false;
        if (target.Kind == TransferTargetKind.Seat)
        {
            // A direct offer to the colleague's seat; if it rings out the call goes back to its queue.
            S.QueueId = homeQueue;
            S.State = decision.Next;
            Offer(null, target.Id, config.RingTimeoutSeconds);
            await SaveAndPublishAsync("call.transferred");
        }
        else
        {
            S.SeatJobNo = null;
            await EnterQueueAsync(target.Id, _time.GetUtcNow());
        }
        await Seat(jobNo).OnCallEndedAsync(CallId);
        return Snapshot();
    }

    // ---- outbound calls and third parties ----------------------------------------------------------

    public async Task<CallSnapshot> DialOutAsync(OutboundCall call)
    {
        if (!CallLifecycle.Decide(S.Started ? S.State : CallState.Arrived, CallCommand.DialOut).Applies) return Snapshot(); // a retried request
        if (_dialer.CannotDial is { } why) throw new DomainException("telephony.not_available", why, status: 501);
        await RequirePhoneAsync(call.JobNo);
        // The wrap-up after the call is the one of the first queue the agent serves.
        var seat = await Seat(call.JobNo).GetAsync();
        if (seat.State == SeatState.LoggedOut || seat.Queues.Count == 0)
            throw new DomainException("seat.unavailable", $"Seat {call.JobNo} is not signed in.", status: 409);
        var queueId = seat.Queues[0].QueueId;
        var config = await Queue(queueId).GetConfigAsync();
        var reserved = await Seat(call.JobNo).TryReserveForOutboundAsync(
            new SeatOffer(CallId, queueId, IsCallback: call.Purpose == "callback", config.WrapUpSeconds, Outbound: true));
        if (!reserved)
            throw new DomainException("seat.unavailable", $"Seat {call.JobNo} is on a call or logged out and cannot place one.", status: 409);

        var now = _time.GetUtcNow();
        S.Started = true;
        S.Outbound = true;
        S.Purpose = call.Purpose;
        S.Channel = CallChannel.Sip;
        S.From = call.JobNo;
        S.To = call.To;
        S.ArrivedAt = now;
        S.OfferedAt = now;
        S.SeatJobNo = call.JobNo;
        S.OfferedSeats = [call.JobNo];
        S.TicketNumber = call.TicketNumber;
        S.State = CallState.Dialing;
        _logger.LogInformation("Seat {JobNo} places outbound call {CallId} ({Purpose})", call.JobNo, CallId, call.Purpose);
        _media = _dialer.Dial(CallId, call);
        await SaveAndPublishAsync("call.dialing");
        return Snapshot();
    }

    public async Task OnDialedAsync(DialOutcome outcome, string? reason)
    {
        if (!Decide(CallCommand.Dialed).Applies || S.SeatJobNo is not { } seat) return;
        if (outcome == DialOutcome.Connected)
        {
            S.State = CallState.Talking;
            S.AnsweredAt = _time.GetUtcNow();
            await Seat(seat).OnCallAnsweredAsync(CallId);
            await SaveAndPublishAsync("call.answered");
            return;
        }
        _logger.LogInformation("Outbound call {CallId} not connected: {Reason}", CallId, reason);
        await FinishAsync(CallState.Failed, reason ?? "no_answer");
        await Seat(seat).ReleaseReservationAsync(CallId);
    }

    /// <summary>A callback task answered by an agent with a phone: the phone rings, then the citizen's (回拨).</summary>
    private async Task<CallSnapshot> CallBackAsync(string jobNo)
    {
        DisarmRing();
        var now = _time.GetUtcNow();
        var queues = S.OfferingQueue is null ? [] : S.Queues.ToList();
        var enqueuedAt = S.EnqueuedAt ?? now;
        S.State = CallState.Dialing;
        S.Outbound = true;
        S.Purpose = "callback";
        _media = _dialer.Dial(CallId, new OutboundCall(jobNo, S.From!, "callback", S.TicketNumber));
        // The task is served: its queue counts it now; whether the citizen answers is the call's own outcome.
        await Task.WhenAll(queues.Select((q, i) => i == 0
            ? Queue(q).AnsweredAsync(CallId, enqueuedAt, now)
            : Queue(q).RemoveAsync(CallId)));
        await SaveAndPublishAsync("call.dialing");
        return Snapshot();
    }

    private async Task<bool> CanCallBackAsync(string jobNo) =>
        S.Channel == CallChannel.Sip && !string.IsNullOrEmpty(S.From) && _dialer.CannotDial is null
        && await GrainFactory.GetGrain<IPhoneRegistrationGrain>(jobNo).GetAsync() is not null;

    public async Task<CallSnapshot> AddPartyAsync(string jobNo, ParticipantRole role, TransferTarget to)
    {
        if (role is not (ParticipantRole.Conference or ParticipantRole.Consultation or ParticipantRole.TransferOut))
            throw new DomainException("validation.failed", $"An agent cannot bring a party in as {Names.Of(role)}.", status: 400);
        if (to.Kind == TransferTargetKind.Queue)
            throw new DomainException("validation.failed", "A queue cannot join a call; transfer the call to it instead.", status: 400);
        if (to.Kind == TransferTargetKind.Seat && to.Id == jobNo)
            throw new DomainException("validation.failed", "The agent is already in the call.", status: 400);
        var command = role == ParticipantRole.TransferOut ? CallCommand.TransferOut : CallCommand.AddParty;
        Require(command, ActorFor(jobNo));
        var target = await ResolveAsync(to);
        if (role == ParticipantRole.TransferOut && target.Kind != PartyAddressKind.Number)
            throw new DomainException("validation.failed", "A blind transfer out goes to a department or a number.", status: 400);
        // Decided again after the look-up, and the party taken before the next await, so a hang-up meanwhile is
        // respected and a second click cannot bring in a second party.
        var decision = Require(command, ActorFor(jobNo));
        var party = new CallParticipant(role, target, jobNo, Connected: false, _time.GetUtcNow());
        S.Participant = party;
        if (target.Kind == PartyAddressKind.Seat)
        {
            try
            {
                await ReserveColleagueAsync(target.Address);
            }
            catch
            {
                if (ReferenceEquals(S.Participant, party)) S.Participant = null;
                throw;
            }
            if (!ReferenceEquals(S.Participant, party))
            {
                // The call moved on (hung up) while the colleague was being held: let the colleague go again.
                await TellAsync(() => Seat(target.Address).ReleaseReservationAsync(CallId), "seat", target.Address);
                throw StateConflict("take a third party");
            }
        }
        S.OnHold = false;
        _logger.LogInformation("Call {CallId}: seat {JobNo} dials {Label} as {Role}", CallId, jobNo, target.Label ?? target.Address, role);
        if (role == ParticipantRole.TransferOut)
        {
            // Blind: the agent is free at once; the caller waits with music while the target rings.
            S.State = decision.Next;
            S.SeatJobNo = null;
            await SaveAndPublishAsync("call.transferring");
            await Seat(jobNo).OnCallEndedAsync(CallId);
        }
        else
        {
            await SaveAndPublishAsync("call.party_dialing");
        }
        if (_media is not null && await _media.AddPartyAsync(role, target) is { } known) await OnPartyAsync(role, known, null);
        return Snapshot();
    }

    public async Task<CallSnapshot> DropPartyAsync(string jobNo)
    {
        Require(CallCommand.DropParty, ActorFor(jobNo));
        var letGo = LetPartyGoAsync(); // the party is gone from the record before the first await
        if (_media is not null) await _media.DropPartyAsync();
        await letGo;
        await SaveAndPublishAsync("call.party_left");
        return Snapshot();
    }

    public async Task<CallSnapshot> CompleteTransferAsync(string jobNo)
    {
        Require(CallCommand.CompleteTransfer, ActorFor(jobNo));
        var party = S.Participant!;
        var colleague = party.Target.Kind == PartyAddressKind.Seat ? party.Target.Address : null;
        _logger.LogInformation("Call {CallId}: seat {JobNo} completes the transfer to {Target}", CallId, jobNo, party.Target.Label ?? party.Target.Address);
        if (colleague is not null)
        {
            // The colleague holds the call from here on, before the first await: a hang-up meanwhile reaches the colleague.
            S.Participant = null;
            S.SeatJobNo = colleague;
            if (!S.OfferedSeats.Contains(colleague)) S.OfferedSeats.Add(colleague);
            if (_media is not null) await _media.CompleteTransferAsync(colleague);
            await Seat(colleague).OnCallAnsweredAsync(CallId);
            await SaveAndPublishAsync("call.transferred");
        }
        else
        {
            S.State = CallState.Dialing; // handed over: nobody of the hotline's talks on it any more
            S.SeatJobNo = null;
            if (_media is not null) await _media.CompleteTransferAsync(null);
            await FinishAsync(CallState.Ended, "transferred_out");
        }
        await Seat(jobNo).OnCallEndedAsync(CallId);
        return Snapshot();
    }

    public async Task<CallSnapshot> SuperviseAsync(string supervisorJobNo, ParticipantRole mode)
    {
        if (mode is not (ParticipantRole.Monitor or ParticipantRole.Whisper or ParticipantRole.Barge))
            throw new DomainException("validation.failed", $"A supervisor joins to monitor, whisper or barge in, not as {Names.Of(mode)}.", status: 400);
        Require(CallCommand.Supervise, CallActor.Supervisor);
        await RequirePhoneAsync(supervisorJobNo);
        Require(CallCommand.Supervise, CallActor.Supervisor); // again after the look-up
        if (S.Participant is { } current)
        {
            if (current.By != supervisorJobNo)
                throw new DomainException(CallLifecycle.PartyPresent, $"Call {CallId} already has a third party on the line.", Names.Of(S.State));
            // Already on the line: listening turns into whispering or barging in without a new ring.
            if (current.Role == mode) return Snapshot();
            S.Participant = current with { Role = mode };
            if (_media is not null) await _media.ChangePartyRoleAsync(mode);
            await SaveAndPublishAsync($"call.{Names.Of(mode)}");
            return Snapshot();
        }
        S.Participant = new CallParticipant(mode, new PartyAddress(PartyAddressKind.Seat, supervisorJobNo, supervisorJobNo), supervisorJobNo, Connected: false, _time.GetUtcNow());
        S.OnHold = false;
        _logger.LogInformation("Call {CallId}: supervisor {Supervisor} joins to {Mode}", CallId, supervisorJobNo, mode);
        await SaveAndPublishAsync("call.party_dialing");
        if (_media is not null && await _media.AddPartyAsync(mode, S.Participant.Target) is { } known) await OnPartyAsync(mode, known, null);
        return Snapshot();
    }

    public async Task OnPartyAsync(ParticipantRole role, DialOutcome outcome, string? reason)
    {
        if (S.Participant is not { } party || party.Role != role || !Decide(CallCommand.PartyDialed).Applies) return;
        if (role == ParticipantRole.TransferOut)
        {
            if (outcome == DialOutcome.Connected)
            {
                S.Participant = party with { Connected = true };
                await FinishAsync(CallState.Ended, "transferred_out");
                return;
            }
            // Nobody took the call: back to the head of its queue rather than dropping the citizen.
            _logger.LogInformation("Call {CallId}: transfer to {Target} failed ({Reason}); back to the queue", CallId, party.Target.Label ?? party.Target.Address, reason);
            S.Participant = null;
            _events.Publish("call.transfer_failed", CallId, _time.GetUtcNow(), Snapshot());
            await EnterQueueAsync(S.QueueId ?? _options.DefaultQueue, S.EnqueuedAt ?? S.ArrivedAt);
            StartHeartbeat();
            return;
        }
        if (outcome == DialOutcome.Connected)
        {
            if (party.Connected) return;
            S.Participant = party with { Connected = true, Since = _time.GetUtcNow() };
            await SaveAndPublishAsync("call.party_joined");
            return;
        }
        _logger.LogInformation("Call {CallId}: third party {Target} {Outcome} ({Reason})", CallId, party.Target.Label ?? party.Target.Address, outcome, reason);
        await LetPartyGoAsync();
        await SaveAndPublishAsync(outcome == DialOutcome.Failed ? "call.party_failed" : "call.party_left");
    }

    public async Task WrapUpDoneAsync(string jobNo)
    {
        if (!Decide(CallCommand.WrapUpDone, ActorFor(jobNo)).Applies) return;
        S.WrapUpEndedAt = _time.GetUtcNow();
        // If this write fails the call is ended all the same and its heartbeat writes the record again.
        await FinishAsync(CallState.Ended, S.EndReason);
    }

    public async Task<bool> ExitQueueAsync(string queueId, QueueExitDestination destination)
    {
        if (!Decide(CallCommand.ExitQueue).Applies || S.QueueId != queueId) return false;
        if (destination == QueueExitDestination.Callback)
        {
            await BecomeCallbackAsync(requestedByCaller: false);
            return true;
        }
        var others = S.Queues.Skip(1).ToList();
        await FinishAsync(CallState.Voicemail, "max_wait");
        await Task.WhenAll(others.Select(q => Queue(q).RemoveAsync(CallId)));
        return true;
    }

    public async Task OverflowAsync(string fromQueueId, string toQueueId)
    {
        if (!Decide(CallCommand.Overflow).Applies) return;
        if (S.QueueId != fromQueueId || S.Queues.Contains(toQueueId)) return;
        S.Queues.Add(toQueueId);
        _logger.LogDebug("Call {CallId} overflows from {From} to {To}", CallId, fromQueueId, toQueueId);
        await Queue(toQueueId).EnqueueAsync(Entry(toQueueId));
        await SaveAndPublishAsync("call.overflowed");
    }

    // ---- internals --------------------------------------------------------------------------------

    /// <param name="tellMedia">Whether the caller's media is told to wait (music): not when the IVR, which already does, put the call here.</param>
    private async Task EnterQueueAsync(string queueId, DateTimeOffset now, bool tellMedia = true)
    {
        S.State = CallState.Queued;
        S.QueueId = queueId;
        S.Queues = [queueId];
        S.EnqueuedAt = now;
        S.QueuedAt ??= now;
        S.OfferingQueue = null;
        if (tellMedia && _media is not null) await _media.WaitInQueueAsync(queueId);
        // The heartbeat runs before the queue is asked: if the queue cannot be reached the call still waits.
        StartHeartbeat();
        await JoinQueueAsync(queueId, retry: false);
    }

    /// <summary>
    /// Puts the call in its queue. A queue whose silo just died cannot be reached (the message is rejected or times
    /// out until the cluster declares the silo dead): the call is then recorded as queued all the same and asks the
    /// queue again after 1 s, 2 s, 4 s … (at most a heartbeat apart) until a new activation takes it, at its original
    /// place (its enqueue time). A caller who arrives in the outage then waits seconds for the queue, not a heartbeat.
    /// </summary>
    private async Task JoinQueueAsync(string queueId, bool retry)
    {
        QueuePosition position;
        try
        {
            position = await Queue(queueId).EnqueueAsync(Entry(queueId));
            _touchedAt = _time.GetUtcNow();
            _enqueuePending = false;
            _queueRetryDelay = TimeSpan.Zero;
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            _logger.LogWarning(e, "Call {CallId} could not reach queue {QueueId}; it waits and asks again", CallId, queueId);
            _enqueuePending = true;
            ArmQueueRetry();
            if (!retry && S.State == CallState.Queued) await SaveAndPublishAsync("call.queued");
            return;
        }
        if (!position.Accepted)
        {
            _logger.LogDebug("Queue {QueueId} refused call {CallId}: {Destination}", queueId, CallId, position.RefusedTo);
            if (position.RefusedTo == QueueExitDestination.Callback)
            {
                // A full queue still takes callback tasks: the caller leaves a number instead of waiting.
                S.IsCallback = true;
                S.State = CallState.CallbackWaiting;
                if (_media is not null) await _media.HangupAsync();
                await Queue(queueId).EnqueueAsync(Entry(queueId));
                await SaveAndPublishAsync("call.callback_waiting");
                return;
            }
            await FinishAsync(CallState.Voicemail, "queue_full");
            return;
        }
        if (!retry && S.State == CallState.Queued) await SaveAndPublishAsync("call.queued");
    }

    private async Task BecomeCallbackAsync(bool requestedByCaller)
    {
        S.IsCallback = true;
        S.State = CallState.CallbackWaiting;
        if (_media is not null) await _media.HangupAsync();
        _logger.LogDebug("Call {CallId} waits as a callback task", CallId);
        await Task.WhenAll(S.Queues.ToList().Select(q => Queue(q).ConvertToCallbackAsync(CallId, requestedByCaller)));
        await SaveAndPublishAsync("call.callback_waiting");
    }

    private void Offer(string? queueId, string jobNo, int ringTimeoutSeconds)
    {
        var now = _time.GetUtcNow();
        S.State = CallState.Offering;
        S.SeatJobNo = jobNo;
        S.OfferingQueue = queueId;
        S.OfferedAt = now;
        S.RingTimeoutSeconds = ringTimeoutSeconds;
        if (!S.OfferedSeats.Contains(jobNo)) S.OfferedSeats.Add(jobNo);
        DisarmRing();
        RingPhone(jobNo, now);
        _ringTimer = this.RegisterGrainTimer(_ => RingNoAnswerAsync(jobNo, now),
            new GrainTimerCreationOptions(TimeSpan.FromSeconds(ringTimeoutSeconds), Timeout.InfiniteTimeSpan) { Interleave = true, KeepAlive = true });
    }

    /// <summary>The offer rang out: the seat goes not ready and the call goes back to the head of its line.</summary>
    private async Task RingNoAnswerAsync(string jobNo, DateTimeOffset offeredAt)
    {
        var decision = Decide(CallCommand.RingOut);
        if (!decision.Applies || S.SeatJobNo != jobNo || S.OfferedAt != offeredAt) return;
        DisarmRing();
        var queueId = S.OfferingQueue;
        S.RingNoAnswerCount++;
        S.SeatJobNo = null;
        S.OfferingQueue = null;
        S.State = decision.Next;
        _logger.LogDebug("Call {CallId} rang out at seat {JobNo}", CallId, jobNo);
        if (_media is not null) await _media.WithdrawOfferAsync(jobNo);
        await TellAsync(() => Seat(jobNo).OnRingNoAnswerAsync(CallId), "seat", jobNo);
        if (queueId is null)
        {
            // A direct transfer rang out: back into the home queue, at the head (its original place).
            await TellAsync(() => Queue(S.QueueId!).EnqueueAsync(Entry(S.QueueId!)), "queue", S.QueueId!);
        }
        else
        {
            // The offering queue may be a new activation that never knew the call (the one that offered it died with
            // its silo): the touch after the ring-no-answer puts the call back in its line there, at its original place.
            await Task.WhenAll(S.Queues.ToList().Select(q => TellAsync(async () =>
            {
                if (q == queueId) await Queue(q).RingNoAnswerAsync(CallId, jobNo);
                await Queue(q).TouchAsync(Entry(q));
            }, "queue", q)));
        }
        await SaveAndPublishAsync("call.ring_no_answer");
    }

    private async Task LoseAsync()
    {
        if (!Decide(CallCommand.Lose).Applies) return;
        var seat = S.SeatJobNo;
        var state = S.State;
        var queues = S.Queues.ToList();
        await FinishAsync(CallState.Failed, "lost_with_silo");
        if (seat is not null && state == CallState.Offering) await TellAsync(() => Seat(seat).ReleaseReservationAsync(CallId), "seat", seat);
        if (seat is not null && state == CallState.Talking) await TellAsync(() => Seat(seat).OnCallEndedAsync(CallId), "seat", seat);
        await Task.WhenAll(queues.Select(q => TellAsync(() => Queue(q).RemoveAsync(CallId), "queue", q)));
    }

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

    private void StartHeartbeat()
    {
        if (_heartbeat is not null) return;
        var period = TimeSpan.FromSeconds(_options.HeartbeatSeconds);
        _heartbeat = this.RegisterGrainTimer(_ => HeartbeatAsync(),
            new GrainTimerCreationOptions(period, period) { Interleave = true, KeepAlive = true });
    }

    /// <summary>
    /// The call's own retry loop: a record the database refused is written again; a call the queue could not take
    /// asks again; a waiting call touches its queues; a call in wrap-up checks that its seat is still at it.
    /// </summary>
    private async Task HeartbeatAsync()
    {
        if (_unsaved && !await WriteAgainAsync()) return;
        switch (S.State)
        {
            case CallState.Queued when _enqueuePending:
                if (_queueRetry is null) await JoinQueueAsync(S.QueueId!, retry: true); // else its quicker retry is due
                break;
            case CallState.Queued or CallState.CallbackWaiting:
                // The audit: queues hear from a waiting call only this often (a silo's death is repaired at once).
                if (_queueRetry is null && _time.GetUtcNow() - _touchedAt >= TimeSpan.FromSeconds(_options.AuditSeconds))
                    await TouchQueuesAsync();
                break;
            case CallState.Wrapup:
                await CheckWrapUpAsync();
                break;
            case var final when final.IsFinal():
                _heartbeat?.Dispose(); // the final record is on disk now
                _heartbeat = null;
                break;
        }
    }

    private async Task<bool> WriteAgainAsync()
    {
        try
        {
            await _writer.WriteAsync();
            _unsaved = false;
            _logger.LogInformation("Call {CallId} recorded in state {State} on a later try", CallId, S.State);
            return true;
        }
        catch (Exception e) when (TransientErrors.IsTransient(e))
        {
            _logger.LogWarning(e, "Call {CallId} still cannot be recorded in state {State}; trying again next heartbeat", CallId, S.State);
            return false;
        }
    }

    /// <summary>
    /// The seat's wrap-up timer ends the call's wrap-up with one message. If that message was lost (a silo died) or
    /// the call's write of it failed (the database restarted), the call asks the seat: a seat that has moved on
    /// finished the after-call work, so the call ends; a seat still talking on it missed the hang-up and is told again.
    /// </summary>
    private async Task CheckWrapUpAsync()
    {
        if (S.SeatJobNo is not { } jobNo) return;
        SeatSnapshot seat;
        try
        {
            seat = await Seat(jobNo).GetAsync();
        }
        catch (Exception e) when (TransientErrors.IsTransient(e))
        {
            _logger.LogWarning(e, "Call {CallId} in wrap-up could not reach seat {JobNo}; asking again next heartbeat", CallId, jobNo);
            return;
        }
        if (S.State != CallState.Wrapup || S.SeatJobNo != jobNo) return; // ended meanwhile
        if (seat.CallId == CallId && seat.State == SeatState.Wrapup) return;
        if (seat.CallId == CallId && seat.State is SeatState.Talking or SeatState.Reserved)
        {
            await Seat(jobNo).OnCallEndedAsync(CallId);
            return;
        }
        _logger.LogInformation("Seat {JobNo} has finished with call {CallId}; the call ends its wrap-up", jobNo, CallId);
        S.WrapUpEndedAt ??= _time.GetUtcNow();
        await FinishAsync(CallState.Ended, S.EndReason);
    }

    /// <summary>
    /// A waiting call re-announces itself to every queue it waits in, so a queue's new activation has it back at its
    /// place. A queue that cannot be reached is asked again soon (<see cref="ArmQueueRetry"/>), not a heartbeat later.
    /// </summary>
    private async Task TouchQueuesAsync()
    {
        if (S.State is not (CallState.Queued or CallState.CallbackWaiting)) return;
        _touchedAt = _time.GetUtcNow();
        _softState.Track(GrainContext.GrainId, matters: true);
        var reached = await Task.WhenAll(S.Queues.ToList().Select(async q =>
        {
            try
            {
                await Queue(q).TouchAsync(Entry(q));
                return true;
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                _logger.LogWarning(e, "Call {CallId} could not reach queue {QueueId}; it asks again", CallId, q);
                return false;
            }
        }));
        if (reached.All(r => r)) _queueRetryDelay = TimeSpan.Zero;
        else ArmQueueRetry();
    }

    /// <summary>
    /// Tells a seat or queue what the call did without failing the call's own step when that grain's silo is dying
    /// or its write fails: the call's state is already decided, and the heartbeats on both sides repair the rest.
    /// </summary>
    private async Task TellAsync(Func<Task> message, string kind, string id)
    {
        try
        {
            await message();
        }
        catch (Exception e) when (TransientErrors.IsTransient(e))
        {
            _logger.LogWarning(e, "Call {CallId} in state {State} could not reach {Kind} {Id}", CallId, S.State, kind, id);
        }
    }

    /// <summary>Rings the seat's phone without holding up the offer: the phone's answer comes back as AnswerAsync.</summary>
    private void RingPhone(string jobNo, DateTimeOffset offeredAt)
    {
        if (_media is null) return;
        var self = this.AsReference<ICallGrain>();
        Task ringing;
        try
        {
            ringing = _media.OfferToSeatAsync(jobNo);
        }
        catch (Exception e)
        {
            ringing = Task.FromException(e); // a media that refuses before it starts, handled as one that fails later
        }
        ringing.ContinueWith(t =>
            {
                // A phone the edge cannot reach at all (its TCP connection closed): the offer rings out now, through the
                // grain (this continuation runs outside it), instead of after the whole ring timeout.
                if (t.Exception?.InnerException is DomainException { Code: CallErrors.PhoneUnreachable })
                    self.PhoneUnreachableAsync(jobNo, offeredAt).Ignore();
                else
                    _logger.LogWarning(t.Exception, "Could not ring the phone of seat {JobNo} for call {CallId}", jobNo, CallId);
            },
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    /// <summary>A queue could not be reached: ask it again after 1 s, then 2, 4 … up to a heartbeat apart.</summary>
    private void ArmQueueRetry()
    {
        var heartbeat = TimeSpan.FromSeconds(_options.HeartbeatSeconds);
        _queueRetryDelay = _queueRetryDelay == TimeSpan.Zero ? TimeSpan.FromSeconds(1) : _queueRetryDelay * 2;
        if (_queueRetryDelay > heartbeat) _queueRetryDelay = heartbeat;
        _queueRetry?.Dispose();
        _queueRetry = this.RegisterGrainTimer(_ =>
        {
            _queueRetry = null;
            return S.State switch
            {
                CallState.Queued when _enqueuePending => JoinQueueAsync(S.QueueId!, retry: true),
                CallState.Queued or CallState.CallbackWaiting => TouchQueuesAsync(),
                _ => Task.CompletedTask,
            };
        }, new GrainTimerCreationOptions(_queueRetryDelay, Timeout.InfiniteTimeSpan) { Interleave = true, KeepAlive = true });
    }

    private void DisarmRing()
    {
        _ringTimer?.Dispose();
        _ringTimer = null;
    }

    /// <summary>The call's third party goes: a colleague's seat held for it is free again.</summary>
    private async Task LetPartyGoAsync()
    {
        if (S.Participant is not { } party) return;
        S.Participant = null;
        if (party.Target.Kind == PartyAddressKind.Seat && party.Role is ParticipantRole.Conference or ParticipantRole.Consultation)
            await Seat(party.Target.Address).ReleaseReservationAsync(CallId);
    }

    private async Task ReserveColleagueAsync(string jobNo)
    {
        await RequirePhoneAsync(jobNo);
        var config = await Queue(S.QueueId ?? _options.DefaultQueue).GetConfigAsync();
        if (!await Seat(jobNo).TryReserveAsync(new SeatOffer(CallId, S.QueueId ?? _options.DefaultQueue, S.IsCallback, config.WrapUpSeconds)))
            throw new DomainException("seat.unavailable", $"Seat {jobNo} is not ready to take part in the call.", status: 409);
    }

    /// <summary>A seat's phone the edge must ring: a SIP call cannot reach a seat without one.</summary>
    private async Task RequirePhoneAsync(string jobNo)
    {
        if (S.Channel == CallChannel.Simulated && S.Started) return; // the simulated trunk's parties answer at once
        if (await GrainFactory.GetGrain<IPhoneRegistrationGrain>(jobNo).GetAsync() is null)
            throw new DomainException("seat.no_phone", $"Seat {jobNo} has no registered phone for the hotline to ring.", status: 409);
    }

    /// <summary>Where a transfer to a department, a number or a colleague's phone is dialled.</summary>
    private async Task<PartyAddress> ResolveAsync(TransferTarget target)
    {
        switch (target.Kind)
        {
            case TransferTargetKind.Seat:
                return new PartyAddress(PartyAddressKind.Seat, target.Id, target.Id);
            case TransferTargetKind.Number:
                return new PartyAddress(PartyAddressKind.Number, target.Id, null);
            default:
                var department = await GrainFactory.GetGrain<IDepartmentGrain>(target.Id).GetAsync();
                if (string.IsNullOrWhiteSpace(department.Profile.Phone))
                    throw new DomainException("department.no_phone", $"Department '{target.Id}' has no phone number for transfers and three-way calls.", status: 409);
                return new PartyAddress(PartyAddressKind.Number, department.Profile.Phone.Trim(), department.Profile.Name);
        }
    }

    private QueueEntry Entry(string queueId) => new(CallId, S.EnqueuedAt ?? S.ArrivedAt, S.Priority, S.Language, S.IsCallback,
        queueId == S.QueueId ? null : S.QueueId)
    {
        Silo = GrainContext.Address.SiloAddress?.ToParsableString(),
    };

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
