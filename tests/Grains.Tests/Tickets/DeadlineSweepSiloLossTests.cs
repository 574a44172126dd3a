using Hotline.Tickets;
using Orleans.Runtime;

namespace Hotline.Tests.Tickets;

/// <summary>
/// A silo dies holding the deadline sweep and some of the orders whose deadlines are due. The orders' next deadlines
/// are in the shared table (the read model's next_due_at in production), so the sweep, reactivated on the survivor,
/// still finds every due order, and each is urged exactly once. The test kills a silo, so it has a cluster of its own.
/// </summary>
public sealed class DeadlineSweepSiloLossTests : IAsyncLifetime
{
    private static readonly Actor Agent = new("1001", "agent", null);
    private static readonly Actor Dispatcher = new("8001", "dispatcher", null);
    private readonly FastFailoverTicketCluster _cluster = new();

    public async Task InitializeAsync()
    {
        await _cluster.InitializeAsync();
        await _cluster.SeedAsync();
    }

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task Orders_due_when_the_sweeps_silo_dies_are_each_urged_once_from_the_survivor()
    {
        var intake = _cluster.Client.GetGrain<ITicketIntakeGrain>(0);
        var orders = new List<ITicketGrain>();
        for (var i = 0; i < 8; i++)
        {
            var registered = await intake.RegisterAsync(new TicketIntake
            {
                Channel = TicketChannel.Phone,
                Kind = TicketKind.Complaint,
                Category = "housing-fund",
                Caller = new Caller("张先生", "13800138000"),
                Summary = "公积金提取被拒",
                Content = "申请提取住房公积金三次被拒。",
            }, Agent);
            var order = _cluster.Client.GetGrain<ITicketGrain>(registered.Number);
            await order.DispatchAsync("housing", [], null, Dispatcher);
            orders.Add(order);
        }
        var sweep = _cluster.Client.GetGrain<IDeadlineSweepGrain>(0);
        await sweep.StartAsync();
        var doomed = Assert.IsType<SiloAddress>(_cluster.SiloOf(sweep));
        var lastSign = (await Task.WhenAll(orders.Select(o => o.GetAsync()))).Max(o => o.Deadlines.Sign!.Value);
        await _cluster.Time.AdvanceAsync(lastSign - _cluster.Time.GetUtcNow() + TimeSpan.FromSeconds(1));

        await _cluster.KillSiloAsync(doomed);
        await sweep.SweepAsync();
        await sweep.SweepAsync();

        Assert.NotEqual(doomed, _cluster.SiloOf(sweep));
        foreach (var order in orders)
        {
            Assert.Single(await order.GetHistoryAsync(), h => h.Action == "sign_overdue");
            Assert.Equal(1, (await order.GetAsync()).UrgeCount);
        }
    }
}
