using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;

namespace Hotline.Tests;

public sealed class AuthTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Signing_in_with_the_right_password_returns_a_token_with_roles_and_expiry()
    {
        var response = await api.Anonymous().PostAsJsonAsync("/api/auth/login", new { jobNumber = "1001", password = ApiFixture.DemoPassword });

        var body = await response.AssertOkAsync();
        Assert.Equal(43, body.Str("token").Length);
        Assert.Equal(["agent"], body.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("1001", body.Str("jobNumber"));
        Assert.Equal("话务员01", body.Str("displayName"));
        Assert.True(body.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddHours(11));
    }

    [Fact]
    public async Task Wrong_password_and_unknown_job_number_get_the_same_401()
    {
        var client = api.Anonymous();

        var wrongPassword = await (await client.PostAsJsonAsync("/api/auth/login", new { jobNumber = "1002", password = "not-the-password" }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.invalid_credentials");
        var unknownUser = await (await client.PostAsJsonAsync("/api/auth/login", new { jobNumber = "4242", password = "not-the-password" }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.invalid_credentials");

        Assert.Equal(wrongPassword.Str("detail"), unknownUser.Str("detail"));
        Assert.Equal(wrongPassword.Str("title"), unknownUser.Str("title"));
    }

    [Fact]
    public async Task Five_failed_sign_ins_lock_the_account_even_against_the_right_password()
    {
        var client = api.Anonymous();
        for (var i = 0; i < 4; i++)
        {
            await (await client.PostAsJsonAsync("/api/auth/login", new { jobNumber = "1010", password = $"wrong-{i}" }))
                .AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.invalid_credentials");
        }

        await (await client.PostAsJsonAsync("/api/auth/login", new { jobNumber = "1010", password = "wrong-5" }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.locked");
        var locked = await (await client.PostAsJsonAsync("/api/auth/login", new { jobNumber = "1010", password = ApiFixture.DemoPassword }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.locked");
        Assert.True(locked.GetProperty("lockedUntil").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(4));
    }

    [Fact]
    public async Task A_route_without_a_token_answers_401_problem_json()
    {
        var response = await api.Anonymous().GetAsync("/api/seats");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.required");
    }

    [Fact]
    public async Task A_made_up_token_answers_401()
    {
        var client = api.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", new string('A', 43));

        await (await client.GetAsync("/api/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.required");
    }

    [Fact]
    public async Task Logging_out_revokes_the_token()
    {
        var client = await api.SignedInAsync("1009");
        var me = await client.GetOkAsync("/api/auth/me");
        Assert.Equal("1009", me.Str("jobNumber"));

        var logout = await client.PostAsync("/api/auth/logout", null);
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);

        await (await client.GetAsync("/api/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.required");
    }

    [Fact]
    public async Task The_token_is_also_accepted_from_the_cookie()
    {
        var signedIn = await api.SignedInAsync("1008");
        var token = signedIn.DefaultRequestHeaders.Authorization!.Parameter;
        var client = api.Anonymous();
        client.DefaultRequestHeaders.Add("Cookie", $"hotline_token={token}");

        var me = await client.GetOkAsync("/api/auth/me");

        Assert.Equal("1008", me.Str("jobNumber"));
    }

    [Fact]
    public async Task Malformed_json_is_a_400_validation_problem_without_a_stack_trace()
    {
        var content = new StringContent("{\"jobNumber\": \"1001\", ", Encoding.UTF8, "application/json");

        var response = await api.Anonymous().PostAsync("/api/auth/login", content);

        var body = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.True(body.TryGetProperty("errors", out _));
        var text = body.GetRawText();
        Assert.DoesNotContain(" at ", text);
        Assert.DoesNotContain("Exception", text);
    }

    [Fact]
    public async Task A_wrongly_typed_field_is_a_400_naming_the_field()
    {
        var admin = await api.SignedInAsync("9000");

        var response = await admin.PutAsync("/api/queues/general",
            new StringContent("{\"name\": \"综合\", \"serviceLevelSeconds\": \"ten\"}", Encoding.UTF8, "application/json"));

        var body = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.True(body.GetProperty("errors").TryGetProperty("serviceLevelSeconds", out _), body.GetRawText());
    }

    [Fact]
    public async Task Unknown_routes_are_404_problem_json()
    {
        var client = await api.SignedInAsync("9001");

        await (await client.GetAsync("/api/no-such-thing")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Health_openapi_and_the_docs_page_need_no_sign_in()
    {
        var client = api.Anonymous();

        var live = await client.GetOkAsync("/health/live");
        Assert.Equal("healthy", live.Str("status"));
        var ready = await client.GetOkAsync("/health/ready");
        Assert.Equal("healthy", ready.GetProperty("checks").GetProperty("orleans").Str("status"));
        Assert.Equal("healthy", ready.GetProperty("checks").GetProperty("postgres").Str("status"));
        var openApi = await client.GetOkAsync("/openapi/v1.json");
        Assert.True(openApi.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("Bearer", out _));
        Assert.True(openApi.GetProperty("paths").TryGetProperty("/api/seats/{jobNo}/login", out _));
        Assert.True(openApi.GetProperty("paths").TryGetProperty("/api/tickets/{number}/dispatch", out _));
        Assert.True(openApi.GetProperty("paths").TryGetProperty("/api/public/tickets/{number}", out _));
        var docs = await client.GetAsync("/api/docs/");
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/docs/scalar.js")).StatusCode);
    }

    [Fact]
    public async Task Metrics_count_requests_by_route_and_failed_sign_ins()
    {
        var anonymous = api.Anonymous();
        await anonymous.PostAsJsonAsync("/api/auth/login", new { jobNumber = "4343", password = "nope-nope" });
        var admin = await api.SignedInAsync("9000");
        await admin.GetOkAsync("/api/seats");

        var response = await admin.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.ToString());
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", text);
        Assert.Contains("http_route=\"/api/seats\"", text);
        Assert.Contains("http_response_status_code=\"200\"", text);
        Assert.Contains("hotline_signin_failures_total{reason=\"invalid_credentials\"}", text);
        Assert.Contains("hotline_sse_clients", text);
    }
}
