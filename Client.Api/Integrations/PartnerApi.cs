using System.Globalization;
using System.Text.Json;
using Hotline.Api.Apis;
using Hotline.Api.Auth;
using Hotline.Api.Cluster;
using Hotline.Api.Contracts;
using Hotline.Api.Problems;
using Hotline.Tickets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Hotline.Api.Integrations;

/// <summary>A matter an app or partner system submits on a citizen's behalf (channel <c>app</c>).</summary>
public sealed record PartnerTicketRequest(
    string? Kind, string? Category, CallerRequest? Caller, string? Summary, string? Content,
    string? Address, LocationRequest? Location, string? District);

/// <summary>An order's progress as a partner sees it: no personal data.</summary>
public sealed record PartnerTicketStatus(
    string Number, string Status, string Kind, string Category, DateTimeOffset CreatedAt, DateTimeOffset? ReplyDue,
    DateTimeOffset? RepliedAt, string? Reply, DateTimeOffset? ClosedAt)
{
    public static PartnerTicketStatus FromGrain(TicketSnapshot t) => new(
        t.Number, ApiNames.Of(t.Status), ApiNames.Of(t.Kind), t.Category, t.CreatedAt, t.Deadlines.Reply, t.RepliedAt, t.Reply, t.ClosedAt);
}

/// <summary>
/// The app/partner API: submit a matter and follow its progress with an API key (<c>X-Api-Key</c>) instead of a
/// staff sign-in. Submissions accept an <c>Idempotency-Key</c>: a retry returns the first order and creates none.
/// A key reads only the orders its own account submitted.
/// </summary>
public static partial class PartnerApi
{
    public const string KeyHeader = "X-Api-Key";

    public static RouteGroupBuilder MapPartnerApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/partner/tickets").WithTags("Partner (API key)").AllowAnonymous()
            .AddEndpointFilter<RequireClusterFilter>();
        api.MapPost("", Submit)
            .WithSummary("Submit a matter with an X-Api-Key holding tickets:submit; accepts an Idempotency-Key header");
        api.MapGet("/{number}", Status)
            .WithSummary("The progress of an order this key's account submitted (X-Api-Key with tickets:read); no personal data");
        return api;
    }

    internal static async Task<Results<Created<PartnerTicketStatus>, Ok<PartnerTicketStatus>, ValidationProblem, ProblemHttpResult>> Submit(
        PartnerTicketRequest body,
        [FromHeader(Name = KeyHeader)] string? apiKey,
        [FromHeader(Name = IdempotentSubmissions.Header)] string? idempotencyKey,
        ApiKeyAuthenticator keys, IdempotentSubmissions idempotency, IClusterClient cluster, HttpContext http, ILogger<PartnerTicketRequest> log,
        CancellationToken ct)
    {
        var check = await keys.CheckAsync(apiKey, IntegrationScopes.TicketsSubmit, ct);
        if (check is not KeyCheck.Accepted { Key: var key }) return Refusal(check, http, log);

        var errors = new FieldErrors();
        errors.Check(idempotencyKey is null || idempotencyKey.Length is > 0 and <= 128, IdempotentSubmissions.Header, "Must be 1 to 128 characters.");
        var request = new TicketIntakeRequest(ApiNames.Of(TicketChannel.App), body.Kind, body.Category, body.Caller, body.Summary, body.Content,
            body.Address, body.Location, body.District, CallId: null, ResolvedOnSpot: null);
        var intake = TicketIntakeValidation.Validate(request, await TicketsApi.KnownCategoriesAsync(cluster), phoneRequired: false, errors);
        if (errors.TryGetProblem(out var problem)) return problem;

        var actor = new Actor(key.Account, Roles.Integration, null);
        var grain = cluster.GetGrain<ITicketIntakeGrain>(0);
        if (idempotencyKey is null)
        {
            var ticket = await grain.RegisterAsync(intake!, actor);
            return TypedResults.Created($"/api/partner/tickets/{ticket.Number}", PartnerTicketStatus.FromGrain(ticket));
        }

        var outcome = await idempotency.RunAsync("key:" + key.KeyId, idempotencyKey, JsonSerializer.Serialize(body),
            async () => (await grain.RegisterAsync(intake!, actor)).Number, ct);
        switch (outcome)
        {
            case Submission.Done done:
                var status = PartnerTicketStatus.FromGrain(await cluster.GetGrain<ITicketGrain>(done.TicketNumber).GetAsync());
                return done.Replayed ? TypedResults.Ok(status) : TypedResults.Created($"/api/partner/tickets/{done.TicketNumber}", status);
            default:
                return ApiProblems.Problem(StatusCodes.Status422UnprocessableEntity, ProblemCodes.IdempotencyKeyReused,
                    "This Idempotency-Key was already used with a different request.");
        }
    }

    internal static async Task<Results<Ok<PartnerTicketStatus>, ValidationProblem, ProblemHttpResult>> Status(
        string number, [FromHeader(Name = KeyHeader)] string? apiKey, ApiKeyAuthenticator keys, IClusterClient cluster, HttpContext http,
        ILogger<PartnerTicketRequest> log, CancellationToken ct)
    {
        var check = await keys.CheckAsync(apiKey, IntegrationScopes.TicketsRead, ct);
        if (check is not KeyCheck.Accepted { Key: var key }) return Refusal(check, http, log);
        if (!TicketNumberCheck.IsValid(number)) return ApiProblems.Validation("number", TicketNumberCheck.Rule);
        TicketSnapshot ticket;
        try
        {
            ticket = await cluster.GetGrain<ITicketGrain>(number).GetAsync();
        }
        catch (DomainException e) when (e.Code == ProblemCodes.TicketNotFound)
        {
            return TicketsApi.TicketNotFound(number);
        }
        // Another account's order gets the very answer an unknown number gets.
        return ticket.CreatedBy == key.Account ? TypedResults.Ok(PartnerTicketStatus.FromGrain(ticket)) : TicketsApi.TicketNotFound(number);
    }

    /// <summary>The problem for a refused key: 401, 403, or 429 with Retry-After.</summary>
    internal static ProblemHttpResult Refusal(KeyCheck check, HttpContext http, ILogger log)
    {
        LogRefused(log, http.Request.Path, check.GetType().Name);
        switch (check)
        {
            case KeyCheck.Missing:
                return ApiProblems.Problem(StatusCodes.Status401Unauthorized, IntegrationProblemCodes.KeyRequired,
                    $"This route needs an API key in the {KeyHeader} header.");
            case KeyCheck.MissingScope s:
                return ApiProblems.Problem(StatusCodes.Status403Forbidden, IntegrationProblemCodes.ScopeMissing,
                    $"This key does not hold the scope '{s.Scope}'.");
            case KeyCheck.Throttled t:
                http.Response.Headers.RetryAfter = Math.Ceiling(t.RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                return ApiProblems.Problem(StatusCodes.Status429TooManyRequests, ProblemCodes.RateLimited,
                    "This key has used its requests for this minute; try again later.");
            default:
                return ApiProblems.Problem(StatusCodes.Status401Unauthorized, IntegrationProblemCodes.KeyInvalid,
                    "The API key is not valid.");
        }
    }

    [LoggerMessage(LogLevel.Information, "Partner API request to {Path} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string path, string reason);
}
