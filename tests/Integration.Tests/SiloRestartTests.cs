using Hotline.Calls;
using Hotline.Queues;
using Hotline.Seats;

namespace Hotline.Tests;

/// <summary>Real silo processes on a real PostgreSQL: what is durable survives a silo killed with SIGKILL.</summary>
public sealed class SiloRestartTests
{
    [Fact]
    public async Task Seat_and_queue_state_survive_a_killed_silo_and_a_call_on_it_is_recorded_as_lost()
    {
        await using var db = await TestDatabase.CreateAsync("restart");
        var (siloPort, gatewayPort, httpPort) = (HotlineProcess.FreePort(), HotlineProcess.FreePort(), HotlineProcess.FreePort());

        var first = HotlineProcess.StartSilo(db.ConnectionString, siloPort, gatewayPort, httpPort);
        await using (first)
        {
            await first.WaitReadyAsync();
            await using var client = await ClusterClient.ConnectAsync(db.ConnectionString);
            var grains = client.Client;
            await grains.GetGrain<IQueueGrain>("restart-q").ConfigureAsync(new QueueConfig
            {
                Name = "重启测试",
                Strategy = RoutingStrategy.FewestCalls,
                WrapUpSeconds = 0,
                ServiceLevelSeconds = 15,
            });
            var seat = grains.GetGrain<ISeatGrain>("5001");
            await seat.LoginAsync(new SeatLogin("8001", [new QueueSkill("restart-q", 4)], ["zh", "en"]));
            await seat.NotReadyAsync("meal");
            // A caller waits (no seat is ready) when the silo dies.
            await grains.GetGrain<ICallGrain>("restart-call-1")
                .StartAsync(new CallStart(CallChannel.Simulated, "13800000001", "12345", null, "restart-q", 0));
            first.Kill();
        }

        var second = HotlineProcess.StartSilo(db.ConnectionString, siloPort, gatewayPort, httpPort);
        await using (second)
        {
            await second.WaitReadyAsync();
            await using var client = await ClusterClient.ConnectAsync(db.ConnectionString);
            var grains = client.Client;

            var config = await grains.GetGrain<IQueueGrain>("restart-q").GetConfigAsync();
            Assert.Equal("重启测试", config.Name);
            Assert.Equal(RoutingStrategy.FewestCalls, config.Strategy);
            Assert.Contains("restart-q", await grains.GetGrain<IQueueDirectoryGrain>(IQueueDirectoryGrain.Centre).GetAllAsync());

            var seat = await grains.GetGrain<ISeatGrain>("5001").GetAsync();
            Assert.Equal(SeatState.NotReady, seat.State);
            Assert.Equal("meal", seat.Reason);
            Assert.Equal([new QueueSkill("restart-q", 4)], seat.Queues);
            Assert.Equal(["zh", "en"], seat.Languages);

            // The waiting call's media died with the silo. Nobody asks for the call: the survivors' sweep finds it
            // and its record says so instead of staying "queued".
            await Eventually.HoldsAsync(async () => await db.ScalarAsync<string>(
                "SELECT state FROM call_records WHERE call_id = $1", "restart-call-1") == "failed", "the lost call is recorded as failed");
            var lost = await grains.GetGrain<ICallGrain>("restart-call-1").GetAsync();
            Assert.Equal(CallState.Failed, lost.State);
            Assert.Equal("lost_with_silo", lost.EndReason);
            Assert.Null(await db.ScalarAsync<string>("SELECT silo FROM call_records WHERE call_id = $1", "restart-call-1"));

            // And the restored seat takes the next call.
            await grains.GetGrain<ISeatGrain>("5001").ReadyAsync();
            var call = grains.GetGrain<ICallGrain>("restart-call-2");
            await call.StartAsync(new CallStart(CallChannel.Simulated, "13800000002", "12345", null, "restart-q", 0));
            await Eventually.HoldsAsync(async () => (await call.GetAsync()).State == CallState.Offering, "the call is offered to seat 5001");
            Assert.Equal("5001", (await call.GetAsync()).SeatJobNo);
        }
    }
}
