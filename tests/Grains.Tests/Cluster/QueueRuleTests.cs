using Hotline.Calls;
using Hotline.Queues;
using Hotline.Seats;

namespace Hotline.Tests.Cluster;

/// <summary>The queue's rules: ring-no-answer, maximum wait and length, widening, overflow, priority, language.</summary>
public sealed class QueueRuleTests(HotlineCluster cluster) : ClusterTest(cluster), IClassFixture<HotlineCluster>
{
    [Fact]
    public async Task A_ring_no_answer_sets_the_seat_not_ready_no_answer_and_offers_the_call_to_the_next_seat()
    {
        var queue = await NewQueueAsync(new QueueConfig { RingTimeoutSeconds = 5 });
        var sleepy = await NewSeatAsync(queue);
        await AdvanceAsync(1);
        var awake = await NewSeatAsync(queue);
        var call = await NewCallAsync(queue);
        await CallOfferedToAsync(call, sleepy);

        await AdvanceAsync(4);
        Assert.Equal(CallState.Offering, (await Call(call).GetAsync()).State); // rings for 5 s

        await AdvanceAsync(1);
        var noAnswer = await SeatBecomesAsync(sleepy, s => s.State == SeatState.NotReady, "not ready after ringing out");
        Assert.Equal("no-answer", noAnswer.Reason);
        var reoffered = await CallOfferedToAsync(call, awake);
        Assert.Equal(1, reoffered.RingNoAnswerCount);
        Assert.Equal([sleepy, awake], reoffered.OfferedSeats);
        var counters = (await Queue(queue).GetAsync()).Counters;
        Assert.Equal((1, 2), (counters.RingNoAnswer, counters.Offered));
    }

    [Fact]
    public async Task A_call_that_rang_out_keeps_its_place_ahead_of_calls_that_came_later()
    {
        var queue = await NewQueueAsync(new QueueConfig { RingTimeoutSeconds = 5 });
        var sleepy = await NewSeatAsync(queue);
        var next = await NewSeatAsync(queue, ready: false);
        var early = await NewCallAsync(queue);
        await CallOfferedToAsync(early, sleepy);
        await AdvanceAsync(1);
        var late = await NewCallAsync(queue);

        await AdvanceAsync(4);
        await CallStateBecomesAsync(early, CallState.Queued);

        var snapshot = await QueueBecomesAsync(queue, q => q.WaitingCount == 2, "both calls waiting");
        Assert.Equal([(early, 1), (late, 2)], snapshot.Waiting.Select(w => (w.CallId, w.Position)));
        await Seat(next).ReadyAsync();
        await CallOfferedToAsync(early, next);
        Assert.Equal(CallState.Queued, (await Call(late).GetAsync()).State);
    }

    [Fact]
    public async Task A_call_waiting_past_the_maximum_goes_to_voicemail()
    {
        var queue = await NewQueueAsync(new QueueConfig { MaxWaitSeconds = 20, ExitDestination = QueueExitDestination.Voicemail });
        var call = await NewCallAsync(queue);

        await AdvanceAsync(19);
        Assert.Equal(1, (await Queue(queue).GetAsync()).WaitingCount);
        Assert.Equal(CallState.Queued, (await Call(call).GetAsync()).State);

        await AdvanceAsync(1);
        var voicemail = await CallStateBecomesAsync(call, CallState.Voicemail);
        Assert.Equal("max_wait", voicemail.EndReason);
        var snapshot = await Queue(queue).GetAsync();
        Assert.Equal(1, snapshot.Counters.ExitedToVoicemail);
        Assert.Equal(0, snapshot.WaitingCount);
    }

