using Hotline.Tickets;
using Npgsql;
using NpgsqlTypes;
using H = Hotline.ReadModel.Tickets.TicketTable.HistoryColumns;

namespace Hotline.ReadModel.Tickets;

/// <summary>An order's history lines as arrays, one parameter per <c>ticket_history</c> column (<c>@h_</c> and its name), for <c>unnest</c>.</summary>
public static class TicketHistoryRows
{
    public const string ParameterPrefix = "h_";

    public static void Bind(NpgsqlParameterCollection p, IReadOnlyList<TicketHistoryEntry> history)
    {
        void Add<TValue>(string column, NpgsqlDbType type, Func<TicketHistoryEntry, TValue> value) =>
            p.Add(new NpgsqlParameter(ParameterPrefix + column, NpgsqlDbType.Array | type) { Value = history.Select(value).ToArray() });

        Add(H.Sequence, NpgsqlDbType.Integer, h => h.Sequence);
        // Npgsql writes only UTC DateTimeOffsets to timestamptz; deadlines computed in Asia/Shanghai carry +08:00.
        Add(H.At, NpgsqlDbType.TimestampTz, h => h.At.ToUniversalTime());
        Add(H.JobNo, NpgsqlDbType.Text, h => h.JobNo);
        Add(H.Role, NpgsqlDbType.Text, h => h.Role);
        Add(H.Action, NpgsqlDbType.Text, h => h.Action);
        Add(H.Note, NpgsqlDbType.Text, h => h.Note);
        Add(H.DepartmentId, NpgsqlDbType.Text, h => h.DepartmentId);
    }
}
