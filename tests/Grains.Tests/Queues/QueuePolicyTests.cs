using Hotline.Queues;
using Hotline.Seats;

namespace Hotline.Tests.Queues;

public sealed class QueuePolicyTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public void Seats_of_lower_levels_may_take_a_call_once_it_has_waited_past_each_widening_step()
    {
        var policy = new QueuePolicy(new QueueConfig
        {
            MinimumLevel = 4,
            Widening = [new LevelWidening(20, 3), new LevelWidening(60, 1)],
        });

        Assert.Equal([4, 4, 3, 3, 1], new[] { 0, 19, 20, 59, 60 }.Select(s => policy.MinimumLevel(s * Second)));
    }

    [Fact]
    public void A_widening_step_never_raises_the_level_again()
    {
        var policy = new QueuePolicy(new QueueConfig { MinimumLevel = 3, Widening = [new LevelWidening(10, 1), new LevelWidening(30, 2)] });

        Assert.Equal(1, policy.MinimumLevel(45 * Second));
    }

    [Fact]
    public void A_full_queue_sends_new_callers_to_its_exit_but_lets_callback_tasks_and_overflow_visits_in()
    {
        var policy = new QueuePolicy(new QueueConfig { MaxLength = 2, ExitDestination = QueueExitDestination.Callback });

        Assert.Null(policy.Refusal(isVisit: false, isCallback: false, liveWaiting: 1));
        Assert.Equal(QueueExitDestination.Callback, policy.Refusal(isVisit: false, isCallback: false, liveWaiting: 2));
        Assert.Null(policy.Refusal(isVisit: false, isCallback: true, liveWaiting: 5));
        Assert.Null(policy.Refusal(isVisit: true, isCallback: false, liveWaiting: 5));
        Assert.Null(new QueuePolicy(new QueueConfig()).Refusal(false, false, 10_000)); // no maximum length
    }

    [Fact]
    public void A_waiting_call_overflows_to_each_queue_once_as_its_rules_come_due_and_leaves_at_the_maximum_wait()
    {
        var policy = new QueuePolicy(new QueueConfig
        {
            MaxWaitSeconds = 300,
            Overflow = [new OverflowRule(30, "social-security"), new OverflowRule(60, "general"), new OverflowRule(60, "general")],
        });
        var reached = new HashSet<string>();

        Assert.Equal(WaitingDue.Nothing, policy.Due(29 * Second, false, reached));
        Assert.Equal(["social-security"], policy.Due(30 * Second, false, reached).OverflowTo);
        reached.Add("social-security");
        Assert.Equal(["general"], policy.Due(61 * Second, false, reached).OverflowTo);
        reached.Add("general");
        Assert.Empty(policy.Due(299 * Second, false, reached).OverflowTo);
        Assert.True(policy.Due(300 * Second, false, reached).Exit);
        Assert.False(policy.Due(3000 * Second, isCallback: true, reached).Exit); // a callback task waits as long as it takes
    }

    [Fact]
    public void The_estimated_wait_shares_the_calls_ahead_among_the_staffed_seats_at_their_average_handle_time()
    {
        var policy = new QueuePolicy(new QueueConfig { WrapUpSeconds = 30 });
        var seats = new[]
        {
            Seat("1", SeatState.Talking, answered: 4, talkSeconds: 400),
            Seat("2", SeatState.Ready, answered: 6, talkSeconds: 500),
            Seat("3", SeatState.NotReady, answered: 0, talkSeconds: 0), // on a break: not staffed, still counted in the average
            Seat("4", SeatState.LoggedOut, answered: 100, talkSeconds: 100_000), // gone: counts for nothing
        };
        var staffing = QueueStaffing.Of(seats);

        Assert.Equal(new QueueStaffing(2, 10, 900), staffing);
        Assert.Equal(0, policy.EstimatedWaitSeconds(0, staffing));
        Assert.Equal(60, policy.EstimatedWaitSeconds(1, staffing)); // (90 talk + 30 wrap-up) × 1 / 2
        Assert.Equal(180, policy.EstimatedWaitSeconds(3, staffing));
        Assert.Equal(150, policy.EstimatedWaitSeconds(1, default)); // nobody staffed, nothing answered yet: 120 + 30
    }

    [Fact]
    public void Short_abandons_and_the_service_level_are_measured_against_the_queue_thresholds()
    {
        var policy = new QueuePolicy(new QueueConfig { ShortAbandonSeconds = 5, ServiceLevelSeconds = 15 });

        Assert.True(policy.IsShortAbandon(4.9 * Second));
        Assert.False(policy.IsShortAbandon(5 * Second));
        Assert.True(policy.WithinServiceLevel(15));
        Assert.False(policy.WithinServiceLevel(15.5));
    }

    private static SeatAvailability Seat(string jobNo, SeatState state, int answered, double talkSeconds) =>
        new(jobNo, state, 1, ["zh"], DateTimeOffset.UnixEpoch, answered, TimeSpan.FromSeconds(talkSeconds), 1);

    [Fact]
    public void A_waiting_call_is_next_due_at_its_earliest_overflow_rule_not_yet_reached_or_its_maximum_wait()
    {
        var policy = new QueuePolicy(new QueueConfig
        {
            MaxWaitSeconds = 300,
            Overflow = [new OverflowRule(60, "general"), new OverflowRule(30, "social-security")],
        });

        Assert.Equal(30 * Second, policy.NextDue(false, new HashSet<string>()));
        Assert.Equal(60 * Second, policy.NextDue(false, new HashSet<string> { "social-security" }));
        Assert.Equal(300 * Second, policy.NextDue(false, new HashSet<string> { "social-security", "general" }));
        Assert.Null(policy.NextDue(isCallback: true, new HashSet<string> { "social-security", "general" })); // no maximum for callbacks
        Assert.Null(new QueuePolicy(new QueueConfig()).NextDue(false, new HashSet<string>()));
    }

    [Fact]
    public void Staffing_kept_seat_by_seat_adds_up_to_the_staffing_of_all_seats()
    {
        SeatAvailability Seat(string jobNo, SeatState state, int answered, int talkMinutes) =>
            new(jobNo, state, 1, [], default, answered, TimeSpan.FromMinutes(talkMinutes), 1);
        var seats = new[]
        {
            Seat("1", SeatState.Ready, 3, 10), Seat("2", SeatState.Talking, 5, 20), Seat("3", SeatState.NotReady, 2, 4),
            Seat("4", SeatState.LoggedOut, 9, 90),
        };

        var kept = seats.Aggregate(default(QueueStaffing), (sum, seat) => sum + QueueStaffing.Of(seat));
        kept -= QueueStaffing.Of(seats[1]);
        kept += QueueStaffing.Of(seats[1] with { State = SeatState.Wrapup, CallsAnswered = 6, TalkTime = TimeSpan.FromMinutes(23) });

        var all = QueueStaffing.Of(seats.Select((s, i) => i == 1 ? s with { State = SeatState.Wrapup, CallsAnswered = 6, TalkTime = TimeSpan.FromMinutes(23) } : s));
        Assert.Equal(all, kept);
        Assert.Equal(new QueueStaffing(2, 11, 37 * 60), kept);
    }
}
