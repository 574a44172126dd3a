using System.Threading.Channels;
using Npgsql;
using NpgsqlTypes;

namespace Hotline.Api.Audit;

/// <summary>Filters of the auditors' screen and export.</summary>
public sealed record AuditQuery(string? Person, string? Action, DateTimeOffset? From, DateTimeOffset? To, int Page = 1, int PageSize = 50);

public sealed record AuditPage(IReadOnlyList<StoredAuditEntry> Items, long Total);

/// <summary>
/// The append-only audit trail in <c>audit.entries</c> (owned by <c>hotline_audit</c>; this process may only insert and
/// read). Records are queued and appended by one writer in batches, each batch in one transaction under an advisory
/// lock, so the chain stays one line across every API process and a busy desk does not wait on the lock.
/// </summary>
public sealed partial class AuditLog(NpgsqlDataSource db, ILogger<AuditLog> logger) : BackgroundService
{
    private const long LockKey = 0x4155_4449_5400; // "AUDIT"
    private const int BatchSize = 200;
    private readonly Channel<(AuditRecord? Record, TaskCompletionSource? Flushed)> _queue =
        Channel.CreateBounded<(AuditRecord?, TaskCompletionSource?)>(new BoundedChannelOptions(100_000) { FullMode = BoundedChannelFullMode.Wait });

    /// <summary>False when the database has no audit schema (set up by scripts/pg.sh or Client.Api/Audit/audit-schema.sql).</summary>
    public bool Available { get; private set; } = true;

    public void Append(AuditRecord record)
    {
        if (Available && !_queue.Writer.TryWrite((record.Normalised(), null))) LogDropped(logger, record.Action);
    }

