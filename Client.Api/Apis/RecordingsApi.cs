using System.Security.Claims;
using Hotline.Api.Auth;
using Hotline.Api.Configuration;
using Hotline.Api.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Hotline.Api.Apis;

/// <summary>A recording as lists show it; <see cref="Audio"/> plays it (or downloads it with <c>?download=true</c>).</summary>
public sealed record RecordingItem(string Id, string CallId, string? TicketNumber, string Kind, int Channels, int DurationMs,
    DateTimeOffset CreatedAt, string Audio);

/// <summary>
/// Recordings (录音) of calls and of the IVR's messages. The audio lies in the recordings folder the silos write
/// (shared with this host); the rows say which call and ticket each belongs to. Supervisors, admins and auditors
/// hear every recording; an agent hears those of calls answered at their seat, tickets they registered, and voicemails.
/// </summary>
public static class RecordingsApi
{
    public static void MapRecordingsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/calls/{id}/recordings", ForCall).WithTags("Calls").RequireAuthorization(Policies.RecordingsRead)
            .WithSummary("The recordings of a call (the whole call, and messages left in the IVR)");
        app.MapGet("/api/tickets/{number}/recordings", ForTicket).WithTags("Tickets").RequireAuthorization(Policies.RecordingsRead)
            .WithSummary("The recordings of a work order: the message it was made from and its call");
        app.MapGet("/api/recordings/{id}", Audio).WithTags("Calls").RequireAuthorization(Policies.RecordingsRead)
            .WithSummary("A recording's audio (WAV; channel 1 the caller, channel 2 the hotline's side)");
    }

    private const string Select = """
        SELECT r.recording_id, r.call_id, r.ticket_number, r.kind, r.channels, r.duration_ms, r.created_at, r.path,
               c.seat_job_no, t.created_by
        FROM recordings r
        LEFT JOIN call_records c ON c.call_id = r.call_id
        LEFT JOIN tickets t ON t.number = COALESCE(r.ticket_number, c.ticket_number)
        """;

    private static async Task<Results<Ok<RecordingItem[]>, ProblemHttpResult, ValidationProblem>> ForCall(
        string id, ClaimsPrincipal user, IServiceProvider services, CancellationToken ct)
    {
        if (!InputRules.CallId().IsMatch(id)) return ApiProblems.Validation("id", "Not a call id.");
        var rows = await QueryAsync(services, $"{Select} WHERE r.call_id = $1 ORDER BY r.created_at", id, ct);
        if (rows is null) return NotKept();
        return TypedResults.Ok(rows.Where(r => MayHear(user, r)).Select(r => r.Item).ToArray());
    }

    private static async Task<Results<Ok<RecordingItem[]>, ProblemHttpResult, ValidationProblem>> ForTicket(
        string number, ClaimsPrincipal user, IServiceProvider services, CancellationToken ct)
    {
        if (!Hotline.Tickets.TicketNumber.IsWellFormed(number)) return ApiProblems.Validation("number", "Not a ticket number.");
        var rows = await QueryAsync(services,
            $"{Select} WHERE r.ticket_number = $1 OR r.call_id = (SELECT call_id FROM tickets WHERE number = $1) ORDER BY r.created_at",
            number, ct);
        if (rows is null) return NotKept();
        return TypedResults.Ok(rows.Where(r => MayHear(user, r)).Select(r => r.Item).ToArray());
    }

    private static async Task<Results<PhysicalFileHttpResult, ProblemHttpResult>> Audio(
        string id, bool? download, ClaimsPrincipal user, IServiceProvider services, IOptions<HotlineOptions> options, CancellationToken ct)
    {
        var rows = id.Length <= 120 ? await QueryAsync(services, $"{Select} WHERE r.recording_id = $1", id, ct) : [];
        if (rows is null) return NotKept();
        // Someone who may not hear it learns nothing, not even that it exists.
        if (rows.Count == 0 || !MayHear(user, rows[0])) return NotFound(id);
        var root = Path.GetFullPath(options.Value.RecordingsPath);
        var file = Path.GetFullPath(Path.Combine(root, rows[0].Path));
        if (!file.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(file))
            return ApiProblems.Problem(StatusCodes.Status410Gone, "recording.file_missing",
                $"Recording '{id}' is listed but its file is not in the recordings folder this host reads.");
        return TypedResults.PhysicalFile(file, "audio/wav", download == true ? $"{id}.wav" : null, enableRangeProcessing: true);
    }

    private sealed record Row(RecordingItem Item, string Path, string? SeatJobNo, string? TicketCreatedBy);

    /// <remarks>A voicemail is no one seat's call: any agent may hear it, since agents work the voicemail list.</remarks>
    private static bool MayHear(ClaimsPrincipal user, Row row) =>
        user.WatchesAllSeats()
        || (user.IsInRole(Roles.Agent) && (row.SeatJobNo == user.JobNo() || row.TicketCreatedBy == user.JobNo() || row.Item.Kind == "voicemail"));

    private static async Task<List<Row>?> QueryAsync(IServiceProvider services, string sql, string key, CancellationToken ct)
    {
        if (services.GetService<NpgsqlDataSource>() is not { } db) return null;
        await using var command = db.CreateCommand(sql);
        command.Parameters.AddWithValue(key);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<Row>();
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetString(0);
            rows.Add(new Row(
                new RecordingItem(id, reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3),
                    reader.GetInt16(4), reader.GetInt32(5), reader.GetFieldValue<DateTimeOffset>(6), $"/api/recordings/{Uri.EscapeDataString(id)}"),
                reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8), reader.IsDBNull(9) ? null : reader.GetString(9)));
        }
        return rows;
    }

    private static ProblemHttpResult NotFound(string id) => ApiProblems.NotFound("recording.not_found", $"There is no recording '{id}'.");

    private static ProblemHttpResult NotKept() => ApiProblems.Problem(StatusCodes.Status501NotImplemented, "recording.not_kept",
        "This host runs without a database (in-memory development mode): recordings are not kept.");
}
