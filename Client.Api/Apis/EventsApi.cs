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
/// with a <c>: keepalive</c> comment whenever nothing was sent for a while (proxies close idle connections). A client
/// that reconnects with <c>Last-Event-ID</c> (browsers' EventSource does) first gets every event it missed from the
/// event log, in order and once, from this or any other API process; if the log no longer holds them all it gets a
/// <c>hotline.replay_incomplete</c> event and should reload its snapshots.
/// </summary>
public sealed class ServerSentEventsResult(
    EventHub hub, IReadOnlySet<string> topics, TimeSpan keepAlive, string? departmentScope = null, bool seesCallerNumbers = false)
    : IResult, IEndpointMetadataProvider
{
    private static readonly byte[] Connected = ": connected\n\n"u8.ToArray();
    private static readonly byte[] KeepAlive = ": keepalive\n\n"u8.ToArray();
    private static readonly byte[] ReplayIncomplete = "event: hotline.replay_incomplete\ndata: {}\n\n"u8.ToArray();

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

        // Live events first, so that none falls between the replay and the live stream; those the replay sent are skipped.
        using var subscription = hub.Subscribe(topics, departmentScope, seesCallerNumbers);
        var body = context.Response.Body;
        var replayedUpTo = 0L;
        try
        {
            await body.WriteAsync(Connected, ct);
            if (LastEventId(context.Request) is long lastId && context.RequestServices.GetService<IEventReplay>() is { } replay)
                replayedUpTo = await ReplayAsync(replay, subscription, lastId, body, ct);
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
                    if (message.Sequence > replayedUpTo) await body.WriteAsync(message.Bytes, ct);
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

    private static long? LastEventId(HttpRequest request) =>
        long.TryParse(request.Headers["Last-Event-ID"].ToString(), System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : null;

    /// <summary>Writes the events after <paramref name="lastId"/> this client may see; returns the id of the last one read.</summary>
    private static async Task<long> ReplayAsync(IEventReplay replay, EventHub.Subscription subscription, long lastId, Stream body, CancellationToken ct)
    {
        var (events, complete) = await replay.ReadAfterAsync(lastId, ct);
        if (!complete) await body.WriteAsync(ReplayIncomplete, ct);
        var upTo = lastId;
        foreach (var (id, e) in events)
        {
            var (message, departments) = EventHub.Prepare(e, id);
            if (EventHub.Wants(subscription, message, departments))
                await body.WriteAsync((EventHub.MasksNumbers(subscription, e) ? EventHub.Masked(e, id) : message).Bytes, ct);
            upTo = id;
        }
        return upTo;
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(string), ["text/event-stream"]));
}
