using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Hotline.Tickets;

/// <summary>
/// Registers new orders on this silo: takes the next number from a block reserved in advance, then creates
/// the order. Reentrant, so registrations overlap while one block reservation is under way.
/// </summary>
[StatelessWorker(1)]
[Reentrant]
[GrainType("ticket-intake")]
public sealed class TicketIntakeGrain(IOptions<TicketOptions> options) : Grain, ITicketIntakeGrain
{
    private readonly TicketOptions _options = options.Value;
    private long _next;
    private long _end;
    private Task? _refill;

    public async Task<TicketSnapshot> RegisterAsync(TicketIntake intake, Actor by)
    {
        var number = TicketNumber.Format(await NextSequenceAsync(), _options.NumberLength);
        return await GrainFactory.GetGrain<ITicketGrain>(number).CreateAsync(intake, by);
    }

    private async Task<long> NextSequenceAsync()
    {
        while (_next >= _end)
        {
            _refill ??= RefillAsync();
            await _refill;
        }
        return _next++;
    }

    private async Task RefillAsync()
    {
        try
        {
            var block = await GrainFactory.GetGrain<ITicketNumberBlockGrain>(ITicketNumberBlockGrain.Centre).ReserveAsync(_options.NumberBlockSize);
            if (block.First + block.Count > TicketNumber.Capacity(_options.NumberLength))
                throw new DomainException("ticket.numbers_exhausted",
                    $"Ticket numbers of {_options.NumberLength} digits are used up; raise Hotline:Tickets:NumberLength.", status: 503);
            _next = block.First;
            _end = block.First + block.Count;
        }
        finally
        {
            _refill = null;
        }
    }
}
