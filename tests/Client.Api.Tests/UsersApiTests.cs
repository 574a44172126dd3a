using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Hotline.Tests;

/// <summary>
/// What the web UI added to the API: user administration (<c>/api/users</c>, admins only) and the caller's earlier
/// orders by phone (<c>GET /api/tickets?phone=</c>, only for those who see callers' numbers).
/// </summary>
public sealed class UsersApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task An_admin_creates_changes_and_unlocks_an_account_and_the_new_roles_apply_at_the_next_sign_in()
    {
        var admin = await api.SignedInAsync("9000");
        var users = (await admin.GetOkAsync("/api/users")).EnumerateArray().ToList();
        Assert.Contains(users, u => u.Str("jobNo") == "7001" && u.Str("departmentId") == "housing");
        Assert.DoesNotContain(users, u => u.TryGetProperty("passwordHash", out _));

        var response = await admin.PostAsJsonAsync("/api/users/1101", new { displayName = "新话务员", roles = new[] { "agent" }, password = "first-pass-1" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.AssertOkAsync();
        Assert.Equal(["agent"], created.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        await (await admin.PostAsJsonAsync("/api/users/1101", new { displayName = "重复", roles = new[] { "agent" }, password = "first-pass-1" }))
            .AssertProblemAsync(HttpStatusCode.Conflict, "user.exists");

        var changed = await (await admin.PutAsJsonAsync("/api/users/1101",
            new { displayName = "新派单员", roles = new[] { "dispatcher" }, password = "second-pass-2" })).AssertOkAsync();
        Assert.Equal("新派单员", changed.Str("displayName"));
        var login = await api.Anonymous().PostAsJsonAsync("/api/auth/login", new { jobNumber = "1101", password = "second-pass-2" });
        Assert.Equal(["dispatcher"], (await login.AssertOkAsync()).GetProperty("roles").EnumerateArray().Select(r => r.GetString()));

        for (var i = 0; i < 5; i++)
            await api.Anonymous().PostAsJsonAsync("/api/auth/login", new { jobNumber = "1101", password = "wrong-password" });
        await (await api.Anonymous().PostAsJsonAsync("/api/auth/login", new { jobNumber = "1101", password = "second-pass-2" }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.locked");
        Assert.True((await admin.GetOkAsync("/api/users")).EnumerateArray().Single(u => u.Str("jobNo") == "1101")
            .GetProperty("lockedUntil").ValueKind == JsonValueKind.String);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync("/api/users/1101/unlock", null)).StatusCode);
        await (await api.Anonymous().PostAsJsonAsync("/api/auth/login", new { jobNumber = "1101", password = "second-pass-2" })).AssertOkAsync();
    }

    [Fact]
    public async Task Accounts_are_checked_and_only_admins_manage_them()
    {
        var admin = await api.SignedInAsync("9000");
        var problem = await (await admin.PostAsJsonAsync("/api/users/1102",
            new { displayName = "", roles = new[] { "department", "wizard" }, password = "short" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        var fields = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "displayName", "roles[1]", "departmentId", "password" }, fields);
        await (await admin.PutAsJsonAsync("/api/users/7777", new { displayName = "无此人", roles = new[] { "agent" } }))
            .AssertProblemAsync(HttpStatusCode.NotFound, "user.not_found");

        var supervisor = await api.SignedInAsync("9001");
        await (await supervisor.GetAsync("/api/users")).AssertProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
    }

    [Fact]
    public async Task The_desk_finds_a_callers_earlier_orders_by_phone_and_auditors_may_not_search_by_number()
    {
        var agent = await api.SignedInAsync("1003");
        var mine = (await agent.RegisterAsync(TicketTestData.Intake(summary: "路灯不亮", phone: "13700007777"))).Str("number");
        await agent.RegisterAsync(TicketTestData.Intake(summary: "别人的事", phone: "13700008888"));

        var found = await agent.GetOkAsync("/api/tickets?phone=13700007777");
        Assert.Equal([mine], found.Numbers());
        await (await agent.GetAsync("/api/tickets?phone=abc")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");

        var auditor = await api.SignedInAsync("9500");
        await (await auditor.GetAsync("/api/tickets?phone=13700007777")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
    }
}
