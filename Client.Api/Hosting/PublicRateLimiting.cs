using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Hotline.Api.Configuration;
using Hotline.Api.Problems;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Hotline.Api.Hosting;

/// <summary>
/// The public routes are open to anyone, so each client address gets <c>Hotline:Public:RateLimit</c> requests
/// per window (ASP.NET Core's fixed-window limiter); beyond that, 429 <c>rate_limited</c> with Retry-After.
/// The address is the connection's: behind a reverse proxy, configure forwarded headers or every citizen
/// shares the proxy's budget.
/// </summary>
internal static class PublicRateLimiting
{
    public const string Policy = "public";

    public static IServiceCollection AddHotlinePublicRateLimiting(this IServiceCollection services) =>
        services.AddRateLimiter(o =>
        {
            o.AddPolicy(Policy, context =>
            {
                var limit = context.RequestServices.GetRequiredService<IOptions<HotlineOptions>>().Value.Public.RateLimit;
                return RateLimitPartition.GetFixedWindowLimiter(ClientKey(context.Connection.RemoteIpAddress), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = limit.PermitLimit,
                    Window = limit.Window,
                    QueueLimit = 0,
                });
            });
            o.OnRejected = async (rejected, ct) =>
            {
                var context = rejected.HttpContext;
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                    context.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails = ApiProblems.Details(StatusCodes.Status429TooManyRequests, ProblemCodes.RateLimited,
                        "Too many requests from this address; try again later."),
                });
            };
        });

    /// <summary>An IPv4 address, or an IPv6 /64 (one household or phone gets a whole /64 and can rotate within it).</summary>
    /// <param name="exact">The whole address even for IPv6 (the audit trail), not its /64.</param>
    internal static string ClientKey(IPAddress? address, bool exact = false)
    {
        if (address is null) return "unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (exact || address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
