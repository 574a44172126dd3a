using System.Threading.Channels;
using Hotline.Common;
using Hotline.Events;
using Npgsql;
using NpgsqlTypes;

namespace Hotline.Silo.Events;

/// <summary>
/// The silo's side of the event log: grains append events here without waiting; one loop writes them to
/// <c>hotline_events</c> in batches (one round trip per batch: the advisory lock that keeps ids in commit order across
/// silos, the insert, and a NOTIFY the API processes listen for). A refused write is tried again with the same batch,
/// so an event is late rather than lost while the database restarts; the silos trim rows past the retention window.
/// </summary>
public sealed partial class PostgresEventLog(NpgsqlDataSource db, TimeProvider time, ILogger<PostgresEventLog> logger)
    : BackgroundService, IEventLog
{
    /// <summary>The NOTIFY channel the API processes LISTEN on.</summary>
    public const string NotifyChannel = "hotline_events";
    /// <summary>How long the log keeps events for clients that reconnect with Last-Event-ID.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromMinutes(15);
    private const long WriterLock = 0x4576656e744c6f67; // "EventLog": one writer at a time, so ids appear in order
    private const int MaxBatch = 2000;
    private const int Capacity = 200_000;
    private static readonly TimeSpan TrimEvery = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    private readonly Channel<HotlineEvent> _pending = Channel.CreateBounded<HotlineEvent>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private long _dropped;

    /// <summary>Events refused because the log was <see cref="Capacity"/> behind (the database was away too long).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Append(HotlineEvent e)
    {
        if (!_pending.Writer.TryWrite(e) && Interlocked.Increment(ref _dropped) % 1000 == 1) LogFull(logger, Capacity);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<HotlineEvent>(MaxBatch);
        var trimmedAt = time.GetUtcNow();
        try
        {
            while (await _pending.Reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < MaxBatch && _pending.Reader.TryRead(out var e)) batch.Add(e);
                if (!await TryWriteAsync(batch, stoppingToken))
                {
                    await Task.Delay(RetryAfter, time, stoppingToken);
                    continue;
                }
                batch.Clear();
                if (time.GetUtcNow() - trimmedAt >= TrimEvery)
                {
                    trimmedAt = time.GetUtcNow();
                    await TrimAsync(stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is still pending goes out in one last try.
            while (batch.Count < Capacity && _pending.Reader.TryRead(out var e)) batch.Add(e);
            if (batch.Count > 0)
            {
                using var last = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                await TryWriteAsync(batch, last.Token);
            }
        }
    }

    private async Task<bool> TryWriteAsync(List<HotlineEvent> batch, CancellationToken ct)
    {
        try
        {
            await WriteAsync(db, batch, ct);
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            LogWriteFailed(logger, batch.Count, e.GetType().Name, e.Message);
            return false;
        }
    }

    /// <summary>Appends the events in one transaction, in their order, under the writers' lock, and notifies the listeners.</summary>
    public static async Task WriteAsync(NpgsqlDataSource db, IReadOnlyList<HotlineEvent> events, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var batch = connection.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
        var lockCommand = new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock($1)");
        lockCommand.Parameters.Add(new NpgsqlParameter { Value = WriterLock });
        batch.BatchCommands.Add(lockCommand);
        var insert = new NpgsqlBatchCommand("""
            INSERT INTO hotline_events (topic, type, entity_id, at, state)
            SELECT topic, type, entity_id, at, state
            FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[]) WITH ORDINALITY AS e(topic, type, entity_id, at, state, n)
            ORDER BY n
            """);
        insert.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.Topic).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.Type).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.EntityId).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.At.ToUniversalTime()).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        insert.Parameters.Add(new NpgsqlParameter { Value = events.Select(e => e.State).ToArray() });
        batch.BatchCommands.Add(insert);
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"NOTIFY {NotifyChannel}"));
        batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        try
        {
            await batch.ExecuteNonQueryAsync(ct);
        }
        catch
        {
            // A failed statement leaves the transaction aborted on this pooled connection: end it before the pool reuses it.
            if (connection.State == System.Data.ConnectionState.Open)
            {
                await using var rollback = new NpgsqlCommand("ROLLBACK", connection);
                try { await rollback.ExecuteNonQueryAsync(CancellationToken.None); } catch (NpgsqlException) { }
            }
            throw;
        }
    }

    private async Task TrimAsync(CancellationToken ct)
    {
        try
        {
            await using var command = db.CreateCommand("DELETE FROM hotline_events WHERE logged_at < now() - $1");
            command.Parameters.Add(new NpgsqlParameter { Value = Retention });
            var deleted = await command.ExecuteNonQueryAsync(ct);
            if (deleted > 0) LogTrimmed(logger, deleted);
        }
        catch (NpgsqlException e)
        {
            LogTrimFailed(logger, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not append {Count} event(s) to the event log ({ErrorType}: {Error}); trying again in a second")]
    private static partial void LogWriteFailed(ILogger logger, int count, string errorType, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "The event log is {Capacity} events behind: new events are dropped until the database takes them")]
    private static partial void LogFull(ILogger logger, int capacity);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Trimmed {Count} event(s) past the retention window")]
    private static partial void LogTrimmed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not trim the event log: {Error}")]
    private static partial void LogTrimFailed(ILogger logger, string error);
}
