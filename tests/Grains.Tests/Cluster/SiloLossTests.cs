using Hotline.Calls;
using Hotline.Queues;
using Hotline.Seats;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Serialization;

namespace Hotline.Tests.Cluster;

/// <summary>
/// A silo dies. The queue's line is soft state, rebuilt on the survivor as soon as the death is known: the survivor's
/// waiting calls and seats re-announce themselves (SoftStateRepair), with no heartbeat through the queue and no clock advanced;
/// a call whose own silo died has lost its media and is recorded as failed. Each test kills a silo, so each
/// gets a cluster of its own.
/// </summary>
public sealed class SiloLossTests() : ClusterTest(new FastFailoverHotlineCluster()), IAsyncLifetime
{
    private const int HeartbeatSeconds = 10; // HotlineGrainOptions.HeartbeatSeconds, the default the cluster runs with

    public Task InitializeAsync() => Cluster.InitializeAsync();
    public Task DisposeAsync() => Cluster.DisposeAsync();

    [Fact]
    public async Task When_the_queues_silo_dies_a_call_waiting_on_the_surviving_silo_is_still_offered_and_answered()
    {
        var queue = await NewQueueAsync();
        var doomed = Assert.IsType<SiloAddress>(Cluster.SiloOf(Queue(queue)));
        var survivor = Cluster.Cluster.GetActiveSilos().Single(s => s.SiloAddress != doomed);
        var jobNo = await NewSeatAsync(queue, ready: false);
        if (Cluster.SiloOf(Seat(jobNo)) != survivor.SiloAddress)
            await Cluster.Cluster.MigrateAsync(Seat(jobNo), survivor.SiloAddress);
        Assert.Equal(survivor.SiloAddress, Cluster.SiloOf(Seat(jobNo)));

        // Calls land on either silo (a client call has no local silo to prefer): start them until some wait on the survivor.
        var onSurvivor = new List<string>();
        var onDoomed = new List<string>();
        for (var i = 0; i < 40 && (onSurvivor.Count < 2 || onDoomed.Count < 1); i++)
        {
            var call = await NewCallAsync(queue);
            (Cluster.SiloOf(Call(call)) == doomed ? onDoomed : onSurvivor).Add(call);
            await AdvanceAsync(1);
        }
        Assert.True(onSurvivor.Count >= 2, "no call was placed on the surviving silo");
        Assert.Equal(onSurvivor.Count + onDoomed.Count, (await Queue(queue).GetAsync()).WaitingCount);

        await Cluster.KillSiloAsync(doomed);

        // The queue comes back on the survivor, its line rebuilt by the calls that live as soon as the death is known.
        var rebuilt = await QueueBecomesAsync(queue, q => q.WaitingCount == onSurvivor.Count, "the surviving calls back in line");
        Assert.Equal(onSurvivor, rebuilt.Waiting.Select(w => w.CallId));
        Assert.Equal(survivor.SiloAddress, Cluster.SiloOf(Queue(queue)));

        await Seat(jobNo).ReadyAsync();

        await CallOfferedToAsync(onSurvivor[0], jobNo);
        await Seat(jobNo).AnswerAsync();
        var talking = await Call(onSurvivor[0]).GetAsync();
        Assert.Equal((CallState.Talking, jobNo), (talking.State, talking.SeatJobNo));
        var after = await QueueBecomesAsync(queue, q => q.Counters.Answered == 1, "the answer counted");
        Assert.Equal(onSurvivor.Skip(1), after.Waiting.Select(w => w.CallId));
    }

    [Fact]
    public async Task A_call_whose_silo_died_is_recorded_as_failed_lost_with_silo_when_it_reactivates()
    {
        var queue = await NewQueueAsync();
        var call = await NewCallAsync(queue);
        var callSilo = Assert.IsType<SiloAddress>(Cluster.SiloOf(Call(call)));
        Assert.Equal(CallState.Queued, (await Call(call).GetAsync()).State);
        await AdvanceAsync(3);

        await Cluster.KillSiloAsync(callSilo);

        var lost = await Call(call).GetAsync();

        Assert.Equal((CallState.Failed, "lost_with_silo"), (lost.State, lost.EndReason));
        Assert.Equal(Time.GetUtcNow(), lost.EndedAt);
        Assert.NotEqual(callSilo, Cluster.SiloOf(Call(call)));
        await QueueBecomesAsync(queue, q => q.WaitingCount == 0, "the lost call gone from the line");
        // Recorded for good: it stays failed, however often it is asked.
        Assert.Equal(CallState.Failed, (await Call(call).GetAsync()).State);
    }

