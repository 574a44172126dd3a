namespace Hotline.Telephony.Sip;

/// <summary>A scheduled SIP timer; cancelling only marks it (the queue drops it when it comes due).</summary>
internal sealed class SipTimer(Action callback)
{
    private int _cancelled;

    public Action Callback { get; } = callback;

    public bool IsCancelled => Volatile.Read(ref _cancelled) != 0;

    public void Cancel() => Interlocked.Exchange(ref _cancelled, 1);
}

/// <summary>
/// Every SIP retransmission and timeout of an edge in one priority queue, driven by ONE timer of the injected
/// <see cref="TimeProvider"/> re-armed to the earliest deadline. No periodic scan, no cap on pending timers,
/// and fake time fires callbacks deterministically inside <c>FakeTimeProvider.Advance</c>.
/// </summary>
internal sealed class SipTimerQueue : IDisposable
{
    private readonly TimeProvider _time;
    private readonly PriorityQueue<SipTimer, (DateTimeOffset Due, long Seq)> _queue = new();
    private readonly ITimer _timer;
    private readonly Lock _lock = new();
    private readonly Action<Exception> _onError;
    private long _seq;
    private DateTimeOffset _armedFor = DateTimeOffset.MaxValue;
    private bool _disposed;

    public SipTimerQueue(TimeProvider time, Action<Exception> onError)
    {
        _time = time;
        _onError = onError;
        _timer = time.CreateTimer(_ => Fire(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public SipTimer Schedule(TimeSpan delay, Action callback)
    {
        var t = new SipTimer(callback);
        var due = _time.GetUtcNow() + (delay < TimeSpan.Zero ? TimeSpan.Zero : delay);
        lock (_lock)
        {
            if (_disposed)
            {
                return t;
            }
            _queue.Enqueue(t, (due, _seq++));
            if (due < _armedFor)
            {
                Arm(due);
            }
        }
        return t;
    }

    private void Arm(DateTimeOffset due)
    {
        _armedFor = due;
        var delay = due - _time.GetUtcNow();
        _timer.Change(delay < TimeSpan.Zero ? TimeSpan.Zero : delay, Timeout.InfiniteTimeSpan);
    }

    private void Fire()
    {
        while (true)
        {
            SipTimer next;
            lock (_lock)
            {
                _armedFor = DateTimeOffset.MaxValue;
                if (_disposed || !_queue.TryPeek(out next!, out var key))
                {
                    return;
                }
                if (key.Due > _time.GetUtcNow())
                {
                    Arm(key.Due);
                    return;
                }
                _queue.Dequeue();
            }
            if (next.IsCancelled)
            {
                continue;
            }
            try
            {
                next.Callback();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // One transaction's bug must not stop every other transaction's timers; it is logged by the edge.
                _onError(ex);
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _queue.Clear();
        }
        _timer.Dispose();
    }
}
