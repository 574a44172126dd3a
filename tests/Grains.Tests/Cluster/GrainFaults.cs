using System.Collections.Concurrent;

namespace Hotline.Tests.Cluster;

/// <summary>
/// Failures a test schedules: the next few calls of one grain method fail as they would while the grain's silo is
/// dying (the message is rejected or times out), before the grain sees them. Every silo of the cluster shares it.
/// </summary>
public sealed class GrainFaults
{
    private readonly ConcurrentDictionary<(string Method, GrainId Grain), Fault> _faults = new();

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

/// <summary>Throws the failures <see cref="GrainFaults"/> holds for a call, instead of invoking the grain.</summary>
internal sealed class GrainFaultFilter(GrainFaults faults) : IIncomingGrainCallFilter
{
    public Task Invoke(IIncomingGrainCallContext context) =>
        faults.Next(context.InterfaceMethod.Name, context.TargetId) is { } error ? Task.FromException(error) : context.Invoke();
}
