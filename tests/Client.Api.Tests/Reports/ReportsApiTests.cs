using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using static Hotline.Tests.Reports.ReportsTestData;

namespace Hotline.Tests.Reports;

/// <summary>
/// The report API over hand-made March 2025 data: the figures computed by hand (the KPI classes' unit-test fixtures,
/// now summed by PostgreSQL), a straight SQL count, 环比/同比, department isolation of the evaluation, exports read back
/// with an independent reader, and refusals.
/// </summary>
public sealed class ReportsApiTests(ApiFixture api) : IClassFixture<ApiFixture>, IAsyncLifetime
{
    private const string March = "from=2025-03-01&to=2025-03-31";
    private NpgsqlDataSource _db = null!;

    public async Task InitializeAsync()
    {
        _db = NpgsqlDataSource.Create(api.ConnectionString);
        await using var check = _db.CreateCommand("SELECT count(*) FROM call_records WHERE call_id LIKE 'r-%'");
        if ((long)(await check.ExecuteScalarAsync())! > 0) return; // the class fixture is shared: seed once

        await QueuedCallAsync(_db, "r-1", "ended", 0, wait: 4, talk: 120, wrap: 30);
        await QueuedCallAsync(_db, "r-2", "ended", 10, wait: 10, talk: 200, wrap: 20);
        await QueuedCallAsync(_db, "r-3", "ended", 20, wait: 25, talk: 100);
        await QueuedCallAsync(_db, "r-4", "abandoned", 30, wait: null, abandonAfter: 3);
        await QueuedCallAsync(_db, "r-5", "abandoned", 40, wait: null, abandonAfter: 40);
        await CallAsync(_db, "r-6", "ended", Nine, null, null, Nine.AddSeconds(50), null, queue: null); // IVR only
        // Arrives at 23:58 on 10 March and ends after midnight: it counts on the 10th, hour 23.
        var late = new DateTimeOffset(2025, 3, 10, 23, 58, 0, China);
        await CallAsync(_db, "r-7", "ended", late, late.AddSeconds(5), late.AddSeconds(13), late.AddMinutes(5), late.AddMinutes(6), queue: "housing-fund");

        await OrderAsync(_db, new("25030001", "closed"));
        await OrderAsync(_db, new("25030002", "closed", SignLate: 2, ReplyLate: 5, CloseLate: 1, Overdue: true, Urges: 2, Supervised: true,
            Satisfaction: "basically", Summary: "小区停水 供水管道 爆裂"));
        await OrderAsync(_db, new("25030003", "replied", Kind: "complaint", Channel: "web", Returns: 1, Extensions: 1, Satisfaction: null,
            Summary: "小区停水 物业不管"));
        await OrderAsync(_db, new("25030004", "closed", Kind: "complaint", Reopens: 2, Satisfaction: "unsatisfied", District: "历城区"));
        await OrderAsync(_db, new("25030005", "resolved", Kind: "consultation", Department: null, SignLate: null, ReplyLate: null,
            Satisfaction: null, Category: "social-insurance", Summary: "社保卡 补办"));
        await OrderAsync(_db, new("25030006", "merged", Satisfaction: null));
        await OrderAsync(_db, new("25030007", "closed", Department: "hrss", Category: "social-insurance", District: "历城区", Summary: "养老金 认证"));
        // The period before (环比) and the same month a year earlier (同比).
        await OrderAsync(_db, new("25020001", "closed", Created: new DateTimeOffset(2025, 2, 10, 10, 0, 0, China)));
        await OrderAsync(_db, new("25020002", "closed", Created: new DateTimeOffset(2025, 2, 11, 10, 0, 0, China)));
        await OrderAsync(_db, new("24030001", "closed", Created: new DateTimeOffset(2024, 3, 11, 10, 0, 0, China)));
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private static Dictionary<string, double?> Values(JsonElement row) =>
        row.GetProperty("values").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.Null ? (double?)null : p.Value.GetDouble());

    private static JsonElement Table(JsonElement report, string name) =>
        report.GetProperty("tables").EnumerateArray().Single(t => t.Str("name") == name);

