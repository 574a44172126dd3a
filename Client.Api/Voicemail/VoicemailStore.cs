using Npgsql;
using NpgsqlTypes;

namespace Hotline.Api.Voicemail;

/// <summary>A voicemail as stored, before masking: the row the list and the handling read.</summary>
public sealed record VoicemailRow(VoicemailItem Item)
{
    public bool IsOpen => Item.Handled is null;
}

/// <summary>What marking a voicemail handled came to.</summary>
public enum MarkResult { Marked, NotFound, AlreadyHandled }

/// <summary>
/// The voicemail work list in PostgreSQL: the calls the call grains recorded as <c>voicemail</c> in
/// <c>call_records</c>, their message in <c>recordings</c> (kind <c>voicemail</c>), and the desks' answers in
/// <c>voicemail_handling</c> (migration 0190), one per call, written once: the first desk to answer wins.
/// </summary>
public sealed class VoicemailStore(NpgsqlDataSource db)
{
    private const string Select = """
        SELECT c.call_id, c.arrived_at, c.ended_at, c.caller_number, c.dialled_number, c.queue_id, c.end_reason,
               m.recording_id, m.duration_ms,
               h.outcome, h.ticket_number, h.note, h.handled_by, h.handled_at
        FROM call_records c
        LEFT JOIN LATERAL (
            SELECT r.recording_id, r.duration_ms FROM recordings r
            WHERE r.call_id = c.call_id AND r.kind = 'voicemail'
            ORDER BY r.created_at DESC LIMIT 1) m ON true
        LEFT JOIN voicemail_handling h ON h.call_id = c.call_id
        """;

    /// <summary>Open voicemails oldest first, or handled ones most recently handled first.</summary>
    public async Task<(int Total, IReadOnlyList<VoicemailRow> Rows)> ListAsync(bool handled, int page, int pageSize, CancellationToken ct)
    {
        const string where = "WHERE c.state = 'voicemail' AND (h.call_id IS NOT NULL) = @handled";
        await using var count = db.CreateCommand($"SELECT count(*) FROM call_records c LEFT JOIN voicemail_handling h ON h.call_id = c.call_id {where}");
        count.Parameters.AddWithValue("handled", handled);
        var total = (int)(long)(await count.ExecuteScalarAsync(ct))!;

        var order = handled ? "h.handled_at DESC, c.call_id" : "c.arrived_at, c.call_id";
        await using var command = db.CreateCommand($"{Select} {where} ORDER BY {order} LIMIT @limit OFFSET @offset");
        command.Parameters.AddWithValue("handled", handled);
        command.Parameters.AddWithValue("limit", pageSize);
        command.Parameters.AddWithValue("offset", (long)(page - 1) * pageSize);
        return (total, await ReadAsync(command, ct));
    }

    public async Task<VoicemailCountResponse> CountOpenAsync(CancellationToken ct)
    {
        await using var command = db.CreateCommand("""
            SELECT count(*) AS open, min(c.arrived_at) AS oldest FROM call_records c
            WHERE c.state = 'voicemail' AND NOT EXISTS (SELECT 1 FROM voicemail_handling h WHERE h.call_id = c.call_id)
            """);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var oldest = reader.GetOrdinal("oldest");
        return new VoicemailCountResponse((int)reader.GetInt64(reader.GetOrdinal("open")),
            reader.IsDBNull(oldest) ? null : reader.GetFieldValue<DateTimeOffset>(oldest));
    }

    /// <summary>One voicemail, open or handled; null when the call is unknown or did not end as voicemail.</summary>
    public async Task<VoicemailRow?> GetAsync(string callId, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"{Select} WHERE c.state = 'voicemail' AND c.call_id = @id");
        command.Parameters.AddWithValue("id", callId);
        return (await ReadAsync(command, ct)).FirstOrDefault();
    }

    public async Task<bool> TicketExistsAsync(string number, CancellationToken ct)
    {
        await using var command = db.CreateCommand("SELECT EXISTS (SELECT 1 FROM tickets WHERE number = @number)");
        command.Parameters.AddWithValue("number", number);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Records the desk's answer in one statement: only for a voicemail call, and only the first answer.</summary>
    public async Task<MarkResult> MarkHandledAsync(string callId, VoicemailDecision decision, string jobNo, DateTimeOffset at, CancellationToken ct)
    {
        await using var command = db.CreateCommand("""
            INSERT INTO voicemail_handling (call_id, outcome, ticket_number, note, handled_by, handled_at)
            SELECT c.call_id, @outcome, @ticket, @note, @by, @at FROM call_records c WHERE c.call_id = @id AND c.state = 'voicemail'
            ON CONFLICT (call_id) DO NOTHING
            RETURNING call_id
            """);
        command.Parameters.AddWithValue("id", callId);
        command.Parameters.AddWithValue("outcome", Names.Of(decision.Outcome));
        command.Parameters.AddWithValue("ticket", NpgsqlDbType.Text, (object?)decision.TicketNumber ?? DBNull.Value);
        command.Parameters.AddWithValue("note", NpgsqlDbType.Text, (object?)decision.Note ?? DBNull.Value);
        command.Parameters.AddWithValue("by", jobNo);
        command.Parameters.AddWithValue("at", NpgsqlDbType.TimestampTz, at);
        if (await command.ExecuteScalarAsync(ct) is string) return MarkResult.Marked;
        return await GetAsync(callId, ct) is null ? MarkResult.NotFound : MarkResult.AlreadyHandled;
    }

    private static async Task<List<VoicemailRow>> ReadAsync(NpgsqlCommand command, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<VoicemailRow>();
        while (await reader.ReadAsync(ct))
        {
            string? Text(string column) => reader.IsDBNull(reader.GetOrdinal(column)) ? null : reader.GetString(reader.GetOrdinal(column));
            DateTimeOffset? Time(string column) =>
                reader.IsDBNull(reader.GetOrdinal(column)) ? null : reader.GetFieldValue<DateTimeOffset>(reader.GetOrdinal(column));
            var recording = Text("recording_id");
            var message = recording is null ? null
                : new VoicemailMessage(recording, reader.GetInt32(reader.GetOrdinal("duration_ms")), $"/api/recordings/{Uri.EscapeDataString(recording)}");
            var outcome = Text("outcome");
            var handled = outcome is null ? null
                : new VoicemailHandled(outcome, Text("ticket_number"), Text("note"), Text("handled_by")!, Time("handled_at")!.Value);
            rows.Add(new VoicemailRow(new VoicemailItem(Text("call_id")!, Time("arrived_at")!.Value, Time("ended_at"), Text("caller_number"),
                Text("dialled_number"), Text("queue_id"), Text("end_reason") ?? "", message, handled)));
        }
        return rows;
    }
}
