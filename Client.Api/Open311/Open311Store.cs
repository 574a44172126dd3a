using System.Text;
using Hotline.Api.Integrations;
using Npgsql;
using NpgsqlTypes;

namespace Hotline.Api.Open311;

/// <summary>A work order as GET requests shows it: only what may be public.</summary>
public sealed record Open311RequestRow(
    string Number, string State, string Category, string? LeadDepartment, string? MergedInto,
    DateTimeOffset RequestedAt, DateTimeOffset UpdatedAt, DateTimeOffset? ReplyDue,
    double? Lat, double? Long, string? AddressId, string? MediaUrl);

/// <summary>What an Open311 POST carries beyond the work order, kept in <c>open311_requests</c>.</summary>
public sealed record Open311Extras(
    string Token, string ServiceCode, string KeyId, double? Lat, double? Long, string? Address, string? AddressId,
    string? MediaUrl, string? Email, string? DeviceId, string? AccountId, DateTimeOffset CreatedAt);

/// <summary>A request-id token: the work order's number once it exists.</summary>
public sealed record Open311Token(string Token, string? TicketNumber);

/// <summary>Open311's reads of the <c>tickets</c> read model and its own table <c>open311_requests</c> (migration 0160).</summary>
public sealed class Open311Store(IntegrationsDatabase database)
{
    private NpgsqlDataSource Db => database.Source;

    /// <summary>False in the Localhost mode, which has no database.</summary>
    public bool Available => database.Available;

    /// <summary>
    /// The requests matching <paramref name="filter"/>, newest first. Reports of wrongdoing (举报) are never listed: who
    /// reported what, where, is confidential. Coordinates, address id and media come only with orders submitted through Open311.
    /// </summary>
    public async Task<IReadOnlyList<Open311RequestRow>> QueryAsync(Open311Filter filter, CancellationToken ct)
    {
        var sql = new StringBuilder(
            """
            SELECT t.number, t.status, t.category, t.lead_department, t.merged_into, t.created_at, t.updated_at, t.reply_due,
                   o.lat, o.long, o.address_id, o.media_url
            FROM tickets t LEFT JOIN open311_requests o ON o.ticket_number = t.number
            WHERE t.kind <> 'report'
            """);
        await using var cmd = Db.CreateCommand();
        if (filter.Numbers.Count > 0)
        {
            sql.Append(" AND t.number = ANY (@numbers)");
            cmd.Parameters.AddWithValue("numbers", NpgsqlDbType.Array | NpgsqlDbType.Text, filter.Numbers.ToArray());
        }
        else
        {
            sql.Append(" AND t.created_at >= @from AND t.created_at <= @to");
            cmd.Parameters.AddWithValue("from", NpgsqlDbType.TimestampTz, filter.From.UtcDateTime);
            cmd.Parameters.AddWithValue("to", NpgsqlDbType.TimestampTz, filter.To.UtcDateTime);
            if (filter.ServiceCode is { } code)
            {
                sql.Append(" AND t.category = @category");
                cmd.Parameters.AddWithValue("category", NpgsqlDbType.Text, code);
            }
            if (filter.Statuses.Count > 0)
            {
                sql.Append(" AND t.status = ANY (@statuses)");
                cmd.Parameters.AddWithValue("statuses", NpgsqlDbType.Array | NpgsqlDbType.Text, filter.Statuses.ToArray());
            }
        }
        sql.Append(" ORDER BY t.created_at DESC, t.number DESC LIMIT @limit");
        cmd.Parameters.AddWithValue("limit", filter.Limit);
        cmd.CommandText = sql.ToString();

        await using var r = await cmd.ExecuteReaderAsync(ct);
        var rows = new List<Open311RequestRow>();
        while (await r.ReadAsync(ct))
        {
            rows.Add(new Open311RequestRow(
                r.GetString(0), r.GetString(1), r.GetString(2), Text(r, 3), Text(r, 4),
                r.GetFieldValue<DateTimeOffset>(5), r.GetFieldValue<DateTimeOffset>(6),
                r.IsDBNull(7) ? null : r.GetFieldValue<DateTimeOffset>(7),
                r.IsDBNull(8) ? null : r.GetDouble(8), r.IsDBNull(9) ? null : r.GetDouble(9),
                Text(r, 10), Text(r, 11)));
        }
        return rows;
    }

