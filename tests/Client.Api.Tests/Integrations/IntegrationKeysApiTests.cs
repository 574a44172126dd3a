using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace Hotline.Tests.Integrations;

/// <summary>Admins' integration keys and the partner API that uses them, against real PostgreSQL.</summary>
public sealed class IntegrationKeysApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static object Matter(string summary = "小区垃圾清运不及时") => new
    {
        kind = "help",
        category = "environment",
        caller = new { name = "赵先生", phone = "13811112222" },
        summary,
        content = "小区垃圾三天未清运，气味很大。",
        address = "鼓楼区幸福小区",
    };

    private async Task<JsonElement> CreateKeyAsync(string[] scopes, int rate = 1000) =>
        await (await api.SignedInAsync("9000")).PostOkAsync("/api/integrations/keys",
            new { account = "9900", name = "partner app", scopes, ratePerMinute = rate });

    private HttpClient Partner(string key)
    {
        var client = api.Anonymous();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    private async Task<long> CountAsync(string table)
    {
        await using var db = NpgsqlDataSource.Create(api.ConnectionString);
        await using var cmd = db.CreateCommand($"SELECT count(*) FROM {table}");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task An_admin_issues_a_key_shown_once_stored_hashed_and_listed_without_it()
    {
        var created = await CreateKeyAsync(["tickets:submit", "tickets:read"]);
        var key = created.Str("key");
        Assert.StartsWith("hk_" + created.Str("keyId") + "_", key);

        var listed = await (await api.SignedInAsync("9000")).GetOkAsync("/api/integrations/keys");
        var row = listed.EnumerateArray().Single(k => k.Str("keyId") == created.Str("keyId"));
        Assert.False(row.TryGetProperty("key", out _));
        Assert.DoesNotContain(key, listed.GetRawText());
        Assert.Equal(["tickets:submit", "tickets:read"], row.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));

        await using var db = NpgsqlDataSource.Create(api.ConnectionString);
        await using var cmd = db.CreateCommand("SELECT count(*) FROM integration_keys WHERE encode(key_hash, 'escape') LIKE '%' || @secret || '%'");
        cmd.Parameters.AddWithValue("secret", key[^20..]);
        Assert.Equal(0L, (long)(await cmd.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Only_admins_manage_keys_and_only_for_integration_accounts_with_known_scopes()
    {
        await (await (await api.SignedInAsync("9001")).GetAsync("/api/integrations/keys")).AssertProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
        await (await api.Anonymous().GetAsync("/api/integrations/keys")).AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.required");

        var bad = await (await (await api.SignedInAsync("9000")).PostAsJsonAsync("/api/integrations/keys",
                new { account = "1001", name = "x", scopes = new[] { "tickets:delete" }, ratePerMinute = 0 }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Equal(["account", "ratePerMinute", "scopes[0]"], bad.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_partner_submits_with_its_key_and_reads_the_progress_without_personal_data()
    {
        var partner = Partner((await CreateKeyAsync(["tickets:submit", "tickets:read"])).Str("key"));

        var response = await partner.PostAsJsonAsync("/api/partner/tickets", Matter());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var number = (await response.AssertOkAsync()).Str("number");

        var status = await partner.GetOkAsync($"/api/partner/tickets/{number}");
        Assert.Equal(("registered", "environment"), (status.Str("status"), status.Str("category")));
        Assert.DoesNotContain("13811112222", status.GetRawText());
        Assert.DoesNotContain("赵先生", status.GetRawText());
        var staff = await (await api.SignedInAsync("8001")).GetOkAsync($"/api/tickets/{number}");
        Assert.Equal(("app", "9900"), (staff.Str("channel"), staff.Str("createdBy")));

        // An order registered by staff is not this key's to read: the same 404 as an unknown number.
        var other = (await (await api.SignedInAsync("1001")).PostOkAsync("/api/tickets", TicketTestData.Intake())).Str("number");
        await (await partner.GetAsync($"/api/partner/tickets/{other}")).AssertProblemAsync(HttpStatusCode.NotFound, "ticket.not_found");
    }

    [Fact]
    public async Task A_retried_submission_with_the_same_idempotency_key_returns_the_first_order_on_any_api_process()
    {
        var key = (await CreateKeyAsync(["tickets:submit"])).Str("key");
        var second = await api.HostWithAsync(("Hotline:Open311:Contact", "second process"));
        var before = await CountAsync("tickets");

        async Task<HttpResponseMessage> Send(HttpClient client, object body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/partner/tickets") { Content = JsonContent.Create(body) };
            request.Headers.Add("X-Api-Key", key);
            request.Headers.Add("Idempotency-Key", "order-2026-0001");
            return await client.SendAsync(request);
        }

        var first = await Send(api.Anonymous(), Matter());
        var retry = await Send(second.CreateClient(), Matter());

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK), (first.StatusCode, retry.StatusCode));
        Assert.Equal((await first.AssertOkAsync()).Str("number"), (await retry.AssertOkAsync()).Str("number"));
        Assert.Equal(before + 1, await CountAsync("tickets"));

        await (await Send(api.Anonymous(), Matter(summary: "另一件事"))).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency.key_reused");
        Assert.Equal(before + 1, await CountAsync("tickets"));
    }

    [Fact]
    public async Task A_missing_unknown_revoked_unscoped_or_exhausted_key_is_refused_and_creates_nothing()
    {
        var admin = await api.SignedInAsync("9000");
        var readOnly = (await CreateKeyAsync(["tickets:read"])).Str("key");
        var limited = (await CreateKeyAsync(["tickets:submit"], rate: 1)).Str("key");
        var revoked = await CreateKeyAsync(["tickets:submit"]);
        await (await admin.DeleteAsync($"/api/integrations/keys/{revoked.Str("keyId")}")).AssertOkAsync();
        var before = await CountAsync("tickets");

        await (await api.Anonymous().PostAsJsonAsync("/api/partner/tickets", Matter())).AssertProblemAsync(HttpStatusCode.Unauthorized, "integration.key_required");
        await (await Partner("hk_0123456789ab_forged-forged-forged-forged").PostAsJsonAsync("/api/partner/tickets", Matter()))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, "integration.key_invalid");
        await (await Partner(revoked.Str("key")).PostAsJsonAsync("/api/partner/tickets", Matter()))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, "integration.key_invalid");
        await (await Partner(readOnly).PostAsJsonAsync("/api/partner/tickets", Matter()))
            .AssertProblemAsync(HttpStatusCode.Forbidden, "integration.scope_missing");
        Assert.Equal(before, await CountAsync("tickets"));

        await (await Partner(limited).PostAsJsonAsync("/api/partner/tickets", Matter())).AssertOkAsync();
        var throttled = await Partner(limited).PostAsJsonAsync("/api/partner/tickets", Matter());
        await throttled.AssertProblemAsync(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.NotNull(throttled.Headers.RetryAfter);
        Assert.Equal(before + 1, await CountAsync("tickets"));

        await (await admin.DeleteAsync("/api/integrations/keys/000000000000")).AssertProblemAsync(HttpStatusCode.NotFound, "integration.key_not_found");
    }
}
