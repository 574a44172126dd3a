using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Hotline.Tickets;

/// <summary>
/// Fires work orders' deadline events (automatic urge, 定时催办, sign limit, overdue and 督办) from one durable
/// Orleans reminder instead of one reminder per order: every <see cref="Period"/> it reads the orders whose next
/// event is due (<see cref="ITicketDeadlines"/>, the read model's <c>next_due_at</c>) and asks each to handle it.
/// Registering an order therefore writes no reminder row. An event is handled once because the order records it
/// (<see cref="TicketRecord.HandledEvents"/>) in the same write that moves its <c>next_due_at</c> on; an order
/// whose write failed stays due and is asked again at the next tick, also after a silo restart.
/// </summary>
[GrainType("deadline-sweep")]
public sealed class DeadlineSweepGrain(
    ITicketDeadlines deadlines,
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
    ILogger<DeadlineSweepGrain> logger) : Grain, IDeadlineSweepGrain, IRemindable
{
    private const string ReminderName = "deadline-sweep";
    /// <summary>How late an event may fire: Orleans' shortest reminder period.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromMinutes(1);
    private const int PageSize = 500;
    private const int InParallel = 16;

    public async Task StartAsync()
    {
        if (await this.GetReminder(ReminderName) is null)
            await this.RegisterOrUpdateReminder(ReminderName, Period, Period);
    }

    async Task IRemindable.ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == ReminderName) await SweepAsync();
    }

    public async Task<int> SweepAsync()
    {
        var now = time.GetUtcNow();
        var asked = 0;
        var failed = 0;
        DueTicket? after = null;
        while (true)
        {
            var page = await deadlines.DueAsync(now, after, PageSize, CancellationToken.None);
            foreach (var chunk in page.Chunk(InParallel))
            {
                var checks = chunk.Select(d => GrainFactory.GetGrain<ITicketGrain>(d.Number).CheckDeadlinesAsync()).ToList();
                try
                {
                    await Task.WhenAll(checks);
                }
                catch (Exception) when (checks.Any(c => c.IsFaulted))
                {
                    // Each failed order is still due in the read model, so the next tick asks it again.
                    foreach (var (check, due) in checks.Zip(chunk).Where(c => c.First.IsFaulted))
                    {
                        failed++;
                        logger.LogWarning(check.Exception!.GetBaseException(), "Deadline check of work order {TicketNumber} (due {Due}) failed; retried at the next sweep", due.Number, due.Due);
                    }
                }
                asked += chunk.Length;
            }
            if (page.Count < PageSize) break;
            after = page[^1];
        }
        if (asked > 0) logger.LogInformation("Deadline sweep asked {Asked} work orders ({Failed} failed)", asked, failed);
        return asked;
    }
}
