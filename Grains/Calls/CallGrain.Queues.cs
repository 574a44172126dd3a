using Hotline.Queues;
using Microsoft.Extensions.Logging;

namespace Hotline.Calls;

/// <summary>A call waiting in its queues: entering one, overflowing to more, the maximum wait, becoming a callback task, and telling its queues again (the audit, a silo's death).</summary>
public sealed partial class CallGrain
{
    /// <summary>A silo died: a waiting call tells its queues again that it waits, in case one of them was lost with it.</summary>
    public async Task ReannounceAsync(string? lostSilo)
    {
        if (S.State is CallState.Queued or CallState.CallbackWaiting) await TouchQueuesAsync();
        else _softState.Track(GrainContext.GrainId, matters: false);
    }

    /// <summary>The queue a new call goes to: the one asked for, else its language's, else the default.</summary>
    private string HomeQueue(string? requested) =>
        requested
        ?? (S.Language is not null && _options.LanguageQueues.TryGetValue(S.Language, out var byLanguage) ? byLanguage : _options.DefaultQueue);

    private async Task EnterFirstQueueAsync(string? requested, DateTimeOffset now, bool fromIvr = false)
    {
        try
        {
            await EnterQueueAsync(HomeQueue(requested), now, tellMedia: !fromIvr);
        }
        catch (DomainException e) when (e.Code == "queue.not_found")
        {
            await FinishAsync(CallState.Failed, "queue_not_found");
            throw;
        }
    }

    public async Task<CallSnapshot> EnqueueFromIvrAsync(string? queueId, int priority)
    {
        if (!S.Started) throw new DomainException("call.not_found", $"Call '{CallId}' does not exist.", status: 404);
        if (!Require(CallCommand.EnqueueFromIvr).Applies) return Snapshot(); // a retry: the call already went to its queue
        S.Priority = priority;
        _ivrNode = null;
        _logger.LogDebug("Call {CallId} leaves the IVR", CallId);
        // The IVR's queue step already plays the waiting music: the media is not told again.
        await EnterFirstQueueAsync(queueId ?? S.RequestedQueueId, _time.GetUtcNow(), fromIvr: true);
        return Snapshot();
    }

    public async Task<QueuePosition?> GetQueuePositionAsync()
    {
        if (S.State != CallState.Queued || S.QueueId is null) return null;
        var position = await Queue(S.QueueId).GetPositionAsync(CallId);
        return position.Position > 0 ? position : null;
    }

    public async Task<CallSnapshot> RequestCallbackAsync()
    {
        Require(CallCommand.RequestCallback, CallActor.Caller);
        await BecomeCallbackAsync(requestedByCaller: true);
        return Snapshot();
    }

    public async Task<bool> ExitQueueAsync(string queueId, QueueExitDestination destination)
    {
        if (!Decide(CallCommand.ExitQueue).Applies || S.QueueId != queueId) return false;
        if (destination == QueueExitDestination.Callback)
        {
            await BecomeCallbackAsync(requestedByCaller: false);
            return true;
        }
        var others = S.Queues.Skip(1).ToList();
        await FinishAsync(CallState.Voicemail, "max_wait");
        await Task.WhenAll(others.Select(q => Queue(q).RemoveAsync(CallId)));
        return true;
    }

    public async Task OverflowAsync(string fromQueueId, string toQueueId)
    {
        if (!Decide(CallCommand.Overflow).Applies) return;
        if (S.QueueId != fromQueueId || S.Queues.Contains(toQueueId)) return;
        S.Queues.Add(toQueueId);
        _logger.LogDebug("Call {CallId} overflows from {From} to {To}", CallId, fromQueueId, toQueueId);
        await Queue(toQueueId).EnqueueAsync(Entry(toQueueId));
        await SaveAndPublishAsync("call.overflowed");
    }

    /// <param name="tellMedia">Whether the caller's media is told to wait (music): not when the IVR, which already does, put the call here.</param>
    private async Task EnterQueueAsync(string queueId, DateTimeOffset now, bool tellMedia = true)
    {
        S.State = CallState.Queued;
        S.QueueId = queueId;
        S.Queues = [queueId];
        S.EnqueuedAt = now;
        S.QueuedAt ??= now;
        S.OfferingQueue = null;
        if (tellMedia && _media is not null) await _media.WaitInQueueAsync(queueId);
        // The heartbeat runs before the queue is asked: if the queue cannot be reached the call still waits.
        StartHeartbeat();
        await JoinQueueAsync(queueId, retry: false);
    }