    [Fact]
    public async Task A_call_waiting_past_the_maximum_becomes_a_callback_when_the_queue_exits_to_callback()
    {
        var queue = await NewQueueAsync(new QueueConfig { MaxWaitSeconds = 20, ExitDestination = QueueExitDestination.Callback });
        var jobNo = await NewSeatAsync(queue, ready: false);
        var call = await NewCallAsync(queue);

        await AdvanceAsync(20);
        var callback = await CallStateBecomesAsync(call, CallState.CallbackWaiting);
        Assert.True(callback.IsCallback);
        await AdvanceAsync(5); // a callback task has no maximum wait: it is not sent anywhere again

        var snapshot = await Queue(queue).GetAsync();
        Assert.Equal((1, 0, 0), (snapshot.Counters.ExitedToCallback, snapshot.Counters.ExitedToVoicemail, snapshot.Counters.CallbacksRequested));
        var waiting = Assert.Single(snapshot.Waiting);
        Assert.True(waiting.IsCallback);
        Assert.Equal(CallState.CallbackWaiting, (await Call(call).GetAsync()).State);

        await Seat(jobNo).ReadyAsync();
        Assert.True((await CallOfferedToAsync(call, jobNo)).IsCallback);
    }

    [Fact]
    public async Task A_call_arriving_at_a_full_queue_is_refused_to_voicemail()
    {
        var queue = await NewQueueAsync(new QueueConfig { MaxLength = 1, ExitDestination = QueueExitDestination.Voicemail });
        var waiting = await NewCallAsync(queue);

        var refused = await NewCallAsync(queue);

        var snapshot = await Call(refused).GetAsync();
        Assert.Equal((CallState.Voicemail, "queue_full"), (snapshot.State, snapshot.EndReason));
        var queueSnapshot = await Queue(queue).GetAsync();
        Assert.Equal([waiting], queueSnapshot.Waiting.Select(w => w.CallId));
        Assert.Equal((1, 1), (queueSnapshot.Counters.Entered, queueSnapshot.Counters.ExitedToVoicemail));
    }

    [Fact]
    public async Task A_call_arriving_at_a_full_queue_that_exits_to_callback_waits_as_a_callback_task()
    {
        var queue = await NewQueueAsync(new QueueConfig { MaxLength = 1, ExitDestination = QueueExitDestination.Callback });
        var waiting = await NewCallAsync(queue);

        var refused = await NewCallAsync(queue);

        var snapshot = await Call(refused).GetAsync();
        Assert.Equal(CallState.CallbackWaiting, snapshot.State);
        Assert.True(snapshot.IsCallback);
        var queueSnapshot = await Queue(queue).GetAsync();
        Assert.Equal([(waiting, false), (refused, true)], queueSnapshot.Waiting.Select(w => (w.CallId, w.IsCallback)));
        Assert.Equal(1, queueSnapshot.Counters.ExitedToCallback);
    }

    [Fact]
    public async Task A_call_needing_level_3_is_offered_to_a_level_1_seat_only_after_the_widening_time()
    {
        var queue = await NewQueueAsync(new QueueConfig { MinimumLevel = 3, Widening = [new LevelWidening(20, 1)] });
        var novice = await NewSeatAsync(queue, level: 1);
        var call = await NewCallAsync(queue);

        await AdvanceAsync(19);
        var before = Assert.Single((await Queue(queue).GetAsync()).Waiting);
        Assert.Null(before.OfferedTo);
        Assert.Equal(CallState.Queued, (await Call(call).GetAsync()).State);
        Assert.Equal(SeatState.Ready, (await Seat(novice).GetAsync()).State);

        await AdvanceAsync(1);
        await CallOfferedToAsync(call, novice);
    }

    [Fact]
    public async Task A_call_needing_level_3_is_offered_at_once_to_a_level_3_seat()
    {
        var queue = await NewQueueAsync(new QueueConfig { MinimumLevel = 3, Widening = [new LevelWidening(20, 1)] });
        await NewSeatAsync(queue, level: 1);
        await AdvanceAsync(1);
        var expert = await NewSeatAsync(queue, level: 3);

        var call = await NewCallAsync(queue);

        await CallOfferedToAsync(call, expert);
    }

