using System.Net.Http.Headers;
using System.Text.Json;

namespace Hotline.Tests;

public sealed record SseEvent(long Id, string Type, string Entity);

/// <summary>Reads one SSE connection of <c>/api/events</c> as an EventSource would, keeping every event in arrival order.</summary>
public sealed class SseReader : IAsyncDisposable
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
