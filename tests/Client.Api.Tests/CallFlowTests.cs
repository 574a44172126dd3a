using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;

namespace Hotline.Tests;

/// <summary>A whole call through the API: trunk, queue, seat, answer, hang-up, wrap-up, and the counters after it.</summary>
public sealed class CallFlowTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task A_simulated_call_is_offered_answered_wrapped_up_and_counted_within_the_service_level()
    {
        using var timeout = new CancellationTokenSource(TestHelpers.Timeout);
        var admin = await api.SignedInAsync("9000");
        var agent = await api.SignedInAsync("1001");
        var trunk = await api.SignedInAsync("9900");

        await (await admin.PutAsJsonAsync("/api/queues/general", new { name = "综合", serviceLevelSeconds = 10, wrapUpSeconds = 30 })).AssertOkAsync();
        var seat = await agent.PostOkAsync("/api/seats/1001/login", new { queues = new[] { new { queueId = "general", level = 3 } } });
        Assert.Equal("general", seat.GetProperty("skills").GetProperty("queues")[0].Str("queueId"));
        Assert.Equal("ready", (await agent.PostOkAsync("/api/seats/1001/ready")).Str("state"));

        // Listen before dialling, so the offer cannot slip past.
        using var events = await admin.GetAsync("/api/events?topics=calls", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal("text/event-stream", events.Content.Headers.ContentType?.MediaType);
        using var sse = new SseReader(await events.Content.ReadAsStreamAsync(timeout.Token));
        await sse.WaitConnectedAsync(timeout.Token);

        var created = await trunk.PostAsJsonAsync("/api/sim/calls", new { from = "13800138000", to = "12345", queue = "general" }, timeout.Token);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var callId = (await created.AssertOkAsync()).Str("callId");
        Assert.StartsWith("sim-", callId);

        var offered = await sse.WaitForAsync(e => e.Type == "call.offered" && e.Data.Str("id") == callId, timeout.Token);
        Assert.Equal("calls", offered.Data.Str("topic"));
        Assert.Equal("offering", offered.Data.GetProperty("state").Str("state"));
        var call = await admin.GetOkAsync($"/api/calls/{callId}");
        Assert.Equal("offering", call.Str("state"));
        Assert.Equal("1001", call.Str("seat"));
        Assert.Equal("general", call.Str("queue"));
        Assert.Equal("13800138000", call.Str("from"));

        Assert.Equal("talking", (await agent.PostOkAsync("/api/seats/1001/answer")).Str("state"));
        Assert.Equal("talking", (await agent.GetOkAsync($"/api/calls/{callId}")).Str("state"));

        Assert.Equal("wrapup", (await agent.PostOkAsync("/api/seats/1001/hangup")).Str("state"));
        Assert.Equal("wrapup", (await admin.GetOkAsync($"/api/calls/{callId}")).Str("state"));

        Assert.Equal("ready", (await agent.PostOkAsync("/api/seats/1001/wrap-up/done")).Str("state"));
        var ended = await admin.GetOkAsync($"/api/calls/{callId}");
        Assert.Equal("ended", ended.Str("state"));
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, ended.GetProperty("wrapUpEndedAt").ValueKind);

        var queue = await admin.GetOkAsync("/api/queues/general");
        Assert.Equal(1, queue.GetProperty("answered").GetInt32());
        Assert.Equal(1, queue.GetProperty("answeredWithinThreshold").GetInt32());
        Assert.Equal(1.0, queue.GetProperty("serviceLevel").GetDouble());
        Assert.Equal(0, queue.GetProperty("waiting").GetInt32());

        var history = await admin.GetOkAsync("/api/calls?state=ended&page=1&pageSize=10");
        Assert.Equal(1, history.GetProperty("total").GetInt32());
        Assert.Equal(callId, history.GetProperty("items")[0].Str("id"));
    }

    [Fact]
    public async Task A_retried_simulated_call_with_the_same_idempotency_key_returns_the_first_call()
    {
        var admin = await api.SignedInAsync("9000");
        await (await admin.PutAsJsonAsync("/api/queues/idempotency", new { name = "重试" })).AssertOkAsync();
        var body = new { from = "+8613900139000", queue = "idempotency" };

        var first = new HttpRequestMessage(HttpMethod.Post, "/api/sim/calls") { Content = JsonContent.Create(body) };
        first.Headers.Add("Idempotency-Key", "retry-me-1");
        var second = new HttpRequestMessage(HttpMethod.Post, "/api/sim/calls") { Content = JsonContent.Create(body) };
        second.Headers.Add("Idempotency-Key", "retry-me-1");
        var firstResponse = await admin.SendAsync(first);
        var secondResponse = await admin.SendAsync(second);

        Assert.Equal(HttpStatusCode.Created, firstResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, secondResponse.StatusCode);
        Assert.Equal((await firstResponse.AssertOkAsync()).Str("callId"), (await secondResponse.AssertOkAsync()).Str("callId"));
        var queue = await admin.GetOkAsync("/api/queues/idempotency");
        Assert.Equal(1, queue.GetProperty("waiting").GetInt32());
    }

    [Fact]
    public async Task A_simulated_call_needs_a_phone_like_caller_number()
    {
        var trunk = await api.SignedInAsync("9900");

        var response = await trunk.PostAsJsonAsync("/api/sim/calls", new { from = "not a number", language = "EN!" });

        var body = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.True(body.GetProperty("errors").TryGetProperty("from", out _));
        Assert.True(body.GetProperty("errors").TryGetProperty("language", out _));
    }

    [Fact]
    public async Task Agents_may_not_drive_the_simulated_trunk()
    {
        var agent = await api.SignedInAsync("1002");

        var response = await agent.PostAsJsonAsync("/api/sim/calls", new { from = "13800138000" });

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
    }

    [Fact]
    public async Task An_unknown_call_is_404()
    {
        var admin = await api.SignedInAsync("9000");

        var response = await admin.GetAsync("/api/calls/sim-20260101T000000-deadbeef");

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "call.not_found");
    }

    [Fact]
    public async Task The_simulated_trunk_answers_404_when_it_is_switched_off()
    {
        await using var switchedOff = api.Factory.WithWebHostBuilder(web => web.UseSetting("Hotline:SimulatedTrunk:Enabled", "false"));
        var client = switchedOff.CreateClient();
        var login = await (await client.PostAsJsonAsync("/api/auth/login", new { jobNumber = "9900", password = ApiFixture.DemoPassword })).AssertOkAsync();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", login.Str("token"));

        var response = await client.PostAsJsonAsync("/api/sim/calls", new { from = "13800138000" });

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "sim.disabled");
    }
}
