using Hotline.Reporting;
using Npgsql;
using NpgsqlTypes;

namespace Hotline.Api.Reports;

/// <summary>The grouping a report asks for, with the SQL key expression it groups by.</summary>
public sealed record ReportDimension(string Name, string Label, string CallKey, string TicketKey)
{
    private const string Local = "AT TIME ZONE 'Asia/Shanghai'";

    public static readonly ReportDimension Total = new("total", "合计", "'total'", "'total'");
    public static readonly ReportDimension Day = new("day", "日期", $"to_char(c.arrived_at {Local}, 'YYYY-MM-DD')", $"to_char(t.created_at {Local}, 'YYYY-MM-DD')");
    public static readonly ReportDimension Week = new("week", "周", $"to_char(date_trunc('week', c.arrived_at {Local}), 'YYYY-MM-DD')",
        $"to_char(date_trunc('week', t.created_at {Local}), 'YYYY-MM-DD')");
    public static readonly ReportDimension Month = new("month", "月份", $"to_char(c.arrived_at {Local}, 'YYYY-MM')", $"to_char(t.created_at {Local}, 'YYYY-MM')");
    public static readonly ReportDimension Quarter = new("quarter", "季度", $"to_char(c.arrived_at {Local}, 'YYYY-\"Q\"Q')", $"to_char(t.created_at {Local}, 'YYYY-\"Q\"Q')");
    public static readonly ReportDimension Year = new("year", "年度", $"to_char(c.arrived_at {Local}, 'YYYY')", $"to_char(t.created_at {Local}, 'YYYY')");
    public static readonly ReportDimension Hour = new("hour", "时段", $"lpad(extract(hour FROM c.arrived_at {Local})::int::text, 2, '0')", $"lpad(extract(hour FROM t.created_at {Local})::int::text, 2, '0')");
    public static readonly ReportDimension Queue = new("queue", "队列", "coalesce(c.queue_id, '')", "''");
    public static readonly ReportDimension Seat = new("seat", "工号", "coalesce(c.seat_job_no, '')", "t.created_by");
    public static readonly ReportDimension Department = new("department", "承办单位", "''", "coalesce(t.lead_department, '')");
    public static readonly ReportDimension Category = new("category", "类别", "''", "t.category");
    public static readonly ReportDimension District = new("district", "区县", "''", "coalesce(t.district, '')");
    public static readonly ReportDimension Kind = new("kind", "诉求类型", "''", "t.kind");
    public static readonly ReportDimension Channel = new("channel", "渠道", "''", "t.channel");

    public static IReadOnlyList<ReportDimension> ForCalls { get; } = [Total, Day, Week, Month, Quarter, Year, Hour, Queue, Seat];
    public static IReadOnlyList<ReportDimension> ForOrders { get; } = [Total, Day, Week, Month, Quarter, Year, Hour, Department, Category, District, Kind, Channel, Seat];
}

/// <summary>Which orders a report counts, besides the period: one department, a category subtree, a district.</summary>
public sealed record OrderFilter(string? Department = null, IReadOnlyList<string>? Categories = null, string? District = null)
{
    public static OrderFilter None { get; } = new();
}

/// <summary>
/// Aggregates the read model in PostgreSQL: one GROUP BY over <c>call_records</c> or <c>tickets</c> per report, the
/// counts defined once in <see cref="CallTotals.Sql"/> and <see cref="TicketTotals.Sql"/>, so the figures are the
/// plain classes' over the same rows and a year of a large centre is summed where the data is (migration 0220's
/// covering indexes).
/// </summary>
public sealed class ReportStore(NpgsqlDataSource? db)
{
    /// <summary>The most orders whose text a hot-topic keyword count reads per period (the newest are kept).</summary>
    public const int MaxKeywordTexts = 50_000;

    internal NpgsqlDataSource Db => db ?? throw new DomainException("reports.unavailable",
        "Reports need PostgreSQL; this host runs in the in-memory development mode.", status: 503);

