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
    private const int AuditSeconds = 60; // HotlineGrainOptions.AuditSeconds, likewise

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

    [Fact]
    public async Task A_call_that_cannot_reach_its_queue_asks_again_after_one_two_and_four_seconds_not_a_heartbeat()
    {
        var queue = await NewQueueAsync();
        Cluster.Faults.Fail(Queue(queue), nameof(IQueueGrain.EnqueueAsync), times: 3,
            () => new SiloUnavailableException("injected: the queue's silo is not yet declared dead"));
        var jobNo = await NewSeatAsync(queue);

        var call = await NewCallAsync(queue);
        Assert.Equal(1, Cluster.Faults.Thrown(Queue(queue), nameof(IQueueGrain.EnqueueAsync)));

        await AdvanceAsync(1);
        Assert.Equal(2, Cluster.Faults.Thrown(Queue(queue), nameof(IQueueGrain.EnqueueAsync)));
        await AdvanceAsync(1);
        Assert.Equal(2, Cluster.Faults.Thrown(Queue(queue), nameof(IQueueGrain.EnqueueAsync))); // the next try is 2 s on
        await AdvanceAsync(1);
        Assert.Equal(3, Cluster.Faults.Thrown(Queue(queue), nameof(IQueueGrain.EnqueueAsync)));
        await AdvanceAsync(3);
        Assert.Equal(0, (await Queue(queue).GetAsync()).Counters.Entered);

        await AdvanceAsync(1); // 4 s after the third failure: the queue takes it, well before a heartbeat (10 s)
        var offered = await CallOfferedToAsync(call, jobNo);
        Assert.Equal(CallState.Offering, offered.State);
        Assert.Equal(1, (await Queue(queue).GetAsync()).Counters.Entered);
    }

    [Fact]
    public async Task A_waiting_call_whose_audit_cannot_reach_its_queue_asks_again_a_second_later_not_an_audit_later()
    {
        var queue = await NewQueueAsync();
        var call = await NewCallAsync(queue);
        Cluster.Faults.Fail(Queue(queue), nameof(IQueueGrain.TouchAsync), times: 2,
            () => new SiloUnavailableException("injected: the queue's silo is not yet declared dead"));

        await AdvanceAsync(AuditSeconds - HeartbeatSeconds);
        Assert.Equal(0, Cluster.Faults.Thrown(Queue(queue), nameof(IQueueGrain.TouchAsync))); // no touch on every heartbeat
        await AdvanceAsync(HeartbeatSeconds);
        Assert.Equal(1, Cluster.Faults.Thrown(Queue(queue), nameof(IQueueGrain.TouchAsync)));
        await AdvanceAsync(1);
        Assert.Equal(2, Cluster.Faults.Thrown(Queue(queue), nameof(IQueueGrain.TouchAsync)));

        var jobNo = await NewSeatAsync(queue);
        await CallOfferedToAsync(call, jobNo);
    }

    [Fact]
    public async Task A_seat_left_reserved_by_a_queue_that_never_offered_it_the_call_frees_itself_and_takes_the_call()
    {
        var queue = await NewQueueAsync(new QueueConfig { RingTimeoutSeconds = 60 });
        var jobNo = await NewSeatAsync(queue, ready: false);
        var call = await NewCallAsync(queue);
        // As when the queue's silo dies between reserving the seat and offering the call: the offer never reaches the
        // call, and the message that would free the seat is lost.
        Cluster.Faults.Fail(Call(call), nameof(ICallGrain.TryOfferAsync), times: 1, () => new SiloUnavailableException("injected: the queue's silo died"));
        Cluster.Faults.Fail(Seat(jobNo), nameof(ISeatGrain.ReleaseReservationAsync), times: 1, () => new SiloUnavailableException("injected: the queue's silo died"));

        await Seat(jobNo).ReadyAsync();

        await SeatBecomesAsync(jobNo, s => s.State == SeatState.Reserved && s.CallId == call, "reserved for the call");
        await Eventually(() => Task.FromResult(Cluster.Faults.Thrown(Seat(jobNo), nameof(ISeatGrain.ReleaseReservationAsync))), n => n == 1, "the release lost");
        Assert.Equal(CallState.Queued, (await Call(call).GetAsync()).State);

        await AdvanceAsync(2 * HeartbeatSeconds + 1);

        await CallOfferedToAsync(call, jobNo);
        await Seat(jobNo).AnswerAsync();
        var talking = await Call(call).GetAsync();
        Assert.Equal((CallState.Talking, jobNo), (talking.State, talking.SeatJobNo));
        Assert.Equal([jobNo], talking.OfferedSeats);
    }

    [Fact]
    public async Task A_wrap_up_end_whose_write_fails_is_written_again_on_the_calls_heartbeat()
    {
        var (_, jobNo, call) = await CallInWrapUpAsync(wrapUpSeconds: 5);
        Assert.Equal(CallState.Wrapup, Stored(call).State);
        Cluster.Store.FailWrites(Call(call), times: 1); // the database restarts as the seat's timer ends the wrap-up

        await AdvanceAsync(6);

        // The seat's timer disposes itself first thing, so the clock does not wait for the rest of its callback.
        await Eventually(() => Task.FromResult(Cluster.Store.FailingWritesLeft(Call(call))), n => n == 0, "the failed write");
        Assert.Equal(SeatState.Ready, (await Seat(jobNo).GetAsync()).State);
        Assert.Equal(CallState.Wrapup, Stored(call).State);

        await AdvanceAsync(HeartbeatSeconds);

        var ended = Stored(call);
        Assert.Equal((CallState.Ended, "caller_hangup"), (ended.State, ended.EndReason));
        Assert.Equal(CallState.Ended, (await Call(call).GetAsync()).State);
    }

    [Fact]
    public async Task A_call_whose_wrap_up_end_never_arrives_ends_itself_once_its_seat_has_moved_on()
    {
        var (_, jobNo, call) = await CallInWrapUpAsync(wrapUpSeconds: 5, CallParty.Agent);
        Cluster.Faults.Fail(Call(call), nameof(ICallGrain.WrapUpDoneAsync), times: 1, () => new TimeoutException("injected: the call's silo is dying"));

        await AdvanceAsync(6);

        await Eventually(() => Task.FromResult(Cluster.Faults.Thrown(Call(call), nameof(ICallGrain.WrapUpDoneAsync))), n => n == 1, "the lost message");
        Assert.Equal(SeatState.Ready, (await Seat(jobNo).GetAsync()).State);
        Assert.Equal(CallState.Wrapup, (await Call(call).GetAsync()).State);

        await AdvanceAsync(HeartbeatSeconds);

        var ended = await Call(call).GetAsync();
        Assert.Equal((CallState.Ended, "agent_hangup"), (ended.State, ended.EndReason));
        Assert.Equal(CallState.Ended, Stored(call).State);
    }

    [Fact]
    public async Task An_answer_whose_write_fails_still_connects_the_agent_and_is_written_on_the_calls_heartbeat()
    {
        var queue = await NewQueueAsync();
        var jobNo = await NewSeatAsync(queue);
        var call = await NewCallAsync(queue);
        await CallOfferedToAsync(call, jobNo);
        Cluster.Store.FailWrites(Call(call), times: 1); // the database restarts as the agent answers

        await Seat(jobNo).AnswerAsync();

        Assert.Equal(0, Cluster.Store.FailingWritesLeft(Call(call)));
        Assert.Equal((CallState.Talking, jobNo), ((await Call(call).GetAsync()).State, (await Call(call).GetAsync()).SeatJobNo));
        Assert.Equal(SeatState.Talking, (await Seat(jobNo).GetAsync()).State);
        Assert.NotEqual(CallState.Talking, Stored(call).State);

        await AdvanceAsync(HeartbeatSeconds);

        Assert.Equal(CallState.Talking, Stored(call).State);
        await Seat(jobNo).HangupAsync();
        Assert.Equal(CallState.Wrapup, Stored(call).State);
    }
}
