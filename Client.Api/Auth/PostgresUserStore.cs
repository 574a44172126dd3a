using Npgsql;
using NpgsqlTypes;

namespace Hotline.Api.Auth;

/// <summary>Accounts in the <c>users</c> table (created by the silo's migration 0002_app.sql).</summary>
internal sealed class PostgresUserStore(NpgsqlDataSource db) : IUserStore
{
    private const string Columns = "job_no, display_name, password_hash, roles, department_id, failed_attempts, locked_until";

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
            reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6));

    public async Task<DateTimeOffset?> RecordFailedSignInAsync(
        string jobNo, DateTimeOffset now, int maxAttempts, TimeSpan lockout, CancellationToken ct)
    {
        // One statement, so two concurrent failures both count. A lock that has run out starts the count at 1.
        await using var cmd = db.CreateCommand(
            """
            UPDATE users SET
                failed_attempts = CASE WHEN locked_until IS NOT NULL THEN 1 ELSE failed_attempts + 1 END,
                locked_until = CASE
                    WHEN (CASE WHEN locked_until IS NOT NULL THEN 1 ELSE failed_attempts + 1 END) >= @max_attempts
                    THEN @lock_end ELSE NULL END
            WHERE job_no = @job_no
            RETURNING locked_until
            """);
        cmd.Parameters.AddWithValue("job_no", jobNo);
        cmd.Parameters.AddWithValue("max_attempts", maxAttempts);
        cmd.Parameters.AddWithValue("lock_end", NpgsqlDbType.TimestampTz, (now + lockout).UtcDateTime);
        var result = await cmd.ExecuteScalarAsync(ct);
        return result is DateTime lockedUntil ? new DateTimeOffset(lockedUntil, TimeSpan.Zero) : null;
    }

    public async Task RecordSuccessfulSignInAsync(string jobNo, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            "UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE job_no = @job_no AND (failed_attempts <> 0 OR locked_until IS NOT NULL)");
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
            INSERT INTO auth_tokens (token_hash, job_no, roles, issued_at, expires_at, revoked_at)
            VALUES (@token_hash, @job_no, @roles, @issued_at, @expires_at, NULL)
            """);
        cmd.Parameters.AddWithValue("token_hash", token.TokenHash);
        cmd.Parameters.AddWithValue("job_no", token.JobNo);
        cmd.Parameters.AddWithValue("roles", token.Roles.ToArray());
        cmd.Parameters.AddWithValue("issued_at", NpgsqlDbType.TimestampTz, token.IssuedAt.UtcDateTime);
        cmd.Parameters.AddWithValue("expires_at", NpgsqlDbType.TimestampTz, token.ExpiresAt.UtcDateTime);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<IssuedToken?> FindAsync(byte[] tokenHash, CancellationToken ct)
    {
        // The department comes from the account, not the token, so moving a user to another department bites at once.
        await using var cmd = db.CreateCommand(
            """
            SELECT t.job_no, t.roles, t.issued_at, t.expires_at, t.revoked_at, u.department_id
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
            reader.IsDBNull(5) ? null : reader.GetString(5));
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
