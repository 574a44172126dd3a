namespace Hotline.Seats;

/// <summary>
/// One partition of the live board of every seat (the supervisor wall's source), keyed by partition number
/// ("0" to "15", <see cref="SeatBoard.PartitionOf"/>). A seat pushes its snapshot to its partition when it changes;
/// the partition keeps the latest of each and survives nothing: seats re-publish on activation, on the slow audit
/// and when a silo dies, so a partition lost with its silo refills itself.
/// </summary>
[Alias("hotline.ISeatBoardGrain")]
public interface ISeatBoardGrain : IGrainWithStringKey
{
    [Orleans.Concurrency.OneWay, Alias("Publish")] Task PublishAsync(SeatSnapshot seat);
    [Alias("GetAll")] Task<IReadOnlyList<SeatSnapshot>> GetAllAsync();
    /// <summary>This partition's seats counted per state for each queue they serve.</summary>
    [Alias("CountByQueue")] Task<IReadOnlyDictionary<string, Hotline.Queues.SeatCounts>> CountByQueueAsync();
}

/// <summary>The seat board as one: sixteen partitions, so that no single activation takes every seat's changes.</summary>
public static class SeatBoard
{
    public const int Partitions = 16;

    /// <summary>The partition a seat publishes to: a stable hash of its job number (not <see cref="string.GetHashCode()"/>, which differs per process).</summary>
    public static ISeatBoardGrain PartitionOf(IGrainFactory grains, string jobNo)
    {
        uint hash = 2166136261;
        foreach (var c in jobNo) hash = (hash ^ c) * 16777619;
        return grains.GetGrain<ISeatBoardGrain>((hash % Partitions).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Every seat on the board, by job number.</summary>
    public static async Task<IReadOnlyList<SeatSnapshot>> GetAllAsync(IGrainFactory grains)
    {
        var parts = await Task.WhenAll(Enumerable.Range(0, Partitions)
            .Select(p => grains.GetGrain<ISeatBoardGrain>(p.ToString(System.Globalization.CultureInfo.InvariantCulture)).GetAllAsync()));
        return parts.SelectMany(p => p).OrderBy(s => s.JobNo, StringComparer.Ordinal).ToList();
    }

    /// <summary>Every queue's seats counted per state (ringing, talking and wrap-up apart, which the queues do not know).</summary>
    public static async Task<IReadOnlyDictionary<string, Hotline.Queues.SeatCounts>> CountsByQueueAsync(IGrainFactory grains)
    {
        var parts = await Task.WhenAll(Enumerable.Range(0, Partitions)
            .Select(p => grains.GetGrain<ISeatBoardGrain>(p.ToString(System.Globalization.CultureInfo.InvariantCulture)).CountByQueueAsync()));
        var total = new Dictionary<string, Hotline.Queues.SeatCounts>(StringComparer.Ordinal);
        foreach (var part in parts)
            foreach (var (queue, counts) in part)
                total[queue] = total.TryGetValue(queue, out var sum) ? sum.Add(counts) : counts;
        return total;
    }
}