    [Fact]
    public async Task Call_kpis_of_a_period_are_the_hand_computed_figures_and_a_call_past_midnight_counts_on_its_arrival_day()
    {
        var supervisor = await api.SignedInAsync("9001");

        var report = await supervisor.GetOkAsync($"/api/reports/calls?{March}&groupBy=day");

        var calls = Table(report, "calls");
        var total = Values(calls.GetProperty("total"));
        Assert.Equal(6, total["offered"]);
        Assert.Equal(4, total["answered"]);
        Assert.Equal(66.67, total["connectionRate"]);
        Assert.Equal(60, total["serviceLevel"]);      // 3 within 10 s of 6 offered less 1 short abandon
        Assert.Equal(2, total["abandoned"]);
        Assert.Equal(1, total["shortAbandoned"]);
        Assert.Equal(33.33, total["abandonRate"]);
        Assert.Equal(11.8, total["averageSpeedOfAnswer"]); // (4 + 10 + 25 + 8) / 4
        Assert.Equal(176.8, total["averageTalk"]);         // (120 + 200 + 100 + 287) / 4
        Assert.Equal(36.7, total["averageWrapUp"]);        // (30 + 20 + 60) / 3
        Assert.Equal(204.3, total["averageHandle"]);
        Assert.Equal(["2025-03-10"], calls.GetProperty("rows").EnumerateArray().Select(r => r.Str("key")));

        var hours = Table(await supervisor.GetOkAsync($"/api/reports/calls?{March}&groupBy=hour"), "calls");
        Assert.Equal(["09", "23"], hours.GetProperty("rows").EnumerateArray().Select(r => r.Str("key")));
    }

    [Fact]
    public async Task The_reported_counts_equal_a_straight_sql_count_over_the_same_rows()
    {
        var supervisor = await api.SignedInAsync("9001");
        var calls = Values(Table(await supervisor.GetOkAsync($"/api/reports/calls?{March}&groupBy=queue"), "calls").GetProperty("total"));
        var orders = Values(Table(await supervisor.GetOkAsync($"/api/reports/volume?{March}&groupBy=district"), "orders").GetProperty("total"));

        async Task<long> Count(string sql)
        {
            await using var command = _db.CreateCommand(sql);
            return (long)(await command.ExecuteScalarAsync())!;
        }
        const string Period = "'2025-03-01 00:00+08' AND '2025-04-01 00:00+08'";
        Assert.Equal(await Count($"SELECT count(*) FROM call_records WHERE queued_at IS NOT NULL AND arrived_at >= {Period.Replace(" AND ", " AND arrived_at < ")}"),
            (long)calls["offered"]!);
        Assert.Equal(await Count($"SELECT count(*) FROM call_records WHERE answered_at IS NOT NULL AND arrived_at >= {Period.Replace(" AND ", " AND arrived_at < ")}"),
            (long)calls["answered"]!);
        Assert.Equal(await Count($"SELECT count(*) FROM tickets WHERE status <> 'merged' AND created_at >= {Period.Replace(" AND ", " AND created_at < ")}"),
            (long)orders["received"]!);
    }

    [Fact]
    public async Task Work_order_kpis_are_the_hand_computed_figures_with_a_twice_reopened_order_counted_once_among_reopened_orders()
    {
        var supervisor = await api.SignedInAsync("9001");

        var orders = Table(await supervisor.GetOkAsync($"/api/reports/volume?{March}&groupBy=department"), "orders");

        var total = Values(orders.GetProperty("total"));
        Assert.Equal(6, total["received"]);            // the merged duplicate lives on in the order it joined
        Assert.Equal(16.67, total["firstContactResolution"]);
        Assert.Equal(33.33, total["complaintRate"]);
        Assert.Equal(5, total["dispatched"]);
        Assert.Equal(80, total["onTimeSignRate"]);
        Assert.Equal(80, total["onTimeReplyRate"]);
        Assert.Equal(75, total["onTimeCompletionRate"]);
        Assert.Equal(100, total["completionRate"]);
        Assert.Equal(2, total["reopenings"]);
        Assert.Equal(20, total["reopenRate"]);         // 1 reopened order of 5 replied
        Assert.Equal(1, total["returns"]);
        Assert.Equal(1, total["extensions"]);
        Assert.Equal(2, total["urges"]);
        Assert.Equal(75, total["satisfactionRate"]);   // satisfied 2 + basically 1 of 4 visited

        var housing = orders.GetProperty("rows").EnumerateArray().Single(r => r.Str("key") == "housing");
        Assert.Equal("住建局", housing.Str("label"));
        var h = Values(housing);
        Assert.Equal((4, 75, 66.67), (h["received"], h["onTimeReplyRate"], h["onTimeCompletionRate"]));
        // 环比: 2 in the 31 days before; 同比: 1 in March 2024.
        Assert.Equal((2, 100, 1, 300), (h["previousReceived"], h["previousChange"], h["lastYearReceived"], h["lastYearChange"]));
    }

