using System.Text.Json;
using Hotline.Calls;
using Hotline.Common;
using Npgsql;
using NpgsqlTypes;
using Orleans.Runtime;
using Orleans.Storage;

namespace Hotline.Silo.Storage;

/// <summary>
/// Grain storage for calls that IS the call detail record: one row in <c>call_records</c> holds the
/// grain's state (payload) and the columns that lists and reports query. One statement writes both,
/// so the read model can never disagree with the grain. Optimistic concurrency on an integer etag.
/// </summary>
public sealed class CallRecordStorage(NpgsqlDataSource dataSource) : IGrainStorage
{
    public const string Name = GrainStorage.Calls;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var command = dataSource.CreateCommand("SELECT etag, payload FROM call_records WHERE call_id = $1");
        command.Parameters.AddWithValue(Key(grainId));
        await using var reader = await StorageErrors.Guard(() => command.ExecuteReaderAsync(), "call record", Key(grainId));
        if (!await reader.ReadAsync())
        {
            grainState.RecordExists = false;
            grainState.ETag = null;
            return;
        }
        grainState.ETag = reader.GetInt32(0).ToString(System.Globalization.CultureInfo.InvariantCulture);
        grainState.State = JsonSerializer.Deserialize<T>(reader.GetString(1), Json)!;
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (grainState.State is not CallRecord record)
            throw new NotSupportedException($"{nameof(CallRecordStorage)} stores {nameof(CallRecord)} only, not {typeof(T).Name}.");
        var expected = grainState.ETag is null ? 0 : int.Parse(grainState.ETag, System.Globalization.CultureInfo.InvariantCulture);

        // Insert when new (expected 0), else update only if nobody wrote since we read.
        const string sql = """
            INSERT INTO call_records AS r (call_id, etag, state, channel, caller_number, dialled_number, language, queue_id,
                seat_job_no, arrived_at, queued_at, offered_at, answered_at, ended_at, wrapup_ended_at, end_reason, ticket_number, payload, silo)
            SELECT $1, 1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19
            WHERE $2 = 0
            ON CONFLICT (call_id) DO UPDATE SET
                etag = r.etag + 1, state = EXCLUDED.state, channel = EXCLUDED.channel, caller_number = EXCLUDED.caller_number,
                dialled_number = EXCLUDED.dialled_number, language = EXCLUDED.language, queue_id = EXCLUDED.queue_id,
                seat_job_no = EXCLUDED.seat_job_no, arrived_at = EXCLUDED.arrived_at, queued_at = EXCLUDED.queued_at,
                offered_at = EXCLUDED.offered_at, answered_at = EXCLUDED.answered_at, ended_at = EXCLUDED.ended_at,
                wrapup_ended_at = EXCLUDED.wrapup_ended_at, end_reason = EXCLUDED.end_reason,
                ticket_number = EXCLUDED.ticket_number, payload = EXCLUDED.payload, silo = EXCLUDED.silo
            WHERE r.etag = $2
            RETURNING r.etag;
            """;
        const string updateSql = """
            UPDATE call_records SET etag = etag + 1, state = $3, channel = $4, caller_number = $5, dialled_number = $6,
                language = $7, queue_id = $8, seat_job_no = $9, arrived_at = $10, queued_at = $11, offered_at = $12,
                answered_at = $13, ended_at = $14, wrapup_ended_at = $15, end_reason = $16, ticket_number = $17, payload = $18,
                silo = $19
            WHERE call_id = $1 AND etag = $2
            RETURNING etag;
            """;
        await using var command = dataSource.CreateCommand(expected == 0 ? sql : updateSql);
        var p = command.Parameters;
        p.AddWithValue(Key(grainId));
        p.AddWithValue(expected);
        p.AddWithValue(Hotline.Names.Of(record.State));
        p.AddWithValue(Hotline.Names.Of(record.Channel));
        p.AddWithValue(NpgsqlDbType.Text, (object?)record.From ?? DBNull.Value);
        p.AddWithValue(NpgsqlDbType.Text, (object?)record.To ?? DBNull.Value);
        p.AddWithValue(NpgsqlDbType.Text, (object?)record.Language ?? DBNull.Value);
        p.AddWithValue(NpgsqlDbType.Text, (object?)record.QueueId ?? DBNull.Value);
        p.AddWithValue(NpgsqlDbType.Text, (object?)record.SeatJobNo ?? DBNull.Value);
        p.AddWithValue(NpgsqlDbType.TimestampTz, record.ArrivedAt);
        p.AddWithValue(NpgsqlDbType.TimestampTz, (object?)record.QueuedAt ?? DBNull.Value);
        p.AddWithValue(NpgsqlDbType.TimestampTz, (object?)record.OfferedAt ?? DBNull.Value);
        p.AddWithValue(NpgsqlDbType.TimestampTz, (object?)record.AnsweredAt ?? DBNull.Value);
        p.AddWithValue(NpgsqlDbType.TimestampTz, (object?)record.EndedAt ?? DBNull.Value);
        p.AddWithValue(NpgsqlDbType.TimestampTz, (object?)record.WrapUpEndedAt ?? DBNull.Value);
        p.AddWithValue(NpgsqlDbType.Text, (object?)record.EndReason ?? DBNull.Value);
        p.AddWithValue(NpgsqlDbType.Text, (object?)record.TicketNumber ?? DBNull.Value);
        p.AddWithValue(NpgsqlDbType.Jsonb, JsonSerializer.Serialize(record, Json));
        p.AddWithValue(NpgsqlDbType.Text, (object?)record.Silo ?? DBNull.Value);

        var etag = await StorageErrors.Guard(() => command.ExecuteScalarAsync(), "call record", Key(grainId));
        if (etag is not int written)
            throw new InconsistentStateException($"Call record {Key(grainId)} was written by someone else (expected etag {expected}).",
                storedEtag: "unknown", currentEtag: grainState.ETag ?? "none");
        grainState.ETag = written.ToString(System.Globalization.CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        throw new NotSupportedException("Call records are kept: a call is never erased.");

    private static string Key(GrainId grainId) => grainId.Key.ToString()!;
}
