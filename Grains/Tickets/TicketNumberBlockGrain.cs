using Hotline.Common;
using Orleans.Runtime;

namespace Hotline.Tickets;

[GenerateSerializer, Alias("hotline.TicketSequenceState")]
public sealed class TicketSequenceState
{
    /// <summary>The next sequence value never handed out.</summary>
    [Id(0)] public long Next { get; set; } = 1;
}

/// <summary>
/// The cluster's one ticket sequence. A block is durable before it is handed out, so a number is never
/// issued twice, even if the silo holding the block dies (its unused numbers are skipped, never reused).
/// </summary>
[GrainType("ticket-number-block")]
public sealed class TicketNumberBlockGrain([PersistentState(GrainStorage.States.TicketSequence, GrainStorage.Hotline)] IPersistentState<TicketSequenceState> state)
    : Grain, ITicketNumberBlockGrain
{
    public async Task<NumberBlock> ReserveAsync(int count)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count));
        var block = new NumberBlock(state.State.Next, count);
        state.State.Next += count;
        await state.WriteStateAsync();
        return block;
    }
}