    [Fact]
    public async Task After_the_overflow_time_a_call_is_offered_to_a_seat_of_the_overflow_queue_and_answered_once()
    {
        var overflow = await NewQueueAsync();
        var home = await NewQueueAsync(new QueueConfig { Overflow = [new OverflowRule(10, overflow)] });
        var overflowSeat = await NewSeatAsync(overflow);
        var homeSeat = await NewSeatAsync(home, ready: false);
        var call = await NewCallAsync(home);
        await AdvanceAsync(1);
        var next = await NewCallAsync(home);

        await AdvanceAsync(8);
        Assert.Equal(0, (await Queue(overflow).GetAsync()).WaitingCount);
        Assert.Equal(CallState.Queued, (await Call(call).GetAsync()).State);

        await AdvanceAsync(1);
        await CallOfferedToAsync(call, overflowSeat);
        Assert.Equal(1, (await Queue(home).GetAsync()).Counters.OverflowedOut);

        // A home seat comes free while the call rings in the overflow queue: the home queue's offer of the
        // call is refused, and that seat takes the next call instead, at once.
        await Seat(homeSeat).ReadyAsync();
        await CallOfferedToAsync(next, homeSeat);
        Assert.Equal((CallState.Offering, overflowSeat), await StateAndSeat(call));

        await Seat(overflowSeat).AnswerAsync();

        var talking = await Call(call).GetAsync();
        Assert.Equal((CallState.Talking, overflowSeat), (talking.State, talking.SeatJobNo));
        Assert.Equal([overflowSeat], talking.OfferedSeats);
        var homeCounters = (await QueueBecomesAsync(home, q => q.Counters.Answered == 1, "home counts the answer")).Counters;
        Assert.Equal((2, 1), (homeCounters.Entered, homeCounters.AnsweredWithinThreshold));
        var overflowSnapshot = await QueueBecomesAsync(overflow, q => q.WaitingCount == 0 && q.Waiting.Count == 0, "overflow lets the call go");
        Assert.Equal((0, 0, 1), (overflowSnapshot.Counters.Entered, overflowSnapshot.Counters.Answered, overflowSnapshot.Counters.Offered));
        var homeSnapshot = await Queue(home).GetAsync();
        Assert.Equal([next], homeSnapshot.Waiting.Select(w => w.CallId));
        Assert.Equal(1, (await Seat(overflowSeat).GetAsync()).CallsAnswered);
        Assert.Equal((SeatState.Reserved, next), ((await Seat(homeSeat).GetAsync()).State, (await Seat(homeSeat).GetAsync()).CallId));
    }

    [Fact]
    public async Task A_call_that_rings_out_in_the_overflow_queue_goes_to_the_home_seat_that_came_free_meanwhile()
    {
        var overflow = await NewQueueAsync(new QueueConfig { RingTimeoutSeconds = 5 });
        var home = await NewQueueAsync(new QueueConfig { Overflow = [new OverflowRule(10, overflow)] });
        var overflowSeat = await NewSeatAsync(overflow);
        var homeSeat = await NewSeatAsync(home, ready: false);
        var call = await NewCallAsync(home);
        await AdvanceAsync(10);
        await CallOfferedToAsync(call, overflowSeat);

        await Seat(homeSeat).ReadyAsync(); // the home queue tries the call, which is ringing elsewhere
        await SeatBecomesAsync(homeSeat, s => s.State == SeatState.Ready, "ready again after the refused offer");
        Assert.Equal((CallState.Offering, overflowSeat), await StateAndSeat(call));

        await AdvanceAsync(5);

        await CallOfferedToAsync(call, homeSeat);
        Assert.Equal("no-answer", (await Seat(overflowSeat).GetAsync()).Reason);
        await Seat(homeSeat).AnswerAsync();
        var homeCounters = (await QueueBecomesAsync(home, q => q.Counters.Answered == 1, "home counts the answer")).Counters;
        Assert.Equal((1, 1), (homeCounters.Entered, homeCounters.Offered));
        var overflowSnapshot = await QueueBecomesAsync(overflow, q => q.WaitingCount == 0, "overflow lets the call go");
        Assert.Equal((1, 1, 0), (overflowSnapshot.Counters.Offered, overflowSnapshot.Counters.RingNoAnswer, overflowSnapshot.Counters.Answered));
        Assert.Equal([overflowSeat, homeSeat], (await Call(call).GetAsync()).OfferedSeats);
    }

