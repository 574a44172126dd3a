using Hotline.Api.Contracts;
using Hotline.ReadModel;
using Npgsql;
using NpgsqlTypes;

namespace Hotline.Api.Apis;

/// <summary>The call history that the call grains write to <c>call_records</c>.</summary>
public interface ICallRecords
{
    Task<(int Total, IReadOnlyList<CallListItem> Items)> ListAsync(string? state, int page, int pageSize, CancellationToken ct);
}

internal sealed class PostgresCallRecords(NpgsqlDataSource db) : ICallRecords
{
    public async Task<(int Total, IReadOnlyList<CallListItem> Items)> ListAsync(string? state, int page, int pageSize, CancellationToken ct)
    {
        var filter = new NpgsqlParameter("state", NpgsqlDbType.Text) { Value = (object?)state ?? DBNull.Value };
        return await PagedQuery.RunAsync<CallListItem>(db,
            "FROM call_records WHERE (@state::text IS NULL OR state = @state)",
            """
            call_id, state, channel, caller_number, dialled_number, language, queue_id, seat_job_no,
            arrived_at, queued_at, offered_at, answered_at, ended_at, wrapup_ended_at, end_reason, ticket_number
            """,
            "arrived_at DESC NULLS LAST, call_id DESC", [filter], page, pageSize, reader => () => new CallListItem(
                reader.GetString(0),
                reader.GetString(1),
                Text(reader, 2), Text(reader, 3), Text(reader, 4), Text(reader, 5), Text(reader, 6), Text(reader, 7),
                Time(reader, 8), Time(reader, 9), Time(reader, 10), Time(reader, 11), Time(reader, 12), Time(reader, 13),
                Text(reader, 14), Text(reader, 15)), ct);
    }

    private static string? Text(NpgsqlDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);

    private static DateTimeOffset? Time(NpgsqlDataReader reader, int i) =>
        reader.IsDBNull(i) ? null : reader.GetFieldValue<DateTimeOffset>(i);
}

/// <summary>The Localhost development mode has no database, so no history.</summary>
internal sealed class NoCallRecords : ICallRecords
{
    public Task<(int Total, IReadOnlyList<CallListItem> Items)> ListAsync(string? state, int page, int pageSize, CancellationToken ct) =>
        Task.FromResult<(int, IReadOnlyList<CallListItem>)>((0, []));
}
