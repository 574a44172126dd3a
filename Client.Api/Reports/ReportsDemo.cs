using System.Globalization;
using System.Text.Json;
using Hotline.Api.Configuration;
using Hotline.Api.Demo;
using Hotline.Calls;
using Hotline.Reporting;
using Hotline.ReadModel;
using Hotline.Tickets;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Hotline.Api.Reports;

/// <summary>
/// With <c>Hotline:Demo:History</c> (run.sh sets it): some 400 days of finished calls and work orders before today,
/// written into the read model the grains' storage keeps (rows and payloads shaped like theirs), so that every report,
/// chart, 同比/环比 comparison, evaluation rank and hot topic shows something on a fresh machine. Deterministic (seed
/// 12345); written once (the history's calls are <c>demo-…</c>, its orders 10-digit numbers starting with 9 and ending in
/// the check digit, apart from the allocator's 8-digit ones). Last month carries a burst of 停水 orders in 历下区, which the hot topics flag.
/// </summary>
internal sealed partial class ReportsDemo(NpgsqlDataSource? db, DemoSeeder demo, IOptions<HotlineOptions> options, TimeProvider time,
    ILogger<ReportsDemo> logger) : BackgroundService
{
    public const int Days = 400;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the history is written, or at once when there is none to write.</summary>
    public Task Completed => _completed.Task;
    private static readonly string[] Districts = ["历下区", "市中区", "槐荫区", "天桥区", "历城区", "长清区", "章丘区"];
    private static readonly string[] Queues = ["general", "general", "general", "social-security", "housing-fund"];

    /// <summary>Per category: what citizens say (summaries), and the department the catalogue sends it to.</summary>
    private static readonly (string Category, string? Department, string[] Summaries)[] Topics =
    [
        ("housing-fund", "housing", ["公积金提取进度查询", "公积金贷款审批慢", "公积金缴存基数调整咨询", "离职后公积金提取"]),
        ("social-insurance", "hrss", ["养老金资格认证咨询", "医保异地就医备案", "社保卡补办", "失业保险金申领"]),
        ("housing", "housing", ["物业费收费不合理", "小区电梯故障无人维修", "楼顶漏水物业不管", "小区停车位纠纷"]),
        ("education", "education", ["校外培训机构拒不退费", "入学报名材料咨询", "学校周边交通拥堵"]),
        ("traffic", "police-liaison", ["电动自行车上牌咨询", "路口红绿灯故障", "违章停车占用消防通道"]),
        ("consumer", "market", ["预付卡商家跑路退费", "网购商品拒绝退货", "超市销售过期食品"]),
        ("environment", "environment", ["夜间施工噪声扰民", "餐饮油烟污染", "河道垃圾漂浮"]),
        ("public-safety", "police-liaison", ["小区门禁损坏存在安全隐患", "井盖缺失"]),
    ];

    /// <summary>How well each department keeps its limits (share replied on time) and pleases (share satisfied): the ranking's spread.</summary>
    private static readonly Dictionary<string, (double OnTime, double Satisfied)> Quality = new(StringComparer.Ordinal)
    {
        ["housing"] = (0.86, 0.88), ["hrss"] = (0.97, 0.95), ["education"] = (0.92, 0.91),
        ["market"] = (0.89, 0.86), ["environment"] = (0.81, 0.84), ["police-liaison"] = (0.95, 0.93),
    };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await WriteAsync(stoppingToken);
            _completed.TrySetResult();
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException)
        {
            _completed.TrySetException(e);
            if (e is NpgsqlException) LogFailed(logger, e.Message);
        }
    }

    private async Task WriteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Demo.Seed || !options.Value.Demo.History || db is null) return;
        await demo.Completed.WaitAsync(stoppingToken);
        await using (var seeded = db.CreateCommand("SELECT EXISTS (SELECT FROM call_records WHERE call_id LIKE 'demo-history-%')"))
            if ((bool)(await seeded.ExecuteScalarAsync(stoppingToken))!) return;

        // Terms a general dictionary would cut (停水 → 停 + 水), as an administrator keeps them for hot topics.
        await using (var terms = db.CreateCommand("""
            INSERT INTO report_hot_topic_settings (id, rise_factor, minimum_count, stop_words, terms, updated_by, updated_at)
            VALUES (1, 3, 5, '{}', '{停水,电动自行车,预付卡,油烟,噪声}', '9000', now())
            ON CONFLICT (id) DO NOTHING
            """))
            await terms.ExecuteNonQueryAsync(stoppingToken);

        var today = ReportPeriod.LocalDay(time.GetUtcNow());
        var (calls, orders) = Generate(today, new Random(12345));
        foreach (var batch in calls.Chunk(2000)) await WriteCallsAsync(batch, stoppingToken);
        foreach (var batch in orders.Chunk(500)) await WriteOrdersAsync(batch, stoppingToken);
        LogSeeded(logger, calls.Count, orders.Count, Days);
    }

    internal sealed record DemoCall(string Id, string State, string Queue, string? Seat, DateTimeOffset Arrived, DateTimeOffset Queued,
        DateTimeOffset? Answered, DateTimeOffset Ended, DateTimeOffset? WrappedUp);

    internal sealed record DemoOrder(string Number, TicketStatus Status, TicketKind Kind, TicketChannel Channel, string Category, string District,
        string Summary, string? Department, DateTimeOffset Created, string CreatedBy, TicketDeadlines Deadlines, DateTimeOffset? RepliedAt,
        DateTimeOffset? ClosedAt, Satisfaction? Satisfaction, int Returns, int Reopens, int Urges, bool Overdue, IReadOnlyList<TicketHistoryEntry> History);

    /// <summary>The history: calls and orders for each of the <see cref="Days"/> days before <paramref name="today"/>.</summary>
    internal static (List<DemoCall> Calls, List<DemoOrder> Orders) Generate(DateOnly today, Random random)
    {
        var calls = new List<DemoCall>();
        var orders = new List<DemoOrder>();
        var burstMonth = today.AddMonths(-1);
        for (var d = Days; d >= 1; d--)
        {
            var day = today.AddDays(-d);
            var weekend = day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
            var growth = 1 + 0.25 * (Days - d) / Days; // volumes grow over the year
            var callCount = (int)((weekend ? 70 : 130) * growth) + random.Next(20);
            for (var i = 0; i < callCount; i++) calls.Add(Call(day, i, random));

            var orderCount = (int)((weekend ? 18 : 34) * growth) + random.Next(8);
            var burst = day.Year == burstMonth.Year && day.Month == burstMonth.Month && day.Day is >= 10 and <= 14;
            for (var i = 0; i < orderCount + (burst ? 12 : 0); i++)
                orders.Add(Order(day, i, today, random, burst && i >= orderCount));
        }
        return (calls, orders);
    }

    private static DemoCall Call(DateOnly day, int index, Random random)
    {
        // Arrivals peak mid-morning and mid-afternoon; the evening is thin.
        int[] hours = [8, 9, 9, 10, 10, 10, 11, 11, 13, 14, 14, 15, 15, 16, 17, 19, 21];
        var arrived = new DateTimeOffset(day.ToDateTime(new TimeOnly(hours[random.Next(hours.Length)], random.Next(60), random.Next(60))), ReportPeriod.Offset);
        var queued = arrived.AddSeconds(15 + random.Next(30)); // the IVR menu
        var busy = arrived.Hour is 10 or 14 or 15;
        var wait = busy ? random.Next(2, 40) : random.Next(1, 14);
        var abandon = random.NextDouble() < (busy ? 0.12 : 0.05);
        var id = $"demo-history-{day:yyyyMMdd}-{index:0000}"; // apart from the other demo calls (demo-voicemail-1 …)
        var queue = Queues[random.Next(Queues.Length)];
        if (abandon)
        {
            var gave = random.NextDouble() < 0.3 ? random.Next(1, 5) : random.Next(5, 60);
            return new DemoCall(id, "abandoned", queue, null, arrived, queued, null, queued.AddSeconds(gave), null);
        }
        var answered = queued.AddSeconds(wait);
        var ended = answered.AddSeconds(60 + random.Next(420));
        return new DemoCall(id, "ended", queue, $"{1001 + random.Next(10)}", arrived, queued, answered, ended, ended.AddSeconds(10 + random.Next(60)));
    }

    private static DemoOrder Order(DateOnly day, int index, DateOnly today, Random random, bool burst)
    {
        var topic = burst ? ("housing", "housing", new[] { "小区停水多日无人处理", "小区停水 供水管道爆裂", "停水未提前通知" })
            : Topics[random.Next(Topics.Length)];
        var category = topic.Item1;
        var summary = topic.Item3[random.Next(topic.Item3.Length)];
        var district = burst ? "历下区" : Districts[random.Next(Districts.Length)];
        var kind = burst ? TicketKind.Complaint : (TicketKind)random.Next(0, 5);
        var channel = random.NextDouble() < 0.88 ? TicketChannel.Phone : (TicketChannel)random.Next(2, 8);
        var created = new DateTimeOffset(day.ToDateTime(new TimeOnly(8 + random.Next(11), random.Next(60))), ReportPeriod.Offset);
        var body = string.Create(CultureInfo.InvariantCulture, $"9{day:yyMMdd}{index:00}");
        var number = body + (char)('0' + TicketNumber.CheckDigit(body));
        var agent = $"{1001 + random.Next(10)}";
        var history = new List<TicketHistoryEntry>();
        void Add(DateTimeOffset at, string job, string role, string action, string? note = null, string? department = null) =>
            history.Add(new TicketHistoryEntry(history.Count + 1, at, job, role, action, note, department));
        Add(created, agent, "agent", "registered", $"{Names.Of(kind)} via {Names.Of(channel)}");

        if (!burst && kind == TicketKind.Consultation && random.NextDouble() < 0.7)
        {
            Add(created.AddMinutes(3), agent, "agent", "resolved_on_spot", "已当场答复");
            return new DemoOrder(number, TicketStatus.Resolved, kind, channel, category, district, summary, null, created, agent, new TicketDeadlines(),
                created.AddMinutes(3), created.AddMinutes(3), null, 0, 0, 0, false, history);
        }

        var department = topic.Item2!;
        var quality = Quality[department];
        var staff = $"{7001 + Array.IndexOf(["housing", "hrss", "education", "market", "environment", "police-liaison"], department)}";
        var replyDays = kind switch { TicketKind.Consultation or TicketKind.Praise => 3, TicketKind.Help or TicketKind.Suggestion => 14, _ => 21 };
        var dispatched = created.AddMinutes(20 + random.Next(120));
        var deadlines = new TicketDeadlines
        {
            Sign = dispatched.AddDays(1), Reply = dispatched.AddDays(replyDays), Finish = dispatched.AddDays(replyDays + 4),
        };
        Add(dispatched, "8001", "dispatcher", "dispatched", $"lead {department}");
        var returns = random.NextDouble() < 0.04 ? 1 : 0;
        if (returns == 1)
        {
            Add(dispatched.AddHours(3), staff, "department", "returned", "非本单位职责", department);
            Add(dispatched.AddHours(5), "8001", "dispatcher", "dispatched", $"lead {department}");
        }
        var signed = dispatched.AddHours(random.NextDouble() < quality.OnTime ? 1 + random.Next(20) : 26 + random.Next(30));
        Add(signed, staff, "department", "signed", null, department);
        var late = random.NextDouble() > quality.OnTime;
        var replied = late ? deadlines.Reply!.Value.AddHours(6 + random.Next(72)) : signed.AddHours(4 + random.Next(Math.Max(8, replyDays * 16)));
        var now = new DateTimeOffset(today.ToDateTime(TimeOnly.MinValue), ReportPeriod.Offset);
        var urges = late ? 1 + random.Next(2) : 0;
        if (urges > 0) Add(deadlines.Reply!.Value.AddHours(-12), "8001", "dispatcher", "urged", "请抓紧办理");
        if (replied >= now)
        {
            // Still being handled today: signed, not yet replied.
            return new DemoOrder(number, TicketStatus.Signed, kind, channel, category, district, summary, department, created, agent, deadlines,
                null, null, null, returns, 0, urges, late && deadlines.Reply < now, history);
        }
        Add(replied, staff, "department", "replied", "已核实处理并答复来电人", department);
        var roll = random.NextDouble();
        var satisfaction = roll < quality.Satisfied ? Satisfaction.Satisfied : roll < quality.Satisfied + 0.07 ? Satisfaction.Basically : Satisfaction.Unsatisfied;
        var visited = replied.AddHours(20 + random.Next(40));
        var reopens = 0;
        if (satisfaction == Satisfaction.Unsatisfied)
        {
            Add(visited, "8101", "dispatcher", "visited", "unsatisfied");
            Add(visited, "8101", "dispatcher", "reopened", "来电人不满意");
            reopens = 1;
            replied = visited.AddHours(24 + random.Next(72));
            Add(replied, staff, "department", "replied", "重新核实后答复", department);
            visited = replied.AddHours(24);
            satisfaction = random.NextDouble() < 0.6 ? Satisfaction.Basically : Satisfaction.Unsatisfied;
        }
        if (visited >= now)
            return new DemoOrder(number, TicketStatus.Replied, kind, channel, category, district, summary, department, created, agent, deadlines,
                replied, null, null, returns, reopens, urges, late, history);
        Add(visited, "8101", "dispatcher", "visited", Names.Of(satisfaction));
        return new DemoOrder(number, TicketStatus.Closed, kind, channel, category, district, summary, department, created, agent, deadlines,
            replied, visited, satisfaction, returns, reopens, urges, late, history);
    }

    private async Task WriteCallsAsync(DemoCall[] calls, CancellationToken ct)
    {
        await using var command = db!.CreateCommand("""
            INSERT INTO call_records (call_id, etag, state, channel, queue_id, seat_job_no, arrived_at, queued_at, offered_at, answered_at,
                ended_at, wrapup_ended_at, end_reason, payload)
            SELECT id, 1, state, 'simulated', queue, seat, arrived, queued, answered, answered, ended, wrapped, 'caller_hung_up', payload::jsonb
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::timestamptz[],
                        $8::timestamptz[], $9::timestamptz[], $10::text[])
                AS c (id, state, queue, seat, arrived, queued, answered, ended, wrapped, payload)
            ON CONFLICT (call_id) DO NOTHING
            """);
        command.Parameters.AddWithValue(calls.Select(c => c.Id).ToArray());
        command.Parameters.AddWithValue(calls.Select(c => c.State).ToArray());
        command.Parameters.AddWithValue(calls.Select(c => c.Queue).ToArray());
        command.Parameters.AddWithValue(calls.Select(c => c.Seat).ToArray());
        command.Parameters.AddWithValue(calls.Select(c => c.Arrived.ToUniversalTime()).ToArray());
        command.Parameters.AddWithValue(calls.Select(c => c.Queued.ToUniversalTime()).ToArray());
        command.Parameters.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, calls.Select(c => c.Answered?.ToUniversalTime()).ToArray());
        command.Parameters.AddWithValue(calls.Select(c => c.Ended.ToUniversalTime()).ToArray());
        command.Parameters.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, calls.Select(c => c.WrappedUp?.ToUniversalTime()).ToArray());
        command.Parameters.AddWithValue(calls.Select(CallPayload).ToArray());
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The call grain's state (CallRecord) as its storage writes it.</summary>
    internal static string CallPayload(DemoCall c) => JsonSerializer.Serialize(new
    {
        started = true, state = c.State == "abandoned" ? CallState.Abandoned : CallState.Ended, channel = CallChannel.Simulated,
        queueId = c.Queue, seatJobNo = c.Seat, arrivedAt = c.Arrived, queuedAt = c.Queued, offeredAt = c.Answered, answeredAt = c.Answered,
        endedAt = c.Ended, wrapUpEndedAt = c.WrappedUp, endReason = "caller_hung_up", queues = new[] { c.Queue }, enqueuedAt = c.Queued,
    }, Json);

    private async Task WriteOrdersAsync(DemoOrder[] orders, CancellationToken ct)
    {
        await using var connection = await db!.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var command = new NpgsqlCommand("""
            INSERT INTO tickets (number, etag, status, kind, channel, category, summary, content, district, lead_department, suggested_department,
                created_at, created_by, updated_at, sign_due, reply_due, finish_due, overdue, supervised, urge_count, reply, replied_at,
                satisfaction, return_count, reopen_count, closed_at, search, payload)
            SELECT number, 1, status, kind, channel, category, summary, summary, district, dept, dept, created, created_by,
                coalesce(closed, replied, created), sign_due, reply_due, finish_due, overdue, overdue, urges,
                CASE WHEN replied IS NULL THEN NULL ELSE '已核实处理并答复来电人' END, replied, satisfaction, returns, reopens, closed,
                setweight(to_tsvector('simple', doc), 'A'), payload::jsonb
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::timestamptz[],
                        $10::text[], $11::timestamptz[], $12::timestamptz[], $13::timestamptz[], $14::bool[], $15::int[], $16::timestamptz[],
                        $17::text[], $18::int[], $19::int[], $20::timestamptz[], $21::text[], $22::text[])
                AS o (number, status, kind, channel, category, summary, district, dept, created, created_by, sign_due, reply_due, finish_due,
                      overdue, urges, replied, satisfaction, returns, reopens, closed, doc, payload)
            ON CONFLICT (number) DO NOTHING
            """, connection, tx))
        {
            static object Times(IEnumerable<DateTimeOffset?> values) => values.Select(v => v?.ToUniversalTime()).ToArray();
            var p = command.Parameters;
            p.AddWithValue(orders.Select(o => o.Number).ToArray());
            p.AddWithValue(orders.Select(o => Names.Of(o.Status)).ToArray());
            p.AddWithValue(orders.Select(o => Names.Of(o.Kind)).ToArray());
            p.AddWithValue(orders.Select(o => Names.Of(o.Channel)).ToArray());
            p.AddWithValue(orders.Select(o => o.Category).ToArray());
            p.AddWithValue(orders.Select(o => o.Summary).ToArray());
            p.AddWithValue(orders.Select(o => o.District).ToArray());
            p.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.Text, orders.Select(o => o.Department).ToArray());
            p.AddWithValue(orders.Select(o => o.Created.ToUniversalTime()).ToArray());
            p.AddWithValue(orders.Select(o => o.CreatedBy).ToArray());
            p.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, Times(orders.Select(o => o.Deadlines.Sign)));
            p.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, Times(orders.Select(o => o.Deadlines.Reply)));
            p.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, Times(orders.Select(o => o.Deadlines.Finish)));
            p.AddWithValue(orders.Select(o => o.Overdue).ToArray());
            p.AddWithValue(orders.Select(o => o.Urges).ToArray());
            p.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, Times(orders.Select(o => o.RepliedAt)));
            p.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.Text, orders.Select(o => o.Satisfaction is { } s ? Names.Of(s) : null).ToArray());
            p.AddWithValue(orders.Select(o => o.Returns).ToArray());
            p.AddWithValue(orders.Select(o => o.Reopens).ToArray());
            p.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, Times(orders.Select(o => o.ClosedAt)));
            p.AddWithValue(orders.Select(o => ChineseSearch.Document($"{o.Number} {o.Summary} {o.District}")).ToArray());
            p.AddWithValue(orders.Select(OrderPayload).ToArray());
            await command.ExecuteNonQueryAsync(ct);
        }
        await using (var history = new NpgsqlCommand("""
            INSERT INTO ticket_history (number, sequence, at, job_no, role, action, note, department_id)
            SELECT * FROM unnest($1::text[], $2::int[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
            ON CONFLICT (number, sequence) DO NOTHING
            """, connection, tx))
        {
            var lines = orders.SelectMany(o => o.History.Select(h => (o.Number, h))).ToList();
            var p = history.Parameters;
            p.AddWithValue(lines.Select(l => l.Number).ToArray());
            p.AddWithValue(lines.Select(l => l.h.Sequence).ToArray());
            p.AddWithValue(lines.Select(l => l.h.At.ToUniversalTime()).ToArray());
            p.AddWithValue(lines.Select(l => l.h.JobNo).ToArray());
            p.AddWithValue(lines.Select(l => l.h.Role).ToArray());
            p.AddWithValue(lines.Select(l => l.h.Action).ToArray());
            p.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.Text, lines.Select(l => l.h.Note).ToArray());
            p.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.Text, lines.Select(l => l.h.DepartmentId).ToArray());
            await history.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    /// <summary>The ticket grain's state (TicketRecord) as its storage writes it, so an opened demo order reads like any other.</summary>
    internal static string OrderPayload(DemoOrder o) => JsonSerializer.Serialize(new
    {
        created = true, status = o.Status,
        intake = new TicketIntake
        {
            Channel = o.Channel, Kind = o.Kind, Category = o.Category, Summary = o.Summary, Content = o.Summary, District = o.District,
            ResolvedAnswer = o.Status == TicketStatus.Resolved ? "已当场答复" : null,
        },
        createdAt = o.Created, createdBy = o.CreatedBy, leadDepartment = o.Department, coDepartments = Array.Empty<string>(),
        suggestedDepartment = o.Department, deadlines = o.Deadlines, overdue = o.Overdue, supervised = o.Overdue, urgeCount = o.Urges,
        reply = o.RepliedAt is null ? null : "已核实处理并答复来电人", repliedAt = o.RepliedAt, satisfaction = o.Satisfaction,
        returnCount = o.Returns, reopenCount = o.Reopens, mergedNumbers = Array.Empty<string>(), closedAt = o.ClosedAt,
        updatedAt = o.ClosedAt ?? o.RepliedAt ?? o.Created, version = o.History.Count, history = o.History,
        clockStartedAt = o.History.LastOrDefault(h => h.Action is "dispatched" or "reopened")?.At, extensionDays = 0,
        handledEvents = Array.Empty<string>(),
    }, Json);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo report history not written: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo report history written: {Calls} calls and {Orders} work orders over {Days} days")]
    private static partial void LogSeeded(ILogger logger, int calls, int orders, int days);
}