    [Fact]
    public async Task A_call_ringing_in_the_overflow_queue_when_its_maximum_wait_passes_is_not_counted_as_exited()
    {
        var overflow = await NewQueueAsync(new QueueConfig { RingTimeoutSeconds = 15 });
        var home = await NewQueueAsync(new QueueConfig
        {
            MaxWaitSeconds = 20,
            ExitDestination = QueueExitDestination.Callback,
            Overflow = [new OverflowRule(10, overflow)],
        });
        var overflowSeat = await NewSeatAsync(overflow);
        var call = await NewCallAsync(home);
        await AdvanceAsync(10);
        await CallOfferedToAsync(call, overflowSeat);

        await AdvanceAsync(14); // the home queue's maximum wait passes at 20 s while the call rings (until 25 s)

        Assert.Equal((CallState.Offering, overflowSeat), await StateAndSeat(call));
        await Seat(overflowSeat).AnswerAsync();
        var counters = (await QueueBecomesAsync(home, q => q.Counters.Answered == 1, "home counts the answer")).Counters;
        Assert.Equal((0, 0), (counters.ExitedToCallback, counters.ExitedToVoicemail));
        Assert.False((await Call(call).GetAsync()).IsCallback);
    }

    [Fact]
    public async Task A_higher_priority_call_overtakes_calls_that_waited_longer()
    {
        var queue = await NewQueueAsync();
        var jobNo = await NewSeatAsync(queue, ready: false);
        var ordinary = await NewCallAsync(queue, priority: 0);
        await AdvanceAsync(5);
        var urgent = await NewCallAsync(queue, priority: 5);

        Assert.Equal(1, (await Queue(queue).GetPositionAsync(urgent)).Position);
        Assert.Equal(2, (await Queue(queue).GetPositionAsync(ordinary)).Position);
        await Seat(jobNo).ReadyAsync();

        await CallOfferedToAsync(urgent, jobNo);
        Assert.Equal(CallState.Queued, (await Call(ordinary).GetAsync()).State);
    }

    [Fact]
    public async Task An_english_call_goes_to_the_english_speaking_seat_even_when_another_seat_waited_longer()
    {
        var queue = await NewQueueAsync();
        var mandarinOnly = await NewSeatAsync(queue, languages: ["zh"]);
        await AdvanceAsync(5);
        var bilingual = await NewSeatAsync(queue, languages: ["zh", "en"]);

        var english = await NewCallAsync(queue, language: "EN");
        await CallOfferedToAsync(english, bilingual);
        Assert.Equal("en", (await Call(english).GetAsync()).Language);

        var anyone = await NewCallAsync(queue);
        await CallOfferedToAsync(anyone, mandarinOnly);
    }

    [Fact]
    public async Task An_english_call_waiting_first_does_not_stop_a_later_call_reaching_a_mandarin_seat()
    {
        var queue = await NewQueueAsync();
        var mandarinOnly = await NewSeatAsync(queue, languages: ["zh"], ready: false);
        var english = await NewCallAsync(queue, language: "en");
        await AdvanceAsync(1);
        var mandarin = await NewCallAsync(queue);

        await Seat(mandarinOnly).ReadyAsync();

        await CallOfferedToAsync(mandarin, mandarinOnly);
        Assert.Equal(CallState.Queued, (await Call(english).GetAsync()).State);
        Assert.Equal(1, (await Queue(queue).GetPositionAsync(english)).Position);
    }

    [Fact]
    public async Task A_queue_needing_a_language_with_a_region_routes_its_calls_to_seats_that_speak_it()
    {
        // The API accepts BCP 47 tags such as yue-HK; seats and calls keep them in lower case.
        var queue = await NewQueueAsync(new QueueConfig { Language = "yue-HK" });
        var mandarinOnly = await NewSeatAsync(queue, languages: ["zh"]);
        await AdvanceAsync(1);
        var cantonese = await NewSeatAsync(queue, languages: ["zh", "yue-HK"]);

        var call = await NewCallAsync(queue);

        await CallOfferedToAsync(call, cantonese);
        Assert.Equal(SeatState.Ready, (await Seat(mandarinOnly).GetAsync()).State);
    }

    private async Task<(CallState, string?)> StateAndSeat(string callId)
    {
        var snapshot = await Call(callId).GetAsync();
        return (snapshot.State, snapshot.SeatJobNo);
    }
}
