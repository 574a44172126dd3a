using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Hotline.Api.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Security;

/// <summary>
/// Sign-in against strangers: bars per job number and address, unknown numbers answered like known ones, a rate
/// limit per address, the password policy, changing one's password, disabling accounts and revoking tokens on
/// every API process, and the first-administrator command.
/// </summary>
public sealed class SignInHardeningTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string SourceHeader = TestSources.Header;

    [Fact]
    public async Task An_unknown_job_number_is_barred_after_the_same_failures_with_the_same_answer_as_a_known_one()
    {
        var host = await WithSourcesAsync();
        var known = await FailUntilBarredAsync(host, "1003", "203.0.113.10");
        var unknown = await FailUntilBarredAsync(host, "4711", "203.0.113.10");

        Assert.Equal(known.Select(a => a.Code), unknown.Select(a => a.Code));
        Assert.Equal(["auth.invalid_credentials", "auth.invalid_credentials", "auth.invalid_credentials", "auth.invalid_credentials", "auth.locked"],
            known.Select(a => a.Code));
        Assert.Equal(known[^1].Detail, unknown[^1].Detail);
    }

    [Fact]
    public async Task A_stranger_barring_a_seat_from_one_address_does_not_bar_its_agent_at_another()
    {
        var host = await WithSourcesAsync();
        await FailUntilBarredAsync(host, "1004", "198.51.100.7");

        var stranger = await LoginAsync(host, "1004", ApiFixture.DemoPassword, "198.51.100.7");
        var agent = await LoginAsync(host, "1004", ApiFixture.DemoPassword, "192.0.2.44");

        await stranger.AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.locked");
        await agent.AssertOkAsync();
    }

    [Fact]
    public async Task An_administrators_unlock_lifts_the_bar_from_every_address()
    {
        var host = await WithSourcesAsync();
        await FailUntilBarredAsync(host, "1005", "198.51.100.8");
        var admin = await api.SignedInAsync("9000");

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync("/api/users/1005/unlock", null)).StatusCode);

        await (await LoginAsync(host, "1005", ApiFixture.DemoPassword, "198.51.100.8")).AssertOkAsync();
    }

    [Fact]
    public async Task Sign_in_attempts_beyond_the_limit_per_address_answer_429_whatever_the_job_numbers()
    {
        var host = await WithSourcesAsync(("Hotline:Auth:SignInRateLimit:PermitLimit", "3"));
        for (var i = 0; i < 3; i++)
            await (await LoginAsync(host, $"{5000 + i}", "wrong-password-x", "203.0.113.99")).AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.invalid_credentials");

        var throttled = await LoginAsync(host, "1006", ApiFixture.DemoPassword, "203.0.113.99");
        var elsewhere = await LoginAsync(host, "1006", ApiFixture.DemoPassword, "203.0.113.100");

        await throttled.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.True(throttled.Headers.RetryAfter is not null);
        await elsewhere.AssertOkAsync();
    }

    [Fact]
    public async Task Changing_ones_password_needs_the_current_one_and_a_strong_new_one_and_signs_out_every_token()
    {
        var admin = await api.SignedInAsync("9000");
        await (await admin.PostAsJsonAsync("/api/users/1201", new { displayName = "改密测试", roles = new[] { "agent" }, password = "first-pass-1021q" })).AssertOkAsync();
        var first = await SignInAsync("1201", "first-pass-1021q");
        var second = await SignInAsync("1201", "first-pass-1021q");

        var wrongOld = await first.PostAsJsonAsync("/api/auth/password", new { oldPassword = "not-it-at-all", newPassword = "晚班-蓝色-河流-7" });
        var weakNew = await first.PostAsJsonAsync("/api/auth/password", new { oldPassword = "first-pass-1021q", newPassword = "1qaz2wsx3edc" });
        Assert.Equal("oldPassword", Field(await wrongOld.AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed")));
        Assert.Equal("newPassword", Field(await weakNew.AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed")));
        await first.GetOkAsync("/api/auth/me"); // refusals changed nothing

        var changed = await first.PostAsJsonAsync("/api/auth/password", new { oldPassword = "first-pass-1021q", newPassword = "晚班-蓝色-河流-7" });

        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        await (await first.GetAsync("/api/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.required");
        await (await second.GetAsync("/api/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.required");
        await (await api.Anonymous().PostAsJsonAsync("/api/auth/login", new { jobNumber = "1201", password = "first-pass-1021q" }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.invalid_credentials");
        await (await SignInAsync("1201", "晚班-蓝色-河流-7")).GetOkAsync("/api/auth/me");
    }

    [Fact]
    public async Task An_administrator_cannot_give_an_account_a_weak_password()
    {
        var admin = await api.SignedInAsync("9000");

        var response = await admin.PostAsJsonAsync("/api/users/1202", new { displayName = "弱密码", roles = new[] { "agent" }, password = "88888888888" });

        Assert.Equal("password", Field(await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed")));
        await (await admin.GetAsync("/api/users")).AssertOkAsync();
        Assert.DoesNotContain("1202", (await admin.GetOkAsync("/api/users")).EnumerateArray().Select(u => u.Str("jobNo")));
    }

    [Fact]
    public async Task Disabling_an_account_on_one_API_process_refuses_its_token_on_another_at_once_and_bars_its_sign_in()
    {
        var admin = await api.SignedInAsync("9000");
        await (await admin.PostAsJsonAsync("/api/users/1203", new { displayName = "停用测试", roles = new[] { "agent" }, password = "first-pass-3021q" })).AssertOkAsync();
        var other = await api.HostWithAsync(("Hotline:Auth:RevocationCheckInterval", "00:00:00"));
        var token = await TokenAsync("1203", "first-pass-3021q");
        var onOther = Bearer(other.CreateClient(), token);
        await onOther.GetOkAsync("/api/auth/me"); // the other process has read and cached the token

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync("/api/users/1203/disable", null)).StatusCode);

        await (await onOther.GetAsync("/api/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.required");
        await (await api.Anonymous().PostAsJsonAsync("/api/auth/login", new { jobNumber = "1203", password = "first-pass-3021q" }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.disabled");
        await (await api.Anonymous().PostAsJsonAsync("/api/auth/login", new { jobNumber = "1203", password = "wrong-pass-3021q" }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.invalid_credentials");
        Assert.True((await admin.GetOkAsync("/api/users")).EnumerateArray().Single(u => u.Str("jobNo") == "1203").GetProperty("disabled").GetBoolean());

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync("/api/users/1203/enable", null)).StatusCode);
        await (await SignInAsync("1203", "first-pass-3021q")).GetOkAsync("/api/auth/me");
        await (await onOther.GetAsync("/api/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.required");
    }

    [Fact]
    public async Task Changing_an_accounts_roles_revokes_its_tokens_on_another_process_and_the_next_sign_in_carries_the_new_roles()
    {
        var admin = await api.SignedInAsync("9000");
        await (await admin.PostAsJsonAsync("/api/users/1204", new { displayName = "改角色", roles = new[] { "supervisor" }, password = "first-pass-4021q" })).AssertOkAsync();
        var other = await api.HostWithAsync(("Hotline:Auth:RevocationCheckInterval", "00:00:00"));
        var onOther = Bearer(other.CreateClient(), await TokenAsync("1204", "first-pass-4021q"));
        await onOther.GetOkAsync("/api/seats");

        await (await admin.PutAsJsonAsync("/api/users/1204", new { displayName = "改角色", roles = new[] { "agent" } })).AssertOkAsync();

        await (await onOther.GetAsync("/api/seats")).AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.required");
        var again = await SignInAsync("1204", "first-pass-4021q");
        await (await again.GetAsync("/api/seats")).AssertProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
    }

    [Fact]
    public async Task An_administrator_cannot_disable_their_own_account()
    {
        var admin = await api.SignedInAsync("9000");

        await (await admin.PostAsync("/api/users/9000/disable", null)).AssertProblemAsync(HttpStatusCode.Conflict, "user.self_disable");
        await admin.GetOkAsync("/api/auth/me");
    }

    [Fact]
    public async Task The_first_administrator_command_refuses_a_weak_password_and_creates_one_who_can_sign_in()
    {
        var connection = $"--ConnectionStrings:Hotline={api.ConnectionString}";
        var error = new StringWriter();

        var weak = await CreateAdminCommand.RunAsync(["create-admin", "--job-number", "9100", connection], new StringReader("admin123456\n"), TextWriter.Null, error);
        Assert.Equal(1, weak);
        Assert.Contains("password refused", error.ToString());
        await (await api.Anonymous().PostAsJsonAsync("/api/auth/login", new { jobNumber = "9100", password = "admin123456" }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.invalid_credentials");

        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, "首位管理员-长密码-2026\n");
            var created = await CreateAdminCommand.RunAsync(["create-admin", "--job-number", "9100", "--password-file", file, connection],
                TextReader.Null, TextWriter.Null, error);
            var again = await CreateAdminCommand.RunAsync(["create-admin", "--job-number", "9100", "--password-file", file, connection],
                TextReader.Null, TextWriter.Null, error);

            Assert.Equal(0, created);
            Assert.Equal(1, again);
            var admin = await SignInAsync("9100", "首位管理员-长密码-2026");
            await admin.GetOkAsync("/api/users");
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string Field(JsonElement problem) => Assert.Single(problem.GetProperty("errors").EnumerateObject()).Name;

    private async Task<string> TokenAsync(string jobNo, string password)
    {
        var response = await api.Anonymous().PostAsJsonAsync("/api/auth/login", new { jobNumber = jobNo, password });
        return (await response.AssertOkAsync()).Str("token");
    }

    private async Task<HttpClient> SignInAsync(string jobNo, string password) =>
        Bearer(api.Anonymous(), await TokenAsync(jobNo, password));

    private static HttpClient Bearer(HttpClient client, string token)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Fails five times from <paramref name="source"/>; returns each answer's code and detail.</summary>
    private static async Task<List<(string Code, string Detail)>> FailUntilBarredAsync(WebApplicationFactory<Program> host, string jobNo, string source)
    {
        var answers = new List<(string, string)>();
        for (var i = 0; i < 5; i++)
        {
            var response = await LoginAsync(host, jobNo, $"wrong-password-{i}", source);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            answers.Add((body.Str("code"), body.Str("detail")));
        }
        return answers;
    }

    private static async Task<HttpResponseMessage> LoginAsync(WebApplicationFactory<Program> host, string jobNo, string password, string source)
    {
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Add(SourceHeader, source);
        return await client.PostAsJsonAsync("/api/auth/login", new { jobNumber = jobNo, password });
    }

    private Task<WebApplicationFactory<Program>> WithSourcesAsync(params (string Key, string Value)[] settings) =>
        TestSources.HostAsync(api, settings);
}
