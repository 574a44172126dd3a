using System.Collections.Concurrent;
using Hotline.Calls;
using Hotline.Queues;
using Hotline.Seats;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Cluster;

/// <summary>A cluster whose call media remember every command the call grain gave them, and can refuse to ring a seat.</summary>
public sealed class RecordingMediaCluster : HotlineCluster
{
    public ConcurrentDictionary<string, RecordingMedia> Media { get; } = new();
    /// <summary>Seats whose phone the edge cannot reach (a TCP phone whose connection closed).</summary>
    public ConcurrentDictionary<string, bool> UnreachablePhones { get; } = new();

    protected override void ConfigureSilo(ISiloBuilder silo) =>
        silo.Services.AddSingleton<ICallMediaRegistry>(new Registry(this));

    public sealed class RecordingMedia(RecordingMediaCluster cluster) : ICallMedia
    {
        private readonly ConcurrentQueue<string> _commands = new();

        public IReadOnlyList<string> Commands => _commands.ToList();

        private Task Record(string command)
        {
            _commands.Enqueue(command);
            return Task.CompletedTask;
        }

        public Task OfferToSeatAsync(string jobNo) => cluster.UnreachablePhones.ContainsKey(jobNo)
            ? Task.FromException(new DomainException(CallErrors.PhoneUnreachable, $"The phone of seat {jobNo} cannot be rung.", status: 503))
            : Record($"offer:{jobNo}");
        public Task WithdrawOfferAsync(string jobNo) => Record($"withdraw:{jobNo}");
        public Task ConnectToSeatAsync(string jobNo) => Record($"connect:{jobNo}");
        public Task HoldAsync(bool onHold) => Record(onHold ? "hold" : "unhold");
        public Task WaitInQueueAsync(string queueId) => Record($"queue:{queueId}");
        public Task HangupAsync() => Record("hangup");
        public Task<DialOutcome?> AddPartyAsync(ParticipantRole role, PartyAddress target) => Task.FromResult<DialOutcome?>(null);
        public Task ChangePartyRoleAsync(ParticipantRole role) => Task.CompletedTask;
        public Task DropPartyAsync() => Task.CompletedTask;
        public Task CompleteTransferAsync(string? newJobNo) => Task.CompletedTask;
    }

    private sealed class Registry(RecordingMediaCluster cluster) : ICallMediaRegistry
    {
        public ICallMedia? Find(string callId, CallChannel channel) => cluster.Media.GetOrAdd(callId, _ => new RecordingMedia(cluster));
        public void Register(string callId, ICallMedia media) { }
        public void Release(string callId) { }
    }
}

/// <summary>What the call grain asks of the edge: nothing it does not need (no echo of what the edge told it).</summary>
public sealed class CallMediaTests(RecordingMediaCluster cluster) : ClusterTest(cluster), IClassFixture<RecordingMediaCluster>
{
    private IReadOnlyList<string> Commands(string callId) => cluster.Media[callId].Commands;

    [Fact]
    public async Task An_answer_from_the_agents_phone_is_recorded_without_asking_the_edge_to_connect_while_a_desk_answer_does_ask()
    {
        var queue = await NewQueueAsync();
        var byPhone = await NewSeatAsync(queue);
        var phoneCall = await NewCallAsync(queue);
        await CallOfferedToAsync(phoneCall, byPhone);

        var answered = await Call(phoneCall).PhoneAnsweredAsync(byPhone);

        Assert.Equal((CallState.Talking, byPhone), (answered.State, answered.SeatJobNo));
        Assert.Equal(SeatState.Talking, (await Seat(byPhone).GetAsync()).State);
        Assert.Contains($"offer:{byPhone}", Commands(phoneCall));
        Assert.DoesNotContain($"connect:{byPhone}", Commands(phoneCall)); // the edge that saw the answer connects

        var atDesk = await NewSeatAsync(queue);
        var deskCall = await NewCallAsync(queue);
        await CallOfferedToAsync(deskCall, atDesk);
        await Seat(atDesk).AnswerAsync();
        Assert.Contains($"connect:{atDesk}", Commands(deskCall)); // the phone may still ring: the edge bridges when it answers
    }

    [Fact]
    public async Task A_call_the_IVR_puts_in_its_queue_does_not_tell_the_media_to_wait_again_while_a_direct_start_does()
    {
        var queue = await NewQueueAsync();
        var fromIvr = Cluster.NewId("sim");
        await Call(fromIvr).BeginIvrAsync(new CallStart(CallChannel.Simulated, "13800000000", "12345", null, queue, 0));
        await Call(fromIvr).EnqueueFromIvrAsync(queue, 0);
        Assert.Equal(CallState.Queued, (await Call(fromIvr).GetAsync()).State);
        Assert.DoesNotContain($"queue:{queue}", Commands(fromIvr)); // the IVR's queue step already plays the music

        var direct = await NewCallAsync(queue);
        Assert.Contains($"queue:{queue}", Commands(direct));
    }

    [Fact]
    public async Task An_offer_to_a_phone_the_edge_cannot_reach_rings_out_at_once_not_after_the_ring_timeout()
    {
        var queue = await NewQueueAsync(new QueueConfig { RingTimeoutSeconds = 60 });
        var jobNo = await NewSeatAsync(queue, ready: false);
        cluster.UnreachablePhones[jobNo] = true;
        var call = await NewCallAsync(queue);

        await Seat(jobNo).ReadyAsync(); // no clock advanced: the 60 s ring timeout never passes in this test

        var back = await CallBecomesAsync(call, c => c.State == CallState.Queued && c.RingNoAnswerCount == 1, "back in line after the failed offer");
        Assert.Equal([jobNo], back.OfferedSeats);
        var seat = await SeatBecomesAsync(jobNo, s => s.State == SeatState.NotReady, "not ready after the failed offer");
        Assert.Equal(SeatGrain.NoAnswerReason, seat.Reason);
    }
}
