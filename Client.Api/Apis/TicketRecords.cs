using Hotline.Api.Contracts;
using Hotline.ReadModel.Tickets;
using Npgsql;

namespace Hotline.Api.Apis;

/// <summary>The work orders that the ticket grains' storage writes to the read model (<see cref="TicketTable"/>).</summary>
public interface ITicketRecords
{
    /// <summary>One page of orders, caller phones unmasked and no actions yet (the route fills both in for its caller).</summary>
    Task<(int Total, IReadOnlyList<TicketListItem> Items)> ListAsync(TicketFilter filter, CancellationToken ct);

    Task<DepartmentInbox> InboxAsync(string departmentId, CancellationToken ct);
}

/// <summary>The read-model library's queries, answered in the API's contracts.</summary>
internal sealed class PostgresTicketRecords(NpgsqlDataSource db) : ITicketRecords
{
    private readonly TicketQueries _queries = new(db);

    public async Task<(int Total, IReadOnlyList<TicketListItem> Items)> ListAsync(TicketFilter filter, CancellationToken ct)
    {
        var (total, rows) = await _queries.ListAsync(filter, ct);
        return (total, rows.Select(TicketListItem.From).ToArray());
    }

    public async Task<DepartmentInbox> InboxAsync(string departmentId, CancellationToken ct)
    {
        var c = await _queries.InboxAsync(departmentId, ct);
        return new DepartmentInbox(c.ToSign, c.InHand, c.Overdue, c.Returned, c.Replied, c.CoHandling);
    }
}

/// <summary>The Localhost development mode has no database: no lists, empty inboxes (single orders still come from their grains).</summary>
internal sealed class NoTicketRecords : ITicketRecords
{
    public Task<(int Total, IReadOnlyList<TicketListItem> Items)> ListAsync(TicketFilter filter, CancellationToken ct) =>
        Task.FromResult<(int, IReadOnlyList<TicketListItem>)>((0, []));

    public Task<DepartmentInbox> InboxAsync(string departmentId, CancellationToken ct) =>
        Task.FromResult(new DepartmentInbox(0, 0, 0, 0, 0, 0));
}
