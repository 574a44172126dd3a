using Hotline.Common;
using Hotline.Seats;
using Microsoft.Extensions.Logging;

namespace Hotline.Calls;

/// <summary>The call's own retry loop (a write the database refused, a wrap-up end that never arrived) and what it does when its silo died.</summary>
public sealed partial class CallGrain
{
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
}
