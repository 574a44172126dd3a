using Hotline.Calls;
using Hotline.Queues;
using Hotline.Seats;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Serialization;

namespace Hotline.Tests.Cluster;

/// <summary>
/// Messages and writes that fail while a silo dies or the database restarts. The failures are scheduled
/// (<see cref="GrainFaults"/>, <see cref="SharedGrainStore.FailWrites"/>) so that each test hits the one step it is about.
/// </summary>
public sealed class FaultTests(HotlineCluster cluster) : ClusterTest(cluster), IClassFixture<HotlineCluster>
{
    private const int HeartbeatSeconds = 10; // HotlineGrainOptions.HeartbeatSeconds, the default the cluster runs with

    private CallRecord Stored(string callId) =>
        Cluster.Store.Read<CallRecord>("calls", Call(callId), Client.ServiceProvider.GetRequiredService<Serializer>());

    [Fact]
    public async Task A_call_whose_queue_cannot_be_reached_as_it_enters_waits_as_queued_and_is_offered_once_its_heartbeat_gets_through()
    {
        var queue = await NewQueueAsync();
        Cluster.Faults.Fail(Queue(queue), nameof(IQueueGrain.EnqueueAsync), times: 1,
            () => new SiloUnavailableException("injected: the queue's silo died"));
        var jobNo = await NewSeatAsync(queue);

        var call = await NewCallAsync(queue);

        Assert.Equal(1, Cluster.Faults.Thrown(Queue(queue), nameof(IQueueGrain.EnqueueAsync)));
        var waiting = await Call(call).GetAsync();
        Assert.Equal(CallState.Queued, waiting.State);
        Assert.Equal(CallState.Queued, Stored(call).State);
        Assert.Equal(0, (await Queue(queue).GetAsync()).WaitingCount);

        await AdvanceAsync(HeartbeatSeconds);

        var offered = await CallOfferedToAsync(call, jobNo);
        Assert.Equal(waiting.QueuedAt, offered.QueuedAt);
        await Seat(jobNo).AnswerAsync();
        Assert.Equal(CallState.Talking, (await Call(call).GetAsync()).State);
        Assert.Equal(1, (await Queue(queue).GetAsync()).Counters.Entered);
    }
}
