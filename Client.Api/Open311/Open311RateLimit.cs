using System.Globalization;
using Hotline.Api.Hosting;
using Hotline.Api.Integrations;
using Microsoft.Extensions.Options;

namespace Hotline.Api.Open311;

/// <summary>
/// Open311 is read by apps and civic-data tools that fetch many resources at a time, so it has its own budget per
/// client address (<c>Hotline:Open311:RequestsPerMinute</c>) instead of the citizens' portal one, and refuses in
/// the spec's error shape (429 with Retry-After).
/// </summary>
public sealed class Open311RateLimit(TimeProvider time, IOptions<Open311Options> options) : IEndpointFilter
{
    private readonly KeyRateLimiter _limiter = new(time);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var client = PublicRateLimiting.ClientKey(http.Connection.RemoteIpAddress);
        if (_limiter.TryAcquire(client, options.Value.RequestsPerMinute) is not { } wait) return await next(context);
        http.Response.Headers.RetryAfter = Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        var format = http.GetRouteValue("format") as string ?? Open311Format.Json;
        return Open311Format.Errors(format, StatusCodes.Status429TooManyRequests, "Too many requests from this address; try again later.");
    }
}
