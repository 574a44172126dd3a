namespace Hotline.Api.Apis;

/// <summary>
/// Remembers the result of a write sent with an <c>Idempotency-Key</c>, per user, for 24 hours, so a retried
/// request returns the first result and changes nothing. Kept in this process's memory only: used in the Localhost
/// development mode, which has no database; with PostgreSQL the keys are in <c>idempotent_requests</c>
/// (<see cref="Hotline.Api.Integrations.IdempotentSubmissions"/>), shared by every API process.
/// </summary>
public sealed class IdempotencyStore(TimeProvider time)
{
    public const string Header = "Idempotency-Key";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);
    public const int MaxEntries = 100_000;

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public abstract record Outcome<T>
    {
        public sealed record Done(T Value, bool Replayed) : Outcome<T>;
        /// <summary>The key was used before with a different request.</summary>
        public sealed record Conflict : Outcome<T>;
    }

    /// <summary>
    /// Runs <paramref name="action"/> once per (scope, key); a concurrent or later request with the same key and
    /// fingerprint waits for and returns the first one's result. A failed first attempt forgets the key.
    /// </summary>
    public async Task<Outcome<T>> RunAsync<T>(string scope, string key, string fingerprint, Func<Task<T>> action)
    {
        var id = scope + "\n" + key;
        Entry entry;
        bool first;
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (_entries.TryGetValue(id, out var existing) && existing.ExpiresAt > now)
            {
                entry = existing;
                first = false;
            }
            else
            {
                if (_entries.Count >= MaxEntries) Trim(now);
                entry = new Entry(fingerprint, now + Lifetime, new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously));
                _entries[id] = entry;
                first = true;
            }
        }

        if (!first)
        {
            if (entry.Fingerprint != fingerprint) return new Outcome<T>.Conflict();
            return new Outcome<T>.Done((T)(await entry.Result.Task)!, Replayed: true);
        }

        try
        {
            var value = await action();
            entry.Result.SetResult(value);
            return new Outcome<T>.Done(value, Replayed: false);
        }
        catch (Exception e)
        {
            lock (_gate) _entries.Remove(id);
            entry.Result.SetException(e);
            _ = entry.Result.Task.Exception; // observed here; waiters rethrow it themselves
            throw;
        }
    }

    /// <summary>Drops expired keys, then the oldest tenth if still full.</summary>
    private void Trim(DateTimeOffset now)
    {
        foreach (var (id, _) in _entries.Where(e => e.Value.ExpiresAt <= now).ToList()) _entries.Remove(id);
        if (_entries.Count < MaxEntries) return;
        foreach (var (id, _) in _entries.OrderBy(e => e.Value.ExpiresAt).Take(MaxEntries / 10).ToList()) _entries.Remove(id);
    }

    private sealed record Entry(string Fingerprint, DateTimeOffset ExpiresAt, TaskCompletionSource<object?> Result);
}
