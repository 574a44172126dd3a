using Hotline.Queues;
using Orleans.Concurrency;

namespace Hotline.Seats;

/// <summary>One partition of the latest snapshot of every seat for the supervisor wall; soft state refilled by the seats (on change, audit and repair).</summary>
[Reentrant]
[GrainType("seat-board")]
public sealed class SeatBoardGrain : Grain, ISeatBoardGrain
{
    private readonly Dictionary<string, SeatSnapshot> _seats = new(StringComparer.Ordinal);

    public Task PublishAsync(SeatSnapshot seat)
    {
        if (!_seats.TryGetValue(seat.JobNo, out var known) || known.Version <= seat.Version)
            _seats[seat.JobNo] = seat;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyDictionary<string, SeatCounts>> CountByQueueAsync()
    {
        var counts = new Dictionary<string, SeatCounts>(StringComparer.Ordinal);
        foreach (var seat in _seats.Values)
        {
            if (seat.State == SeatState.LoggedOut) continue;
            var one = new SeatCounts(
                Ready: seat.State == SeatState.Ready ? 1 : 0, Reserved: seat.State == SeatState.Reserved ? 1 : 0,
                Talking: seat.State == SeatState.Talking ? 1 : 0, WrapUp: seat.State == SeatState.Wrapup ? 1 : 0,
                NotReady: seat.State == SeatState.NotReady ? 1 : 0, LoggedIn: 1);
            foreach (var skill in seat.Queues)
                counts[skill.QueueId] = counts.TryGetValue(skill.QueueId, out var sum) ? sum.Add(one) : one;
        }
        return Task.FromResult<IReadOnlyDictionary<string, SeatCounts>>(counts);
    }

    public Task<IReadOnlyList<SeatSnapshot>> GetAllAsync() =>
        Task.FromResult<IReadOnlyList<SeatSnapshot>>(_seats.Values.OrderBy(s => s.JobNo, StringComparer.Ordinal).ToList());
}
