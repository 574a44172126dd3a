using System.Net;
using System.Net.Http.Json;

namespace Hotline.Tests;

public sealed class QueuesApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Putting_a_queue_with_a_bad_strategy_and_level_lists_every_bad_field()
    {
        var admin = await api.SignedInAsync("9000");

        var response = await admin.PutAsJsonAsync("/api/queues/general", new
        {
            name = "综合",
            strategy = "loudest_first",
            minimumLevel = 7,
            ringTimeoutSeconds = 1,
            callbackDigit = "x",
            overflow = new[] { new { afterSeconds = 30, queueId = "general" } },
        });

        var body = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        var errors = body.GetProperty("errors");
        foreach (var field in new[] { "strategy", "minimumLevel", "ringTimeoutSeconds", "callbackDigit", "overflow[0].queueId" })
            Assert.True(errors.TryGetProperty(field, out _), $"{field} missing in {errors.GetRawText()}");
    }

    [Fact]
    public async Task An_admin_configures_a_queue_and_gets_the_config_back()
    {
        var admin = await api.SignedInAsync("9000");

        var config = await (await admin.PutAsJsonAsync("/api/queues/tax", new
        {
            name = "税务",
            strategy = "highest_proficiency",
            serviceLevelSeconds = 20,
            minimumLevel = 2,
            widening = new[] { new { afterSeconds = 45, minimumLevel = 1 } },
            overflow = new[] { new { afterSeconds = 90, queueId = "general" } },
            exitDestination = "callback",
            callbackDigit = "#",
        })).AssertOkAsync();

        Assert.Equal("highest_proficiency", config.Str("strategy"));
        Assert.Equal("callback", config.Str("exitDestination"));
        Assert.Equal("general", config.GetProperty("overflow")[0].Str("queueId"));
        var queue = await admin.GetOkAsync("/api/queues/tax");
        Assert.Equal("税务", queue.Str("name"));
        Assert.Equal(0, queue.GetProperty("waiting").GetInt32());
        Assert.Equal(20, queue.GetProperty("config").GetProperty("serviceLevelSeconds").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, queue.GetProperty("serviceLevel").ValueKind);
        var all = await admin.GetOkAsync("/api/queues");
        Assert.Contains(all.EnumerateArray(), q => q.Str("id") == "tax");
    }

    [Fact]
    public async Task An_unknown_queue_is_404()
    {
        var supervisor = await api.SignedInAsync("9001");

        var response = await supervisor.GetAsync("/api/queues/no-such-queue");

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "queue.not_found");
    }

    [Fact]
    public async Task Only_admins_configure_queues()
    {
        var supervisor = await api.SignedInAsync("9001");

        var response = await supervisor.PutAsJsonAsync("/api/queues/general", new { name = "综合" });

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
    }

    [Fact]
    public async Task The_demo_queues_are_seeded_with_their_rules()
    {
        var supervisor = await api.SignedInAsync("9001");

        var queues = (await supervisor.GetOkAsync("/api/queues")).EnumerateArray().ToDictionary(q => q.Str("id"));

        Assert.Equal("综合", queues["general"].Str("name"));
        var english = queues["english"].GetProperty("config");
        Assert.Equal("en", english.Str("language"));
        Assert.Equal(3, english.GetProperty("minimumLevel").GetInt32());
        Assert.Equal(1, english.GetProperty("widening")[0].GetProperty("minimumLevel").GetInt32());
        Assert.Equal(60, queues["housing-fund"].GetProperty("config").GetProperty("overflow")[0].GetProperty("afterSeconds").GetInt32());
        Assert.Equal(10, queues["social-security"].GetProperty("config").GetProperty("serviceLevelSeconds").GetInt32());
    }

    [Fact]
    public async Task Listing_calls_with_an_unknown_state_is_a_400_naming_state()
    {
        var supervisor = await api.SignedInAsync("9001");

        var response = await supervisor.GetAsync("/api/calls?state=sleeping");

        var body = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.True(body.GetProperty("errors").TryGetProperty("state", out _));
    }

    [Fact]
    public async Task An_outbound_call_needs_the_telephony_edge()
    {
        var agent = await api.SignedInAsync("1001");

        var response = await agent.PostAsJsonAsync("/api/calls", new { to = "13800138000" });

        await response.AssertProblemAsync(HttpStatusCode.NotImplemented, "telephony.not_available");
    }
}