    [Fact]
    public async Task When_the_queues_silo_dies_with_a_call_ringing_at_a_seat_there_every_waiting_call_is_offered_and_answered()
    {
        var queue = await NewQueueAsync(new QueueConfig { RingTimeoutSeconds = 60, WrapUpSeconds = 0 });
        var doomed = Assert.IsType<SiloAddress>(Cluster.SiloOf(Queue(queue)));
        var survivor = Cluster.Cluster.GetActiveSilos().Single(s => s.SiloAddress != doomed).SiloAddress;
        var ringing = await NewSeatAsync(queue, ready: false); // dies with the queue, then comes back
        await PlaceAsync(Seat(ringing), doomed);
        var spare = await NewSeatAsync(queue, ready: false);
        await PlaceAsync(Seat(spare), survivor);
        var calls = new List<string>();
        for (var i = 0; i < 40 && calls.Count < 3; i++)
        {
            var call = await NewCallAsync(queue);
            if (Cluster.SiloOf(Call(call)) == doomed) await Call(call).HangupAsync(CallParty.Caller); // its media dies with the silo
            else calls.Add(call);
            await AdvanceAsync(1);
        }
        Assert.Equal(3, calls.Count);
        await Seat(ringing).ReadyAsync();
        await CallOfferedToAsync(calls[0], ringing);
        var serializer = Client.ServiceProvider.GetRequiredService<Serializer>();
        await Eventually(() => Task.FromResult(Cluster.Store.Read<SeatRecord>("hotline", Seat(ringing), serializer)),
            r => r.State == SeatState.Reserved && r.CallId == calls[0], "the reservation on disk");

        await Cluster.KillSiloAsync(doomed);

        // The rebuilt queue has the waiting calls back, and has woken the seat that died with it, still reserved.
        var rebuilt = await QueueBecomesAsync(queue, q => q.WaitingCount == 2 && q.Seats.Busy == 1, "the calls and the ringing seat back");
        Assert.Equal(calls.Skip(1), rebuilt.Waiting.Where(w => w.OfferedTo is null).Select(w => w.CallId));
        Assert.Equal(survivor, Cluster.SiloOf(Seat(ringing)));

        // The agent answers the call that was ringing when the silo died, from the desk.
        await Seat(ringing).AnswerAsync();
        Assert.Equal((CallState.Talking, ringing), await StateAndSeatAsync(calls[0]));

        await Seat(spare).ReadyAsync();
        await CallOfferedToAsync(calls[1], spare);
        await Seat(spare).AnswerAsync();
        Assert.Equal((CallState.Talking, spare), await StateAndSeatAsync(calls[1]));

        await Seat(ringing).HangupAsync();
        await CallOfferedToAsync(calls[2], ringing);
        await Seat(ringing).AnswerAsync();
        Assert.Equal((CallState.Talking, ringing), await StateAndSeatAsync(calls[2]));
        Assert.Equal(CallState.Ended, (await CallStateBecomesAsync(calls[0], CallState.Ended)).State);
    }

    [Fact]
    public async Task A_call_in_wrap_up_whose_silo_died_comes_back_on_the_survivor_and_ends_when_its_seat_finishes()
    {
        var (_, jobNo, call) = await CallInWrapUpAsync(wrapUpSeconds: 5);
        Assert.Equal(CallState.Wrapup, (await Call(call).GetAsync()).State);
        var doomed = Assert.IsType<SiloAddress>(Cluster.SiloOf(Call(call)));
        var survivor = Cluster.Cluster.GetActiveSilos().Single(s => s.SiloAddress != doomed).SiloAddress;
        await PlaceAsync(Seat(jobNo), survivor);

        await Cluster.KillSiloAsync(doomed);
        // The seat's wrap-up timer ends first and tells the call (refused while the dead silo still counts as active,
        // then again on the seat's heartbeat); the call, back from its record on the survivor, ends.
        await AdvanceAsync(5 + 2 * HeartbeatSeconds + 1);

        var ended = await CallStateBecomesAsync(call, CallState.Ended);
        Assert.Equal("caller_hangup", ended.EndReason);
        Assert.NotNull(ended.WrapUpEndedAt);
        Assert.Equal(survivor, Cluster.SiloOf(Call(call)));
        Assert.Equal(SeatState.Ready, (await Seat(jobNo).GetAsync()).State);
    }

    private async Task<(CallState, string?)> StateAndSeatAsync(string callId)
    {
        var call = await Call(callId).GetAsync();
        return (call.State, call.SeatJobNo);
    }

    private async Task PlaceAsync(IAddressable grain, SiloAddress silo)
    {
        if (Cluster.SiloOf(grain) != silo) await Cluster.Cluster.MigrateAsync(grain, silo);
        Assert.Equal(silo, Cluster.SiloOf(grain));
    }
}
