using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Hotline.Tests;

/// <summary>Work-order routes: the life cycle's refusals, who may see and do what, input checks, merges and extensions.</summary>
public sealed class TicketsApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly TimeZoneInfo Beijing = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    [Fact]
    public async Task A_transition_the_state_forbids_is_a_409_naming_the_current_state()
    {
        var agent = await api.SignedInAsync("1001");
        var admin = await api.SignedInAsync("9000");
        var dispatcher = await api.SignedInAsync("8001");
        var housing = await api.SignedInAsync("7001");
        var number = (await agent.RegisterAsync()).Str("number");

        var notDispatched = await (await admin.PostAsJsonAsync($"/api/tickets/{number}/sign", new { }))
            .AssertProblemAsync(HttpStatusCode.Conflict, "ticket.invalid_transition");
        Assert.Equal("registered", notDispatched.Str("currentState"));

        await dispatcher.PostOkAsync($"/api/tickets/{number}/dispatch", new { lead = "housing" });
        var notSigned = await (await housing.PostAsJsonAsync($"/api/tickets/{number}/reply", new { text = "已处理" }))
            .AssertProblemAsync(HttpStatusCode.Conflict, "ticket.invalid_transition");
        Assert.Equal("dispatched", notSigned.Str("currentState"));

        await housing.PostOkAsync($"/api/tickets/{number}/sign");
        var twice = await (await housing.PostAsJsonAsync($"/api/tickets/{number}/sign", new { }))
            .AssertProblemAsync(HttpStatusCode.Conflict, "ticket.invalid_transition");
        Assert.Equal("signed", twice.Str("currentState"));
    }

    [Fact]
    public async Task Another_department_cannot_see_or_sign_an_order_and_a_co_handling_one_sees_it_but_may_not_sign()
    {
        var agent = await api.SignedInAsync("1002");
        var dispatcher = await api.SignedInAsync("8001");
        var education = await api.SignedInAsync("7003");
        var market = await api.SignedInAsync("7004");
        var number = (await agent.RegisterAsync()).Str("number");
        await dispatcher.PostOkAsync($"/api/tickets/{number}/dispatch", new { lead = "housing", co = new[] { "market" } });

        await (await education.PostAsJsonAsync($"/api/tickets/{number}/sign", new { })).AssertProblemAsync(HttpStatusCode.NotFound, "ticket.not_found");
        await (await education.PostAsJsonAsync($"/api/tickets/{number}/return", new { reason = "不属于本单位" }))
            .AssertProblemAsync(HttpStatusCode.NotFound, "ticket.not_found");

        var shared = await market.GetOkAsync($"/api/tickets/{number}");
        Assert.Equal(["market"], shared.GetProperty("coDepartments").EnumerateArray().Select(d => d.GetString()));
        Assert.Contains(number, (await market.GetOkAsync("/api/tickets")).Numbers());
        await (await market.PostAsJsonAsync($"/api/tickets/{number}/sign", new { })).AssertProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
        Assert.Equal("dispatched", (await agent.GetOkAsync($"/api/tickets/{number}")).Str("status"));
    }

    [Fact]
    public async Task An_auditor_reads_orders_with_the_phone_masked_but_cannot_act_on_them()
    {
        var agent = await api.SignedInAsync("1003");
        var auditor = await api.SignedInAsync("9500");
        var number = (await agent.RegisterAsync()).Str("number");

        var seen = await auditor.GetOkAsync($"/api/tickets/{number}");
        Assert.Equal("139****5678", seen.GetProperty("caller").Str("phone"));
        var listed = (await auditor.GetOkAsync($"/api/tickets?q={number}")).GetProperty("items").EnumerateArray().Single();
        Assert.Equal("139****5678", listed.Str("callerPhone"));
        Assert.Equal("registered", (await auditor.GetOkAsync($"/api/tickets/{number}/history")).EnumerateArray().Single().Str("action"));

        await (await auditor.PostAsJsonAsync($"/api/tickets/{number}/urge", new { note = "请尽快处理" })).AssertProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
        await (await auditor.PostAsJsonAsync($"/api/tickets/{number}/dispatch", new { lead = "housing" })).AssertProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
        await (await auditor.PostAsJsonAsync("/api/tickets", TicketTestData.Intake())).AssertProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
        Assert.Equal(0, (await agent.GetOkAsync($"/api/tickets/{number}")).GetProperty("urgeCount").GetInt32());
    }

    [Fact]
    public async Task A_department_user_cannot_register_and_an_agent_cannot_dispatch()
    {
        var agent = await api.SignedInAsync("1004");
        var housing = await api.SignedInAsync("7001");
        var number = (await agent.RegisterAsync()).Str("number");

        await (await housing.PostAsJsonAsync("/api/tickets", TicketTestData.Intake())).AssertProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
        // The route lets agents act (they urge); the life cycle does not let them dispatch.
        await (await agent.PostAsJsonAsync($"/api/tickets/{number}/dispatch", new { lead = "housing" }))
            .AssertProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
        var urged = await agent.PostOkAsync($"/api/tickets/{number}/urge", new { note = "市民来电催办" });
        Assert.Equal(1, urged.GetProperty("urgeCount").GetInt32());
        var last = (await agent.GetOkAsync($"/api/tickets/{number}/history")).EnumerateArray().Last();
        Assert.Equal(("urged", "1004", "agent", "市民来电催办"), (last.Str("action"), last.Str("jobNo"), last.Str("role"), last.Str("note")));
    }

    [Fact]
    public async Task Registering_with_bad_fields_is_a_400_naming_every_one_of_them()
    {
        var agent = await api.SignedInAsync("1005");
        var before = (await agent.GetOkAsync("/api/tickets")).GetProperty("total").GetInt32();

        var response = await agent.PostAsJsonAsync("/api/tickets", new
        {
            channel = "fax",
            kind = "rant",
            category = "no-such-category",
            caller = new { name = "李", phone = "call me" },
            summary = "",
            content = "   ",
            location = new { lat = 91.0, lng = -181.0 },
            callId = "not a call id",
        });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        var fields = problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
            ["callId", "caller.phone", "category", "channel", "content", "kind", "location.lat", "location.lng", "summary"],
            fields);
        Assert.Equal(before, (await agent.GetOkAsync("/api/tickets")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Action_bodies_and_numbers_are_checked_before_anything_happens()
    {
        var dispatcher = await api.SignedInAsync("8001");
        var number = (await (await api.SignedInAsync("1006")).RegisterAsync()).Str("number");

        var badLead = await (await dispatcher.PostAsJsonAsync($"/api/tickets/{number}/dispatch", new { lead = "", co = new[] { "Housing!" } }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.True(badLead.GetProperty("errors").TryGetProperty("lead", out _));
        Assert.True(badLead.GetProperty("errors").TryGetProperty("co[0]", out _));
        var badVisit = await (await dispatcher.PostAsJsonAsync($"/api/tickets/{number}/visit", new { satisfaction = "thrilled" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.True(badVisit.GetProperty("errors").TryGetProperty("satisfaction", out _));
        var wrongDigit = TicketTestData.WithWrongCheckDigit(number);
        var badNumber = await (await dispatcher.GetAsync($"/api/tickets/{wrongDigit}")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.True(badNumber.GetProperty("errors").TryGetProperty("number", out _));
        await (await dispatcher.GetAsync($"/api/tickets/{Hotline.Tickets.TicketNumber.Format(9_999_998)}"))
            .AssertProblemAsync(HttpStatusCode.NotFound, "ticket.not_found");
        await (await dispatcher.PostAsJsonAsync($"/api/tickets/{number}/dispatch", new { lead = "no-such-department" }))
            .AssertProblemAsync(HttpStatusCode.NotFound, "department.not_found");

        Assert.Equal("registered", (await dispatcher.GetOkAsync($"/api/tickets/{number}")).Str("status"));
    }

    [Fact]
    public async Task A_duplicate_merged_into_another_order_is_merged_and_the_survivor_lists_it()
    {
        var agent = await api.SignedInAsync("1007");
        var dispatcher = await api.SignedInAsync("8001");
        var a = (await agent.RegisterAsync(TicketTestData.Intake(summary: "小区噪音扰民 mergecase", kind: "report", category: "environment"))).Str("number");
        var b = (await agent.RegisterAsync(TicketTestData.Intake(summary: "小区夜间噪音 mergecase", kind: "report", category: "environment"))).Str("number");

        var merged = await dispatcher.PostOkAsync($"/api/tickets/{b}/merge", new { into = a });

        Assert.Equal("merged", merged.Str("status"));
        Assert.Equal(a, merged.Str("mergedInto"));
        var survivor = await agent.GetOkAsync($"/api/tickets/{a}");
        Assert.Equal("registered", survivor.Str("status"));
        Assert.Equal([b], survivor.GetProperty("mergedNumbers").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal([b], (await agent.GetOkAsync("/api/tickets?q=mergecase&status=merged")).Numbers());
        await (await dispatcher.PostAsJsonAsync($"/api/tickets/{b}/dispatch", new { lead = "environment" }))
            .AssertProblemAsync(HttpStatusCode.Conflict, "ticket.invalid_transition");
        await (await dispatcher.PostAsJsonAsync($"/api/tickets/{a}/merge", new { into = a }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
    }

    [Fact]
    public async Task An_approved_extension_moves_the_reply_deadline_by_that_many_working_days()
    {
        var agent = await api.SignedInAsync("1008");
        var dispatcher = await api.SignedInAsync("8001");
        var education = await api.SignedInAsync("7003");
        var number = (await agent.RegisterAsync(TicketTestData.Intake(summary: "学校收费问题", kind: "help", category: "education"))).Str("number");
        await dispatcher.PostOkAsync($"/api/tickets/{number}/dispatch", new { lead = "education" });
        var signed = await education.PostOkAsync($"/api/tickets/{number}/sign");
        var before = signed.GetProperty("deadlines").GetProperty("reply").GetDateTimeOffset();

        var asked = await education.PostOkAsync($"/api/tickets/{number}/extend", new { workingDays = 3, reason = "需要现场核查" });
        Assert.Equal(3, asked.GetProperty("pendingExtension").GetProperty("workingDays").GetInt32());
        Assert.Equal(before, asked.GetProperty("deadlines").GetProperty("reply").GetDateTimeOffset());
        await (await education.PostAsJsonAsync($"/api/tickets/{number}/extend/approve", new { }))
            .AssertProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");

        var approved = await dispatcher.PostOkAsync($"/api/tickets/{number}/extend/approve", new { note = "同意延期" });

        Assert.Equal(JsonValueKind.Null, approved.GetProperty("pendingExtension").ValueKind);
        var after = approved.GetProperty("deadlines").GetProperty("reply").GetDateTimeOffset();
        var calendar = await WorkingDaysAsync(dispatcher, before.Year, before.Year + 1);
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(before, Beijing).DateTime);
        for (var counted = 0; counted < 3;)
        {
            day = day.AddDays(1);
            if (calendar(day)) counted++;
        }
        var local = TimeZoneInfo.ConvertTime(after, Beijing);
        Assert.Equal(day, DateOnly.FromDateTime(local.DateTime));
        Assert.Equal(TimeZoneInfo.ConvertTime(before, Beijing).TimeOfDay, local.TimeOfDay);
        var actions = (await dispatcher.GetOkAsync($"/api/tickets/{number}/history")).EnumerateArray().Select(h => h.Str("action")).ToList();
        Assert.Equal(["extension_requested", "extension_approved"], actions.TakeLast(2));
    }

    [Fact]
    public async Task A_retried_registration_with_the_same_idempotency_key_returns_the_first_order()
    {
        var agent = await api.SignedInAsync("1009");
        HttpRequestMessage Request()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/tickets") { Content = JsonContent.Create(TicketTestData.Intake(summary: "重复提交 idemcase")) };
            request.Headers.Add("Idempotency-Key", "ticket-retry-1");
            return request;
        }

        var first = await agent.SendAsync(Request());
        var second = await agent.SendAsync(Request());

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal((await first.AssertOkAsync()).Str("number"), (await second.AssertOkAsync()).Str("number"));
        Assert.Equal(1, (await agent.GetOkAsync("/api/tickets?q=idemcase")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Lists_filter_page_and_sort_by_the_deadline_that_comes_first()
    {
        var agent = await api.SignedInAsync("1010");
        var slow = (await agent.RegisterAsync(TicketTestData.Intake(summary: "sortcase 投诉", kind: "complaint", category: "consumer"))).Str("number");
        var fast = (await agent.RegisterAsync(TicketTestData.Intake(summary: "sortcase 咨询", kind: "consultation", category: "consumer"))).Str("number");

        Assert.Equal([fast, slow], (await agent.GetOkAsync("/api/tickets?q=sortcase&sort=due")).Numbers());
        Assert.Equal([fast, slow], (await agent.GetOkAsync("/api/tickets?q=sortcase")).Numbers());
        var page = await agent.GetOkAsync("/api/tickets?q=sortcase&kind=complaint&category=consumer&channel=phone&page=1&pageSize=1");
        Assert.Equal(1, page.GetProperty("total").GetInt32());
        Assert.Equal([slow], page.Numbers());
        var today = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Beijing).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Assert.Equal(2, (await agent.GetOkAsync($"/api/tickets?q=sortcase&from={today}&to={today}&overdue=false&supervised=false")).GetProperty("total").GetInt32());
        Assert.Equal(0, (await agent.GetOkAsync("/api/tickets?q=sortcase&status=closed,merged")).GetProperty("total").GetInt32());
        var hourAgo = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow.AddHours(-1), Beijing).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);
        Assert.Equal(2, (await agent.GetOkAsync($"/api/tickets?q=sortcase&from={Uri.EscapeDataString(hourAgo)}")).GetProperty("total").GetInt32());
        Assert.Equal(0, (await agent.GetOkAsync($"/api/tickets?q=sortcase&to={hourAgo}")).GetProperty("total").GetInt32());

        var bad = await (await agent.GetAsync("/api/tickets?status=open&overdue=yes&sort=oldest&from=yesterday&q=%21%21&pageSize=1000"))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Equal(["from", "overdue", "pageSize", "q", "sort", "status"],
            bad.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Ticket_events_carry_no_personal_data_and_reach_department_staff_only_for_their_own_orders()
    {
        using var timeout = new CancellationTokenSource(TestHelpers.Timeout);
        var agent = await api.SignedInAsync("1001");
        var dispatcher = await api.SignedInAsync("8001");
        var supervisor = await api.SignedInAsync("9001");
        var hrss = await api.SignedInAsync("7002");

        await (await hrss.GetAsync("/api/events?topics=calls")).AssertProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
        using var centreStream = await supervisor.GetAsync("/api/events?topics=tickets", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        using var centre = new SseReader(await centreStream.Content.ReadAsStreamAsync(timeout.Token));
        await centre.WaitConnectedAsync(timeout.Token);
        using var departmentStream = await hrss.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        using var department = new SseReader(await departmentStream.Content.ReadAsStreamAsync(timeout.Token));
        await department.WaitConnectedAsync(timeout.Token);

        var housingOrder = (await agent.RegisterAsync()).Str("number");
        await dispatcher.PostOkAsync($"/api/tickets/{housingOrder}/dispatch", new { lead = "housing" });
        var hrssOrder = (await agent.RegisterAsync(TicketTestData.Intake(summary: "社保转移接续", category: "social-insurance"))).Str("number");
        await dispatcher.PostOkAsync($"/api/tickets/{hrssOrder}/dispatch", new { lead = "hrss" });

        var registered = await centre.WaitForAsync(e => e.Type == "ticket.registered" && e.Data.Str("id") == housingOrder, timeout.Token);
        var state = registered.Data.GetProperty("state");
        Assert.Equal("registered", state.Str("status"));
        foreach (var personal in new[] { "caller", "summary", "content", "address", "location", "reply", "callId" })
            Assert.False(state.TryGetProperty(personal, out _), $"a ticket event carries '{personal}'");
        Assert.DoesNotContain(TicketTestData.CitizenPhone, registered.Data.GetRawText());

        // The first ticket event hrss receives is about its own order, though housing's came first.
        var first = await department.WaitForAsync(_ => true, timeout.Token);
        Assert.Equal(("ticket.dispatched", hrssOrder), (first.Type, first.Data.Str("id")));
    }

    /// <summary>Whether a day is a working day by the centre's calendar (as GET /api/calendar says) for these years.</summary>
    private static async Task<Func<DateOnly, bool>> WorkingDaysAsync(HttpClient client, params int[] years)
    {
        var holidays = new HashSet<DateOnly>();
        var moved = new HashSet<DateOnly>();
        foreach (var year in years)
        {
            var calendar = await client.GetOkAsync($"/api/calendar/{year}");
            holidays.UnionWith(calendar.GetProperty("holidays").EnumerateArray().Select(d => DateOnly.Parse(d.GetString()!, CultureInfo.InvariantCulture)));
            moved.UnionWith(calendar.GetProperty("workingWeekendDays").EnumerateArray().Select(d => DateOnly.Parse(d.GetString()!, CultureInfo.InvariantCulture)));
        }
        return day => !holidays.Contains(day) && (moved.Contains(day) || day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday));
    }
}