    /// <summary>
    /// Puts the call in its queue. A queue whose silo just died cannot be reached (the message is rejected or times
    /// out until the cluster declares the silo dead): the call is then recorded as queued all the same and asks the
    /// queue again after 1 s, 2 s, 4 s … (at most a heartbeat apart) until a new activation takes it, at its original
    /// place (its enqueue time). A caller who arrives in the outage then waits seconds for the queue, not a heartbeat.
    /// </summary>
    private async Task JoinQueueAsync(string queueId, bool retry)
    {
        QueuePosition position;
        try
        {
            position = await Queue(queueId).EnqueueAsync(Entry(queueId));
            _touchedAt = _time.GetUtcNow();
            _enqueuePending = false;
            _queueRetryDelay = TimeSpan.Zero;
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            _logger.LogWarning(e, "Call {CallId} could not reach queue {QueueId}; it waits and asks again", CallId, queueId);
            _enqueuePending = true;
            ArmQueueRetry();
            if (!retry && S.State == CallState.Queued) await SaveAndPublishAsync("call.queued");
            return;
        }
        if (!position.Accepted)
        {
            _logger.LogDebug("Queue {QueueId} refused call {CallId}: {Destination}", queueId, CallId, position.RefusedTo);
            if (position.RefusedTo == QueueExitDestination.Callback)
            {
                // A full queue still takes callback tasks: the caller leaves a number instead of waiting.
                S.IsCallback = true;
                S.State = CallState.CallbackWaiting;
                if (_media is not null) await _media.HangupAsync();
                await Queue(queueId).EnqueueAsync(Entry(queueId));
                await SaveAndPublishAsync("call.callback_waiting");
                return;
            }
            await FinishAsync(CallState.Voicemail, "queue_full");
            return;
        }
        if (!retry && S.State == CallState.Queued) await SaveAndPublishAsync("call.queued");
    }

    private async Task BecomeCallbackAsync(bool requestedByCaller)
    {
        S.IsCallback = true;
        S.State = CallState.CallbackWaiting;
        if (_media is not null) await _media.HangupAsync();
        _logger.LogDebug("Call {CallId} waits as a callback task", CallId);
        await Task.WhenAll(S.Queues.ToList().Select(q => Queue(q).ConvertToCallbackAsync(CallId, requestedByCaller)));
        await SaveAndPublishAsync("call.callback_waiting");
    }

    /// <summary>
    /// A waiting call re-announces itself to every queue it waits in, so a queue's new activation has it back at its
    /// place. A queue that cannot be reached is asked again soon (<see cref="ArmQueueRetry"/>), not a heartbeat later.
    /// </summary>
    private async Task TouchQueuesAsync()
    {
        if (S.State is not (CallState.Queued or CallState.CallbackWaiting)) return;
        _touchedAt = _time.GetUtcNow();
        _softState.Track(GrainContext.GrainId, matters: true);
        var reached = await Task.WhenAll(S.Queues.ToList().Select(async q =>
        {
            try
            {
                await Queue(q).TouchAsync(Entry(q));
                return true;
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                _logger.LogWarning(e, "Call {CallId} could not reach queue {QueueId}; it asks again", CallId, q);
                return false;
            }
        }));
        if (reached.All(r => r)) _queueRetryDelay = TimeSpan.Zero;
        else ArmQueueRetry();
    }

    /// <summary>A queue could not be reached: ask it again after 1 s, then 2, 4 … up to a heartbeat apart.</summary>
    private void ArmQueueRetry()
    {
        var heartbeat = TimeSpan.FromSeconds(_options.HeartbeatSeconds);
        _queueRetryDelay = _queueRetryDelay == TimeSpan.Zero ? TimeSpan.FromSeconds(1) : _queueRetryDelay * 2;
        if (_queueRetryDelay > heartbeat) _queueRetryDelay = heartbeat;
        _queueRetry?.Dispose();
        _queueRetry = this.RegisterGrainTimer(_ =>
        {
            _queueRetry = null;
            return S.State switch
            {
                CallState.Queued when _enqueuePending => JoinQueueAsync(S.QueueId!, retry: true),
                CallState.Queued or CallState.CallbackWaiting => TouchQueuesAsync(),
                _ => Task.CompletedTask,
            };
        }, new GrainTimerCreationOptions(_queueRetryDelay, Timeout.InfiniteTimeSpan) { Interleave = true, KeepAlive = true });
    }

    private QueueEntry Entry(string queueId) => new(CallId, S.EnqueuedAt ?? S.ArrivedAt, S.Priority, S.Language, S.IsCallback,
        queueId == S.QueueId ? null : S.QueueId)
    {
        Silo = GrainContext.Address.SiloAddress?.ToParsableString(),
    };
}
