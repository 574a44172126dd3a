using Hotline.Calls;
using Hotline.Queues;
using Hotline.Seats;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Cluster;

/// <summary>
/// A cluster whose call media leave every dial pending, as the SIP edge does: the test plays the edge and reports
/// what the phones did (<see cref="ICallGrain.OnDialedAsync"/>, <see cref="ICallGrain.OnPartyAsync"/>).
/// </summary>
public sealed class PendingDialCluster : HotlineCluster
{
    protected override void ConfigureSilo(ISiloBuilder silo)
    {
        silo.Services.AddSingleton<ICallMediaRegistry, PendingMediaRegistry>();
        silo.Services.AddSingleton<IOutboundDialer, PendingDialer>();
    }

    /// <summary>Media that obey at once but leave every dial's outcome to the test.</summary>
    public sealed class PendingMedia : ICallMedia
    {
        public Task OfferToSeatAsync(string jobNo) => Task.CompletedTask;
        public Task WithdrawOfferAsync(string jobNo) => Task.CompletedTask;
        public Task ConnectToSeatAsync(string jobNo) => Task.CompletedTask;
        public Task HoldAsync(bool onHold) => Task.CompletedTask;
        public Task WaitInQueueAsync(string queueId) => Task.CompletedTask;
        public Task HangupAsync() => Task.CompletedTask;
        public Task<DialOutcome?> AddPartyAsync(ParticipantRole role, PartyAddress target) => Task.FromResult<DialOutcome?>(null);
        public Task ChangePartyRoleAsync(ParticipantRole role) => Task.CompletedTask;
        public Task DropPartyAsync() => Task.CompletedTask;
        public Task CompleteTransferAsync(string? newJobNo) => Task.CompletedTask;
    }

    private sealed class PendingMediaRegistry : ICallMediaRegistry
    {
        public ICallMedia? Find(string callId, CallChannel channel) => new PendingMedia();
        public void Register(string callId, ICallMedia media) { }
        public void Release(string callId) { }
    }

    private sealed class PendingDialer : IOutboundDialer
    {
        public string? CannotDial => null;
        public ICallMedia Dial(string callId, OutboundCall call) => new PendingMedia();
    }
}

/// <summary>The call grain's side of outbound calls and third parties, with the edge's reports played by the test.</summary>
public sealed class CallPartyGrainTests(PendingDialCluster cluster) : ClusterTest(cluster), IClassFixture<PendingDialCluster>
{
    [Fact]
    public async Task An_outbound_call_holds_the_seat_while_dialling_and_talks_when_the_citizen_answers()
    {
        var queue = await NewQueueAsync(new QueueConfig { WrapUpSeconds = 15 });
        var jobNo = await NewSeatWithPhoneAsync(queue, ready: true);
        var call = Call(Cluster.NewId("out"));

        var dialing = await call.DialOutAsync(new OutboundCall(jobNo, "13900139000", "return_visit", null));

        Assert.Equal((CallState.Dialing, true, "13900139000", jobNo), (dialing.State, dialing.Outbound, dialing.To, dialing.SeatJobNo));
        Assert.Equal(SeatState.Reserved, (await Seat(jobNo).GetAsync()).State);
        var incoming = await NewCallAsync(queue);
        Assert.Equal(CallState.Queued, (await Call(incoming).GetAsync()).State); // a held seat is offered nothing
        await Call(incoming).HangupAsync(CallParty.Caller);
        await AdvanceAsync(25); // phones ring for a while: the seat's heartbeat must not take the dialling call for a stale offer
        Assert.Equal(SeatState.Reserved, (await Seat(jobNo).GetAsync()).State);

        await call.OnDialedAsync(DialOutcome.Connected, null);
        var talking = await call.GetAsync();
        Assert.Equal((CallState.Talking, Time.GetUtcNow()), (talking.State, talking.AnsweredAt));
        Assert.Equal(SeatState.Talking, (await Seat(jobNo).GetAsync()).State);

        await call.HangupAsync(CallParty.Caller);
        Assert.Equal(SeatState.Wrapup, (await Seat(jobNo).GetAsync()).State);
        await AdvanceAsync(15);
        await CallStateBecomesAsync(call.GetPrimaryKeyString(), CallState.Ended);
        await SeatBecomesAsync(jobNo, s => s.State == SeatState.Ready, "ready after the wrap-up");
    }

    [Fact]
    public async Task A_citizen_who_is_busy_fails_the_call_and_a_not_ready_agent_goes_back_to_the_reason()
    {
        var queue = await NewQueueAsync();
        var jobNo = await NewSeatWithPhoneAsync(queue, ready: false);
        await Seat(jobNo).NotReadyAsync("return-visits");
        var call = Call(Cluster.NewId("out"));

        await call.DialOutAsync(new OutboundCall(jobNo, "13900139000", "callback", null));
        await call.OnDialedAsync(DialOutcome.Failed, "busy");

        var failed = await call.GetAsync();
        Assert.Equal((CallState.Failed, "busy"), (failed.State, failed.EndReason));
        var seat = await Seat(jobNo).GetAsync();
        Assert.Equal((SeatState.NotReady, "return-visits"), (seat.State, seat.Reason));
        await call.OnDialedAsync(DialOutcome.Connected, null); // a late report changes nothing
        Assert.Equal(CallState.Failed, (await call.GetAsync()).State);
    }

