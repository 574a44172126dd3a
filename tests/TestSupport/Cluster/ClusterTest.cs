using System.Diagnostics;
using Hotline.Calls;
using Hotline.Queues;
using Hotline.Seats;

namespace Hotline.Tests.Cluster;

/// <summary>What every cluster test needs: unique queues, seats and calls, the clock, and waiting on outcomes.</summary>
public abstract class ClusterTest(HotlineCluster cluster)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    protected HotlineCluster Cluster => cluster;
    protected IClusterClient Client => cluster.Client;
    protected TestClock Time => cluster.Time;

    protected IQueueGrain Queue(string id) => Client.GetGrain<IQueueGrain>(id);
    protected ISeatGrain Seat(string jobNo) => Client.GetGrain<ISeatGrain>(jobNo);
    protected ICallGrain Call(string callId) => Client.GetGrain<ICallGrain>(callId);

    /// <summary>Configures a new queue with a unique id; <paramref name="config"/> defaults to the defaults.</summary>
    protected async Task<string> NewQueueAsync(QueueConfig? config = null)
    {
        var id = cluster.NewId("queue");
        await Queue(id).ConfigureAsync((config ?? new QueueConfig()) with { Name = id });
        return id;
    }

    /// <summary>Logs a new seat in to one queue and, unless told otherwise, makes it ready.</summary>
    protected Task<string> NewSeatAsync(string queueId, int level = 1, string[]? languages = null, bool ready = true) =>
        NewSeatAsync([new QueueSkill(queueId, level)], languages, ready);

    protected async Task<string> NewSeatAsync(QueueSkill[] skills, string[]? languages = null, bool ready = true)
    {
        var jobNo = cluster.NewId("seat");
        var seat = Seat(jobNo);
        await seat.LoginAsync(new SeatLogin(null, skills, languages ?? ["zh"]));
        if (ready) await seat.ReadyAsync();
        return jobNo;
    }

    /// <summary>A new seat whose agent has a registered phone (the hotline can ring it and dial out from it).</summary>
    protected async Task<string> NewSeatWithPhoneAsync(string queue, bool ready)
    {
        var jobNo = await NewSeatAsync(queue, ready: ready);
        await Client.GetGrain<IPhoneRegistrationGrain>(jobNo).RegisterAsync($"sip:{jobNo}@127.0.0.1:5999", TimeSpan.FromHours(1), "udp");
        return jobNo;
    }

    /// <summary>A new call from the simulated trunk into the queue.</summary>
    protected async Task<string> NewCallAsync(string queueId, string? language = null, int priority = 0)
    {
        var id = cluster.NewId("sim");
        await Call(id).StartAsync(new CallStart(CallChannel.Simulated, "13800000000", "12345", language, queueId, priority));
        return id;
    }

    /// <summary>A call answered at a new seat and hung up by <paramref name="hungUpBy"/>: the seat is in wrap-up for <paramref name="wrapUpSeconds"/>.</summary>
    protected async Task<(string Queue, string JobNo, string Call)> CallInWrapUpAsync(int wrapUpSeconds, CallParty hungUpBy = CallParty.Caller)
    {
        var queue = await NewQueueAsync(new QueueConfig { WrapUpSeconds = wrapUpSeconds });
        var jobNo = await NewSeatAsync(queue);
        var call = await NewCallAsync(queue);
        await CallOfferedToAsync(call, jobNo);
        await Seat(jobNo).AnswerAsync();
        await Call(call).HangupAsync(hungUpBy);
        return (queue, jobNo, call);
    }

    /// <summary>
    /// Moves the test clock forward a second at a time, the way time passes for the grains, letting every timer
    /// due in a second finish before the next.
    /// </summary>
    protected async Task AdvanceAsync(int seconds)
    {
        for (var i = 0; i < seconds; i++) await Time.AdvanceAsync(TimeSpan.FromSeconds(1));
    }

    protected Task<CallSnapshot> CallBecomesAsync(string callId, Func<CallSnapshot, bool> condition, string what) =>
        Eventually(() => Call(callId).GetAsync(), condition, $"call {callId}: {what}");

    protected Task<CallSnapshot> CallStateBecomesAsync(string callId, CallState state) =>
        CallBecomesAsync(callId, c => c.State == state, $"state {state}");

    protected Task<CallSnapshot> CallOfferedToAsync(string callId, string jobNo) =>
        CallBecomesAsync(callId, c => c.State == CallState.Offering && c.SeatJobNo == jobNo, $"offered to {jobNo}");

    protected Task<SeatSnapshot> SeatBecomesAsync(string jobNo, Func<SeatSnapshot, bool> condition, string what) =>
        Eventually(() => Seat(jobNo).GetAsync(), condition, $"seat {jobNo}: {what}");

    protected Task<QueueSnapshot> QueueBecomesAsync(string queueId, Func<QueueSnapshot, bool> condition, string what) =>
        Eventually(() => Queue(queueId).GetAsync(), condition, $"queue {queueId}: {what}");

    /// <summary>
    /// Polls until the condition holds and returns what satisfied it; fails after 10 s of real time with the
    /// last value seen. Grain timers and fire-and-forget offers finish after the call that started them returns.
    /// </summary>
    protected static async Task<T> Eventually<T>(Func<Task<T>> probe, Func<T, bool> condition, string what)
    {
        var stopwatch = Stopwatch.StartNew();
        T last;
        while (true)
        {
            last = await probe();
            if (condition(last)) return last;
            if (stopwatch.Elapsed > Patience) break;
            await Task.Delay(10);
        }
        Assert.Fail($"Timed out after {Patience.TotalSeconds} s waiting for {what}; last seen: {last}");
        return last;
    }
}
