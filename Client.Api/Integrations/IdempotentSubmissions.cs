using Npgsql;

namespace Hotline.Api.Integrations;

/// <summary>The outcome of a submission sent with an <c>Idempotency-Key</c>.</summary>
public abstract record Submission
{
    /// <summary>The work order's number; <paramref name="Replayed"/> when an earlier request with the same key created it.</summary>
    public sealed record Done(string TicketNumber, bool Replayed) : Submission;
    /// <summary>The key was used before with a different request.</summary>
    public sealed record Conflict : Submission;
}

/// <summary>
/// Idempotent submissions kept in PostgreSQL (<c>idempotent_requests</c>), so every API process agrees: the first
/// request with a key (per scope) creates the order, a retry within <see cref="Lifetime"/> gets its number back.
/// Requests with the same key are serialised by a transaction-scoped advisory lock; the order is created while
/// the lock is held and the key is written in the same transaction, so a failed creation leaves no key behind.
/// A process killed between the grain's registration and the commit loses the key, and a retry then creates a
/// second order: the window is one round trip wide.
/// </summary>
public sealed class IdempotentSubmissions(IntegrationsDatabase database, TimeProvider time)
{
    private NpgsqlDataSource Db => database.Source;

    public const string Header = "Idempotency-Key";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    public async Task<Submission> RunAsync(string scope, string key, string fingerprint, Func<Task<string>> create, CancellationToken ct)
    {
        await using var connection = await Db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended(@id, 160))", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("id", scope + "\n" + key);
            await lockCommand.ExecuteNonQueryAsync(ct);
        }

        var now = time.GetUtcNow();
        await using (var find = new NpgsqlCommand(
            "SELECT fingerprint, ticket_number FROM idempotent_requests WHERE scope = @scope AND key = @key AND created_at > @since",
            connection, transaction))
        {
            find.Parameters.AddWithValue("scope", scope);
            find.Parameters.AddWithValue("key", key);
            find.Parameters.AddWithValue("since", now - Lifetime);
            await using var reader = await find.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct))
            {
                Submission earlier = reader.GetString(0) == fingerprint ? new Submission.Done(reader.GetString(1), Replayed: true) : new Submission.Conflict();
                await reader.DisposeAsync();
                await transaction.CommitAsync(ct);
                return earlier;
            }
        }

        var number = await create();
        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO idempotent_requests (scope, key, fingerprint, ticket_number, created_at)
            VALUES (@scope, @key, @fingerprint, @number, @now)
            ON CONFLICT (scope, key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, ticket_number = EXCLUDED.ticket_number,
                created_at = EXCLUDED.created_at
            """, connection, transaction))
        {
            insert.Parameters.AddWithValue("scope", scope);
            insert.Parameters.AddWithValue("key", key);
            insert.Parameters.AddWithValue("fingerprint", fingerprint);
            insert.Parameters.AddWithValue("number", number);
            insert.Parameters.AddWithValue("now", now);
            await insert.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return new Submission.Done(number, Replayed: false);
    }
}
