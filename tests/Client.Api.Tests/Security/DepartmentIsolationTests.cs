using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Hotline.Tests.Security;

/// <summary>
/// Department staff (承办单位) see the orders their department handles and nothing of another's: every route that
/// returns orders, their history, recordings, calls or a department's figures is asked by 住建局 (housing, 7001)
/// about an order led by 人社局 (hrss, 7002), which sees it (so the test can fail).
/// </summary>
public sealed class DepartmentIsolationTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Department_staff_cannot_read_or_act_on_another_departments_order_by_any_route()
    {
        var agent = await api.SignedInAsync("1001");
        var dispatcher = await api.SignedInAsync("8001");
        var number = (await agent.RegisterAsync()).Str("number");
        await dispatcher.PostOkAsync($"/api/tickets/{number}/dispatch", new { lead = "hrss" });
        var owner = await api.SignedInAsync("7002");
        var stranger = await api.SignedInAsync("7001");

        // The owning department sees it: the refusals below are about the department, not the order.
        await owner.GetOkAsync($"/api/tickets/{number}");
        Assert.Contains(number, (await owner.GetOkAsync("/api/tickets?pageSize=100")).Numbers());
        Assert.Contains(number, (await owner.GetOkAsync("/api/departments/hrss/tickets?pageSize=100")).Numbers());

        Assert.DoesNotContain(number, (await stranger.GetOkAsync("/api/tickets?pageSize=100")).Numbers());
        Assert.DoesNotContain(number, (await stranger.GetOkAsync("/api/tickets?department=hrss&pageSize=100")).Numbers());
        Assert.DoesNotContain(number, (await stranger.GetOkAsync($"/api/tickets?q={number}&pageSize=100")).Numbers());
        Assert.DoesNotContain(number, (await stranger.GetOkAsync("/api/departments/housing/tickets?pageSize=100")).Numbers());

        var leaks = new List<string>();
        foreach (var url in new[] { $"/api/tickets/{number}", $"/api/tickets/{number}/history", $"/api/tickets/{number}/recordings",
                     "/api/departments/hrss", "/api/departments/hrss/tickets", "/api/calls", "/api/calls?pageSize=10" })
        {
            var response = await stranger.GetAsync(url);
            if (response.IsSuccessStatusCode) leaks.Add($"GET {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        var bodies = new Dictionary<string, object>
        {
            ["sign"] = new { },
            ["return"] = new { reason = "不属于本单位职责" },
            ["extend"] = new { workingDays = 3, reason = "需要现场核查" },
            ["reply"] = new { text = "已处理完毕。" },
            ["urge"] = new { note = "请尽快" },
            ["close"] = new { },
        };
        foreach (var (action, body) in bodies)
        {
            var response = await stranger.PostAsJsonAsync($"/api/tickets/{number}/{action}", body);
            if (response.IsSuccessStatusCode) leaks.Add($"POST {action}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            var text = await response.Content.ReadAsStringAsync();
            if (text.Contains(TicketTestData.CitizenPhone, StringComparison.Ordinal)) leaks.Add($"POST {action} answer names the caller: {text}");
        }
        Assert.True(leaks.Count == 0, string.Join("\n", leaks));

        // Nothing the stranger tried changed the order.
        var after = await owner.GetOkAsync($"/api/tickets/{number}");
        Assert.Equal("dispatched", after.Str("status"));
    }

    [Fact]
    public async Task A_hidden_order_answers_like_an_unknown_one()
    {
        var agent = await api.SignedInAsync("1002");
        var dispatcher = await api.SignedInAsync("8001");
        var number = (await agent.RegisterAsync()).Str("number");
        await dispatcher.PostOkAsync($"/api/tickets/{number}/dispatch", new { lead = "market" });
        var stranger = await api.SignedInAsync("7001");

        var hidden = await stranger.GetAsync($"/api/tickets/{number}");
        var body = await hidden.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        Assert.Equal("ticket.not_found", body.Str("code"));
    }
}