    [Fact]
    public async Task A_category_filter_counts_its_whole_subtree()
    {
        var supervisor = await api.SignedInAsync("9001");

        var livelihood = Values(Table(await supervisor.GetOkAsync($"/api/reports/volume?{March}&groupBy=category&category=livelihood"), "orders")
            .GetProperty("total"));
        var socialInsurance = Values(Table(await supervisor.GetOkAsync($"/api/reports/volume?{March}&groupBy=category&category=social-insurance"), "orders")
            .GetProperty("total"));

        Assert.Equal(6, livelihood["received"]);
        Assert.Equal(2, socialInsurance["received"]);
    }

    [Fact]
    public async Task The_evaluation_ranks_departments_by_weighted_score_and_department_staff_see_only_their_own_row()
    {
        var admin = await api.SignedInAsync("9000");
        await (await admin.PutAsJsonAsync("/api/reports/departments/weights", new Dictionary<string, double>
        {
            ["on_time_reply"] = 60, ["satisfaction"] = 40,
        })).AssertOkAsync();

        var all = Table(await (await api.SignedInAsync("9001")).GetOkAsync($"/api/reports/departments?{March}"), "evaluation")
            .GetProperty("rows").EnumerateArray().ToList();
        var own = Table(await (await api.SignedInAsync("7001")).GetOkAsync($"/api/reports/departments?{March}"), "evaluation")
            .GetProperty("rows").EnumerateArray().ToList();

        Assert.Equal(["hrss", "housing"], all.Take(2).Select(r => r.Str("key")));
        Assert.Equal((100, 1), (Values(all[0])["score"], Values(all[0])["rank"]));
        Assert.Equal((71.67, 2), (Values(all[1])["score"], Values(all[1])["rank"])); // 0.6 × 75 + 0.4 × 66.67
        Assert.All(all.Skip(2), r => Assert.Null(Values(r)["rank"]));              // no orders, no rank
        Assert.Equal(["housing"], own.Select(r => r.Str("key")));
        Assert.Equal(2, Values(own[0])["rank"]);
    }

