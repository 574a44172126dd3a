using Orleans.Concurrency;

namespace Hotline.Seats;

/// <summary>Latest snapshot of every seat for the supervisor wall; soft state refilled by the seats' heartbeats.</summary>
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

    public Task<IReadOnlyList<SeatSnapshot>> GetAllAsync() =>
        Task.FromResult<IReadOnlyList<SeatSnapshot>>(_seats.Values.OrderBy(s => s.JobNo, StringComparer.Ordinal).ToList());
}
