using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace Hotline.Tests.Cluster;

/// <summary>
/// The grains' clock in the test cluster: one <see cref="FakeTimeProvider"/> seen by every silo, which also knows
/// which grain timers have fired and not yet finished. An Orleans grain timer re-arms (or is disposed) only when
/// its callback completes, so "every fired timer re-armed" is the barrier that tells the test the grains have
/// caught up with the clock. Without it a test advancing twenty seconds can outrun a one-second tick that
/// re-arms late and never sees second 20.
/// </summary>
public sealed class TestClock(DateTimeOffset start)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _fake = new(start);
    private readonly ConcurrentDictionary<string, SiloClock> _silos = new(StringComparer.Ordinal);

    public DateTimeOffset GetUtcNow() => _fake.GetUtcNow();

    /// <summary>The clock as one silo's grains see it.</summary>
    public TimeProvider ForSilo(string siloName) => _silos.GetOrAdd(siloName, _ => new SiloClock(_fake));

    /// <summary>A silo is about to die: its timers stop firing, and nothing waits for them any more.</summary>
    public void StopSilo(string siloName)
    {
        if (_silos.TryGetValue(siloName, out var clock)) clock.Stop();
    }

    /// <summary>Moves the clock on and waits until every timer that fell due has finished its callback.</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        _fake.Advance(by);
        var stopwatch = Stopwatch.StartNew();
        while (_silos.Values.Sum(s => s.Running) > 0)
        {
            if (stopwatch.Elapsed > Patience)
                throw new TimeoutException($"{_silos.Values.Sum(s => s.Running)} grain timer callback(s) due by {GetUtcNow():HH:mm:ss} still running after {Patience.TotalSeconds} s");
            await Task.Delay(1);
        }
    }

    private sealed class SiloClock(FakeTimeProvider fake) : TimeProvider
    {
        private int _running;
        private volatile bool _stopped;

        public int Running => _stopped ? 0 : Volatile.Read(ref _running);

        public void Stop() => _stopped = true;

        public override DateTimeOffset GetUtcNow() => fake.GetUtcNow();
        public override long GetTimestamp() => fake.GetTimestamp();
        public override long TimestampFrequency => fake.TimestampFrequency;
        public override TimeZoneInfo LocalTimeZone => fake.LocalTimeZone;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = new TrackedTimer(this, callback, state);
            timer.Inner = fake.CreateTimer(static s => ((TrackedTimer)s!).Fire(), timer, dueTime, period);
            return timer;
        }

        private sealed class TrackedTimer(SiloClock clock, TimerCallback callback, object? state) : ITimer
        {
            private int _firing;

            public ITimer Inner { get; set; } = null!;

            public void Fire()
            {
                if (clock._stopped) return;
                if (Interlocked.Exchange(ref _firing, 1) == 0) Interlocked.Increment(ref clock._running);
                callback(state);
            }

            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                Settle();
                return Inner.Change(dueTime, period);
            }

            public void Dispose()
            {
                Settle();
                Inner.Dispose();
            }

            public ValueTask DisposeAsync()
            {
                Dispose();
                return ValueTask.CompletedTask;
            }

            private void Settle()
            {
                if (Interlocked.Exchange(ref _firing, 0) == 1) Interlocked.Decrement(ref clock._running);
            }
        }
    }
}
