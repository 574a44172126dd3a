using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Hotline.Tests;

/// <summary>Departments with their inboxes, the category tree and dispatch catalogue, and the work calendar.</summary>
public sealed class ReferenceDataApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task The_demo_departments_categories_and_2026_calendar_are_in_place()
    {
        var agent = await api.SignedInAsync("1001");

        var departments = (await agent.GetOkAsync("/api/departments")).EnumerateArray().ToDictionary(d => d.Str("id"), d => d.Str("name"));
        Assert.Equal("住建局", departments["housing"]);
        Assert.Equal(["education", "environment", "housing", "hrss", "market", "police-liaison"], departments.Keys.Order(StringComparer.Ordinal));

        var tree = (await agent.GetOkAsync("/api/categories")).EnumerateArray().ToList();
        var livelihood = tree.Single(c => c.Str("id") == "livelihood");
        Assert.Contains("housing-fund", livelihood.GetProperty("children").EnumerateArray().Select(c => c.Str("id")));
        Assert.Equal("公积金", livelihood.GetProperty("children").EnumerateArray().Single(c => c.Str("id") == "housing-fund").Str("name"));
        var rules = (await agent.GetOkAsync("/api/catalogue")).GetProperty("rules").EnumerateArray()
            .ToDictionary(r => r.Str("categoryId"), r => r.Str("departmentId"));
        Assert.Equal("police-liaison", rules["public-safety"]);
        Assert.Equal("hrss", rules["social-insurance"]);

        var year = await agent.GetOkAsync("/api/calendar/2026");
        Assert.True(year.GetProperty("configured").GetBoolean());
        var holidays = year.GetProperty("holidays").EnumerateArray().Select(d => d.GetString()).ToList();
        Assert.Contains("2026-10-01", holidays);
        Assert.Contains("2026-02-23", holidays);
        Assert.Equal(["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"],
            year.GetProperty("workingWeekendDays").EnumerateArray().Select(d => d.GetString()));
        Assert.False((await agent.GetOkAsync("/api/calendar/2031")).GetProperty("configured").GetBoolean());
    }

    [Fact]
    public async Task A_department_sees_its_own_inbox_counters_and_not_another_ones()
    {
        var agent = await api.SignedInAsync("1002");
        var dispatcher = await api.SignedInAsync("8001");
        var market = await api.SignedInAsync("7004");
        var environment = await api.SignedInAsync("7005");
        var toSign = (await agent.RegisterAsync(TicketTestData.Intake(summary: "商家拒绝退货", category: "consumer"))).Str("number");
        var inHand = (await agent.RegisterAsync(TicketTestData.Intake(summary: "预付卡跑路", category: "consumer"))).Str("number");
        var returned = (await agent.RegisterAsync(TicketTestData.Intake(summary: "噪音扰民", category: "consumer"))).Str("number");
        foreach (var number in new[] { toSign, inHand, returned })
            await dispatcher.PostOkAsync($"/api/tickets/{number}/dispatch", new { lead = "market" });
        await market.PostOkAsync($"/api/tickets/{inHand}/sign");
        Assert.Equal("returned", (await market.PostOkAsync($"/api/tickets/{returned}/return", new { reason = "属于生态环境局职责" })).Str("status"));
        await dispatcher.PostOkAsync($"/api/tickets/{returned}/dispatch", new { lead = "environment", co = new[] { "market" } });

        var own = await market.GetOkAsync("/api/departments/market");
        Assert.Equal("市场监管局", own.Str("name"));
        var inbox = own.GetProperty("inbox");
        Assert.Equal((1, 1, 0, 1, 0, 1), (inbox.GetProperty("toSign").GetInt32(), inbox.GetProperty("inHand").GetInt32(),
            inbox.GetProperty("overdue").GetInt32(), inbox.GetProperty("returned").GetInt32(), inbox.GetProperty("replied").GetInt32(),
            inbox.GetProperty("coHandling").GetInt32()));
        Assert.Equal(1, (await environment.GetOkAsync("/api/departments/environment")).GetProperty("inbox").GetProperty("toSign").GetInt32());

        var list = await market.GetOkAsync("/api/departments/market/tickets?status=dispatched,signed");
        // Led and co-handled orders alike.
        Assert.Equal(new[] { toSign, inHand, returned }.Order(StringComparer.Ordinal), list.Numbers().Order(StringComparer.Ordinal));
        Assert.Contains(returned, (await market.GetOkAsync("/api/departments/market/tickets")).Numbers());
        await (await market.GetAsync("/api/departments/environment")).AssertProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
        await (await market.GetAsync("/api/departments/environment/tickets")).AssertProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
        await (await agent.GetAsync("/api/departments/no-such-department")).AssertProblemAsync(HttpStatusCode.NotFound, "department.not_found");
    }

    [Fact]
    public async Task Admins_create_and_replace_departments_and_nobody_else_may()
    {
        var admin = await api.SignedInAsync("9000");
        var dispatcher = await api.SignedInAsync("8001");
        var body = new { name = "水务集团", categories = new[] { "environment" }, phone = "051188880000", active = true };

        var created = await admin.PostAsJsonAsync("/api/departments/water", body);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("水务集团", (await created.AssertOkAsync()).Str("name"));
        await (await admin.PostAsJsonAsync("/api/departments/water", body)).AssertProblemAsync(HttpStatusCode.Conflict, "department.exists");
        var replaced = await (await admin.PutAsJsonAsync("/api/departments/water", body with { active = false })).AssertOkAsync();
        Assert.False(replaced.GetProperty("active").GetBoolean());
        Assert.Contains("water", (await dispatcher.GetOkAsync("/api/departments")).EnumerateArray().Select(d => d.Str("id")));

        await (await dispatcher.PutAsJsonAsync("/api/departments/water", body)).AssertProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
        var bad = await (await admin.PutAsJsonAsync("/api/departments/Water!", new { name = "", categories = new[] { "weather" }, phone = "hotline" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Equal(["categories[0]", "id", "name", "phone"], bad.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_catalogue_refuses_a_rule_for_an_unknown_department_and_a_saved_one_routes_new_orders()
    {
        var admin = await api.SignedInAsync("9000");
        var agent = await api.SignedInAsync("1003");
        var current = await admin.GetOkAsync("/api/catalogue");
        var categories = current.GetProperty("categories").EnumerateArray()
            .Select(c => new { id = c.Str("id"), name = c.Str("name"), parentId = Nullable(c, "parentId"), englishName = Nullable(c, "englishName") })
            .Append(new { id = "noise", name = "噪声污染", parentId = (string?)"market-environment", englishName = (string?)"Noise" })
            .ToArray();
        var rules = current.GetProperty("rules").EnumerateArray()
            .Select(r => new { categoryId = r.Str("categoryId"), district = Nullable(r, "district"), departmentId = r.Str("departmentId") })
            .ToList();

        var refused = await (await admin.PutAsJsonAsync("/api/catalogue", new
        {
            categories,
            rules = rules.Append(new { categoryId = "noise", district = (string?)null, departmentId = "noise-office" }),
        })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.True(refused.GetProperty("errors").TryGetProperty($"rules[{rules.Count}].departmentId", out _));
        await (await agent.PutAsJsonAsync("/api/catalogue", new { categories, rules })).AssertProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");

        var saved = await (await admin.PutAsJsonAsync("/api/catalogue", new
        {
            categories,
            rules = rules.Append(new { categoryId = "noise", district = (string?)"京口区", departmentId = "environment" }),
        })).AssertOkAsync();

        Assert.True(saved.GetProperty("version").GetInt32() > current.GetProperty("version").GetInt32());
        var order = await agent.RegisterAsync(TicketTestData.Intake(summary: "工地夜间施工", category: "noise"));
        Assert.Equal("environment", order.Str("suggestedDepartment"));
    }

    [Fact]
    public async Task Admins_enter_a_years_calendar_and_weekdays_cannot_be_moved_working_days()
    {
        var admin = await api.SignedInAsync("9000");
        var agent = await api.SignedInAsync("1004");
        var year = new { holidays = new[] { "2027-01-01" }, workingWeekendDays = new[] { "2027-02-20" } };

        await (await agent.PutAsJsonAsync("/api/calendar/2027", year)).AssertProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
        var bad = await (await admin.PutAsJsonAsync("/api/calendar/2027", new { holidays = new[] { "2026-12-31", "1 May" }, workingWeekendDays = new[] { "2027-02-22" } }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Equal(["holidays[0]", "holidays[1]", "workingWeekendDays[0]"], bad.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));

        var saved = await (await admin.PutAsJsonAsync("/api/calendar/2027", year)).AssertOkAsync();
        Assert.True(saved.GetProperty("configured").GetBoolean());
        Assert.Equal(["2027-02-20"], (await agent.GetOkAsync("/api/calendar/2027")).GetProperty("workingWeekendDays").EnumerateArray().Select(d => d.GetString()));
    }

    private static string? Nullable(JsonElement e, string property) =>
        e.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