    /// <summary>Records a request with its validated intake (JSON) waiting to become a work order.</summary>
    public Task AddPendingAsync(Open311Extras extras, string pendingIntake, CancellationToken ct) => InsertAsync(extras, pendingIntake, ct);

    public async Task<Open311Token?> FindTokenAsync(string token, CancellationToken ct)
    {
        await using var cmd = Db.CreateCommand("SELECT token, ticket_number FROM open311_requests WHERE token = @token");
        cmd.Parameters.AddWithValue("token", token);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? new Open311Token(r.GetString(0), Text(r, 1)) : null;
    }

    /// <summary>
    /// Creates the work order of one pending request, the row locked meanwhile, and returns its number: this
    /// <paramref name="token"/>'s (waiting for whoever holds it, and returning the number they made), or with no
    /// token the oldest one nobody holds (SKIP LOCKED, so several API processes share the queue); null when none.
    /// The order is registered while the row is locked and the number written in the same transaction: a process
    /// killed between the two leaves the row pending and the worker registers it again (one round trip wide).
    /// </summary>
    public async Task<string?> CreatePendingAsync(string? token, Func<string, Task<string>> create, CancellationToken ct)
    {
        await using var connection = await Db.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        string found, pending;
        await using (var claim = new NpgsqlCommand(token is null
            ? "SELECT token, pending::text, ticket_number FROM open311_requests WHERE pending IS NOT NULL ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED"
            : "SELECT token, pending::text, ticket_number FROM open311_requests WHERE token = @token FOR UPDATE", connection, transaction))
        {
            if (token is not null) claim.Parameters.AddWithValue("token", token);
            await using var r = await claim.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct)) return null;
            if (r.IsDBNull(1)) return Text(r, 2);
            (found, pending) = (r.GetString(0), r.GetString(1));
        }
        var number = await create(pending);
        await using (var update = new NpgsqlCommand(
            "UPDATE open311_requests SET ticket_number = @number, pending = NULL WHERE token = @token", connection, transaction))
        {
            update.Parameters.AddWithValue("number", number);
            update.Parameters.AddWithValue("token", found);
            await update.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return number;
    }

    private async Task InsertAsync(Open311Extras e, string pending, CancellationToken ct)
    {
        await using var cmd = Db.CreateCommand(
            """
            INSERT INTO open311_requests (token, ticket_number, service_code, key_id, lat, long, address, address_id, media_url,
                                          email, device_id, account_id, created_at, pending)
            VALUES (@token, @number, @service_code, @key_id, @lat, @long, @address, @address_id, @media_url,
                    @email, @device_id, @account_id, @created_at, @pending::jsonb)
            """);
        cmd.Parameters.AddWithValue("token", e.Token);
        cmd.Parameters.AddWithValue("number", NpgsqlDbType.Text, DBNull.Value);
        cmd.Parameters.AddWithValue("service_code", e.ServiceCode);
        cmd.Parameters.AddWithValue("key_id", e.KeyId);
        cmd.Parameters.AddWithValue("lat", NpgsqlDbType.Double, (object?)e.Lat ?? DBNull.Value);
        cmd.Parameters.AddWithValue("long", NpgsqlDbType.Double, (object?)e.Long ?? DBNull.Value);
        cmd.Parameters.AddWithValue("address", NpgsqlDbType.Text, (object?)e.Address ?? DBNull.Value);
        cmd.Parameters.AddWithValue("address_id", NpgsqlDbType.Text, (object?)e.AddressId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("media_url", NpgsqlDbType.Text, (object?)e.MediaUrl ?? DBNull.Value);
        cmd.Parameters.AddWithValue("email", NpgsqlDbType.Text, (object?)e.Email ?? DBNull.Value);
        cmd.Parameters.AddWithValue("device_id", NpgsqlDbType.Text, (object?)e.DeviceId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("account_id", NpgsqlDbType.Text, (object?)e.AccountId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("created_at", e.CreatedAt);
        cmd.Parameters.AddWithValue("pending", NpgsqlDbType.Text, pending);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static string? Text(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
}
