using System.Text;
using Hotline.Api.Contracts;
using Hotline.Tickets;
using Npgsql;
using NpgsqlTypes;

namespace Hotline.Api.Apis;

public enum TicketSort
{
    /// <summary>Newest first.</summary>
    Newest,
    /// <summary>The deadline that matters now, soonest first: to sign when dispatched, to finish when replied, else to reply.</summary>
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
    /// <summary>A <c>to_tsquery('simple', …)</c> text from <c>ChineseSearch.Query</c>, the rule the search column is built with.</summary>
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

/// <summary>The work orders that the ticket grains' storage writes to <c>tickets</c> and <c>ticket_history</c>.</summary>
public interface ITicketRecords
{
    /// <summary>One page of orders, caller phones unmasked (the route masks them for whoever may not see them).</summary>
    Task<(int Total, IReadOnlyList<TicketListItem> Items)> ListAsync(TicketFilter filter, CancellationToken ct);

    Task<DepartmentInbox> InboxAsync(string departmentId, CancellationToken ct);
}

internal sealed class PostgresTicketRecords(NpgsqlDataSource db) : ITicketRecords
{
    private const string Columns = """
        number, status, kind, channel, category, caller_name, caller_phone, summary, district, lead_department,
        co_departments, suggested_department, created_at, created_by, updated_at, sign_due, reply_due, finish_due,
        overdue, supervised, urge_count, replied_at, satisfaction, return_count, reopen_count, merged_into, closed_at,
        coalesce(jsonb_typeof(payload -> 'pendingExtension') = 'object', false)
        """;

    private const string DueFirst = """
        CASE WHEN status IN ('resolved', 'closed', 'merged') THEN NULL
             WHEN status = 'dispatched' THEN sign_due
             WHEN status = 'replied' THEN finish_due
             ELSE reply_due END ASC NULLS LAST, created_at DESC, number DESC
        """;

    public async Task<(int Total, IReadOnlyList<TicketListItem> Items)> ListAsync(TicketFilter filter, CancellationToken ct)
    {
        var (where, parameters) = Where(filter);
        await using var batch = db.CreateBatch();
        var count = new NpgsqlBatchCommand($"SELECT count(*) FROM tickets {where}");
        var rows = new NpgsqlBatchCommand(
            $"""
            SELECT {Columns} FROM tickets {where}
            ORDER BY {(filter.Sort == TicketSort.Due ? DueFirst : "created_at DESC, number DESC")}
            LIMIT @limit OFFSET @offset
            """);
        foreach (var p in parameters)
        {
            count.Parameters.Add(p.Clone());
            rows.Parameters.Add(p.Clone());
        }
        rows.Parameters.AddWithValue("limit", filter.PageSize);
        rows.Parameters.AddWithValue("offset", (long)(filter.Page - 1) * filter.PageSize);
        batch.BatchCommands.Add(count);
        batch.BatchCommands.Add(rows);

        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var total = (int)reader.GetInt64(0);
        await reader.NextResultAsync(ct);
        var items = new List<TicketListItem>();
        while (await reader.ReadAsync(ct))
        {
            var status = Enum.Parse<TicketStatus>(reader.GetString(1), ignoreCase: true);
            items.Add(new TicketListItem(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                Text(reader, 5), Text(reader, 6), reader.GetString(7), Text(reader, 8), Text(reader, 9),
                reader.IsDBNull(10) ? [] : reader.GetFieldValue<string[]>(10), Text(reader, 11),
                reader.GetFieldValue<DateTimeOffset>(12), reader.GetString(13), reader.GetFieldValue<DateTimeOffset>(14),
                Time(reader, 15), Time(reader, 16), Time(reader, 17),
                !reader.IsDBNull(18) && reader.GetBoolean(18), !reader.IsDBNull(19) && reader.GetBoolean(19),
                Int(reader, 20), Time(reader, 21), Text(reader, 22), Int(reader, 23), Int(reader, 24),
                Text(reader, 25), Time(reader, 26), reader.GetBoolean(27),
                DueDto.Of(TicketDeadlineRule.Running(status, new TicketDeadlines { Sign = Time(reader, 15), Reply = Time(reader, 16), Finish = Time(reader, 17) })),
                Names.Of(PublicProgress.Of(status)), []));
        }
        return (total, items);
    }

