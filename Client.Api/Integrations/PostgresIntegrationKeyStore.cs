using Npgsql;
using NpgsqlTypes;

namespace Hotline.Api.Integrations;

/// <summary>Integration keys in <c>integration_keys</c> (migration 0160).</summary>
internal sealed class PostgresIntegrationKeyStore(IntegrationsDatabase database) : IIntegrationKeyStore
{
    private NpgsqlDataSource Db => database.Source;

    private const string Columns = "key_id, account, name, scopes, rate_per_minute, created_at, created_by, revoked_at, last_used_at";

    public async Task AddAsync(IntegrationKey key, byte[] keyHash, CancellationToken ct)
    {
        await using var cmd = Db.CreateCommand(
            """
            INSERT INTO integration_keys (key_id, key_hash, account, name, scopes, rate_per_minute, created_at, created_by)
            VALUES (@key_id, @key_hash, @account, @name, @scopes, @rate, @created_at, @created_by)
            """);
        cmd.Parameters.AddWithValue("key_id", key.KeyId);
        cmd.Parameters.AddWithValue("key_hash", keyHash);
        cmd.Parameters.AddWithValue("account", key.Account);
        cmd.Parameters.AddWithValue("name", key.Name);
        cmd.Parameters.AddWithValue("scopes", key.Scopes.ToArray());
        cmd.Parameters.AddWithValue("rate", key.RatePerMinute);
        cmd.Parameters.AddWithValue("created_at", key.CreatedAt);
        cmd.Parameters.AddWithValue("created_by", key.CreatedBy);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyList<IntegrationKey>> ListAsync(CancellationToken ct)
    {
        await using var cmd = Db.CreateCommand($"SELECT {Columns} FROM integration_keys ORDER BY created_at DESC, key_id");
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var keys = new List<IntegrationKey>();
        while (await reader.ReadAsync(ct)) keys.Add(Read(reader));
        return keys;
    }

    public async Task<(IntegrationKey Key, byte[] Hash)?> FindAsync(string keyId, CancellationToken ct)
    {
        await using var cmd = Db.CreateCommand($"SELECT {Columns}, key_hash FROM integration_keys WHERE key_id = @key_id");
        cmd.Parameters.AddWithValue("key_id", keyId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return (Read(reader), reader.GetFieldValue<byte[]>(9));
    }

    public async Task<IntegrationKey?> RevokeAsync(string keyId, string by, DateTimeOffset at, CancellationToken ct)
    {
        // Revoking twice keeps the first revocation's time and author.
        await using var cmd = Db.CreateCommand(
            $"""
            UPDATE integration_keys SET revoked_at = COALESCE(revoked_at, @at), revoked_by = COALESCE(revoked_by, @by)
            WHERE key_id = @key_id
            RETURNING {Columns}
            """);
        cmd.Parameters.AddWithValue("key_id", keyId);
        cmd.Parameters.AddWithValue("at", at);
        cmd.Parameters.AddWithValue("by", by);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    public async Task TouchAsync(string keyId, DateTimeOffset at, CancellationToken ct)
    {
        await using var cmd = Db.CreateCommand(
            "UPDATE integration_keys SET last_used_at = @at WHERE key_id = @key_id AND (last_used_at IS NULL OR last_used_at < @at)");
        cmd.Parameters.AddWithValue("key_id", keyId);
        cmd.Parameters.AddWithValue("at", NpgsqlDbType.TimestampTz, at);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static IntegrationKey Read(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetFieldValue<string[]>(3), r.GetInt32(4),
        r.GetFieldValue<DateTimeOffset>(5), r.GetString(6),
        r.IsDBNull(7) ? null : r.GetFieldValue<DateTimeOffset>(7),
        r.IsDBNull(8) ? null : r.GetFieldValue<DateTimeOffset>(8));
}
