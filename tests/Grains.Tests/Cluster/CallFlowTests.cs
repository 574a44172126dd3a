using Hotline.Calls;
using Hotline.Queues;
using Hotline.Seats;

namespace Hotline.Tests.Cluster;

/// <summary>A call's life through one queue: offer, answer, talk, wrap-up, leaving early, and the queue's counters.</summary>
public sealed class CallFlowTests(HotlineCluster cluster) : ClusterTest(cluster), IClassFixture<HotlineCluster>
{
    [Fact]
    public async Task A_call_is_offered_to_the_longest_idle_ready_seat()
    {
        var queue = await NewQueueAsync();
        var longestIdle = await NewSeatAsync(queue);
        await AdvanceAsync(5);
        var later = await NewSeatAsync(queue);
        await AdvanceAsync(5);
        var latest = await NewSeatAsync(queue);

        var call = await NewCallAsync(queue);

        var offered = await CallOfferedToAsync(call, longestIdle);
        Assert.Equal([longestIdle], offered.OfferedSeats);
        var seat = await SeatBecomesAsync(longestIdle, s => s.State == SeatState.Reserved, "reserved");
        Assert.Equal(call, seat.CallId);
        Assert.Equal(SeatState.Ready, (await Seat(later).GetAsync()).State);
        Assert.Equal(SeatState.Ready, (await Seat(latest).GetAsync()).State);
    }

    [Fact]
    public async Task A_call_for_a_queue_that_was_never_configured_fails_with_queue_not_found()
    {
        var callId = Cluster.NewId("sim");

        var error = await Assert.ThrowsAsync<DomainException>(() =>
            Call(callId).StartAsync(new CallStart(CallChannel.Simulated, "13800000000", "12345", null, Cluster.NewId("nowhere"), 0)));

        Assert.Equal("queue.not_found", error.Code);
        var failed = await Call(callId).GetAsync();
        Assert.Equal((CallState.Failed, "queue_not_found"), (failed.State, failed.EndReason));
    }

    [Fact]
    public async Task An_answered_call_talks_then_wraps_up_and_the_wrap_up_timer_readies_the_seat_and_ends_the_call()
    {
        var queue = await NewQueueAsync(new QueueConfig { WrapUpSeconds = 20 });
        var jobNo = await NewSeatAsync(queue);
        var call = await NewCallAsync(queue);
        await CallOfferedToAsync(call, jobNo);

        var answeredBy = await Seat(jobNo).AnswerAsync();
        Assert.Equal(SeatState.Talking, answeredBy.State);
        var talking = await Call(call).GetAsync();
        Assert.Equal(CallState.Talking, talking.State);
        Assert.Equal(jobNo, talking.SeatJobNo);
        Assert.Equal(Time.GetUtcNow(), talking.AnsweredAt);

        await AdvanceAsync(30);
        var hungUpAt = Time.GetUtcNow();
        var wrapup = await Call(call).HangupAsync(CallParty.Caller);
        Assert.Equal(CallState.Wrapup, wrapup.State);
        Assert.Equal("caller_hangup", wrapup.EndReason);
        Assert.Equal(hungUpAt, wrapup.EndedAt);
        var seatInWrapup = await Seat(jobNo).GetAsync();
        Assert.Equal((SeatState.Wrapup, call), (seatInWrapup.State, seatInWrapup.CallId));

        await AdvanceAsync(19);
        Assert.Equal(SeatState.Wrapup, (await Seat(jobNo).GetAsync()).State); // its timer is due at 20 s

        await AdvanceAsync(1);
        var ready = await SeatBecomesAsync(jobNo, s => s.State == SeatState.Ready, "ready after wrap-up");
        Assert.Equal(1, ready.CallsAnswered);
        Assert.Equal(TimeSpan.FromSeconds(30), ready.TalkTime);
        Assert.Null(ready.CallId);
        var ended = await CallStateBecomesAsync(call, CallState.Ended);
        Assert.Equal(hungUpAt.AddSeconds(20), ended.WrapUpEndedAt);
        Assert.Equal(hungUpAt, ended.EndedAt);
        Assert.Equal("caller_hangup", ended.EndReason);
    }

    [Fact]
    public async Task An_agent_hanging_up_with_no_wrap_up_time_ends_the_call_and_readies_the_seat_at_once()
    {
        var queue = await NewQueueAsync(new QueueConfig { WrapUpSeconds = 0 });
        var jobNo = await NewSeatAsync(queue);
        var call = await NewCallAsync(queue);
        await CallOfferedToAsync(call, jobNo);
        await Seat(jobNo).AnswerAsync();

        await Seat(jobNo).HangupAsync();

        var ended = await CallStateBecomesAsync(call, CallState.Ended);
        Assert.Equal("agent_hangup", ended.EndReason);
        Assert.Equal(ended.EndedAt, ended.WrapUpEndedAt);
        Assert.Equal(SeatState.Ready, (await SeatBecomesAsync(jobNo, s => s.State == SeatState.Ready, "ready")).State);
    }

