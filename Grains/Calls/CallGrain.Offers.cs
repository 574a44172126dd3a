using Hotline.Common;
using Hotline.Seats;
using Microsoft.Extensions.Logging;

namespace Hotline.Calls;

/// <summary>Offers to seats: the offer, the seat's phone ringing, the answer (from the desk or the phone), the ring-out, and a callback task that dials the citizen once answered.</summary>
public sealed partial class CallGrain
{
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

    private void DisarmRing()
    {
        _ringTimer?.Dispose();
        _ringTimer = null;
    }
}
