using Hotline.Common;
using Orleans.Runtime;

namespace Hotline.Queues;

[GenerateSerializer, Alias("hotline.QueueDirectoryState")]
public sealed class QueueDirectoryState
{
    [Id(0)] public SortedSet<string> QueueIds { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>Which queues exist; written once per queue, read by the API and the seats.</summary>
[GrainType("queue-directory")]
public sealed class QueueDirectoryGrain([PersistentState(GrainStorage.States.Queues, GrainStorage.Hotline)] IPersistentState<QueueDirectoryState> state)
    : Grain, IQueueDirectoryGrain
{
    public async Task AddAsync(string queueId)
    {
        if (state.State.QueueIds.Add(queueId)) await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<string>> GetAllAsync() => Task.FromResult<IReadOnlyList<string>>(state.State.QueueIds.ToList());
}
