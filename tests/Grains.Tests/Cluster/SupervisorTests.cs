using Hotline.Calls;
using Hotline.Queues;
using Hotline.Seats;

namespace Hotline.Tests.Cluster;

/// <summary>What the supervisor (班长) does to seats, and the agent's call for help.</summary>
public sealed class SupervisorTests(HotlineCluster cluster) : ClusterTest(cluster), IClassFixture<HotlineCluster>
{
    private const string Supervisor = "9001";

    [Fact]
    public async Task Forcing_a_talking_seat_not_ready_takes_effect_after_the_call_and_its_wrap_up()
    {
        var queue = await NewQueueAsync(new QueueConfig { WrapUpSeconds = 10 });
        var jobNo = await NewSeatAsync(queue);
        var call = await TalkingCallAsync(queue, jobNo);

        var forced = await Seat(jobNo).ForceNotReadyAsync(Supervisor, null);
        Assert.Equal((SeatState.Talking, call), (forced.State, forced.CallId));
        Assert.Equal(CallState.Talking, (await Call(call).GetAsync()).State);
        var waiting = await NewCallAsync(queue);

        await Seat(jobNo).HangupAsync();
        Assert.Equal(SeatState.Wrapup, (await Seat(jobNo).GetAsync()).State);
        await AdvanceAsync(10);

        var notReady = await SeatBecomesAsync(jobNo, s => s.State == SeatState.NotReady, "not ready after wrap-up");
        Assert.Equal("supervisor", notReady.Reason);
        await CallStateBecomesAsync(call, CallState.Ended);
        var line = await Queue(queue).GetAsync();
        Assert.Null(Assert.Single(line.Waiting).OfferedTo);
        Assert.Equal(CallState.Queued, (await Call(waiting).GetAsync()).State);
    }

    [Fact]
    public async Task Forcing_a_ready_seat_not_ready_applies_at_once_with_the_given_reason()
    {
        var queue = await NewQueueAsync();
        var jobNo = await NewSeatAsync(queue);

        var forced = await Seat(jobNo).ForceNotReadyAsync(Supervisor, "meeting");

        Assert.Equal((SeatState.NotReady, "meeting"), (forced.State, forced.Reason));
        var call = await NewCallAsync(queue);
        Assert.Null(Assert.Single((await Queue(queue).GetAsync()).Waiting).OfferedTo);
        Assert.Equal(CallState.Queued, (await Call(call).GetAsync()).State);
    }

    [Fact]
    public async Task Forcing_a_ready_seat_out_logs_it_out_and_its_queue_offers_it_nothing()
    {
        var queue = await NewQueueAsync();
        var jobNo = await NewSeatAsync(queue);

        var loggedOut = await Seat(jobNo).ForceLogoutAsync(Supervisor);

        Assert.Equal(SeatState.LoggedOut, loggedOut.State);
        Assert.Empty(loggedOut.Queues);
        var snapshot = await Queue(queue).GetAsync();
        Assert.Empty(snapshot.ReadySeats);
        Assert.Equal(0, snapshot.Seats.LoggedIn);
        var call = await NewCallAsync(queue);
        Assert.Equal(CallState.Queued, (await Call(call).GetAsync()).State);
        Assert.Null(Assert.Single((await Queue(queue).GetAsync()).Waiting).OfferedTo);
        var error = await Assert.ThrowsAsync<DomainException>(() => Seat(jobNo).ReadyAsync());
        Assert.Equal("seat.not_logged_in", error.Code);
    }

    [Fact]
    public async Task Forcing_a_talking_seat_out_logs_it_out_once_the_call_is_done()
    {
        var queue = await NewQueueAsync(new QueueConfig { WrapUpSeconds = 10 });
        var jobNo = await NewSeatAsync(queue);
        var call = await TalkingCallAsync(queue, jobNo);

        Assert.Equal(SeatState.Talking, (await Seat(jobNo).ForceLogoutAsync(Supervisor)).State);
        await Call(call).HangupAsync(CallParty.Caller);
        await AdvanceAsync(10);

        await SeatBecomesAsync(jobNo, s => s.State == SeatState.LoggedOut, "logged out after the call");
        var ended = await CallStateBecomesAsync(call, CallState.Ended);
        Assert.NotNull(ended.WrapUpEndedAt);
        Assert.Equal(0, (await Queue(queue).GetAsync()).Seats.LoggedIn);
    }

    [Fact]
    public async Task An_agent_calling_for_help_raises_a_flag_the_supervisor_sees_and_clears()
    {
        var queue = await NewQueueAsync();
        var jobNo = await NewSeatAsync(queue);

        var asking = await Seat(jobNo).RequestHelpAsync("citizen asks about pension rules");

        Assert.True(asking.HelpRequested);
        Assert.Equal(SeatState.Ready, asking.State);
        Task<IReadOnlyList<SeatSnapshot>> Board() => SeatBoard.GetAllAsync(Client);
        await Eventually(Board, seats => seats.Any(s => s.JobNo == jobNo && s.HelpRequested), "the wall shows the flag");

        var cleared = await Seat(jobNo).ClearHelpAsync(Supervisor);

        Assert.False(cleared.HelpRequested);
        Assert.False((await Seat(jobNo).GetAsync()).HelpRequested);
        await Eventually(Board, seats => seats.Any(s => s.JobNo == jobNo && !s.HelpRequested), "the wall clears the flag");
    }

    [Fact]
    public async Task A_seat_that_is_not_logged_in_cannot_call_for_help()
    {
        var error = await Assert.ThrowsAsync<DomainException>(() => Seat(Cluster.NewId("seat")).RequestHelpAsync(null));

        Assert.Equal("seat.not_logged_in", error.Code);
        Assert.Equal("logged_out", error.CurrentState);
    }

    private async Task<string> TalkingCallAsync(string queue, string jobNo)
    {
        var call = await NewCallAsync(queue);
        await CallOfferedToAsync(call, jobNo);
        await Seat(jobNo).AnswerAsync();
        return call;
    }
}
