using Hotline.Calls;
using Hotline.Queues;
using Hotline.Seats;

namespace Hotline.Tests.Cluster;

/// <summary>
/// A call takes one command while another waits at an await (the grains are reentrant): the one that changes the state
/// first wins, and the other finds the new state instead of overwriting it.
/// </summary>
public sealed class InterleavingTests(PendingDialCluster cluster) : ClusterTest(cluster), IClassFixture<PendingDialCluster>
{
    [Fact]
    public async Task A_caller_who_hangs_up_while_the_agent_transfers_to_a_colleague_is_not_offered_to_the_colleague()
    {
        var queue = await NewQueueAsync(new QueueConfig { WrapUpSeconds = 30 });
        var agent = await NewSeatAsync(queue);
        var colleague = await NewSeatAsync(queue, ready: false);
        var call = await NewCallAsync(queue);
        await CallOfferedToAsync(call, agent);
        await Seat(agent).AnswerAsync();
        await Seat(colleague).ReadyAsync();

        var reserving = Cluster.Faults.Hold(Seat(colleague), nameof(ISeatGrain.TryReserveAsync));
        var transfer = Seat(agent).TransferAsync(new TransferTarget(TransferTargetKind.Seat, colleague, Attended: false));
        await reserving.Reached; // the call waits for the colleague's seat
        await Call(call).HangupAsync(CallParty.Caller);
        reserving.Release();

        var refused = await Assert.ThrowsAsync<DomainException>(() => transfer);
        Assert.Equal(("call.invalid_transition", "wrapup"), (refused.Code, refused.CurrentState));
        var after = await Call(call).GetAsync();
        Assert.Equal((CallState.Wrapup, agent, "caller_hangup"), (after.State, after.SeatJobNo, after.EndReason));
        Assert.Equal(SeatState.Wrapup, (await Seat(agent).GetAsync()).State);
        await SeatBecomesAsync(colleague, s => s.State == SeatState.Ready && s.CallId is null, "free again: the colleague was held for a call that is over");
    }

    [Fact]
    public async Task A_callback_task_that_rings_out_while_its_answer_looks_up_the_phone_is_not_dialled()
    {
        var queue = await NewQueueAsync(new QueueConfig { RingTimeoutSeconds = 10 });
        var agent = await NewSeatWithPhoneAsync(queue, ready: false);
        var id = Cluster.NewId("sip");
        await Call(id).StartAsync(new CallStart(CallChannel.Sip, "13800000000", "12345", null, queue, 0));
        await Call(id).RequestCallbackAsync();
        await Seat(agent).ReadyAsync();
        await CallOfferedToAsync(id, agent);

        var lookingUp = Cluster.Faults.Hold(Client.GetGrain<IPhoneRegistrationGrain>(agent), nameof(IPhoneRegistrationGrain.GetAsync));
        var answer = Seat(agent).AnswerAsync();
        await lookingUp.Reached; // the call asks whether the agent has a phone to dial the citizen back from
        await AdvanceAsync(10);
        await CallStateBecomesAsync(id, CallState.CallbackWaiting);
        lookingUp.Release();

        var refused = await Assert.ThrowsAsync<DomainException>(() => answer);
        Assert.Equal(("call.invalid_transition", "callback_waiting"), (refused.Code, refused.CurrentState));
        var after = await Call(id).GetAsync();
        Assert.Equal((CallState.CallbackWaiting, false, 1), (after.State, after.Outbound, after.RingNoAnswerCount));
        await SeatBecomesAsync(agent, s => s.State == SeatState.NotReady && s.Reason == SeatGrain.NoAnswerReason, "not ready: it did not answer in time");
    }
}