    /// <summary>Completes once everything appended before it is on disk (tests, the export, the verification).</summary>
    public Task FlushAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _queue.Writer.TryWrite((null, done)) ? done.Task : Task.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Available = await SchemaExistsAsync(stoppingToken);
        if (!Available) LogUnavailable(logger);
        var batch = new List<AuditRecord>();
        var flushes = new List<TaskCompletionSource>();
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < BatchSize && _queue.Reader.TryRead(out var item))
                {
                    if (item.Record is { } record) batch.Add(record);
                    if (item.Flushed is { } flushed) flushes.Add(flushed);
                }
                await WriteAsync(batch, stoppingToken);
                batch.Clear();
                foreach (var flushed in flushes) flushed.TrySetResult();
                flushes.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is still queued is written below, without the token.
        }
        while (_queue.Reader.TryRead(out var item))
            if (item.Record is { } record) batch.Add(record);
        await WriteAsync(batch, CancellationToken.None);
    }

    private async Task WriteAsync(List<AuditRecord> batch, CancellationToken ct)
    {
        if (batch.Count == 0 || !Available) return;
        try
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            await using (var lockCmd = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({LockKey})", connection, tx))
                await lockCmd.ExecuteNonQueryAsync(ct);
            byte[] previous;
            await using (var last = new NpgsqlCommand("SELECT hash FROM audit.entries ORDER BY id DESC LIMIT 1", connection, tx))
                previous = await last.ExecuteScalarAsync(ct) as byte[] ?? AuditChain.Genesis;
            var insert = new NpgsqlBatch(connection, tx);
            foreach (var record in batch)
            {
                var hash = AuditChain.HashOf(record, previous);
                var command = new NpgsqlBatchCommand(
                    "INSERT INTO audit.entries (at, job_no, roles, source, action, entity, outcome, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)");
                command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = record.At.UtcDateTime });
                command.Parameters.Add(new NpgsqlParameter { Value = record.JobNo });
                command.Parameters.Add(new NpgsqlParameter { Value = record.Roles });
                command.Parameters.Add(new NpgsqlParameter { Value = record.Source });
                command.Parameters.Add(new NpgsqlParameter { Value = record.Action });
                command.Parameters.Add(new NpgsqlParameter { Value = record.Entity });
                command.Parameters.Add(new NpgsqlParameter { Value = record.Outcome });
                command.Parameters.Add(new NpgsqlParameter { Value = previous });
                command.Parameters.Add(new NpgsqlParameter { Value = hash });
                insert.BatchCommands.Add(command);
                previous = hash;
            }
            await using (insert) await insert.ExecuteNonQueryAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (NpgsqlException e)
        {
            LogWriteFailed(logger, e, batch.Count);
        }
    }

    private async Task<bool> SchemaExistsAsync(CancellationToken ct)
    {
        try
        {
            await using var cmd = db.CreateCommand("SELECT has_table_privilege('audit.entries', 'INSERT')");
            return await cmd.ExecuteScalarAsync(ct) is true;
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName)
        {
            return false;
        }
        catch (NpgsqlException e)
        {
            // The database is not reachable yet: assume the schema is there; a failed write is logged.
            LogWriteFailed(logger, e, 0);
            return true;
        }
    }

    public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken ct)
    {
        var (where, parameters) = Where(query);
        await using var count = db.CreateCommand($"SELECT count(*) FROM audit.entries {where}");
        count.Parameters.AddRange(parameters().ToArray());
        var total = (long)(await count.ExecuteScalarAsync(ct))!;
        await using var list = db.CreateCommand($"{SelectRows} {where} ORDER BY id DESC LIMIT {query.PageSize} OFFSET {(query.Page - 1) * (long)query.PageSize}");
        list.Parameters.AddRange(parameters().ToArray());
        var items = new List<StoredAuditEntry>();
        await foreach (var row in ReadAsync(list, ct)) items.Add(row);
        return new AuditPage(items, total);
    }

    /// <summary>Every row matching the filters, oldest first (the CSV export).</summary>
    public async IAsyncEnumerable<StoredAuditEntry> ExportAsync(AuditQuery query, int limit, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var (where, parameters) = Where(query);
        await using var list = db.CreateCommand($"{SelectRows} {where} ORDER BY id LIMIT {limit}");
        list.Parameters.AddRange(parameters().ToArray());
        await foreach (var row in ReadAsync(list, ct)) yield return row;
    }

    /// <summary>Walks the whole chain; the first break, and how many rows held before it.</summary>
    public async Task<(ChainBreak? Break, long Checked)> VerifyAsync(CancellationToken ct)
    {
        await using var list = db.CreateCommand($"{SelectRows} ORDER BY id");
        var rows = new List<StoredAuditEntry>();
        await foreach (var row in ReadAsync(list, ct)) rows.Add(row);
        long checkedRows = 0;
        var broken = AuditChain.Verify(rows, _ => checkedRows++);
        return (broken, checkedRows);
    }

    private const string SelectRows = "SELECT id, at, job_no, roles, source, action, entity, outcome, prev_hash, hash FROM audit.entries";

    private static (string Where, Func<IEnumerable<NpgsqlParameter>> Parameters) Where(AuditQuery q)
    {
        var clauses = new List<string>();
        if (q.Person is { Length: > 0 }) clauses.Add("job_no = @person");
        if (q.Action is { Length: > 0 }) clauses.Add("action ILIKE '%' || @action || '%'");
        if (q.From is not null) clauses.Add("at >= @from");
        if (q.To is not null) clauses.Add("at < @to");
        IEnumerable<NpgsqlParameter> Parameters()
        {
            if (q.Person is { Length: > 0 }) yield return new NpgsqlParameter("person", q.Person);
            if (q.Action is { Length: > 0 }) yield return new NpgsqlParameter("action", q.Action.Replace("%", "", StringComparison.Ordinal));
            if (q.From is { } from) yield return new NpgsqlParameter("from", NpgsqlDbType.TimestampTz) { Value = from.UtcDateTime };
            if (q.To is { } to) yield return new NpgsqlParameter("to", NpgsqlDbType.TimestampTz) { Value = to.UtcDateTime };
        }
        return (clauses.Count == 0 ? "" : "WHERE " + string.Join(" AND ", clauses), Parameters);
    }

    private static async IAsyncEnumerable<StoredAuditEntry> ReadAsync(NpgsqlCommand command, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            yield return new StoredAuditEntry(
                reader.GetInt64(0),
                new AuditRecord(reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    reader.GetString(5), reader.GetString(6), reader.GetInt32(7)),
                reader.GetFieldValue<byte[]>(8),
                reader.GetFieldValue<byte[]>(9));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database has no audit trail (schema audit): nothing is audited. Run Client.Api/Audit/audit-schema.sql as the owner role (scripts/pg.sh does it)")]
    private static partial void LogUnavailable(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not append {Count} audit records")]
    private static partial void LogWriteFailed(ILogger logger, Exception e, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit queue full: a record of {Action} was dropped")]
    private static partial void LogDropped(ILogger logger, string action);
}