    public async Task<IReadOnlyDictionary<string, CallTotals>> CallsAsync(ReportPeriod period, ReportDimension by, CallKpiSettings settings,
        string? queue, CancellationToken ct)
    {
        var sql = $"""
            SELECT {by.CallKey}, {CallTotals.Sql}
            FROM call_records c
            WHERE c.arrived_at >= @from AND c.arrived_at < @to {(queue is null ? "" : "AND c.queue_id = @queue")}
            GROUP BY 1
            """;
        await using var command = Db.CreateCommand(sql);
        AddPeriod(command, period);
        command.Parameters.Add(new NpgsqlParameter("sl", NpgsqlDbType.Integer) { Value = settings.ServiceLevelSeconds });
        command.Parameters.Add(new NpgsqlParameter("short", NpgsqlDbType.Integer) { Value = settings.ShortAbandonSeconds });
        if (queue is not null) command.Parameters.Add(new NpgsqlParameter("queue", NpgsqlDbType.Text) { Value = queue });
        var result = new Dictionary<string, CallTotals>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result[reader.GetString(0)] = new CallTotals(reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4),
                reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7), reader.GetDouble(8), reader.GetInt64(9), reader.GetDouble(10),
                reader.GetInt64(11), reader.GetDouble(12));
        }
        return result;
    }

    public async Task<IReadOnlyDictionary<string, TicketTotals>> OrdersAsync(ReportPeriod period, ReportDimension by, OrderFilter filter, CancellationToken ct)
    {
        var sql = $"""
            SELECT {by.TicketKey}, {TicketTotals.Sql}
            FROM tickets t
            LEFT JOIN LATERAL (
                SELECT max(x.at) FILTER (WHERE x.action = 'signed') AS signed_at,
                       count(*) FILTER (WHERE x.action = 'extension_approved') AS extensions
                FROM ticket_history x
                WHERE x.number = t.number AND x.action IN ('signed', 'extension_approved')) h ON true
            WHERE t.created_at >= @from AND t.created_at < @to AND t.status <> 'merged' {Where(filter)}
            GROUP BY 1
            """;
        await using var command = Db.CreateCommand(sql);
        AddPeriod(command, period);
        AddFilter(command, filter);
        var result = new Dictionary<string, TicketTotals>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var v = new long[24];
            for (var i = 0; i < v.Length; i++) v[i] = reader.GetInt64(i + 1);
            result[reader.GetString(0)] = new TicketTotals(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12],
                v[13], v[14], v[15], v[16], v[17], v[18], v[19], v[20], v[21], v[22], v[23]);
        }
        return result;
    }

    /// <summary>
    /// The orders behind one figure (drill-down): the period's orders whose <paramref name="by"/> key is
    /// <paramref name="key"/> (all of them for the total), newest first, a page at a time, and how many there are.
    /// </summary>
    public async Task<(long Total, IReadOnlyList<OrderLine> Orders)> OrdersBehindAsync(ReportPeriod period, ReportDimension by, string? key,
        OrderFilter filter, int page, int pageSize, CancellationToken ct)
    {
        await using var command = Db.CreateCommand($"""
            SELECT t.number, t.created_at, t.kind, t.channel, t.category, t.district, t.lead_department, t.status, t.summary, count(*) OVER ()
            FROM tickets t
            WHERE t.created_at >= @from AND t.created_at < @to AND t.status <> 'merged' {Where(filter)}
                {(key is null ? "" : $"AND {by.TicketKey} = @key")}
            ORDER BY t.created_at DESC, t.number
            LIMIT @limit OFFSET @offset
            """);
        AddPeriod(command, period);
        AddFilter(command, filter);
        if (key is not null) command.Parameters.Add(new NpgsqlParameter("key", NpgsqlDbType.Text) { Value = key });
        command.Parameters.Add(new NpgsqlParameter("limit", NpgsqlDbType.Integer) { Value = pageSize });
        command.Parameters.Add(new NpgsqlParameter("offset", NpgsqlDbType.Integer) { Value = (page - 1) * pageSize });
        var lines = new List<OrderLine>();
        long total = 0;
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            lines.Add(new OrderLine(reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetString(3),
                reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.GetString(7), reader.GetString(8)));
            total = reader.GetInt64(9);
        }
        return (total, lines);
    }

    /// <summary>The summaries of the period's orders (newest first, at most <see cref="MaxKeywordTexts"/>), for keywords.</summary>
    public async Task<IReadOnlyList<string>> SummariesAsync(ReportPeriod period, OrderFilter filter, CancellationToken ct)
    {
        await using var command = Db.CreateCommand($"""
            SELECT t.summary FROM tickets t
            WHERE t.created_at >= @from AND t.created_at < @to AND t.status <> 'merged' {Where(filter)}
            ORDER BY t.created_at DESC LIMIT {MaxKeywordTexts}
            """);
        AddPeriod(command, period);
        AddFilter(command, filter);
        var texts = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) texts.Add(reader.GetString(0));
        return texts;
    }

    /// <summary>
    /// Knowledge articles used at the desk in the period (knowledge_feedback): times used, marked helpful and not
    /// helpful, most used first, then the most often unhelpful, at most <paramref name="top"/> of each.
    /// </summary>
    public async Task<IReadOnlyList<(long Id, string Title, long Used, long Helpful, long Unhelpful)>> KnowledgeUseAsync(
        ReportPeriod period, int top, CancellationToken ct)
    {
        await using var command = Db.CreateCommand("""
            WITH use AS (
                SELECT f.article_id, count(*) FILTER (WHERE f.used) AS used, count(*) FILTER (WHERE f.helpful) AS helpful,
                       count(*) FILTER (WHERE f.helpful = false) AS unhelpful
                FROM knowledge_feedback f WHERE f.at >= @from AND f.at < @to GROUP BY f.article_id)
            SELECT u.article_id, a.title, u.used, u.helpful, u.unhelpful FROM use u JOIN knowledge_articles a ON a.id = u.article_id
            WHERE u.article_id IN (SELECT article_id FROM use ORDER BY used DESC, article_id LIMIT @top)
               OR u.article_id IN (SELECT article_id FROM use WHERE unhelpful > 0 ORDER BY unhelpful DESC, article_id LIMIT @top)
            ORDER BY u.used DESC, u.unhelpful DESC, u.article_id
            """);
        AddPeriod(command, period);
        command.Parameters.Add(new NpgsqlParameter("top", NpgsqlDbType.Integer) { Value = top });
        var rows = new List<(long, string, long, long, long)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4)));
        return rows;
    }

    /// <summary>Whether any order names this district (districts are free text on the order, not a list).</summary>
    public async Task<bool> DistrictKnownAsync(string district, CancellationToken ct)
    {
        await using var command = Db.CreateCommand("SELECT EXISTS (SELECT FROM tickets WHERE district = $1)");
        command.Parameters.AddWithValue(district);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    public async Task<EvaluationWeights> WeightsAsync(CancellationToken ct)
    {
        await using var command = Db.CreateCommand("SELECT indicator, weight FROM report_evaluation_weights");
        var weights = new Dictionary<EvaluationIndicator, double>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (Names.TryParse<EvaluationIndicator>(reader.GetString(0), out var indicator)) weights[indicator] = reader.GetDouble(1);
        }
        return weights.Count == 0 ? EvaluationWeights.Default : new EvaluationWeights(weights);
    }

    /// <summary>Replaces every weight in one transaction.</summary>
    public async Task SaveWeightsAsync(EvaluationWeights weights, string actor, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await Db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var clear = new NpgsqlCommand("DELETE FROM report_evaluation_weights", connection, tx))
            await clear.ExecuteNonQueryAsync(ct);
        foreach (var indicator in Enum.GetValues<EvaluationIndicator>())
        {
            await using var insert = new NpgsqlCommand(
                "INSERT INTO report_evaluation_weights (indicator, weight, updated_by, updated_at) VALUES ($1, $2, $3, $4)", connection, tx);
            insert.Parameters.AddWithValue(Names.Of(indicator));
            insert.Parameters.AddWithValue(weights.Of(indicator));
            insert.Parameters.AddWithValue(actor);
            insert.Parameters.AddWithValue(now);
            await insert.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    public async Task<HotTopicConfiguration> HotTopicSettingsAsync(CancellationToken ct)
    {
        await using var command = Db.CreateCommand("SELECT rise_factor, minimum_count, stop_words, terms FROM report_hot_topic_settings WHERE id = 1");
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return HotTopicConfiguration.Default;
        return new HotTopicConfiguration(reader.GetDouble(0), reader.GetInt32(1), reader.GetFieldValue<string[]>(2), reader.GetFieldValue<string[]>(3));
    }

    public async Task SaveHotTopicSettingsAsync(HotTopicConfiguration settings, string actor, DateTimeOffset now, CancellationToken ct)
    {
        await using var command = Db.CreateCommand("""
            INSERT INTO report_hot_topic_settings (id, rise_factor, minimum_count, stop_words, terms, updated_by, updated_at)
            VALUES (1, $1, $2, $3, $4, $5, $6)
            ON CONFLICT (id) DO UPDATE SET rise_factor = EXCLUDED.rise_factor, minimum_count = EXCLUDED.minimum_count,
                stop_words = EXCLUDED.stop_words, terms = EXCLUDED.terms, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at
            """);
        command.Parameters.AddWithValue(settings.RiseFactor);
        command.Parameters.AddWithValue(settings.MinimumCount);
        command.Parameters.AddWithValue(settings.StopWords.ToArray());
        command.Parameters.AddWithValue(settings.Terms.ToArray());
        command.Parameters.AddWithValue(actor);
        command.Parameters.AddWithValue(now);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static string Where(OrderFilter f) =>
        (f.Department is null ? "" : " AND t.lead_department = @department")
        + (f.Categories is null ? "" : " AND t.category = ANY(@categories)")
        + (f.District is null ? "" : " AND t.district = @district");

    private static void AddFilter(NpgsqlCommand command, OrderFilter f)
    {
        if (f.Department is not null) command.Parameters.Add(new NpgsqlParameter("department", NpgsqlDbType.Text) { Value = f.Department });
        if (f.Categories is not null)
            command.Parameters.Add(new NpgsqlParameter("categories", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = f.Categories.ToArray() });
        if (f.District is not null) command.Parameters.Add(new NpgsqlParameter("district", NpgsqlDbType.Text) { Value = f.District });
    }

    private static void AddPeriod(NpgsqlCommand command, ReportPeriod period)
    {
        command.Parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.TimestampTz) { Value = period.Start.ToUniversalTime() });
        command.Parameters.Add(new NpgsqlParameter("to", NpgsqlDbType.TimestampTz) { Value = period.End.ToUniversalTime() });
    }
}

/// <summary>One order behind a report figure.</summary>
public sealed record OrderLine(string Number, DateTimeOffset CreatedAt, string Kind, string Channel, string Category, string? District,
    string? LeadDepartment, string Status, string Summary);

/// <summary>A page of the orders behind a figure.</summary>
public sealed record OrderLinePage(long Total, int Page, int PageSize, IReadOnlyList<OrderLine> Items);

/// <summary>The hot-topic settings an administrator keeps: the alert threshold, extra stop words, terms to keep whole.</summary>
public sealed record HotTopicConfiguration(double RiseFactor, int MinimumCount, IReadOnlyList<string> StopWords, IReadOnlyList<string> Terms)
{
    public static HotTopicConfiguration Default { get; } = new(HotTopicSettings.Default.RiseFactor, HotTopicSettings.Default.MinimumCount, [], []);

    public HotTopicSettings Threshold => new(RiseFactor, MinimumCount);
}
