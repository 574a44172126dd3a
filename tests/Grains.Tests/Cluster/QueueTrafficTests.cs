using Hotline.Calls;
using Hotline.Queues;
using Hotline.Seats;

namespace Hotline.Tests.Cluster;

/// <summary>
/// What reaches a queue grain, counted at its door: it is the one activation every call and seat of a line talks to,
/// so nothing may reach it that it does not need (no heartbeats, no step of a call it cannot act on).
/// </summary>
public sealed class QueueTrafficTests(HotlineCluster cluster) : ClusterTest(cluster), IClassFixture<HotlineCluster>
{
    private const int HeartbeatSeconds = 10; // HotlineGrainOptions.HeartbeatSeconds, the default the cluster runs with
    private const int AuditSeconds = 60; // HotlineGrainOptions.AuditSeconds, likewise

    private int Received(string queue, string method) => Cluster.Faults.Received(Queue(queue), method);

    [Fact]
    public async Task A_waiting_call_and_a_ready_seat_send_their_queue_nothing_between_audits()
    {
        var queue = await NewQueueAsync();
        var idle = await NewSeatAsync(queue, ready: false);
        await Seat(idle).ReadyAsync();
        var queue2 = await NewQueueAsync(); // no seat: its call waits
        var call = await NewCallAsync(queue2);
        var touches = Received(queue2, nameof(IQueueGrain.TouchAsync));
        var seatNotices = Received(queue, nameof(IQueueGrain.SeatChangedAsync));

        await AdvanceAsync(AuditSeconds - 1);

        Assert.Equal(CallState.Queued, (await Call(call).GetAsync()).State);
        Assert.Equal(touches, Received(queue2, nameof(IQueueGrain.TouchAsync)));
        Assert.Equal(seatNotices, Received(queue, nameof(IQueueGrain.SeatChangedAsync)));

        await AdvanceAsync(HeartbeatSeconds); // the audit

        await Eventually(() => Task.FromResult(Received(queue2, nameof(IQueueGrain.TouchAsync))), n => n == touches + 1, "the call's audit");
        await Eventually(() => Task.FromResult(Received(queue, nameof(IQueueGrain.SeatChangedAsync))), n => n == seatNotices + 1, "the seat's audit");
    }

    [Fact]
    public async Task A_seat_serving_one_queue_tells_it_once_per_answered_call_when_it_is_ready_again()
    {
        var queue = await NewQueueAsync(new QueueConfig { WrapUpSeconds = 5 });
        var jobNo = await NewSeatAsync(queue);
        await SeatBecomesAsync(jobNo, s => s.State == SeatState.Ready, "ready");
        var before = Received(queue, nameof(IQueueGrain.SeatChangedAsync));

        var call = await NewCallAsync(queue);
        await CallOfferedToAsync(call, jobNo);
        await Seat(jobNo).AnswerAsync();
        await Call(call).HangupAsync(CallParty.Caller);
        await AdvanceAsync(6); // the wrap-up ends and the seat is ready again
        await SeatBecomesAsync(jobNo, s => s.State == SeatState.Ready, "ready after wrap-up");

        // Ringing, talking and wrap-up are all "busy" to the queue, and the queue knows it reserved the seat.
        await Eventually(() => Task.FromResult(Received(queue, nameof(IQueueGrain.SeatChangedAsync))), n => n == before + 1, "one notice: ready again");
        Assert.Equal(1, (await Queue(queue).GetAsync()).Seats.Ready);
    }
}
