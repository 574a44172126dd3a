namespace Hotline.Api.Integrations;

/// <summary>
/// Each key's budget: <see cref="IntegrationKey.RatePerMinute"/> requests per fixed one-minute window, counted in
/// this API process (behind a load balancer over N processes a key gets up to N times its rate).
/// </summary>
public sealed class KeyRateLimiter(TimeProvider time)
{
    private readonly Dictionary<string, Window> _windows = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Null when the request may go ahead; otherwise how long until the key's next window.</summary>
    public TimeSpan? TryAcquire(string keyId, int perMinute)
    {
        var now = time.GetUtcNow();
        var start = new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
        lock (_gate)
        {
            if (!_windows.TryGetValue(keyId, out var window) || window.Start != start)
            {
                if (_windows.Count > 10_000) _windows.Clear();
                window = new Window(start, 0);
            }
            if (window.Count >= perMinute) return start.AddMinutes(1) - now;
            _windows[keyId] = window with { Count = window.Count + 1 };
            return null;
        }
    }

    private sealed record Window(DateTimeOffset Start, int Count);
}
