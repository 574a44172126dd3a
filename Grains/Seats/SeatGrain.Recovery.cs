using Hotline.Calls;
using Hotline.Common;
using Microsoft.Extensions.Logging;

namespace Hotline.Seats;

/// <summary>The seat's own retry loop: a write the database refused, a wrap-up end that was not told, a reservation whose offer never came, and the audit.</summary>
public sealed partial class SeatGrain
{
    /// <summary>
    /// The seat's wrap-up is over either way; if the call cannot be told now, the seat's heartbeat tells it again
    /// (which also wakes a call whose activation was lost), and the call's own heartbeat sees the seat has moved on.
    /// </summary>
    private async Task TellWrapUpDoneAsync(string callId)
    {
        try
        {
            await Call(callId).WrapUpDoneAsync(JobNo);
            if (_wrapUpNotTold == callId) _wrapUpNotTold = null;
        }
        catch (Exception e) when (TransientErrors.IsTransient(e))
        {
            _wrapUpNotTold = callId;
            _logger.LogWarning(e, "Seat {JobNo} could not end the wrap-up of call {CallId}; telling it again next heartbeat", JobNo, callId);
        }
    }

    private void StartHeartbeat()
    {
        if (_heartbeat is not null) return;
        var period = TimeSpan.FromSeconds(_options.HeartbeatSeconds);
        _heartbeat = this.RegisterGrainTimer(_ => HeartbeatAsync(), new GrainTimerCreationOptions(period, period) { Interleave = true, KeepAlive = true });
    }

    /// <summary>The seat's retry loop: a record the database refused is written again, a stale reservation released, the queues told.</summary>
    private async Task HeartbeatAsync()
    {
        if (_unsaved) await WriteInBackgroundAsync();
        if (_wrapUpNotTold is { } callId) await TellWrapUpDoneAsync(callId);
        if (S.State == SeatState.Reserved) await CheckReservationAsync();
        // The audit: queues and the board hear an unchanged seat only this often (a silo's death is repaired at once).
        if (_time.GetUtcNow() - _announcedAt >= TimeSpan.FromSeconds(_options.AuditSeconds)) await NotifyAsync();
    }

    /// <summary>
    /// A reservation whose call is not ringing here (nor dialling out from here, nor holding this seat as a consulted
    /// colleague) is stale: the queue that reserved the seat died before it offered the call, or the message releasing
    /// the seat was lost. The call grain is the authority on its offer. An offer
    /// still on its way is younger than a heartbeat period, so only older reservations are checked. A call back in its line after
    /// ringing here rang out: the seat goes not ready (no answer), as the ring-out's own message, late or lost, would have set it.
    /// </summary>
    private async Task CheckReservationAsync()
    {
        if (S.CallId is not { } callId || _time.GetUtcNow() - S.StateSince < TimeSpan.FromSeconds(_options.HeartbeatSeconds)) return;
        bool ringingHere, rangOutHere = false;
        try
        {
            var call = await Call(callId).GetAsync();
            // Back in its line after ringing here: the ring-out's message to this seat is late or lost, and it is what applies.
            rangOutHere = call is { State: CallState.Queued or CallState.CallbackWaiting, RingNoAnswerCount: > 0 } && call.OfferedSeats.Contains(JobNo);
            ringingHere = call switch
            {
                { State: CallState.Offering or CallState.Dialing } => call.SeatJobNo == JobNo, // an offer, or this agent's outbound call
                // A colleague held for a consultation or a three-way call.
                { State: CallState.Talking, Participant.Target: { Kind: PartyAddressKind.Seat } target } => target.Address == JobNo,
                _ => false,
            };
        }
        catch (DomainException e) when (e.Code == "call.not_found")
        {
            ringingHere = false;
        }
        catch (Exception e) when (TransientErrors.IsTransient(e))
        {
            _logger.LogWarning(e, "Seat {JobNo} could not ask call {CallId} about its offer; asking again next heartbeat", JobNo, callId);
            return;
        }
        if (ringingHere || S.State != SeatState.Reserved || S.CallId != callId) return;
        if (rangOutHere)
        {
            _logger.LogInformation("Seat {JobNo} let call {CallId} ring out; it goes not ready", JobNo, callId);
            await OnRingNoAnswerAsync(callId);
            return;
        }
        _logger.LogWarning("Seat {JobNo} was reserved for call {CallId}, which is not ringing here; the seat is free again", JobNo, callId);
        await ReleaseReservationAsync(callId);
    }

    private async Task WriteAsync()
    {
        try
        {
            await _writer.WriteAsync();
            _unsaved = false;
        }
        catch (Exception e) when (TransientErrors.IsTransient(e))
        {
            _unsaved = true; // the heartbeat writes it again
            throw;
        }
    }

    private async Task WriteInBackgroundAsync()
    {
        try
        {
            await WriteAsync();
        }
        catch (Exception e) when (TransientErrors.IsTransient(e))
        {
            _logger.LogWarning(e, "Seat {JobNo} could not be recorded in state {State}; trying again next heartbeat", JobNo, S.State);
        }
    }
}
