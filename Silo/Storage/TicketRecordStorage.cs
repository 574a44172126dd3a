using System.Globalization;
using System.Text.Json;
using Hotline.Tickets;
using Npgsql;
using NpgsqlTypes;
using Orleans.Runtime;
using Orleans.Storage;

namespace Hotline.Silo.Storage;

/// <summary>
/// Grain storage for work orders that IS the read model: the <c>tickets</c> row holds the TicketGrain's state
/// (payload) and the columns lists, search and reports query, and <c>ticket_history</c> holds every history line.
/// One statement writes the row and appends the lines not yet stored, so the read model can never disagree with
/// the grain: a crash loses the whole write or none of it. Optimistic concurrency on an integer etag.
/// </summary>
public sealed class TicketRecordStorage(NpgsqlDataSource dataSource) : IGrainStorage
{
    public const string Name = "tickets";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The read-model columns, each bound to the parameter of the same name (see <see cref="AddColumns"/>).</summary>
    private static readonly string[] Columns =
    [
        "status", "kind", "channel", "category", "caller_name", "caller_phone", "caller_phone_last4", "summary", "content",
        "address", "district", "call_id", "lead_department", "co_departments", "suggested_department", "created_at",
        "created_by", "updated_at", "sign_due", "reply_due", "finish_due", "overdue", "supervised", "urge_count", "reply",
        "replied_at", "satisfaction", "return_count", "reopen_count", "merged_into", "closed_at", "next_due_at",
    ];

    // Bigram documents made by ChineseSearch; the weights make summary matches rank above content matches.
    private const string Search = """
        setweight(to_tsvector('simple', @search_a), 'A') || setweight(to_tsvector('simple', @search_b), 'B')
            || setweight(to_tsvector('simple', @search_c), 'C')
        """;

    // First write: a row that already exists means someone else created the order (no row comes back).
    private static readonly string Insert = $"""
        INSERT INTO tickets (number, etag, {string.Join(", ", Columns)}, search, payload)
        VALUES (@number, 1, {string.Join(", ", Columns.Select(c => "@" + c))}, {Search}, @payload)
        ON CONFLICT (number) DO NOTHING
        RETURNING etag
        """;

    // Later writes: only if nobody wrote since we read.
    private static readonly string Update = $"""
        UPDATE tickets SET etag = etag + 1, {string.Join(", ", Columns.Select(c => $"{c} = @{c}"))},
            search = {Search}, payload = @payload
        WHERE number = @number AND etag = @expected
        RETURNING etag
        """;

    // The history lines go in only when the row was written; lines already stored are left as they are (the
    // table refuses updates anyway), so each write can send the whole history and nothing is ever duplicated.
    private static string WriteAndAppend(string writeRow) => $"""
        WITH written AS (
        {writeRow}
        ), appended AS (
            INSERT INTO ticket_history (number, sequence, at, job_no, role, action, note, department_id)
            SELECT @number, h.sequence, h.at, h.job_no, h.role, h.action, h.note, h.department_id
            FROM unnest(@h_sequence, @h_at, @h_job_no, @h_role, @h_action, @h_note, @h_department_id)
                AS h (sequence, at, job_no, role, action, note, department_id)
            WHERE EXISTS (SELECT FROM written)
            ON CONFLICT (number, sequence) DO NOTHING
        )
        SELECT etag FROM written
        """;

    private static readonly string InsertSql = WriteAndAppend(Insert);
    private static readonly string UpdateSql = WriteAndAppend(Update);