    [Fact]
    public async Task The_queue_counts_answers_within_the_service_level_threshold_and_those_after_it()
    {
        var queue = await NewQueueAsync(new QueueConfig { ServiceLevelSeconds = 10 });
        var first = await NewSeatAsync(queue, ready: false);
        var second = await NewSeatAsync(queue, ready: false);
        var third = await NewSeatAsync(queue, ready: false);

        var quick = await NewCallAsync(queue);
        var onTheDot = await NewCallAsync(queue);
        var slow = await NewCallAsync(queue);

        await AdvanceAsync(4);
        await Seat(first).ReadyAsync();
        await CallOfferedToAsync(quick, first);
        await Seat(first).AnswerAsync();                 // waited 4 s

        await AdvanceAsync(6);
        await Seat(second).ReadyAsync();
        await CallOfferedToAsync(onTheDot, second);
        await Seat(second).AnswerAsync();                // waited exactly 10 s: still within

        await AdvanceAsync(5);
        await Seat(third).ReadyAsync();
        await CallOfferedToAsync(slow, third);
        await Seat(third).AnswerAsync();                 // waited 15 s

        var counters = (await QueueBecomesAsync(queue, q => q.Counters.Answered == 3, "three answers")).Counters;
        Assert.Equal(3, counters.Entered);
        Assert.Equal(3, counters.Offered);
        Assert.Equal(2, counters.AnsweredWithinThreshold);
        Assert.Equal(4 + 10 + 15, counters.TotalAnsweredWaitSeconds);
        Assert.Equal(0, counters.Abandoned);
    }

    [Fact]
    public async Task A_caller_hanging_up_while_queued_is_counted_abandoned_and_short_abandoned_when_quick()
    {
        var queue = await NewQueueAsync(new QueueConfig { ShortAbandonSeconds = 5 });
        var quick = await NewCallAsync(queue);
        var patient = await NewCallAsync(queue);

        await AdvanceAsync(3);
        var abandoned = await Call(quick).HangupAsync(CallParty.Caller);
        Assert.Equal(CallState.Abandoned, abandoned.State);
        Assert.Equal("abandoned", abandoned.EndReason);

        await AdvanceAsync(5);
        await Call(patient).HangupAsync(CallParty.Caller);

        var snapshot = await QueueBecomesAsync(queue, q => q.Counters.Abandoned == 2, "two abandons");
        Assert.Equal(1, snapshot.Counters.ShortAbandoned);
        Assert.Equal(0, snapshot.WaitingCount);
        Assert.Empty(snapshot.Waiting);
        Assert.Equal(CallState.Abandoned, (await Call(patient).GetAsync()).State);
    }

    [Fact]
    public async Task A_seat_whose_ringing_caller_hung_up_takes_the_next_waiting_call_at_once()
    {
        var queue = await NewQueueAsync();
        var jobNo = await NewSeatAsync(queue);
        var first = await NewCallAsync(queue);
        await CallOfferedToAsync(first, jobNo);
        var second = await NewCallAsync(queue);

        await Call(first).HangupAsync(CallParty.Caller);

        // No time passes: the seat is free again now, not at its next heartbeat.
        await CallOfferedToAsync(second, jobNo);
        Assert.Equal(1, (await Queue(queue).GetAsync()).Counters.Abandoned);
    }

    [Fact]
    public async Task A_heartbeat_delivered_after_the_call_left_does_not_bring_it_back_into_the_line()
    {
        var queue = await NewQueueAsync();
        var abandoned = await NewCallAsync(queue);
        var enqueuedAt = (await Call(abandoned).GetAsync()).QueuedAt!.Value;
        await Call(abandoned).HangupAsync(CallParty.Caller);

        // The call's heartbeat timer fired while it was still queued; the queue receives it late.
        await Queue(queue).TouchAsync(new QueueEntry(abandoned, enqueuedAt, 0, null, false, null));

        var snapshot = await Queue(queue).GetAsync();
        Assert.Equal(0, snapshot.WaitingCount);
        Assert.Empty(snapshot.Waiting);
        Assert.Equal(0, (await Queue(queue).GetPositionAsync(abandoned)).Position);
    }

    [Fact]
    public async Task A_call_transferred_back_into_a_queue_it_left_is_taken_in_again()
    {
        var queue = await NewQueueAsync();
        var first = await NewSeatAsync(queue);
        var call = await NewCallAsync(queue);
        await CallOfferedToAsync(call, first);
        await Seat(first).AnswerAsync();

        await Seat(first).TransferAsync(new TransferTarget(TransferTargetKind.Queue, queue, Attended: false));

        var requeued = await CallStateBecomesAsync(call, CallState.Queued);
        Assert.Equal(queue, requeued.QueueId);
        var snapshot = await Queue(queue).GetAsync();
        Assert.Equal([call], snapshot.Waiting.Select(w => w.CallId));
        var second = await NewSeatAsync(queue);
        await CallOfferedToAsync(call, second);
    }

