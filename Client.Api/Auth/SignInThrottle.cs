using System.Collections.Concurrent;
using Npgsql;
using NpgsqlTypes;

namespace Hotline.Api.Auth;

/// <summary>Failed sign-ins per job number and source address (<c>sign_in_throttle</c>); the rule is <see cref="SignInBackoff"/>.</summary>
public interface ISignInThrottle
{
    /// <summary>The end of the block on this job number from this source, when one is running at <paramref name="now"/>.</summary>
    Task<DateTimeOffset?> BlockedUntilAsync(string jobNo, string source, DateTimeOffset now, CancellationToken ct);

    /// <summary>Counts one failure; returns the end of the block it earned, if any.</summary>
    Task<DateTimeOffset?> RecordFailureAsync(string jobNo, string source, DateTimeOffset now, SignInBackoff backoff, CancellationToken ct);

    /// <summary>A successful sign-in from this source forgets its failures.</summary>
    Task ClearAsync(string jobNo, string source, CancellationToken ct);
}

internal sealed class PostgresSignInThrottle(NpgsqlDataSource db) : ISignInThrottle
{
    private const int PurgeEvery = 500;
    private int _failures;

    public async Task<DateTimeOffset?> BlockedUntilAsync(string jobNo, string source, DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            "SELECT blocked_until FROM sign_in_throttle WHERE job_no = $1 AND source = $2 AND blocked_until > $3");
        cmd.Parameters.AddWithValue(jobNo);
        cmd.Parameters.AddWithValue(source);
        cmd.Parameters.AddWithValue(NpgsqlDbType.TimestampTz, now.UtcDateTime);
        return await cmd.ExecuteScalarAsync(ct) is DateTime until ? new DateTimeOffset(until, TimeSpan.Zero) : null;
    }

    public async Task<DateTimeOffset?> RecordFailureAsync(string jobNo, string source, DateTimeOffset now, SignInBackoff backoff, CancellationToken ct)
    {
        if (Interlocked.Increment(ref _failures) % PurgeEvery == 0) await PurgeAsync(now - backoff.Memory - backoff.LongestBlock, ct);

        // One statement counts the failure (so two at once both count) and forgets a count older than the memory.
        await using var count = db.CreateCommand(
            """
            INSERT INTO sign_in_throttle AS t (job_no, source, failures, last_failure_at) VALUES ($1, $2, 1, $3)
            ON CONFLICT (job_no, source) DO UPDATE SET
                failures = CASE WHEN t.last_failure_at > $3 - $4 THEN t.failures + 1 ELSE 1 END,
                last_failure_at = $3
            RETURNING failures
            """);
        count.Parameters.AddWithValue(jobNo);
        count.Parameters.AddWithValue(source);
        count.Parameters.AddWithValue(NpgsqlDbType.TimestampTz, now.UtcDateTime);
        count.Parameters.AddWithValue(NpgsqlDbType.Interval, backoff.Memory);
        var failures = (int)(await count.ExecuteScalarAsync(ct))!;
        if (backoff.BlockedUntil(failures, now) is not { } until) return null;

        await using var block = db.CreateCommand("UPDATE sign_in_throttle SET blocked_until = $3 WHERE job_no = $1 AND source = $2");
        block.Parameters.AddWithValue(jobNo);
        block.Parameters.AddWithValue(source);
        block.Parameters.AddWithValue(NpgsqlDbType.TimestampTz, until.UtcDateTime);
        await block.ExecuteNonQueryAsync(ct);
        return until;
    }

    public async Task ClearAsync(string jobNo, string source, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("DELETE FROM sign_in_throttle WHERE job_no = $1 AND source = $2");
        cmd.Parameters.AddWithValue(jobNo);
        cmd.Parameters.AddWithValue(source);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private async Task PurgeAsync(DateTimeOffset before, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("DELETE FROM sign_in_throttle WHERE last_failure_at < $1 AND (blocked_until IS NULL OR blocked_until < $1)");
        cmd.Parameters.AddWithValue(NpgsqlDbType.TimestampTz, before.UtcDateTime);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>The throttle in memory, for the Localhost development mode only.</summary>
internal sealed class InMemorySignInThrottle : ISignInThrottle
{
    private sealed record Entry(int Failures, DateTimeOffset LastFailureAt, DateTimeOffset? BlockedUntil);

    private readonly ConcurrentDictionary<(string, string), Entry> _entries = new();

    public Task<DateTimeOffset?> BlockedUntilAsync(string jobNo, string source, DateTimeOffset now, CancellationToken ct) =>
        Task.FromResult(_entries.TryGetValue((jobNo, source), out var e) && e.BlockedUntil > now ? e.BlockedUntil : null);

    public Task<DateTimeOffset?> RecordFailureAsync(string jobNo, string source, DateTimeOffset now, SignInBackoff backoff, CancellationToken ct)
    {
        var entry = _entries.AddOrUpdate((jobNo, source),
            _ => new Entry(1, now, backoff.BlockedUntil(1, now)),
            (_, old) =>
            {
                var failures = backoff.NextCount(old.Failures, old.LastFailureAt, now);
                return new Entry(failures, now, backoff.BlockedUntil(failures, now));
            });
        return Task.FromResult(entry.BlockedUntil);
    }

    public Task ClearAsync(string jobNo, string source, CancellationToken ct)
    {
        _entries.TryRemove((jobNo, source), out _);
        return Task.CompletedTask;
    }

    /// <summary>An administrator's unlock: every bar on the job number, from every address.</summary>
    public void ForgetAll(string jobNo)
    {
        foreach (var key in _entries.Keys.Where(k => k.Item1 == jobNo)) _entries.TryRemove(key, out _);
    }
}
