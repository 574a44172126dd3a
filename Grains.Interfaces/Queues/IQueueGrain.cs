namespace Hotline.Queues;

/// <summary>
/// An ACD queue (队列), keyed by queue id. It orders waiting calls by priority then arrival, mirrors the
/// seats that serve it and offers calls to them. Waiting calls and seats re-announce themselves, so a
/// queue reactivated on another silo rebuilds its line without a database read.
/// </summary>
[Alias("hotline.IQueueGrain")]
public interface IQueueGrain : IGrainWithStringKey, Hotline.Cluster.IReannounce
{
    [Alias("Get")] Task<QueueSnapshot> GetAsync();
    [Alias("GetConfig")] Task<QueueConfig> GetConfigAsync();
    [Alias("Configure")] Task<QueueConfig> ConfigureAsync(QueueConfig config);
    [Alias("ResetCounters")] Task ResetCountersAsync();

    /// <summary>A call enters (or, after a transfer, re-enters) the queue.</summary>
    [Alias("Enqueue")] Task<QueuePosition> EnqueueAsync(QueueEntry entry);
    /// <summary>A waiting call confirms it is still waiting; re-adds it if this activation lost it.</summary>
    [Alias("Touch")] Task TouchAsync(QueueEntry entry);
    [Alias("GetPosition")] Task<QueuePosition> GetPositionAsync(string callId);
    /// <summary>The caller hung up while waiting (or the call left for another reason).</summary>
    [Alias("Abandon")] Task AbandonAsync(string callId, DateTimeOffset enqueuedAt);
    /// <summary>
    /// The waiting call became a callback task (排队回呼) and keeps its place: because the caller asked
    /// (<paramref name="requestedByCaller"/>), or because the queue's exit rule sent it there.
    /// </summary>
    [Alias("ConvertToCallback")] Task ConvertToCallbackAsync(string callId, bool requestedByCaller);
    /// <summary>The call was taken by a seat through another queue, or ended: forget it without counting.</summary>
    [Alias("Remove")] Task RemoveAsync(string callId);
    /// <summary>An offer rang out: the call goes back to the head of the line.</summary>
    [Alias("RingNoAnswer")] Task RingNoAnswerAsync(string callId, string jobNo);
    /// <summary>An offered call was answered: counts toward the service level.</summary>
    [Alias("Answered")] Task AnsweredAsync(string callId, DateTimeOffset enqueuedAt, DateTimeOffset answeredAt);

    /// <summary>
    /// A seat that serves this queue became ready, busy, not ready or logged out (it does not tell each step of a call).
    /// True when the queue is now offering the seat a call.
    /// </summary>
    [Alias("SeatChanged")] Task<bool> SeatChangedAsync(SeatAvailability seat);
}
