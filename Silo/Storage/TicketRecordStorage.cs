using System.Globalization;
using System.Text.Json;
using Hotline.Common;
using Hotline.ReadModel;
using Hotline.ReadModel.Tickets;
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
    public const string Name = GrainStorage.Tickets;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // Bigram documents made by ChineseSearch; the weights make summary matches rank above content matches.
    private const string Search = """
        setweight(to_tsvector('simple', @search_a), 'A') || setweight(to_tsvector('simple', @search_b), 'B')
            || setweight(to_tsvector('simple', @search_c), 'C')
        """;

    private static readonly IReadOnlyList<string> Columns = TicketTable.Written;

    // First write: a row that already exists means someone else created the order (no row comes back).
    private static readonly string Insert = $"""
        INSERT INTO {TicketTable.Name} ({TicketTable.Number}, {TicketTable.Etag}, {string.Join(", ", Columns)}, {TicketTable.Search}, {TicketTable.Payload})
        VALUES (@number, 1, {string.Join(", ", Columns.Select(c => "@" + c))}, {Search}, @payload)
        ON CONFLICT ({TicketTable.Number}) DO NOTHING
        RETURNING {TicketTable.Etag}
        """;

    // Later writes: only if nobody wrote since we read.
    private static readonly string Update = $"""
        UPDATE {TicketTable.Name} SET {TicketTable.Etag} = {TicketTable.Etag} + 1, {string.Join(", ", Columns.Select(c => $"{c} = @{c}"))},
            {TicketTable.Search} = {Search}, {TicketTable.Payload} = @payload
        WHERE {TicketTable.Number} = @number AND {TicketTable.Etag} = @expected
        RETURNING {TicketTable.Etag}
        """;

    private static readonly IReadOnlyList<string> HistoryColumns = TicketTable.HistoryColumns.All;

    // The history lines go in only when the row was written; lines already stored are left as they are (the
    // table refuses updates anyway), so each write can send the whole history and nothing is ever duplicated.
    private static string WriteAndAppend(string writeRow) => $"""
        WITH written AS (
        {writeRow}
        ), appended AS (
            INSERT INTO {TicketTable.History} ({TicketTable.Number}, {string.Join(", ", HistoryColumns)})
            SELECT @number, {string.Join(", ", HistoryColumns.Select(c => "h." + c))}
            FROM unnest({string.Join(", ", HistoryColumns.Select(c => "@" + TicketHistoryRows.ParameterPrefix + c))})
                AS h ({string.Join(", ", HistoryColumns)})
            WHERE EXISTS (SELECT FROM written)
            ON CONFLICT ({TicketTable.Number}, {TicketTable.HistoryColumns.Sequence}) DO NOTHING
        )
        SELECT {TicketTable.Etag} FROM written
        """;

    private static readonly string InsertSql = WriteAndAppend(Insert);
    private static readonly string UpdateSql = WriteAndAppend(Update);
    private static readonly string ReadSql = $"SELECT {TicketTable.Etag}, {TicketTable.Payload} FROM {TicketTable.Name} WHERE {TicketTable.Number} = $1";
    private static readonly string EtagSql = $"SELECT {TicketTable.Etag} FROM {TicketTable.Name} WHERE {TicketTable.Number} = $1";

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
            await using var command = dataSource.CreateCommand(ReadSql);
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
            grainState.ETag = reader.GetInt32(reader.GetOrdinal(TicketTable.Etag)).ToString(CultureInfo.InvariantCulture);
            grainState.State = JsonSerializer.Deserialize<T>(reader.GetString(reader.GetOrdinal(TicketTable.Payload)), Json)!;
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
            Row(record, intake).Bind(p);
            p.Add(new NpgsqlParameter("search_a", NpgsqlDbType.Text) { Value = ChineseSearch.Document($"{number} {intake.Summary}") });
            p.Add(new NpgsqlParameter("search_b", NpgsqlDbType.Text) { Value = ChineseSearch.Document($"{intake.Category} {intake.Address}") });
            p.Add(new NpgsqlParameter("search_c", NpgsqlDbType.Text) { Value = ChineseSearch.Document(intake.Content) });
            p.Add(new NpgsqlParameter("payload", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(record, Json) });
            TicketHistoryRows.Bind(p, record.History);
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

    /// <summary>The read model's columns of this record, by name (the read-model library binds and writes them).</summary>
    internal static TicketRow Row(TicketRecord r, TicketIntake intake) => new()
    {
        Status = r.Status,
        Intake = intake,
        LeadDepartment = r.LeadDepartment,
        CoDepartments = r.CoDepartments,
        SuggestedDepartment = r.SuggestedDepartment,
        CreatedAt = r.CreatedAt,
        CreatedBy = r.CreatedBy,
        UpdatedAt = r.UpdatedAt,
        Deadlines = r.Deadlines,
        Overdue = r.Overdue,
        Supervised = r.Supervised,
        UrgeCount = r.UrgeCount,
        Reply = r.Reply,
        RepliedAt = r.RepliedAt,
        Satisfaction = r.Satisfaction,
        ReturnCount = r.ReturnCount,
        ReopenCount = r.ReopenCount,
        MergedInto = r.MergedInto,
        ClosedAt = r.ClosedAt,
        NextDueAt = r.NextDueAt,
    };

    private static async Task<string> StoredEtagAsync(NpgsqlConnection connection, string number)
    {
        await using var command = new NpgsqlCommand(EtagSql, connection);
        command.Parameters.AddWithValue(number);
        return await command.ExecuteScalarAsync() is int stored ? stored.ToString(CultureInfo.InvariantCulture) : "none";
    }

    private static string Key(GrainId grainId) => grainId.Key.ToString()!;
}
