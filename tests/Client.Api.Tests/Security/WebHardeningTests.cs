using System.Net;
using System.Net.Http.Json;
using System.Text;
using Hotline.Api.Audit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Hotline.Tests.Security;

/// <summary>Security headers, forwarded headers from configured proxies only, a shared key ring, anti-forgery, body cap.</summary>
public sealed class WebHardeningTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string SourceHeader = TestSources.Header;

    [Fact]
    public async Task Pages_and_api_answers_carry_a_csp_without_inline_script_and_the_other_security_headers_but_no_hsts_over_http()
    {
        foreach (var url in new[] { "/login", "/api/auth/me", "/health/live" })
        {
            var response = await api.Anonymous().GetAsync(url);
            var csp = Header(response, "Content-Security-Policy");

            Assert.Contains("frame-ancestors 'none'", csp);
            Assert.Contains("script-src 'self'", csp);
            Assert.DoesNotContain("script-src 'self' 'unsafe-inline'", csp);
            Assert.DoesNotContain("unsafe-eval", csp);
            Assert.Contains("object-src 'none'", csp);
            Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
            Assert.Equal("DENY", Header(response, "X-Frame-Options"));
            Assert.Equal("strict-origin-when-cross-origin", Header(response, "Referrer-Policy"));
            Assert.False(response.Headers.Contains("Strict-Transport-Security"), url);
        }
    }

    [Fact]
    public async Task Hsts_is_sent_over_https()
    {
        // NetEscapades leaves HSTS off for localhost, where it would pin a developer's machine.
        var client = api.Factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://hotline.example") });

        var response = await client.GetAsync("/health/live");

        Assert.StartsWith("max-age=31536000", Header(response, "Strict-Transport-Security"));
    }

    [Fact]
    public async Task The_login_page_does_not_run_inline_script()
    {
        var html = await api.Anonymous().GetStringAsync("/login");

        Assert.DoesNotMatch(@"<script(?![^>]*\bsrc=)[^>]*>", html);
        Assert.DoesNotContain(" onclick=\"", html);
    }

    [Fact]
    public async Task Forwarded_headers_are_believed_from_a_configured_proxy_and_ignored_from_anyone_else()
    {
        var host = await WithSourcesAsync(("Hotline:Web:KnownProxies:0", "10.9.8.7"));
        var viaProxy = Client(host, "10.9.8.7");
        viaProxy.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.77");
        viaProxy.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        var stranger = Client(host, "198.51.100.66");
        stranger.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.78");
        stranger.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");

        var proxied = await viaProxy.PostAsJsonAsync("/api/auth/login", new { jobNumber = "7701", password = "forwarded-test-1" });
        var spoofed = await stranger.PostAsJsonAsync("/api/auth/login", new { jobNumber = "7702", password = "forwarded-test-2" });

        Assert.StartsWith("max-age=", Header(proxied, "Strict-Transport-Security")); // the proxy said https
        Assert.False(spoofed.Headers.Contains("Strict-Transport-Security"));
        var audit = host.Services.GetRequiredService<AuditLog>();
        await audit.FlushAsync();
        Assert.Equal("203.0.113.77", (await audit.QueryAsync(new AuditQuery("7701", null, null, null), default)).Items.Single().Record.Source);
        Assert.Equal("198.51.100.66", (await audit.QueryAsync(new AuditQuery("7702", null, null, null), default)).Items.Single().Record.Source);
    }

    [Fact]
    public async Task Two_api_processes_share_the_data_protection_keys_through_the_database()
    {
        var other = await api.HostWithAsync(("Hotline:Demo:Seed", "false"));
        var protectedText = api.Factory.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("hotline.test").Protect("工单 2026");

        var unprotected = other.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("hotline.test").Unprotect(protectedText);

        Assert.Equal("工单 2026", unprotected);
        await using var db = NpgsqlDataSource.Create(api.ConnectionString);
        await using var count = db.CreateCommand("SELECT count(*) FROM data_protection_keys");
        Assert.True((long)(await count.ExecuteScalarAsync())! >= 1);
    }

    [Fact]
    public async Task The_sign_in_form_posted_without_its_antiforgery_token_is_refused()
    {
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["Input.JobNumber"] = "1001",
            ["Input.Password"] = ApiFixture.DemoPassword,
        });

        var response = await api.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }).PostAsync("/login", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("hotline_token=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_body_over_the_cap_answers_413_before_any_handler_reads_it()
    {
        var admin = await api.SignedInAsync("9000");
        var huge = new StringContent("{\"summary\":\"" + new string('x', 1_100_000) + "\"}", Encoding.UTF8, "application/json");

        var response = await admin.PostAsync("/api/tickets", huge);

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "request.too_large");
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values)
        : response.Content.Headers.TryGetValues(name, out var content) ? string.Join(",", content)
        : throw new Xunit.Sdk.XunitException($"no {name} header on {response.RequestMessage?.RequestUri}");

    private static HttpClient Client(WebApplicationFactory<Program> host, string source)
    {
        var client = host.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://hotline.example") });
        client.DefaultRequestHeaders.Add(SourceHeader, source);
        return client;
    }

    private Task<WebApplicationFactory<Program>> WithSourcesAsync(params (string Key, string Value)[] settings) =>
        TestSources.HostAsync(api, settings);
}
