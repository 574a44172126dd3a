using System.Text;
using System.Text.Json;

namespace Hotline.Tests;

/// <summary>One server-sent event as a test sees it.</summary>
internal sealed record SseEvent(string Type, long Id, JsonElement Data);

/// <summary>Reads a text/event-stream response: comments, then events (<c>event:</c>, <c>id:</c>, <c>data:</c>, blank line).</summary>
internal sealed class SseReader(Stream stream) : IDisposable
{
    private readonly StreamReader _reader = new(stream, Encoding.UTF8);

    /// <summary>Waits for the <c>: connected</c> comment the API sends once the client is subscribed.</summary>
    public async Task WaitConnectedAsync(CancellationToken ct)
    {
        while (true)
        {
            var line = await _reader.ReadLineAsync(ct) ?? throw new EndOfStreamException("the event stream ended");
            if (line == ": connected") return;
        }
    }

    /// <summary>The next event that satisfies <paramref name="match"/>; comments and other events are skipped.</summary>
    public async Task<SseEvent> WaitForAsync(Func<SseEvent, bool> match, CancellationToken ct)
    {
        string? type = null, data = null;
        long id = 0;
        while (true)
        {
            var line = await _reader.ReadLineAsync(ct) ?? throw new EndOfStreamException("the event stream ended");
            if (line.Length == 0)
            {
                if (type is not null && data is not null)
                {
                    var e = new SseEvent(type, id, JsonDocument.Parse(data).RootElement);
                    if (match(e)) return e;
                }
                type = data = null;
                id = 0;
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal)) type = line["event: ".Length..];
            else if (line.StartsWith("id: ", StringComparison.Ordinal)) id = long.Parse(line["id: ".Length..]);
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) data = line["data: ".Length..];
        }
    }

    public void Dispose() => _reader.Dispose();
}
