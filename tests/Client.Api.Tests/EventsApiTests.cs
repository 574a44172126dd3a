using System.Net;
using System.Net.Http.Json;

namespace Hotline.Tests;

public sealed class EventsApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task A_client_listening_to_seats_receives_the_event_when_a_seat_goes_ready()
    {
        using var timeout = new CancellationTokenSource(TestHelpers.Timeout);
        var supervisor = await api.SignedInAsync("9001");
        var agent = await api.SignedInAsync("1002");
        await agent.PostOkAsync("/api/seats/1002/login", new { queues = new[] { new { queueId = "general", level = 2 } } });

        using var response = await supervisor.GetAsync("/api/events?topics=seats", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var sse = new SseReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        await sse.WaitConnectedAsync(timeout.Token);

        await agent.PostOkAsync("/api/seats/1002/ready");

        var ready = await sse.WaitForAsync(e => e.Type == "seat.ready" && e.Data.Str("id") == "1002", timeout.Token);
        Assert.Equal("seats", ready.Data.Str("topic"));
        Assert.Equal("seat.ready", ready.Data.Str("type"));
        Assert.True(ready.Id > 0);
        // The state is embedded as JSON, not as a string holding JSON.
        Assert.Equal(System.Text.Json.JsonValueKind.Object, ready.Data.GetProperty("state").ValueKind);
        Assert.Equal("ready", ready.Data.GetProperty("state").Str("state"));
    }

    [Fact]
    public async Task A_quiet_stream_gets_keepalive_comments()
    {
        using var timeout = new CancellationTokenSource(TestHelpers.Timeout);
        var supervisor = await api.SignedInAsync("9001");

        using var response = await supervisor.GetAsync("/api/events?topics=tickets", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));

        string? line;
        do line = await reader.ReadLineAsync(timeout.Token);
        while (line is not null && line != ": keepalive");
        Assert.Equal(": keepalive", line);
    }

    [Fact]
    public async Task Call_events_show_the_callers_number_to_a_supervisor_and_mask_it_for_roles_that_see_numbers_masked()
    {
        using var timeout = new CancellationTokenSource(TestHelpers.Timeout);
        var trunk = await api.SignedInAsync("9000");
        var listeners = new[] { ("9001", "13800138123"), ("9500", "138****8123"), ("6201", "138****8123") };
        var streams = new List<(HttpResponseMessage Response, SseReader Sse, string Expected)>();
        foreach (var (jobNo, expected) in listeners)
        {
            var response = await (await api.SignedInAsync(jobNo)).GetAsync("/api/events?topics=calls", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var sse = new SseReader(await response.Content.ReadAsStreamAsync(timeout.Token));
            await sse.WaitConnectedAsync(timeout.Token);
            streams.Add((response, sse, expected));
        }

        var created = await trunk.PostAsJsonAsync("/api/sim/calls", new { from = "13800138123", to = "12345", queue = "general" }, timeout.Token);
        var callId = (await created.AssertOkAsync()).Str("callId");

        foreach (var (response, sse, expected) in streams)
        {
            var seen = await sse.WaitForAsync(e => e.Data.Str("id") == callId, timeout.Token);
            Assert.Equal(expected, seen.Data.GetProperty("state").Str("from"));
            sse.Dispose();
            response.Dispose();
        }
    }

    [Fact]
    public async Task An_unknown_topic_is_a_400()
    {
        var supervisor = await api.SignedInAsync("9001");

        var response = await supervisor.GetAsync("/api/events?topics=seats,weather");

        var body = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.True(body.GetProperty("errors").TryGetProperty("topics", out _));
    }
}
