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
        var apiDll = Path.Combine(HotlineProcess.RepositoryRoot, "Client.Api", "bin", HotlineProcess.Configuration, "net10.0", "Hotline.Client.Api.dll");
        var environment = new Dictionary<string, string> { ["HOTLINE_DEMO_PASSWORD"] = Password };
        await using var first = HotlineProcess.Start("api-1", apiDll, $"http://127.0.0.1:{HotlineProcess.FreePort()}",
            [$"--ConnectionStrings:Hotline={db.ConnectionString}", "--Hotline:Demo:Seed=true"], environment);
        await first.WaitReadyAsync();
        await using var second = HotlineProcess.Start("api-2", apiDll, $"http://127.0.0.1:{HotlineProcess.FreePort()}",
            [$"--ConnectionStrings:Hotline={db.ConnectionString}"], environment);
        await second.WaitReadyAsync();

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

    private static async Task<string> SignInAsync(HttpClient http, string url, string jobNo)
    {
        using var response = await http.PostAsJsonAsync($"{url}/api/auth/login", new { jobNumber = jobNo, password = Password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    private sealed record SseEvent(long Id, string Type, string Entity);

    /// <summary>Reads one SSE connection's events as an EventSource would, keeping every one in arrival order.</summary>
    private sealed class SseReader : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly List<SseEvent> _events = [];
        private readonly SemaphoreSlim _arrived = new(0);
        private HttpResponseMessage _response = null!;
        private Task _reading = Task.CompletedTask;
        private int _taken;

        public IReadOnlyList<SseEvent> All
        {
            get
            {
                lock (_events) return _events.ToList();
            }
        }

        public static async Task<SseReader> OpenAsync(HttpClient http, string url, string token, long? lastEventId)
        {
            var reader = new SseReader();
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{url}/api/events?topics=seats");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (lastEventId is { } id) request.Headers.Add("Last-Event-ID", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            reader._response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            reader._response.EnsureSuccessStatusCode();
            var stream = new StreamReader(await reader._response.Content.ReadAsStreamAsync());
            Assert.Equal(": connected", await stream.ReadLineAsync());
            reader._reading = reader.ReadAsync(stream);
            return reader;
        }

        private async Task ReadAsync(StreamReader stream)
        {
            long id = 0;
            string? type = null;
            try
            {
                while (await stream.ReadLineAsync(_stop.Token) is { } line)
                {
                    if (line.StartsWith("id: ", StringComparison.Ordinal)) id = long.Parse(line[4..], System.Globalization.CultureInfo.InvariantCulture);
                    else if (line.StartsWith("event: ", StringComparison.Ordinal)) type = line[7..];
                    else if (line.StartsWith("data: ", StringComparison.Ordinal) && type is not null)
                    {
                        var entity = JsonDocument.Parse(line[6..]).RootElement.TryGetProperty("id", out var e) ? e.GetString() ?? "" : "";
                        lock (_events) _events.Add(new SseEvent(id, type, entity));
                        _arrived.Release();
                        type = null;
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException)
            {
            }
        }

        /// <summary>The events that arrived since the last call, up to and including the first that matches.</summary>
        public async Task<List<SseEvent>> UntilAsync(Func<SseEvent, bool> match, TimeSpan patience)
        {
            using var timeout = new CancellationTokenSource(patience);
            var taken = new List<SseEvent>();
            while (true)
            {
                SseEvent? next = null;
                lock (_events)
                    if (_taken < _events.Count) next = _events[_taken++];
                if (next is null)
                {
                    try
                    {
                        await _arrived.WaitAsync(timeout.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        throw new TimeoutException($"no matching event in {patience}; got: {string.Join(", ", taken.Select(e => $"{e.Id} {e.Type} {e.Entity}"))}");
                    }
                    continue;
                }
                taken.Add(next);
                if (match(next)) return taken;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _response.Dispose();
            await _reading;
        }
    }
}
