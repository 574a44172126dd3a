using System.Threading.RateLimiting;
using Hotline.Api.Configuration;
using Microsoft.Extensions.Options;

namespace Hotline.Api.Ui;

/// <summary>
/// The public routes' budget (<c>Hotline:Public:RateLimit</c> per client address, fixed window) for the citizen
/// portal, whose requests travel over the UI's connection rather than as HTTP requests the route limiter sees.
/// </summary>
public sealed class PortalLimiter(IOptions<HotlineOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.Public.RateLimit.PermitLimit,
            Window = options.Value.Public.RateLimit.Window,
            QueueLimit = 0,
        }));

    public bool TryAcquire(string clientKey)
    {
        using var lease = _limiter.AttemptAcquire(clientKey);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
