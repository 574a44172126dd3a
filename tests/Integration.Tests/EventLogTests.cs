using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Hotline.Tests;

/// <summary>
/// Live events through the event log in PostgreSQL (the default transport with a database): two API processes number
/// events alike, and a client that reconnects to either with Last-Event-ID gets what it missed, in order and once.
/// </summary>
public sealed class EventLogTests
{
    private const string Password = "event-log-demo-password";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_desk_that_reconnects_to_another_api_process_with_Last_Event_ID_gets_every_event_it_missed_in_order_and_once()
    {
        await using var db = await TestDatabase.CreateAsync("eventlog");
        await using var silo = HotlineProcess.StartSilo(db.ConnectionString, HotlineProcess.FreePort(), HotlineProcess.FreePort(), HotlineProcess.FreePort());
        await silo.WaitReadyAsync();
        await using var first = await HotlineProcess.StartDemoApiAsync("api-1", db.ConnectionString, Password, seedDemo: true);
        await using var second = await HotlineProcess.StartDemoApiAsync("api-2", db.ConnectionString, Password, seedDemo: false);

        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var supervisor = await SignInAsync(http, first.Url, "9001");
        var agent = await SignInAsync(http, first.Url, "1001");
        async Task SeatAsync(string action, object? body = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{first.Url}/api/seats/1001/{action}") { Content = JsonContent.Create(body ?? new { }) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", agent);
            using var response = await http.SendAsync(request);
            Assert.True(response.IsSuccessStatusCode, $"{action}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        var login = new { queues = new[] { new { queueId = "general", level = 3 } }, languages = new[] { "zh" } };

        // The desk follows its seat on the first API process.
        long lastSeen;
        await using (var desk = await SseReader.OpenAsync(http, first.Url, supervisor, lastEventId: null))
        {
            await SeatAsync("login", login);
            await SeatAsync("ready");
            var seen = await desk.UntilAsync(e => e.Entity == "1001" && e.Type == "seat.ready", Patience);
            lastSeen = seen[^1].Id;
        }

        // The desk is away (its connection dropped) while its seat changes three times.
        await SeatAsync("logout");
        await SeatAsync("login", login);
        await SeatAsync("ready");

        // It comes back through the second API process (another node behind the load balancer) with the last id it saw.
        await using var back = await SseReader.OpenAsync(http, second.Url, supervisor, lastEventId: lastSeen);
        var missed = await back.UntilAsync(e => e.Entity == "1001" && e.Type == "seat.ready", Patience);
        Assert.Equal(["seat.logged_out", "seat.logged_in", "seat.ready"], missed.Where(e => e.Entity == "1001").Select(e => e.Type));
        Assert.All(missed, e => Assert.True(e.Id > lastSeen));
        Assert.Equal(missed.Select(e => e.Id).Order(), missed.Select(e => e.Id));
        Assert.Equal(missed.Count, missed.Select(e => e.Id).Distinct().Count());

        // And then the live events, once each: none replayed again, none skipped.
        await SeatAsync("logout");
        var live = await back.UntilAsync(e => e.Entity == "1001" && e.Type == "seat.logged_out", Patience);
        Assert.Single(live, e => e.Entity == "1001");
        Assert.True(live[0].Id > missed[^1].Id);
        Assert.DoesNotContain(back.All.GroupBy(e => e.Id), g => g.Count() > 1);
    }

    [Fact]
    public async Task A_desk_keeps_receiving_events_on_the_same_connection_after_every_silo_restarted()
    {
        await using var db = await TestDatabase.CreateAsync("eventrestart");
        var (siloPort, gatewayPort, httpPort) = (HotlineProcess.FreePort(), HotlineProcess.FreePort(), HotlineProcess.FreePort());
        var silo = HotlineProcess.StartSilo(db.ConnectionString, siloPort, gatewayPort, httpPort);
        await silo.WaitReadyAsync();
        await using var api = await HotlineProcess.StartDemoApiAsync("api", db.ConnectionString, Password, seedDemo: true);
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var supervisor = await SignInAsync(http, api.Url, "9001");
        var agent = await SignInAsync(http, api.Url, "1001");
        var login = new { queues = new[] { new { queueId = "general", level = 3 } }, languages = new[] { "zh" } };
        await using var desk = await SseReader.OpenAsync(http, api.Url, supervisor, lastEventId: null);
        await PostAsync(http, $"{api.Url}/api/seats/1001/login", agent, login);
        await desk.UntilAsync(e => e.Entity == "1001" && e.Type == "seat.logged_in", Patience);

        // Every silo goes (here the only one) and a new one takes its place; the API process and the desk's connection stay.
        silo.Kill();
        await silo.DisposeAsync();
        await using var next = HotlineProcess.StartSilo(db.ConnectionString, siloPort, gatewayPort, httpPort);
        await next.WaitReadyAsync();

        await Eventually.HoldsAsync(async () => await TryPostAsync(http, $"{api.Url}/api/seats/1001/ready", agent), "the API reaches the new silo");
        var after = await desk.UntilAsync(e => e.Entity == "1001" && e.Type == "seat.ready", Patience);
        Assert.Equal("seat.ready", after[^1].Type);
    }

    private static async Task PostAsync(HttpClient http, string url, string token, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<bool> TryPostAsync(HttpClient http, string url, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(new { }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        return response.IsSuccessStatusCode;
    }

    private static async Task<string> SignInAsync(HttpClient http, string url, string jobNo)
    {
        using var response = await http.PostAsJsonAsync($"{url}/api/auth/login", new { jobNumber = jobNo, password = Password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }
}
