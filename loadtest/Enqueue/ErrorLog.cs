using System.Collections.Concurrent;
using Orleans.Runtime;

namespace Hotline.LoadTest.Enqueue;

/// <summary>Failed calls to the cluster, counted by operation and kind, with the first message of each kind kept.</summary>
public sealed class ErrorLog
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private int _total;

    public int Total => Volatile.Read(ref _total);

    public void Add(string operation, Exception e)
    {
        var kind = e switch
        {
            DomainException d => $"{operation}: {d.Code}",
            _ => $"{operation}: {e.GetType().Name}",
        };
        Interlocked.Increment(ref _total);
        var entry = _entries.GetOrAdd(kind, _ => new Entry(e.Message));
        Interlocked.Increment(ref entry.Count);
    }

    /// <summary>Kinds with their counts and first messages, most frequent first.</summary>
    public IReadOnlyList<(string Kind, int Count, string FirstMessage)> Summary() =>
        _entries.OrderByDescending(e => e.Value.Count).ThenBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => (e.Key, e.Value.Count, e.Value.FirstMessage)).ToList();

    /// <summary>Whether the failure is one the cluster reports (a refused command, a timeout), not a bug in the driver.</summary>
    public static bool IsClusterFailure(Exception e) => e is DomainException or OrleansException or TimeoutException or OperationCanceledException;

    private sealed class Entry(string firstMessage)
    {
        public readonly string FirstMessage = firstMessage;
        public int Count;
    }
}
