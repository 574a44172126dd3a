using Hotline.Calls;
using Hotline.Common;
using Hotline.Seats;
using Microsoft.Extensions.Logging;

namespace Hotline.Queues;

/// <summary>Routing and offers: the seats as the queue mirrors them (ready, busy, not ready), matching waiting calls with ready seats through AcdRouter, and offering each match to the seat and the call.</summary>
public sealed partial class QueueGrain
{
    public Task<bool> SeatChangedAsync(SeatAvailability seat)
    {
        if (_seats.TryGetValue(seat.JobNo, out var known) && known.Version > seat.Version)
            return Task.FromResult(_offersBySeat.ContainsKey(seat.JobNo)); // a late, stale update
        var changed = known is null || known.State != seat.State || known.Version != seat.Version;

        // A logged-out seat stays known with its version, so that an older notice arriving late (messages
        // may overtake each other) cannot bring it back.
        SetSeat(seat.JobNo, seat);
        if (seat.State == SeatState.LoggedOut ? _state.State.Seats.Remove(seat.JobNo) : _state.State.Seats.Add(seat.JobNo))
            _countersDirty = true; // written with the counters

        if (seat.State == SeatState.Ready && !_offersBySeat.ContainsKey(seat.JobNo))
        {
            if (!_router.ContainsSeat(seat.JobNo) || changed) _router.AddSeat(ToReadySeat(seat));
            Dispatch();
        }
        else
        {
            _router.RemoveSeat(seat.JobNo);
        }
        if (changed) PublishChanged("queue.seats_changed");
        // Whether this queue is now offering the seat a call: a seat that serves several queues then stops telling the
        // lower ones it is ready, so the highest queue with a caller waiting always gets it first.
        return Task.FromResult(_offersBySeat.ContainsKey(seat.JobNo));
    }

    /// <summary>Offers every call that has an eligible ready seat; the offers run concurrently.</summary>
    private void Dispatch()
    {
        while (_router.Next(MinimumLevelFor) is { } match)
        {
            var entry = _entries[match.Call.CallId];
            entry.Status = EntryStatus.Offering;
            SetOffer(entry, match.Seat.JobNo);
            _ = OfferAsync(entry, match.Seat);
        }
    }

    private int MinimumLevelFor(WaitingCall call) => _policy.MinimumLevel(_time.GetUtcNow() - call.EnqueuedAt);

    private async Task OfferAsync(Entry entry, ReadySeat seat)
    {
        var callId = entry.Data.CallId;
        var seatGrain = GrainFactory.GetGrain<ISeatGrain>(seat.JobNo);
        bool reserved;
        try
        {
            reserved = await seatGrain.TryReserveAsync(new SeatOffer(callId, Id, entry.Data.IsCallback, Config.WrapUpSeconds));
        }
        catch (Exception e) when (TransientErrors.IsTransient(e))
        {
            _logger.LogWarning(e, "Seat {JobNo} unreachable while offering {CallId}", seat.JobNo, callId);
            reserved = false;
        }

        // The seat does not tell the queue that reserved it that it is busy now: the queue knows.
        if (reserved && _seats.TryGetValue(seat.JobNo, out var known) && known.State == SeatState.Ready)
            SetSeat(seat.JobNo, known with { State = SeatState.Reserved });

        if (!reserved)
        {
            // Another queue won the seat (or it changed state): it re-announces itself when free again.
            SetSeat(seat.JobNo, null);
            ReturnToLine(entry, seat.JobNo);
            Dispatch();
            return;
        }

        OfferResult result;
        var unreachable = false;
        try
        {
            result = await GrainFactory.GetGrain<ICallGrain>(callId).TryOfferAsync(Id, seat.JobNo, Config.RingTimeoutSeconds);
        }
        catch (Exception e) when (TransientErrors.IsTransient(e))
        {
            // Its silo is dying, or a message was lost: the call keeps its place and is offered again a second later. If its
            // silo died, the repair takes it out of the line as soon as the death is known (ReannounceAsync).
            _logger.LogWarning(e, "Call {CallId} unreachable while offering to {JobNo}; offered again in a second", callId, seat.JobNo);
            result = OfferResult.NotWaiting;
            unreachable = true;
        }

        if (result == OfferResult.Accepted)
        {
            Count(c => c with { Offered = c.Offered + 1 });
            PublishChanged("queue.call_offered");
            return;
        }

        try
        {
            await seatGrain.ReleaseReservationAsync(callId);
        }
        catch (Exception e) when (TransientErrors.IsTransient(e))
        {
            // The seat's heartbeat finds a reservation whose call is not ringing there and frees itself.
            _logger.LogWarning(e, "Seat {JobNo} unreachable while withdrawing the offer of {CallId}", seat.JobNo, callId);
        }
        if (result == OfferResult.AlreadyOffered && entry.OfferedTo == seat.JobNo)
        {
            // Ringing at a seat of another queue (overflow); it comes back through TouchAsync if that rings out.
            entry.Status = EntryStatus.Elsewhere;
            SetOffer(entry, null);
        }
        else if (unreachable && entry.OfferedTo == seat.JobNo)
        {
            entry.Status = EntryStatus.Waiting;
            SetOffer(entry, null);
            _offerAgain.Add(callId);
        }
        else if (result == OfferResult.NotWaiting)
        {
            Forget(callId);
        }
        Dispatch();
    }

    private void ReturnToLine(Entry entry, string jobNo)
    {
        if (entry.OfferedTo != jobNo || !_entries.ContainsKey(entry.Data.CallId)) return;
        entry.Status = EntryStatus.Waiting;
        SetOffer(entry, null);
        AddToRouter(entry);
    }

    private void SetOffer(Entry entry, string? jobNo)
    {
        if (entry.OfferedTo is { } previous)
        {
            _offersBySeat.Remove(previous);
            // The offer ended without a conversation and the seat is ready again (its reservation was released
            // while this queue still held the offer, so its ready notice was set aside): it can take a call now.
            if (jobNo is null && _seats.TryGetValue(previous, out var seat) && seat.State == SeatState.Ready)
                _router.AddSeat(ToReadySeat(seat));
        }
        entry.OfferedTo = jobNo;
        if (jobNo is not null) _offersBySeat[jobNo] = entry.Data.CallId;
    }

    /// <summary>Records what the queue knows of a seat (null: nothing), keeping the staffing sums in step.</summary>
    private void SetSeat(string jobNo, SeatAvailability? seat)
    {
        if (_seats.TryGetValue(jobNo, out var known)) _staffing -= QueueStaffing.Of(known);
        if (seat is null)
        {
            _seats.Remove(jobNo);
            return;
        }
        _seats[jobNo] = seat;
        _staffing += QueueStaffing.Of(seat);
    }

    private static ReadySeat ToReadySeat(SeatAvailability seat) =>
        new(seat.JobNo, seat.Level, seat.Languages, seat.IdleSince, seat.CallsAnswered, seat.TalkTime);
}
