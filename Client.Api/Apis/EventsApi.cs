using System.Reflection;
using System.Security.Claims;
using Hotline.Api.Auth;
using Hotline.Api.Configuration;
using Hotline.Api.EventStream;
using Hotline.Api.Problems;
using Hotline.Events;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace Hotline.Api.Apis;

/// <summary>Live events as server-sent events: the web UI's wall and desk, and API consumers.</summary>
public static class EventsApi
{
    public static RouteHandlerBuilder MapEventsApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/events", Subscribe).WithTags("Events")
            .WithSummary("Server-sent events for ?topics=calls,seats,queues,tickets (default: all; department staff: tickets of their department only)");

    private static Results<ServerSentEventsResult, ValidationProblem, ProblemHttpResult> Subscribe(
        string? topics, EventHub hub, IOptions<HotlineOptions> options, ClaimsPrincipal user)
    {
        // Department staff follow their own department's orders, and nothing of the call centre.
        var scope = user.TicketScope();
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        var requested = string.IsNullOrWhiteSpace(topics)
            ? scope is null ? EventTopics.All : [EventTopics.Tickets]
            : topics.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var topic in requested)
        {
            if (!EventTopics.All.Contains(topic))
                return ApiProblems.Validation("topics", $"Unknown topic '{topic}'; choose from {string.Join(", ", EventTopics.All)}.");
            if (scope is not null && topic != EventTopics.Tickets)
                return ApiProblems.Forbidden("Department staff receive ticket events only.");
            wanted.Add(topic);
        }
        return new ServerSentEventsResult(hub, wanted, options.Value.Events.KeepAliveInterval, scope, CallsApi.SeesCallerNumbers(user));
    }
}

/// <summary>
/// Streams <see cref="EventHub"/> messages as <c>text/event-stream</c> until the client leaves or the host stops,
/// with a <c>: keepalive</c> comment whenever nothing was sent for a while (proxies close idle connections).
/// </summary>
public sealed class ServerSentEventsResult(
    EventHub hub, IReadOnlySet<string> topics, TimeSpan keepAlive, string? departmentScope = null, bool seesCallerNumbers = false)
    : IResult, IEndpointMetadataProvider
{
    private static readonly byte[] Connected = ": connected\n\n"u8.ToArray();
    private static readonly byte[] KeepAlive = ": keepalive\n\n"u8.ToArray();

    public async Task ExecuteAsync(HttpContext context)
    {
        var time = context.RequestServices.GetRequiredService<TimeProvider>();
        var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var done = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var ct = done.Token;

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()?.DisableBuffering();

        using var subscription = hub.Subscribe(topics, departmentScope, seesCallerNumbers);
        var body = context.Response.Body;
        try
        {
            await body.WriteAsync(Connected, ct);
            await body.FlushAsync(ct);
            while (!ct.IsCancellationRequested)
            {
                using var quiet = new CancellationTokenSource(keepAlive, time);
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct, quiet.Token);
                bool more;
                try
                {
                    more = await subscription.Reader.WaitToReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    await body.WriteAsync(KeepAlive, ct);
                    await body.FlushAsync(ct);
                    continue;
                }
                if (!more) break;
                while (subscription.Reader.TryRead(out var message))
                    await body.WriteAsync(message.Bytes, ct);
                await body.FlushAsync(ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away or the host is stopping: the normal end of an event stream.
        }
        catch (IOException)
        {
            // The connection broke while writing: the client is gone.
        }
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(string), ["text/event-stream"]));
}
