using System.Net;
using System.Text.Json;
using Hotline.Tickets;

namespace Hotline.Tests;

/// <summary>
/// The walkthrough of one work order: a complaint about 公积金 is registered, dispatched to housing, signed,
/// replied, found unsatisfying at the return visit, replied again and closed; every step is in the history, the
/// citizen can look it up with the last digits of the phone, and only the departments involved see it.
/// </summary>
public sealed class TicketWalkthroughTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task A_housing_fund_complaint_goes_from_registration_through_a_reopening_to_closed()
    {
        var agent = await api.SignedInAsync("1001");
        var dispatcher = await api.SignedInAsync("8001");
        var housing = await api.SignedInAsync("7001");
        var hrss = await api.SignedInAsync("7002");
        var visits = await api.SignedInAsync("8101");
        var citizen = api.Anonymous();

        // 1001 registers the complaint: an 8-digit acceptance number (受理号) with a valid check digit.
        var registered = await agent.RegisterAsync();
        var number = registered.Str("number");
        Assert.Matches("^[0-9]{8}$", number);
        Assert.True(TicketNumber.IsValid(number), $"{number} fails its check digit");
        Assert.Equal("registered", registered.Str("status"));
        Assert.Equal("housing", registered.Str("suggestedDepartment"));
        Assert.Equal(TicketTestData.CitizenPhone, registered.GetProperty("caller").Str("phone"));
        Assert.NotEqual(JsonValueKind.Null, registered.GetProperty("deadlines").GetProperty("reply").ValueKind);

        // 8001 dispatches it to housing (住建局).
        var dispatched = await dispatcher.PostOkAsync($"/api/tickets/{number}/dispatch", new { lead = "housing" });
        Assert.Equal("dispatched", dispatched.Str("status"));
        Assert.Equal("housing", dispatched.Str("leadDepartment"));
        Assert.NotEqual(JsonValueKind.Null, dispatched.GetProperty("deadlines").GetProperty("sign").ValueKind);

        // hrss (人社局) is not involved: the order does not exist as far as it can tell.
        await (await hrss.GetAsync($"/api/tickets/{number}")).AssertProblemAsync(HttpStatusCode.NotFound, "ticket.not_found");
        await (await hrss.GetAsync($"/api/tickets/{number}/history")).AssertProblemAsync(HttpStatusCode.NotFound, "ticket.not_found");
        Assert.DoesNotContain(number, (await hrss.GetOkAsync("/api/tickets")).Numbers());
        Assert.DoesNotContain(number, (await hrss.GetOkAsync("/api/tickets?department=housing")).Numbers());
        Assert.DoesNotContain(number, (await hrss.GetOkAsync("/api/tickets?q=公积金")).Numbers());
        Assert.DoesNotContain(number, (await hrss.GetOkAsync("/api/departments/hrss/tickets")).Numbers());

        // housing signs and replies.
        var seen = await housing.GetOkAsync($"/api/tickets/{number}");
        Assert.Equal(TicketTestData.CitizenPhone, seen.GetProperty("caller").Str("phone"));
        Assert.Contains(number, (await housing.GetOkAsync("/api/tickets?status=dispatched")).Numbers());
        Assert.Equal("signed", (await housing.PostOkAsync($"/api/tickets/{number}/sign")).Str("status"));
        var replied = await housing.PostOkAsync($"/api/tickets/{number}/reply", new { text = "已督促公积金中心加快审核，预计三个工作日内完成。" });
        Assert.Equal("replied", replied.Str("status"));

        // The return visit finds the citizen unsatisfied: the order is back with housing.
        var reopened = await visits.PostOkAsync($"/api/tickets/{number}/visit", new { satisfaction = "unsatisfied", note = "仍未到账" });
        Assert.Equal("reopened", reopened.Str("status"));
        Assert.Equal("housing", reopened.Str("leadDepartment"));
        Assert.Equal(1, reopened.GetProperty("reopenCount").GetInt32());
        Assert.Contains(number, (await housing.GetOkAsync("/api/tickets?status=reopened")).Numbers());

        const string finalReply = "提取款项已于今日到账，并已向市民致歉。";
        Assert.Equal("replied", (await housing.PostOkAsync($"/api/tickets/{number}/reply", new { text = finalReply })).Str("status"));
        var closed = await visits.PostOkAsync($"/api/tickets/{number}/visit", new { satisfaction = "satisfied" });
        Assert.Equal("closed", closed.Str("status"));
        Assert.Equal("satisfied", closed.Str("satisfaction"));
        Assert.NotEqual(JsonValueKind.Null, closed.GetProperty("closedAt").ValueKind);

        // Every step, with job number, role and time.
        var history = (await agent.GetOkAsync($"/api/tickets/{number}/history")).EnumerateArray().ToList();
        Assert.Equal(
            [
                ("registered", "1001", "agent"), ("dispatched", "8001", "dispatcher"), ("signed", "7001", "department"),
                ("replied", "7001", "department"), ("visited", "8101", "dispatcher"), ("reopened", "8101", "dispatcher"),
                ("replied", "7001", "department"), ("visited", "8101", "dispatcher"), ("closed", "8101", "dispatcher"),
            ],
            history.Select(h => (h.Str("action"), h.Str("jobNo"), h.Str("role"))).ToList());
        Assert.Equal(Enumerable.Range(1, history.Count), history.Select(h => h.GetProperty("sequence").GetInt32()));
        var times = history.Select(h => h.GetProperty("at").GetDateTimeOffset()).ToList();
        Assert.Equal(times.Order(), times);
        Assert.All(history.Where(h => h.Str("role") == "department"), h => Assert.Equal("housing", h.Str("departmentId")));
        Assert.Equal(history.Count, (await housing.GetOkAsync($"/api/tickets/{number}/history")).GetArrayLength());

        // The citizen looks it up with the last four digits: status and reply, nothing personal.
        var status = await citizen.GetOkAsync($"/api/public/tickets/{number}?phone=5678");
        Assert.Equal("closed", status.Str("status"));
        Assert.Equal(finalReply, status.Str("reply"));
        Assert.Equal("complaint", status.Str("kind"));
        Assert.Equal("housing-fund", status.Str("category"));
        Assert.Equal(
            ["category", "closedAt", "createdAt", "kind", "number", "progress", "repliedAt", "reply", "status"],
            status.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var text = status.GetRawText();
        Assert.DoesNotContain("张先生", text);
        Assert.DoesNotContain("1391234", text);
        Assert.DoesNotContain("学府路", text);
        Assert.DoesNotContain("多次致电", text);
        Assert.Equal("closed", (await citizen.GetOkAsync($"/api/public/tickets/{number}?phone={TicketTestData.CitizenPhone}")).Str("status"));

        // Wrong digits: the same 404 as a number that was never issued.
        var wrong = await (await citizen.GetAsync($"/api/public/tickets/{number}?phone=5679")).AssertProblemAsync(HttpStatusCode.NotFound, "ticket.not_found");
        var unknownNumber = TicketNumber.Format(9_876_543);
        var unknown = await (await citizen.GetAsync($"/api/public/tickets/{unknownNumber}?phone=5678")).AssertProblemAsync(HttpStatusCode.NotFound, "ticket.not_found");
        Assert.Equal(wrong.Str("detail").Replace(number, "N"), unknown.Str("detail").Replace(unknownNumber, "N"));

        // Full-text search finds it, for the centre and for the department handling it.
        Assert.Contains(number, (await agent.GetOkAsync("/api/tickets?q=公积金")).Numbers());
        Assert.Contains(number, (await housing.GetOkAsync("/api/tickets?q=公积金")).Numbers());
        Assert.Contains(number, (await housing.GetOkAsync("/api/tickets?q=公积金&status=closed")).Numbers());
        Assert.DoesNotContain(number, (await agent.GetOkAsync("/api/tickets?q=社保")).Numbers());
    }
}
