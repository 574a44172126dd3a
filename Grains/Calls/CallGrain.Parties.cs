using Hotline.Departments;
using Hotline.Seats;
using Microsoft.Extensions.Logging;

namespace Hotline.Calls;

/// <summary>The agent's side of a call in progress: hold, transfers, conferences and supervision (a third party), and calls dialled out.</summary>
public sealed partial class CallGrain
{
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
}
