using System.Text;
using Hotline.Tickets;
using Npgsql;
using NpgsqlTypes;
using T = Hotline.ReadModel.Tickets.TicketTable;

namespace Hotline.ReadModel.Tickets;

public enum TicketSort
{
    /// <summary>Newest first.</summary>
    Newest,
    /// <summary>The deadline that matters now, soonest first (<see cref="TicketDeadlineRule"/>).</summary>
    Due,
}

/// <summary>A validated list query over the <c>tickets</c> read model; null means "any".</summary>
public sealed record TicketFilter
{
    public IReadOnlyList<string> Statuses { get; init; } = [];
    public string? Kind { get; init; }
    public string? Category { get; init; }
    /// <summary>Leads or co-handles the order.</summary>
    public string? Department { get; init; }
    public string? Channel { get; init; }
    /// <summary>Registered at or after.</summary>
    public DateTimeOffset? From { get; init; }
    /// <summary>Registered before.</summary>
    public DateTimeOffset? To { get; init; }
    /// <summary>A <c>to_tsquery('simple', …)</c> text from <see cref="ChineseSearch.Query"/>, the rule the search column is built with.</summary>
    public string? Search { get; init; }
    /// <summary>The caller's whole number, as registered.</summary>
    public string? CallerPhone { get; init; }
    public bool? Overdue { get; init; }
    public bool? Supervised { get; init; }
    /// <summary>A department user's own department: only orders it leads or co-handles, whatever the other filters say.</summary>
    public string? Scope { get; init; }
    public TicketSort Sort { get; init; }
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = 50;
}

/// <summary>A department's inbox counters: to sign, in hand, overdue, returned by it, replied, co-handled.</summary>
public sealed record TicketInboxCounts(int ToSign, int InHand, int Overdue, int Returned, int Replied, int CoHandling);

/// <summary>The queries over the work orders' read model that the API's lists and inboxes run.</summary>
public sealed class TicketQueries(NpgsqlDataSource db)
{
    /// <summary>One page of orders, newest first or due soonest, and the total; caller phones as stored.</summary>
    public Task<(int Total, IReadOnlyList<TicketListRow> Rows)> ListAsync(TicketFilter filter, CancellationToken ct)
    {
        var (where, parameters) = Where(filter);
        var order = filter.Sort == TicketSort.Due
            ? $"{T.RunningDeadlineSql} ASC NULLS LAST, {T.CreatedAt} DESC, {T.Number} DESC"
            : $"{T.CreatedAt} DESC, {T.Number} DESC";
        return PagedQuery.RunAsync(db, $"FROM {T.Name} {where}", TicketListRow.Select, order, parameters, filter.Page, filter.PageSize, TicketListRow.Reader, ct);
    }

    public async Task<TicketInboxCounts> InboxAsync(string departmentId, CancellationToken ct)
    {
        // Returned orders no longer name the department that sent them back, so that count comes from the history.
        var mine = $"{T.LeadDepartment} = @d";
        await using var cmd = db.CreateCommand(
            $"""
            SELECT
                count(*) FILTER (WHERE {T.Status} = '{Names.Of(TicketStatus.Dispatched)}' AND {mine}) AS to_sign,
                count(*) FILTER (WHERE {T.Status} IN ({string.Join(", ", HandlingStatuses)}) AND {mine}) AS in_hand,
                count(*) FILTER (WHERE {T.Overdue} AND {T.IsOpenSql} AND {mine}) AS overdue,
                (SELECT count(DISTINCT {T.Number}) FROM {T.History}
                 WHERE {T.HistoryColumns.Action} = 'returned' AND {T.HistoryColumns.DepartmentId} = @d) AS returned,
                count(*) FILTER (WHERE {T.Status} = '{Names.Of(TicketStatus.Replied)}' AND {mine}) AS replied,
                count(*) FILTER (WHERE {T.IsOpenSql} AND @d = ANY ({T.CoDepartments})) AS co_handling
            FROM {T.Name}
            WHERE {mine} OR @d = ANY ({T.CoDepartments})
            """);
        cmd.Parameters.AddWithValue("d", NpgsqlDbType.Text, departmentId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        int Count(string column) => (int)reader.GetInt64(reader.GetOrdinal(column));
        return new TicketInboxCounts(Count("to_sign"), Count("in_hand"), Count("overdue"), Count("returned"), Count("replied"), Count("co_handling"));
    }

    private static IEnumerable<string> HandlingStatuses =>
        Enum.GetValues<TicketStatus>().Where(TicketLifecycle.IsHandling).Select(s => $"'{Names.Of(s)}'");

    /// <summary>The WHERE clause for the filters that are set; every value is a parameter.</summary>
    private static (string Where, List<NpgsqlParameter> Parameters) Where(TicketFilter f)
    {
        var sql = new StringBuilder("WHERE TRUE");
        var parameters = new List<NpgsqlParameter>();
        void Add(string condition, string name, NpgsqlDbType type, object? value)
        {
            if (value is null) return;
            sql.Append(" AND ").Append(condition);
            parameters.Add(new NpgsqlParameter(name, type) { Value = value });
        }

        Add($"{T.Status} = ANY (@statuses)", "statuses", NpgsqlDbType.Array | NpgsqlDbType.Text, f.Statuses.Count > 0 ? f.Statuses.ToArray() : null);
        Add($"{T.Kind} = @kind", "kind", NpgsqlDbType.Text, f.Kind);
        Add($"{T.Category} = @category", "category", NpgsqlDbType.Text, f.Category);
        Add($"{T.Channel} = @channel", "channel", NpgsqlDbType.Text, f.Channel);
        Add($"({T.LeadDepartment} = @department OR @department = ANY ({T.CoDepartments}))", "department", NpgsqlDbType.Text, f.Department);
        Add($"{T.CreatedAt} >= @from", "from", NpgsqlDbType.TimestampTz, f.From?.UtcDateTime);
        Add($"{T.CreatedAt} < @to", "to", NpgsqlDbType.TimestampTz, f.To?.UtcDateTime);
        Add($"{T.Search} @@ to_tsquery('simple', @search)", "search", NpgsqlDbType.Text, f.Search);
        Add($"{T.CallerPhone} = @phone", "phone", NpgsqlDbType.Text, f.CallerPhone);
        Add($"{T.Overdue} = @overdue", "overdue", NpgsqlDbType.Boolean, f.Overdue);
        Add($"{T.Supervised} = @supervised", "supervised", NpgsqlDbType.Boolean, f.Supervised);
        Add($"({T.LeadDepartment} = @scope OR @scope = ANY ({T.CoDepartments}))", "scope", NpgsqlDbType.Text, f.Scope);
        return (sql.ToString(), parameters);
    }
}