    [Fact]
    public async Task A_call_transferred_to_a_colleagues_seat_is_counted_answered_once_by_its_queue()
    {
        var queue = await NewQueueAsync(new QueueConfig { ServiceLevelSeconds = 10 });
        var first = await NewSeatAsync(queue);
        var colleague = await NewSeatAsync(queue, ready: false);
        var call = await NewCallAsync(queue);
        await CallOfferedToAsync(call, first);
        await Seat(first).AnswerAsync();
        await AdvanceAsync(60);
        await Seat(colleague).ReadyAsync();

        await Seat(first).TransferAsync(new TransferTarget(TransferTargetKind.Seat, colleague, Attended: false));
        await CallOfferedToAsync(call, colleague);
        await Seat(colleague).AnswerAsync();

        var talking = await Call(call).GetAsync();
        Assert.Equal((CallState.Talking, colleague), (talking.State, talking.SeatJobNo));
        var counters = (await Queue(queue).GetAsync()).Counters;
        Assert.Equal((1, 1, 1), (counters.Entered, counters.Answered, counters.AnsweredWithinThreshold));
        Assert.Equal(0, counters.TotalAnsweredWaitSeconds);
    }

    [Fact]
    public async Task Pressing_the_callback_digit_while_queued_turns_the_call_into_a_callback_that_keeps_its_place()
    {
        var queue = await NewQueueAsync(new QueueConfig { CallbackDigit = "*" });
        var jobNo = await NewSeatAsync(queue, ready: false);
        var first = await NewCallAsync(queue);
        await AdvanceAsync(1);
        var second = await NewCallAsync(queue);

        Assert.Equal(CallState.Queued, (await Call(first).DtmfAsync("5")).State); // not the callback digit
        var callback = await Call(first).DtmfAsync("*");

        Assert.Equal(CallState.CallbackWaiting, callback.State);
        Assert.True(callback.IsCallback);
        var snapshot = await Queue(queue).GetAsync();
        Assert.Equal(1, snapshot.Counters.CallbacksRequested);
        Assert.Equal([(first, 1, true), (second, 2, false)], snapshot.Waiting.Select(w => (w.CallId, w.Position, w.IsCallback)));
        Assert.Equal(1, (await Queue(queue).GetPositionAsync(first)).Position);

        await Seat(jobNo).ReadyAsync();

        var offered = await CallOfferedToAsync(first, jobNo);
        Assert.True(offered.IsCallback);
        Assert.Equal(CallState.Queued, (await Call(second).GetAsync()).State);
        await Seat(jobNo).AnswerAsync();
        Assert.Equal(CallState.Talking, (await Call(first).GetAsync()).State);
    }

    [Fact]
    public async Task Waiting_calls_are_told_their_position_and_an_estimated_wait_that_grows_with_it()
    {
        var queue = await NewQueueAsync(new QueueConfig { WrapUpSeconds = 30 });
        await NewSeatAsync(queue, ready: false);
        var calls = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            calls.Add(await NewCallAsync(queue));
            await AdvanceAsync(1);
        }

        var positions = new List<QueuePosition>();
        foreach (var call in calls) positions.Add(await Queue(queue).GetPositionAsync(call));
        var snapshot = await Queue(queue).GetAsync();

        Assert.Equal([1, 2, 3], positions.Select(p => p.Position));
        Assert.All(positions, p => Assert.True(p.Accepted));
        Assert.True(positions[0].EstimatedWaitSeconds > 0);
        Assert.True(positions[0].EstimatedWaitSeconds < positions[1].EstimatedWaitSeconds);
        Assert.True(positions[1].EstimatedWaitSeconds < positions[2].EstimatedWaitSeconds);
        Assert.Equal(calls, snapshot.Waiting.Select(w => w.CallId));
        Assert.Equal(positions.Select(p => (p.Position, p.EstimatedWaitSeconds)),
            snapshot.Waiting.Select(w => (w.Position, w.EstimatedWaitSeconds)));
        Assert.Equal([3, 2, 1], snapshot.Waiting.Select(w => w.WaitSeconds));
        Assert.Equal(3, snapshot.WaitingCount);
        Assert.Equal(3, snapshot.LongestWaitSeconds);
        Assert.True(snapshot.EstimatedWaitSeconds > positions[2].EstimatedWaitSeconds);
        Assert.Equal(0, (await Queue(queue).GetPositionAsync("not-waiting-here")).Position);
    }
}
