using Hotline.Queues;
using Microsoft.Extensions.Logging;

namespace Hotline.Seats;

/// <summary>What the seat tells others: the seat board on every change, and each served queue only when its availability there changes, highest queue priority first.</summary>
public sealed partial class SeatGrain
{
    /// <summary>A silo died, or a queue of this seat came back empty: the seat tells its queues and the board again what it is.</summary>
    public Task ReannounceAsync(string? lostSilo) => S.State == SeatState.LoggedOut ? Task.CompletedTask : NotifyAsync();

    /// <summary>
    /// Tells the board what the seat is now, and each served queue whose view of the seat's availability (ready, busy,
    /// not ready, out) is now wrong; the steps of a call (ringing, talking, wrap-up) are all "busy" to a queue, so a
    /// seat serving one queue tells it once per call, when it is ready again. With no event type it is the audit or a
    /// repair: every queue is told again, the same version, so only a queue that forgot the seat reacts.
    /// </summary>
    private async Task NotifyAsync(string? eventType = null, IEnumerable<string>? dropped = null)
    {
        var snapshot = Snapshot();
        _announcedAt = _time.GetUtcNow();
        _softState.Track(GrainContext.GrainId, matters: S.State != SeatState.LoggedOut);
        SeatBoard.PartitionOf(GrainFactory, JobNo).PublishAsync(snapshot).Ignore();
        if (eventType is not null) _events.Publish(eventType, JobNo, snapshot.StateSince, snapshot);

        await TellQueuesAsync(everyQueue: eventType is null);
        if (dropped is not null)
            foreach (var queueId in dropped)
            {
                _told.Remove(queueId);
                await Tell(queueId, Availability(0, SeatState.LoggedOut));
            }
    }

    /// <summary>
    /// Highest queue priority first. A seat that becomes ready stops at the first queue that offers it a call (strict
    /// priority: a lower queue never takes a seat while a higher one has a caller waiting for it); the queues below
    /// still hold it as busy, which it is.
    /// </summary>
    private async Task TellQueuesAsync(bool everyQueue)
    {
        var availability = AvailabilityOf(S.State);
        foreach (var skill in S.Queues.ToList())
        {
            if (!everyQueue && _told.TryGetValue(skill.QueueId, out var told) && told == availability) continue;
            var version = S.Version;
            var offering = await Tell(skill.QueueId, Availability(skill.Level, S.State));
            // A change while the queue was being told (it reserved this seat, say) has recorded what the queue knows since.
            if (S.Version == version) _told[skill.QueueId] = availability;
            if (availability == SeatState.Ready && (offering || S.State != SeatState.Ready)) break;
        }
    }

    /// <summary>The seat as its queues see it: every step of a call is "busy" (kept as <see cref="SeatState.Reserved"/>).</summary>
    private static SeatState AvailabilityOf(SeatState state) =>
        state is SeatState.Talking or SeatState.Wrapup ? SeatState.Reserved : state;

    /// <summary>True when the queue is now offering this seat a call.</summary>
    private async Task<bool> Tell(string queueId, SeatAvailability availability)
    {
        try
        {
            return await GrainFactory.GetGrain<IQueueGrain>(queueId).SeatChangedAsync(availability);
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            // The next change or the audit tells it again; a queue lost with its silo is repaired when the death is known.
            _told.Remove(queueId);
            _logger.LogWarning(e, "Seat {JobNo} could not reach queue {QueueId}", JobNo, queueId);
            return false;
        }
    }

    private SeatAvailability Availability(int level, SeatState state) =>
        new(JobNo, state, level, S.Languages, S.IdleSince, S.CallsAnswered, S.TalkTime, S.Version)
        {
            Silo = GrainContext.Address.SiloAddress?.ToParsableString(),
        };
}