    /// <summary>
    /// Test seam: runs after the write statement and before COMMIT, on the write's own connection, so a test can
    /// kill the session in exactly the window where a crash would hurt if the write were split.
    /// </summary>
    internal Func<NpgsqlConnection, Task>? BeforeCommit { get; init; }

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var number = Key(grainId);
        try
        {
            await using var command = dataSource.CreateCommand("SELECT etag, payload FROM tickets WHERE number = $1");
            command.Parameters.AddWithValue(number);
            await using var reader = await command.ExecuteReaderAsync();
            if (!await reader.ReadAsync())
            {
                // A fresh state, also when a grain re-reads after a failed first write.
                grainState.State = Activator.CreateInstance<T>();
                grainState.RecordExists = false;
                grainState.ETag = null;
                return;
            }
            grainState.ETag = reader.GetInt32(0).ToString(CultureInfo.InvariantCulture);
            grainState.State = JsonSerializer.Deserialize<T>(reader.GetString(1), Json)!;
            grainState.RecordExists = true;
        }
        catch (NpgsqlException e)
        {
            throw StorageErrors.Unavailable("work order", number, e);
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (grainState.State is not TicketRecord record)
            throw new NotSupportedException($"{nameof(TicketRecordStorage)} stores {nameof(TicketRecord)} only, not {typeof(T).Name}.");
        var number = Key(grainId);
        if (record.Intake is not { } intake)
            throw new InvalidOperationException($"Work order {number} has no intake: an order is stored once it is registered.");

        int written;
        try
        {
            written = await WriteRowAndHistoryAsync(number, grainState.ETag, record, intake);
        }
        catch (NpgsqlException e)
        {
            throw StorageErrors.Unavailable("work order", number, e);
        }
        grainState.ETag = written.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    /// <summary>Writes the row and appends the new history lines in one transaction; returns the new etag.</summary>
    private async Task<int> WriteRowAndHistoryAsync(string number, string? etag, TicketRecord record, TicketIntake intake)
    {
        int? expected = etag is null ? null : int.Parse(etag, CultureInfo.InvariantCulture);
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        int? written;
        await using (var command = new NpgsqlCommand(expected is null ? InsertSql : UpdateSql, connection, transaction))
        {
            var p = command.Parameters;
            p.Add(new NpgsqlParameter("number", NpgsqlDbType.Text) { Value = number });
            if (expected is { } value) p.Add(new NpgsqlParameter("expected", NpgsqlDbType.Integer) { Value = value });
            AddColumns(p, record, intake);
            p.Add(new NpgsqlParameter("search_a", NpgsqlDbType.Text) { Value = ChineseSearch.Document($"{number} {intake.Summary}") });
            p.Add(new NpgsqlParameter("search_b", NpgsqlDbType.Text) { Value = ChineseSearch.Document($"{intake.Category} {intake.Address}") });
            p.Add(new NpgsqlParameter("search_c", NpgsqlDbType.Text) { Value = ChineseSearch.Document(intake.Content) });
            p.Add(new NpgsqlParameter("payload", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(record, Json) });
            AddHistory(p, record.History);
            written = await command.ExecuteScalarAsync() as int?;
        }

        if (written is null)
        {
            await transaction.RollbackAsync();
            throw new InconsistentStateException(
                $"Work order {number} was written by someone else (expected etag {etag ?? "none"}).",
                storedEtag: await StoredEtagAsync(connection, number), currentEtag: etag ?? "none");
        }

        if (BeforeCommit is { } hook) await hook(connection);
        await transaction.CommitAsync();
        return written.Value;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        throw new NotSupportedException(
            $"Work order {Key(grainId)} cannot be cleared: orders are kept for good (closed and merged ones too), and so is their history.");

    private static void AddColumns(NpgsqlParameterCollection p, TicketRecord r, TicketIntake intake)
    {
        Text(p, "status", Names.Of(r.Status));
        Text(p, "kind", Names.Of(intake.Kind));
        Text(p, "channel", Names.Of(intake.Channel));
        Text(p, "category", intake.Category);
        Text(p, "caller_name", intake.Caller.Name);
        Text(p, "caller_phone", intake.Caller.Phone);
        Text(p, "caller_phone_last4", PhoneMask.LastFour(intake.Caller.Phone));
        Text(p, "summary", intake.Summary);
        Text(p, "content", intake.Content);
        Text(p, "address", intake.Address);
        Text(p, "district", intake.District);
        Text(p, "call_id", intake.CallId);
        Text(p, "lead_department", r.LeadDepartment);
        p.Add(new NpgsqlParameter("co_departments", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = r.CoDepartments.ToArray() });
        Text(p, "suggested_department", r.SuggestedDepartment);
        Time(p, "created_at", r.CreatedAt);
        Text(p, "created_by", r.CreatedBy);
        Time(p, "updated_at", r.UpdatedAt);
        Time(p, "sign_due", r.Deadlines.Sign);
        Time(p, "reply_due", r.Deadlines.Reply);
        Time(p, "finish_due", r.Deadlines.Finish);
        p.Add(new NpgsqlParameter("overdue", NpgsqlDbType.Boolean) { Value = r.Overdue });
        p.Add(new NpgsqlParameter("supervised", NpgsqlDbType.Boolean) { Value = r.Supervised });
        p.Add(new NpgsqlParameter("urge_count", NpgsqlDbType.Integer) { Value = r.UrgeCount });
        Text(p, "reply", r.Reply);
        Time(p, "replied_at", r.RepliedAt);
        Text(p, "satisfaction", r.Satisfaction is { } satisfaction ? Names.Of(satisfaction) : null);
        p.Add(new NpgsqlParameter("return_count", NpgsqlDbType.Integer) { Value = r.ReturnCount });
        p.Add(new NpgsqlParameter("reopen_count", NpgsqlDbType.Integer) { Value = r.ReopenCount });
        Text(p, "merged_into", r.MergedInto);
        Time(p, "closed_at", r.ClosedAt);
        Time(p, "next_due_at", r.NextDueAt);
    }

    private static void AddHistory(NpgsqlParameterCollection p, List<TicketHistoryEntry> history)
    {
        p.Add(new NpgsqlParameter("h_sequence", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = history.Select(h => h.Sequence).ToArray() });
        // Npgsql writes only UTC DateTimeOffsets to timestamptz; deadlines computed in Asia/Shanghai carry +08:00.
        p.Add(new NpgsqlParameter("h_at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = history.Select(h => h.At.ToUniversalTime()).ToArray() });
        p.Add(new NpgsqlParameter("h_job_no", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = history.Select(h => h.JobNo).ToArray() });
        p.Add(new NpgsqlParameter("h_role", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = history.Select(h => h.Role).ToArray() });
        p.Add(new NpgsqlParameter("h_action", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = history.Select(h => h.Action).ToArray() });
        p.Add(new NpgsqlParameter("h_note", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = history.Select(h => h.Note).ToArray() });
        p.Add(new NpgsqlParameter("h_department_id", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = history.Select(h => h.DepartmentId).ToArray() });
    }

    private static void Text(NpgsqlParameterCollection p, string name, string? value) =>
        p.Add(new NpgsqlParameter(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value });

    private static void Time(NpgsqlParameterCollection p, string name, DateTimeOffset? value) =>
        p.Add(new NpgsqlParameter(name, NpgsqlDbType.TimestampTz) { Value = (object?)value?.ToUniversalTime() ?? DBNull.Value });

    private static async Task<string> StoredEtagAsync(NpgsqlConnection connection, string number)
    {
        await using var command = new NpgsqlCommand("SELECT etag FROM tickets WHERE number = $1", connection);
        command.Parameters.AddWithValue(number);
        return await command.ExecuteScalarAsync() is int stored ? stored.ToString(CultureInfo.InvariantCulture) : "none";
    }

    private static string Key(GrainId grainId) => grainId.Key.ToString()!;
}