    [Fact]
    public async Task An_agent_cancels_an_outbound_call_that_still_rings()
    {
        var queue = await NewQueueAsync();
        var jobNo = await NewSeatWithPhoneAsync(queue, ready: true);
        var call = Call(Cluster.NewId("out"));
        await call.DialOutAsync(new OutboundCall(jobNo, "13900139000", "manual", null));

        await Seat(jobNo).HangupAsync();

        var ended = await call.GetAsync();
        Assert.Equal((CallState.Ended, "cancelled"), (ended.State, ended.EndReason));
        Assert.Equal(SeatState.Ready, (await Seat(jobNo).GetAsync()).State);
    }

    [Fact]
    public async Task An_outbound_call_is_refused_without_a_phone_or_from_a_busy_seat_and_nothing_is_started()
    {
        var queue = await NewQueueAsync();
        var phoneless = await NewSeatAsync(queue);
        var noPhone = await Assert.ThrowsAsync<DomainException>(() =>
            Call(Cluster.NewId("out")).DialOutAsync(new OutboundCall(phoneless, "13900139000", "manual", null)));
        Assert.Equal("seat.no_phone", noPhone.Code);

        var busyQueue = await NewQueueAsync();
        var busy = await NewSeatWithPhoneAsync(busyQueue, ready: true);
        var incoming = await NewCallAsync(busyQueue);
        await CallOfferedToAsync(incoming, busy);
        var refusedId = Cluster.NewId("out");
        var refused = await Assert.ThrowsAsync<DomainException>(() =>
            Call(refusedId).DialOutAsync(new OutboundCall(busy, "13900139000", "manual", null)));
        Assert.Equal("seat.unavailable", refused.Code);
        await Assert.ThrowsAsync<DomainException>(() => Call(refusedId).GetAsync()); // call.not_found: never started
    }

    [Fact]
    public async Task A_blind_transfer_out_that_nobody_answers_puts_the_caller_back_in_the_queue_for_the_next_agent()
    {
        var queue = await NewQueueAsync(new QueueConfig { WrapUpSeconds = 0 });
        var first = await NewSeatAsync(queue);
        var call = await NewCallAsync(queue);
        await CallOfferedToAsync(call, first);
        await Seat(first).AnswerAsync();

        var transferring = await Seat(first).TransferAsync(new TransferTarget(TransferTargetKind.Number, "02088880000", Attended: false));
        Assert.Equal(SeatState.Ready, transferring.State); // no wrap-up configured: free at once
        var dialing = await Call(call).GetAsync();
        Assert.Equal((CallState.Dialing, ParticipantRole.TransferOut, (string?)null), (dialing.State, dialing.Participant!.Role, dialing.SeatJobNo));

        var next = await NewSeatAsync(queue);
        await Call(call).OnPartyAsync(ParticipantRole.TransferOut, DialOutcome.Failed, "busy");

        var offered = await CallOfferedToAnyAsync(call);
        Assert.Contains(offered.SeatJobNo, new[] { first, next });
        Assert.Null(offered.Participant);
    }

    [Fact]
    public async Task A_conference_party_who_hangs_up_leaves_the_caller_with_the_agent_and_frees_a_colleague()
    {
        var queue = await NewQueueAsync();
        var agent = await NewSeatAsync(queue);
        var call = await NewCallAsync(queue);
        await CallOfferedToAsync(call, agent);
        await Seat(agent).AnswerAsync();
        var colleague = await NewSeatWithPhoneAsync(await NewQueueAsync(), ready: true);

        var ringing = await Call(call).AddPartyAsync(agent, ParticipantRole.Conference, new TransferTarget(TransferTargetKind.Seat, colleague, false));
        Assert.Equal((ParticipantRole.Conference, false), (ringing.Participant!.Role, ringing.Participant.Connected));
        Assert.Equal(SeatState.Reserved, (await Seat(colleague).GetAsync()).State);
        await Assert.ThrowsAsync<DomainException>(() =>
            Call(call).AddPartyAsync(agent, ParticipantRole.Conference, new TransferTarget(TransferTargetKind.Number, "02088880000", false)));

        await Call(call).OnPartyAsync(ParticipantRole.Conference, DialOutcome.Connected, null);
        Assert.True((await Call(call).GetAsync()).Participant!.Connected);
        await AdvanceAsync(25); // a long three-way call: the colleague stays held, not freed as a stale offer
        Assert.Equal(SeatState.Reserved, (await Seat(colleague).GetAsync()).State);
        await Call(call).OnPartyAsync(ParticipantRole.Conference, DialOutcome.Left, null);

        var after = await Call(call).GetAsync();
        Assert.Equal((CallState.Talking, agent, (CallParticipant?)null), (after.State, after.SeatJobNo, after.Participant));
        Assert.Equal(SeatState.Ready, (await Seat(colleague).GetAsync()).State);
    }

    private async Task<CallSnapshot> CallOfferedToAnyAsync(string callId)
    {
        var offered = await CallStateBecomesAsync(callId, CallState.Offering);
        Assert.NotNull(offered.SeatJobNo);
        return offered;
    }
}
