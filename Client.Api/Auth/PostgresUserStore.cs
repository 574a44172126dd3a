using Npgsql;
using NpgsqlTypes;

namespace Hotline.Api.Auth;

/// <summary>Accounts in the <c>users</c> table (created by the silo's migration 0002_app.sql).</summary>
internal sealed class PostgresUserStore(NpgsqlDataSource db) : IUserStore
{
    // locked_until: the latest bar on the job number from any address (sign_in_throttle), for user administration.
    private const string Columns = """
        job_no, display_name, password_hash, roles, department_id, failed_attempts,
        GREATEST(locked_until, (SELECT max(s.blocked_until) FROM sign_in_throttle s WHERE s.job_no = users.job_no)),
        disabled_at, token_version
        """;

    public async Task<UserAccount?> FindAsync(string jobNo, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"SELECT {Columns} FROM users WHERE job_no = @job_no");
        cmd.Parameters.AddWithValue("job_no", jobNo);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    public async Task<IReadOnlyList<UserAccount>> ListAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"SELECT {Columns} FROM users ORDER BY job_no");
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var users = new List<UserAccount>();
        while (await reader.ReadAsync(ct)) users.Add(Read(reader));
        return users;
    }

    public async Task<bool> UpdateProfileAsync(string jobNo, string displayName, IReadOnlyList<string> roles, string? departmentId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            "UPDATE users SET display_name = @display_name, roles = @roles, department_id = @department_id WHERE job_no = @job_no");
        cmd.Parameters.AddWithValue("job_no", jobNo);
        cmd.Parameters.AddWithValue("display_name", displayName);
        cmd.Parameters.AddWithValue("roles", roles.ToArray());
        cmd.Parameters.AddWithValue("department_id", NpgsqlDbType.Text, (object?)departmentId ?? DBNull.Value);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    private static UserAccount Read(NpgsqlDataReader reader) =>
        new UserAccount(
            reader.GetString(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.GetFieldValue<string[]>(3),
            reader.IsDBNull(4) ? null : reader.GetString(4),
            reader.GetInt32(5),
            reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
            reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7),
            reader.GetInt32(8));

    public async Task<CredentialState?> GetCredentialStateAsync(string jobNo, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT token_version, disabled_at IS NOT NULL FROM users WHERE job_no = $1");
        cmd.Parameters.AddWithValue(jobNo);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? new CredentialState(reader.GetInt32(0), reader.GetBoolean(1)) : null;
    }

    public async Task<bool> RevokeTokensAsync(string jobNo, DateTimeOffset now, bool? disabled, CancellationToken ct)
    {
        // One transaction: the version that every API process checks, and the token rows themselves.
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var bump = new NpgsqlCommand(
            """
            UPDATE users SET token_version = token_version + 1,
                disabled_at = CASE WHEN $3 IS NULL THEN disabled_at WHEN $3 THEN COALESCE(disabled_at, $2) ELSE NULL END
            WHERE job_no = $1
            """, connection, tx);
        bump.Parameters.AddWithValue(jobNo);
        bump.Parameters.AddWithValue(NpgsqlDbType.TimestampTz, now.UtcDateTime);
        bump.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Boolean, Value = (object?)disabled ?? DBNull.Value });
        if (await bump.ExecuteNonQueryAsync(ct) != 1) return false;
        await using var revoke = new NpgsqlCommand(
            "UPDATE auth_tokens SET revoked_at = $2 WHERE job_no = $1 AND revoked_at IS NULL AND expires_at > $2", connection, tx);
        revoke.Parameters.AddWithValue(jobNo);
        revoke.Parameters.AddWithValue(NpgsqlDbType.TimestampTz, now.UtcDateTime);
        await revoke.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>Unlock: clears the old account-wide count and every per-address bar on the job number.</summary>
    public async Task RecordSuccessfulSignInAsync(string jobNo, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            """
            UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE job_no = @job_no AND (failed_attempts <> 0 OR locked_until IS NOT NULL);
            DELETE FROM sign_in_throttle WHERE job_no = @job_no;
            """);
        cmd.Parameters.AddWithValue("job_no", jobNo);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<bool> AddIfMissingAsync(UserAccount user, DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            """
            INSERT INTO users (job_no, display_name, password_hash, roles, department_id, failed_attempts, locked_until, created_at)
            VALUES (@job_no, @display_name, @password_hash, @roles, @department_id, 0, NULL, @created_at)
            ON CONFLICT (job_no) DO NOTHING
            """);
        cmd.Parameters.AddWithValue("job_no", user.JobNo);
        cmd.Parameters.AddWithValue("display_name", user.DisplayName);
        cmd.Parameters.AddWithValue("password_hash", user.PasswordHash);
        cmd.Parameters.AddWithValue("roles", user.Roles.ToArray());
        cmd.Parameters.AddWithValue("department_id", NpgsqlDbType.Text, (object?)user.DepartmentId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("created_at", NpgsqlDbType.TimestampTz, now.UtcDateTime);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task UpdatePasswordHashAsync(string jobNo, string passwordHash, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("UPDATE users SET password_hash = @password_hash WHERE job_no = @job_no");
        cmd.Parameters.AddWithValue("job_no", jobNo);
        cmd.Parameters.AddWithValue("password_hash", passwordHash);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>Tokens in the <c>auth_tokens</c> table, keyed by the token's SHA-256.</summary>
internal sealed class PostgresTokenStore(NpgsqlDataSource db) : ITokenStore
{
    public async Task AddAsync(IssuedToken token, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            """
            INSERT INTO auth_tokens (token_hash, job_no, roles, issued_at, expires_at, revoked_at, token_version)
            VALUES (@token_hash, @job_no, @roles, @issued_at, @expires_at, NULL, @token_version)
            """);
        cmd.Parameters.AddWithValue("token_hash", token.TokenHash);
        cmd.Parameters.AddWithValue("job_no", token.JobNo);
        cmd.Parameters.AddWithValue("roles", token.Roles.ToArray());
        cmd.Parameters.AddWithValue("issued_at", NpgsqlDbType.TimestampTz, token.IssuedAt.UtcDateTime);
        cmd.Parameters.AddWithValue("expires_at", NpgsqlDbType.TimestampTz, token.ExpiresAt.UtcDateTime);
        cmd.Parameters.AddWithValue("token_version", token.TokenVersion);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<IssuedToken?> FindAsync(byte[] tokenHash, CancellationToken ct)
    {
        // The department comes from the account, not the token, so moving a user to another department bites at once.
        await using var cmd = db.CreateCommand(
            """
            SELECT t.job_no, t.roles, t.issued_at, t.expires_at, t.revoked_at, u.department_id, t.token_version
            FROM auth_tokens t JOIN users u ON u.job_no = t.job_no
            WHERE t.token_hash = @token_hash
            """);
        cmd.Parameters.AddWithValue("token_hash", tokenHash);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new IssuedToken(
            tokenHash,
            reader.GetString(0),
            reader.GetFieldValue<string[]>(1),
            reader.GetFieldValue<DateTimeOffset>(2),
            reader.GetFieldValue<DateTimeOffset>(3),
            reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
            reader.IsDBNull(5) ? null : reader.GetString(5),
            reader.GetInt32(6));
    }

    public async Task RevokeAsync(byte[] tokenHash, DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            "UPDATE auth_tokens SET revoked_at = @now WHERE token_hash = @token_hash AND revoked_at IS NULL");
        cmd.Parameters.AddWithValue("token_hash", tokenHash);
        cmd.Parameters.AddWithValue("now", NpgsqlDbType.TimestampTz, now.UtcDateTime);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