    [Fact]
    public async Task Bad_weights_are_refused_and_change_nothing()
    {
        var admin = await api.SignedInAsync("9000");
        var before = await admin.GetOkAsync("/api/reports/departments/weights");

        var negative = await admin.PutAsJsonAsync("/api/reports/departments/weights", new Dictionary<string, double> { ["on_time_reply"] = -5 });
        var unknown = await admin.PutAsJsonAsync("/api/reports/departments/weights", new Dictionary<string, double> { ["speed"] = 5 });
        var forbidden = await (await api.SignedInAsync("9001")).PutAsJsonAsync("/api/reports/departments/weights",
            new Dictionary<string, double> { ["on_time_reply"] = 5 });

        Assert.True((await negative.AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed")).GetProperty("errors").TryGetProperty("weights.on_time_reply", out _));
        Assert.True((await unknown.AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed")).GetProperty("errors").TryGetProperty("weights.speed", out _));
        await forbidden.AssertProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
        Assert.Equal(before.GetRawText(), (await admin.GetOkAsync("/api/reports/departments/weights")).GetRawText());
    }

    [Theory]
    [InlineData("from=2025-03-31&to=2025-03-01", "to")]
    [InlineData("from=2024-01-01&to=2025-03-01", "to")]
    [InlineData("from=2025-03-01", "to")]
    [InlineData("from=2025-03-01&to=2025-03-31&category=no-such", "category")]
    [InlineData("from=2025-03-01&to=2025-03-31&department=no-such", "department")]
    [InlineData("from=2025-03-01&to=2025-03-31&district=火星区", "district")]
    [InlineData("from=2025-03-01&to=2025-03-31&groupBy=planet", "groupBy")]
    [InlineData("from=2025-03-01&to=2025-03-31&format=pdf", "format")]
    public async Task A_bad_report_request_is_refused_naming_the_field(string query, string field)
    {
        var supervisor = await api.SignedInAsync("9001");

        var response = await supervisor.GetAsync($"/api/reports/volume?{query}");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.GetRawText());
    }

    [Fact]
    public async Task The_xlsx_and_csv_downloads_hold_the_numbers_of_the_page()
    {
        var supervisor = await api.SignedInAsync("9001");
        var page = Table(await supervisor.GetOkAsync($"/api/reports/volume?{March}&groupBy=department"), "orders");
        var columns = page.GetProperty("columns").EnumerateArray().ToList();
        var expected = new[] { page.GetProperty("total") }.Concat(page.GetProperty("rows").EnumerateArray())
            .ToDictionary(r => r.Str("label"), r => columns.Select(c => Values(r)[c.Str("key")] is { } v ? v : (double?)null).ToList());

        var xlsx = await supervisor.GetAsync($"/api/reports/volume?{March}&groupBy=department&format=xlsx");
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx.Content.Headers.ContentType?.MediaType);
        var sheet = ReadXlsx(await xlsx.Content.ReadAsByteArrayAsync()).Single().Value;
        var csv = Encoding.UTF8.GetString(await (await supervisor.GetAsync($"/api/reports/volume?{March}&groupBy=department&format=csv"))
            .Content.ReadAsByteArrayAsync()).TrimStart('\uFEFF').Split("\r\n").Select(l => l.Split(',').ToList()).ToList();

        Assert.Equal("承办单位", sheet[0][0]);
        Assert.Equal("受理量", sheet[0][1]);
        foreach (var (label, values) in expected)
        {
            var xlsxRow = sheet.Single(r => r[0] == label);
            var csvRow = csv.Single(r => r[0] == label);
            for (var i = 0; i < values.Count; i++)
            {
                Assert.Equal(values[i], Parse(xlsxRow.ElementAtOrDefault(i + 1)));
                Assert.Equal(values[i], Parse(csvRow[i + 1]));
            }
        }
        Assert.Equal(expected.Count, sheet.Count - 1);
    }

    private static double? Parse(string? cell) =>
        string.IsNullOrEmpty(cell) ? null : double.Parse(cell, CultureInfo.InvariantCulture);

    [Fact]
    public async Task Hot_topics_compare_keywords_categories_and_districts_per_day_with_the_period_before_and_alert_on_a_sharp_rise()
    {
        var admin = await api.SignedInAsync("9000");
        await (await admin.PutAsJsonAsync("/api/reports/hot-topics/settings",
            new { riseFactor = 1.5, minimumCount = 3, stopWords = new[] { "小区" }, terms = new[] { "停水" } })).AssertOkAsync();

        var report = await (await api.SignedInAsync("9001")).GetOkAsync($"/api/reports/hot-topics?{March}");

        Dictionary<string, Dictionary<string, double?>> Rows(string table) =>
            Table(report, table).GetProperty("rows").EnumerateArray().ToDictionary(r => r.Str("key"), Values);
        var keywords = Rows("keyword");
        Assert.Equal((4, 2, 2, 1), (keywords["停水"]["current"], keywords["停水"]["previous"], keywords["停水"]["rise"], keywords["停水"]["alert"]));
        Assert.False(keywords.ContainsKey("小区")); // an administrator's stop word
        var categories = Rows("category");
        Assert.Equal((4, 1), (categories["housing-fund"]["current"], categories["housing-fund"]["alert"]));
        Assert.Equal((2, 0), (categories["social-insurance"]["current"], categories["social-insurance"]["alert"])); // new, but below 3
        Assert.Equal((4, 1), (Rows("district")["历下区"]["current"], Rows("district")["历下区"]["alert"]));
    }

    [Fact]
    public async Task Bad_hot_topic_settings_are_refused()
    {
        var admin = await api.SignedInAsync("9000");

        var response = await admin.PutAsJsonAsync("/api/reports/hot-topics/settings", new { riseFactor = 0.5, minimumCount = 0, stopWords = new[] { "" }, terms = new[] { "水" } });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Equal(["minimumCount", "riseFactor", "stopWords", "terms"], problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_monthly_report_holds_every_table_and_downloads_as_one_workbook()
    {
        var supervisor = await api.SignedInAsync("9001");

        var report = await supervisor.GetOkAsync("/api/reports/monthly?month=2025-03");
        var xlsx = await supervisor.GetAsync("/api/reports/monthly?month=2025-03&format=xlsx");

        Assert.Equal("2025年3月 12345热线运行月报", report.Str("title"));
        var kpi = Table(report, "kpi").GetProperty("rows").EnumerateArray().ToDictionary(r => r.Str("key"), Values);
        Assert.Equal((66.67, 88.91), (kpi["connectionRate"]["current"], kpi["connectionRate"]["national2023"]));
        Assert.Equal((6, 2, 200), (kpi["received"]["current"], kpi["received"]["previous"], kpi["received"]["previousChange"]));
        var sheets = ReadXlsx(await xlsx.Content.ReadAsByteArrayAsync());
        Assert.Equal(report.GetProperty("tables").GetArrayLength(), sheets.Count);
        Assert.Contains("部门考评", sheets.Keys);
    }

    [Fact]
    public async Task The_printable_page_shows_the_monthly_tables_with_their_charts_and_the_same_numbers()
    {
        var supervisor = await api.SignedInAsync("9001");

        var response = await supervisor.GetAsync("/reports/print?month=2025-03");

        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<h1>2025年3月 12345热线运行月报</h1>", html, StringComparison.Ordinal);
        Assert.Contains("<tr class=\"\" data-key=\"connectionRate\"><td>接通率</td><td class=\"num\" data-column=\"current\">66.67</td>", html, StringComparison.Ordinal);
        Assert.Contains("<svg class=\"chart\"", html, StringComparison.Ordinal);
        await (await supervisor.GetAsync("/reports/print?month=2025-13")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
    }

    [Fact]
    public async Task Every_report_route_is_in_the_openapi_document_and_refuses_anonymous_callers()
    {
        var document = await api.Anonymous().GetOkAsync("/openapi/v1.json");
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).Where(p => p.StartsWith("/api/reports", StringComparison.Ordinal)).ToHashSet();

        // Superset(a, b): b holds every path of a, so the document lists exactly these report routes.
        Assert.Superset(paths, new HashSet<string>
        {
            "/api/reports/kpi", "/api/reports/calls", "/api/reports/volume", "/api/reports/volume/orders", "/api/reports/monthly", "/api/reports/departments",
            "/api/reports/departments/weights", "/api/reports/hot-topics", "/api/reports/hot-topics/settings",
        });
        Assert.Equal(9, paths.Count);
        await (await api.Anonymous().GetAsync($"/api/reports/kpi?{March}")).AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.required");
    }

    [Fact]
    public async Task The_monthly_report_lists_the_knowledge_articles_used_at_the_desk_and_how_often_they_did_not_help()
    {
        var admin = await api.SignedInAsync("9000");
        var (_, child) = await Knowledge.KnowledgeTestData.CategoriesAsync(admin);
        var imported = await (await Knowledge.KnowledgeTestData.ImportAsync(admin, publish: true,
            ("r.md", Knowledge.KnowledgeTestData.Markdown("报表测试：噪声投诉口径", child, "夜间施工噪声可向生态环境部门反映。", "正文。")))).AssertOkAsync();
        var id = imported.GetProperty("ids")[0].GetInt64();
        var agent = await api.SignedInAsync("1001");
        foreach (var helpful in new[] { true, false, false })
            (await agent.PostAsJsonAsync($"/api/knowledge/{id}/feedback", new { used = true, helpful })).EnsureSuccessStatusCode();
        var month = DateTimeOffset.UtcNow.ToOffset(China).ToString("yyyy-MM", CultureInfo.InvariantCulture);

        var report = await (await api.SignedInAsync("9001")).GetOkAsync($"/api/reports/monthly?month={month}");

        var row = Table(report, "knowledge").GetProperty("rows").EnumerateArray().Single(r => r.Str("key") == id.ToString(CultureInfo.InvariantCulture));
        Assert.Equal("报表测试：噪声投诉口径", row.Str("label"));
        Assert.Equal((3, 1, 2, 33.33), (Values(row)["used"], Values(row)["helpful"], Values(row)["unhelpful"], Values(row)["helpfulRate"]));
    }

    [Fact]
    public async Task A_figure_drills_down_to_the_orders_behind_it()
    {
        var supervisor = await api.SignedInAsync("9001");
        var housing = Values(Table(await supervisor.GetOkAsync($"/api/reports/volume?{March}&groupBy=department"), "orders")
            .GetProperty("rows").EnumerateArray().Single(r => r.Str("key") == "housing"));

        var behind = await supervisor.GetOkAsync($"/api/reports/volume/orders?{March}&groupBy=department&key=housing&pageSize=2");
        var all = await supervisor.GetOkAsync($"/api/reports/volume/orders?{March}");

        Assert.Equal(housing["received"], behind.GetProperty("total").GetInt64());
        Assert.Equal(2, behind.GetProperty("items").GetArrayLength());
        Assert.All(behind.GetProperty("items").EnumerateArray(), o => Assert.Equal("housing", o.Str("leadDepartment")));
        Assert.Equal(["25030007", "25030005", "25030004", "25030003", "25030002", "25030001"],
            all.GetProperty("items").EnumerateArray().Select(o => o.Str("number")).Order(StringComparer.Ordinal).Reverse());
    }
}
