using Hotline.Tickets;
using T = Hotline.ReadModel.Tickets.TicketTable;
using Npgsql;
using NpgsqlTypes;

namespace Hotline.Silo.Storage;

/// <summary>
/// The due work orders, from the read model's <c>next_due_at</c> (migration 0006), which
/// <see cref="TicketRecordStorage"/> writes with the order itself; so <see cref="Stored"/> has nothing to do.
/// </summary>
public sealed class TicketDeadlineIndex(NpgsqlDataSource dataSource) : ITicketDeadlines
{
    // Keyset paging on the partial index (next_due_at, number): an order asked during a sweep moves on or stays put,
    // and either way the next page starts after it.
    private static readonly string FirstPage = $"""
        SELECT {T.Number}, {T.NextDueAt} FROM {T.Name}
        WHERE {T.NextDueAt} <= @now
        ORDER BY {T.NextDueAt}, {T.Number}
        LIMIT @max
        """;

    private static readonly string NextPage = $"""
        SELECT {T.Number}, {T.NextDueAt} FROM {T.Name}
        WHERE {T.NextDueAt} <= @now AND ({T.NextDueAt}, {T.Number}) > (@after_due, @after_number)
        ORDER BY {T.NextDueAt}, {T.Number}
        LIMIT @max
        """;

    public void Stored(string number, DateTimeOffset? nextDue)
    {
    }

    public async Task<IReadOnlyList<DueTicket>> DueAsync(DateTimeOffset now, DueTicket? after, int max, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand(after is null ? FirstPage : NextPage);
            command.Parameters.Add(new NpgsqlParameter("now", NpgsqlDbType.TimestampTz) { Value = now.ToUniversalTime() });
            if (after is not null)
            {
                command.Parameters.Add(new NpgsqlParameter("after_due", NpgsqlDbType.TimestampTz) { Value = after.Due.ToUniversalTime() });
                command.Parameters.Add(new NpgsqlParameter("after_number", NpgsqlDbType.Text) { Value = after.Number });
            }
            command.Parameters.Add(new NpgsqlParameter("max", NpgsqlDbType.Integer) { Value = max });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var due = new List<DueTicket>();
            while (await reader.ReadAsync(cancellationToken))
                due.Add(new DueTicket(reader.GetString(reader.GetOrdinal(T.Number)), reader.GetFieldValue<DateTimeOffset>(reader.GetOrdinal(T.NextDueAt))));
            return due;
        }
        catch (NpgsqlException e)
        {
            throw StorageErrors.Unavailable("query", "of due work orders", e);
        }
    }
}