    public async Task<DepartmentInbox> InboxAsync(string departmentId, CancellationToken ct)
    {
        // Returned orders no longer name the department that sent them back, so that count comes from the history.
        await using var cmd = db.CreateCommand(
            """
            SELECT
                count(*) FILTER (WHERE status = 'dispatched' AND lead_department = @d),
                count(*) FILTER (WHERE status IN ('signed', 'reopened') AND lead_department = @d),
                count(*) FILTER (WHERE overdue AND status NOT IN ('resolved', 'closed', 'merged') AND lead_department = @d),
                (SELECT count(DISTINCT number) FROM ticket_history WHERE action = 'returned' AND department_id = @d),
                count(*) FILTER (WHERE status = 'replied' AND lead_department = @d),
                count(*) FILTER (WHERE status NOT IN ('resolved', 'closed', 'merged') AND @d = ANY (co_departments))
            FROM tickets
            WHERE lead_department = @d OR @d = ANY (co_departments)
            """);
        cmd.Parameters.AddWithValue("d", NpgsqlDbType.Text, departmentId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new DepartmentInbox(
            (int)reader.GetInt64(0), (int)reader.GetInt64(1), (int)reader.GetInt64(2),
            (int)reader.GetInt64(3), (int)reader.GetInt64(4), (int)reader.GetInt64(5));
    }

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

        Add("status = ANY (@statuses)", "statuses", NpgsqlDbType.Array | NpgsqlDbType.Text, f.Statuses.Count > 0 ? f.Statuses.ToArray() : null);
        Add("kind = @kind", "kind", NpgsqlDbType.Text, f.Kind);
        Add("category = @category", "category", NpgsqlDbType.Text, f.Category);
        Add("channel = @channel", "channel", NpgsqlDbType.Text, f.Channel);
        Add("(lead_department = @department OR @department = ANY (co_departments))", "department", NpgsqlDbType.Text, f.Department);
        Add("created_at >= @from", "from", NpgsqlDbType.TimestampTz, f.From?.UtcDateTime);
        Add("created_at < @to", "to", NpgsqlDbType.TimestampTz, f.To?.UtcDateTime);
        Add("search @@ to_tsquery('simple', @search)", "search", NpgsqlDbType.Text, f.Search);
        Add("caller_phone = @phone", "phone", NpgsqlDbType.Text, f.CallerPhone);
        Add("overdue = @overdue", "overdue", NpgsqlDbType.Boolean, f.Overdue);
        Add("supervised = @supervised", "supervised", NpgsqlDbType.Boolean, f.Supervised);
        Add("(lead_department = @scope OR @scope = ANY (co_departments))", "scope", NpgsqlDbType.Text, f.Scope);
        return (sql.ToString(), parameters);
    }

    private static string? Text(NpgsqlDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);

    private static int Int(NpgsqlDataReader reader, int i) => reader.IsDBNull(i) ? 0 : reader.GetInt32(i);

    private static DateTimeOffset? Time(NpgsqlDataReader reader, int i) =>
        reader.IsDBNull(i) ? null : reader.GetFieldValue<DateTimeOffset>(i);
}

/// <summary>The Localhost development mode has no database: no lists, empty inboxes (single orders still come from their grains).</summary>
internal sealed class NoTicketRecords : ITicketRecords
{
    public Task<(int Total, IReadOnlyList<TicketListItem> Items)> ListAsync(TicketFilter filter, CancellationToken ct) =>
        Task.FromResult<(int, IReadOnlyList<TicketListItem>)>((0, []));

    public Task<DepartmentInbox> InboxAsync(string departmentId, CancellationToken ct) =>
        Task.FromResult(new DepartmentInbox(0, 0, 0, 0, 0, 0));
}
