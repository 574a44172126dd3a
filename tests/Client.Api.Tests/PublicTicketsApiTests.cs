using System.Net;
using System.Net.Http.Json;
using Hotline.Tickets;

namespace Hotline.Tests;

/// <summary>The citizens' routes: web intake, the status query's checks, and the per-address rate limit.</summary>
public sealed class PublicTicketsApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static object WebForm(string? phone = "051188881234") => new
    {
        kind = "suggestion",
        category = "traffic",
        caller = new { name = "王女士", phone },
        summary = "建议增设公交站台",
        content = "学府路口附近缺少公交站台，建议增设。",
    };

    [Fact]
    public async Task A_citizen_submits_through_the_web_and_looks_the_order_up_with_the_phone()
    {
        var citizen = api.Anonymous();

        var response = await citizen.PostAsJsonAsync("/api/public/tickets", WebForm(phone: "13700001234"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.AssertOkAsync();
        Assert.Equal(["number"], created.EnumerateObject().Select(p => p.Name));
        var number = created.Str("number");
        Assert.True(TicketNumber.IsValid(number));
        Assert.Equal("registered", (await citizen.GetOkAsync($"/api/public/tickets/{number}?phone=1234")).Str("status"));

        var staff = await (await api.SignedInAsync("8001")).GetOkAsync($"/api/tickets/{number}");
        Assert.Equal(("web", "web", "police-liaison"), (staff.Str("channel"), staff.Str("createdBy"), staff.Str("suggestedDepartment")));
        Assert.Equal("13700001234", staff.GetProperty("caller").Str("phone"));
    }

    [Fact]
    public async Task The_web_form_needs_a_phone_and_gets_the_staff_intake_checks()
    {
        var citizen = api.Anonymous();

        var noPhone = await (await citizen.PostAsJsonAsync("/api/public/tickets", WebForm(phone: null)))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.True(noPhone.GetProperty("errors").TryGetProperty("caller.phone", out _));

        var bad = await (await citizen.PostAsJsonAsync("/api/public/tickets", new { kind = "rant", category = "traffic", caller = new { phone = "123" }, summary = "x" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Equal(["caller.phone", "content", "kind"], bad.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_number_with_a_wrong_check_digit_is_a_400_and_the_phone_is_required()
    {
        var citizen = api.Anonymous();
        var valid = TicketNumber.Format(1_234_567);

        var wrongDigit = await (await citizen.GetAsync($"/api/public/tickets/{TicketTestData.WithWrongCheckDigit(valid)}?phone=1234"))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.True(wrongDigit.GetProperty("errors").TryGetProperty("number", out _));
        var noPhone = await (await citizen.GetAsync($"/api/public/tickets/{valid}")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.True(noPhone.GetProperty("errors").TryGetProperty("phone", out _));
        await (await citizen.GetAsync($"/api/public/tickets/{valid}?phone=1234")).AssertProblemAsync(HttpStatusCode.NotFound, "ticket.not_found");
    }

    [Fact]
    public async Task The_public_routes_answer_429_once_an_address_has_used_its_requests()
    {
        await using var host = await api.HostWithAsync(("Hotline:Public:RateLimit:PermitLimit", "3"), ("Hotline:Public:RateLimit:Window", "01:00:00"));
        var citizen = host.CreateClient();
        var unknown = TicketNumber.Format(7_654_321);

        for (var i = 0; i < 3; i++)
            await (await citizen.GetAsync($"/api/public/tickets/{unknown}?phone=1234")).AssertProblemAsync(HttpStatusCode.NotFound, "ticket.not_found");
        var limited = await citizen.GetAsync($"/api/public/tickets/{unknown}?phone=1234");
        var posted = await citizen.PostAsJsonAsync("/api/public/tickets", WebForm());

        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.True(limited.Headers.RetryAfter is not null, "a 429 says when to retry");
        await posted.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        // Staff routes are not limited.
        var agent = host.CreateClient();
        var login = await agent.PostAsJsonAsync("/api/auth/login", new { jobNumber = "1001", password = ApiFixture.DemoPassword });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }
}
