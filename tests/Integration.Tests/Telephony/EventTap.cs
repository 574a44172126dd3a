using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Hotline.Tests.Telephony;

/// <summary>Listens to the API's live call events (server-sent events) as a supervisor's screen does.</summary>
public sealed class EventTap : IAsyncDisposable
{
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };
    private readonly CancellationTokenSource _stop = new();
    private readonly List<JsonElement> _events = [];
    private Task? _reading;

    public static async Task<EventTap> StartAsync(string apiUrl, string jobNo, string password)
    {
        var tap = new EventTap();
        var login = await tap._http.PostAsJsonAsync($"{apiUrl}/api/auth/login", new { jobNumber = jobNo, password });
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        tap._http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await tap._http.GetAsync($"{apiUrl}/api/events?topics=calls", HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        await reader.ReadLineAsync(); // ": connected": from here on every event reaches us
        tap._reading = tap.ReadAsync(reader);
        return tap;
    }

    private async Task ReadAsync(StreamReader reader)
    {
        try
        {
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                if (!line.StartsWith("data:", StringComparison.Ordinal)) continue;
                var element = JsonSerializer.Deserialize<JsonElement>(line[5..]);
                lock (_events) _events.Add(element);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The IVR nodes a call went through, in order.</summary>
    public IReadOnlyList<string> IvrPath(string callId)
    {
        lock (_events)
        {
            var path = new List<string>();
            foreach (var e in _events)
            {
                if (e.GetProperty("type").GetString() != "call.ivr_node" || e.GetProperty("id").GetString() != callId) continue;
                var state = e.GetProperty("state");
                if (state.ValueKind == JsonValueKind.String) state = JsonSerializer.Deserialize<JsonElement>(state.GetString()!);
                if (state.TryGetProperty("ivrNode", out var node) && node.GetString() is { } id && (path.Count == 0 || path[^1] != id)) path.Add(id);
            }
            return path;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _http.Dispose();
        if (_reading is not null) await _reading;
    }
}
