using Orleans.Runtime;

namespace Hotline.Common;

/// <summary>
/// Failures that pass by themselves: a silo dying (the message is rejected or times out until the cluster declares it
/// dead and the grain reactivates elsewhere) or the database restarting (a write is refused). A grain that meets one
/// while telling another grain, or while writing, tries again on its heartbeat instead of failing its own step.
/// </summary>
internal static class TransientErrors
{
    /// <summary>The code a storage failure carries when the silo turns it into a domain error (Silo/Storage/StorageErrors.cs).</summary>
    public const string StorageUnavailable = "storage.unavailable";

    public static bool IsTransient(Exception e) =>
        e is OrleansException or TimeoutException || e is DomainException { Code: StorageUnavailable };
}
