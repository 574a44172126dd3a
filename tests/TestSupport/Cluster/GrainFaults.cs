using System.Collections.Concurrent;

namespace Hotline.Tests.Cluster;

/// <summary>
/// Failures a test schedules: the next few calls of one grain method fail as they would while the grain's silo is
/// dying (the message is rejected or times out), before the grain sees them. Every silo of the cluster shares it.
/// </summary>
public sealed class GrainFaults
{
    private readonly ConcurrentDictionary<(string Method, GrainId Grain), Fault> _faults = new();
    private readonly ConcurrentDictionary<(string Method, GrainId Grain), HeldCall> _holds = new();
    private readonly ConcurrentDictionary<(string Method, GrainId Grain), int> _received = new();

    /// <summary>How many calls of <paramref name="method"/> reached the grain's door (failed, held or invoked) so far.</summary>
    public int Received(IAddressable grain, string method) => _received.GetValueOrDefault((method, grain.GetGrainId()));

    internal void Count(string method, GrainId grain) => _received.AddOrUpdate((method, grain), 1, (_, n) => n + 1);

    /// <summary>
    /// The next call of <paramref name="method"/> on the grain waits at the grain's door until the test releases it:
    /// the caller is then suspended at that await, so a test can interleave another command with it.
    /// </summary>
    public HeldCall Hold(IAddressable grain, string method) => _holds[(method, grain.GetGrainId())] = new HeldCall();

    internal Task WaitIfHeld(string method, GrainId grain) =>
        _holds.TryRemove((method, grain), out var held) ? held.ArriveAsync() : Task.CompletedTask;

    /// <summary>The next <paramref name="times"/> calls of <paramref name="method"/> on the grain throw what <paramref name="error"/> makes.</summary>
    public void Fail(IAddressable grain, string method, int times, Func<Exception> error) =>
        _faults[(method, grain.GetGrainId())] = new Fault(times, error);

    /// <summary>How many scheduled failures of the method on the grain were thrown so far.</summary>
    public int Thrown(IAddressable grain, string method) =>
        _faults.TryGetValue((method, grain.GetGrainId()), out var fault) ? fault.Thrown : 0;

    internal Exception? Next(string method, GrainId grain) =>
        _faults.TryGetValue((method, grain), out var fault) ? fault.Take() : null;

    private sealed class Fault(int times, Func<Exception> error)
    {
        private int _left = times;
        private int _thrown;

        public int Thrown => Volatile.Read(ref _thrown);

        public Exception? Take()
        {
            if (Interlocked.Decrement(ref _left) < 0) return null;
            Interlocked.Increment(ref _thrown);
            return error();
        }
    }
}

/// <summary>One grain call held at the door: <see cref="Reached"/> when it arrives, on until <see cref="Release"/>.</summary>
public sealed class HeldCall
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Reached => _reached.Task.WaitAsync(TimeSpan.FromSeconds(10));
    public void Release() => _released.TrySetResult();

    internal Task ArriveAsync()
    {
        _reached.TrySetResult();
        return _released.Task;
    }
}

/// <summary>Throws the failures <see cref="GrainFaults"/> holds for a call, instead of invoking the grain, or holds the call.</summary>
internal sealed class GrainFaultFilter(GrainFaults faults) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        faults.Count(context.InterfaceMethod.Name, context.TargetId);
        if (faults.Next(context.InterfaceMethod.Name, context.TargetId) is { } error) throw error;
        await faults.WaitIfHeld(context.InterfaceMethod.Name, context.TargetId);
        await context.Invoke();
    }
}
