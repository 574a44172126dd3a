using System.Security.Claims;
using Hotline.Api.Apis;
using Hotline.Api.Auth;
using Hotline.Api.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Hotline.Api.Voicemail;

/// <summary>
/// The voicemail work list (留言处理) under <c>/api/voicemails</c>: every call that ended as voicemail, after hours in
/// the IVR or because a queue gave up on the caller, waits here, oldest first, until a desk says how it was handled
/// (called back, a work order registered, or nothing to do). Agents, supervisors and admins work the list;
/// auditors read it with callers' numbers masked; the open count is what the supervisor wall shows.
/// </summary>
public static class VoicemailApi
{
    public const int MaxPageSize = 200;
    public const string AlreadyHandled = "voicemail.already_handled";
    public const string NotFoundCode = "voicemail.not_found";
    public const string NotKeptCode = "voicemail.not_kept";

    public static RouteGroupBuilder MapVoicemailApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/voicemails").WithTags("Voicemail");
        api.MapGet("", List).RequireAuthorization(Policies.VoicemailRead)
            .WithSummary("Voicemails: status=open (default) oldest first, or status=handled most recently handled first");
        api.MapGet("/count", Count).RequireAuthorization(Policies.VoicemailRead)
            .WithSummary("How many voicemails wait for a desk, and when the oldest arrived");
        api.MapPost("/{callId}/handled", MarkHandled).RequireAuthorization(Policies.VoicemailHandle)
            .WithSummary("Mark a voicemail handled: called_back, ticket_registered (with ticketNumber) or no_action; 409 when a desk already did");
        return api;
    }

    internal static async Task<Results<Ok<VoicemailListResponse>, ValidationProblem, ProblemHttpResult>> List(
        string? status, int? page, int? pageSize, ClaimsPrincipal user, IServiceProvider services, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Check(status is null or "open" or "handled", "status", "Must be open or handled.");
        errors.Range(page ?? 1, 1, 100_000, "page").Range(pageSize ?? 50, 1, MaxPageSize, "pageSize");
        if (errors.TryGetProblem(out var problem)) return problem;
        if (Store(services) is not { } store) return NotKept();

        var (total, rows) = await store.ListAsync(status == "handled", page ?? 1, pageSize ?? 50, ct);
        return TypedResults.Ok(new VoicemailListResponse(total, page ?? 1, pageSize ?? 50, status ?? "open",
            rows.Select(r => Shown(r.Item, user)).ToArray()));
    }

    internal static async Task<Results<Ok<VoicemailCountResponse>, ProblemHttpResult>> Count(IServiceProvider services, CancellationToken ct) =>
        Store(services) is { } store ? TypedResults.Ok(await store.CountOpenAsync(ct)) : NotKept();

    internal static async Task<Results<Ok<VoicemailItem>, ValidationProblem, ProblemHttpResult>> MarkHandled(
        string callId, VoicemailHandleRequest? body, ClaimsPrincipal user, IServiceProvider services, TimeProvider time, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Check(InputRules.CallId().IsMatch(callId), "callId", "Not a call id.");
        var decision = VoicemailOutcomes.Check(body, errors);
        if (errors.TryGetProblem(out var problem)) return problem;
        if (Store(services) is not { } store) return NotKept();
        if (decision!.TicketNumber is { } number && !await store.TicketExistsAsync(number, ct))
            return ApiProblems.Validation("ticketNumber", $"There is no work order {number}.");

        switch (await store.MarkHandledAsync(callId, decision, user.JobNo(), time.GetUtcNow(), ct))
        {
            case MarkResult.NotFound:
                return ApiProblems.NotFound(NotFoundCode, $"Call '{callId}' is not a voicemail.");
            case MarkResult.AlreadyHandled:
                var handled = (await store.GetAsync(callId, ct))?.Item.Handled;
                return ApiProblems.Problem(StatusCodes.Status409Conflict, AlreadyHandled,
                    $"Voicemail '{callId}' was already handled by {handled?.HandledBy}.",
                    new Dictionary<string, object?> { ["handledBy"] = handled?.HandledBy, ["handledAt"] = handled?.HandledAt, ["outcome"] = handled?.Outcome });
            default:
                var row = await store.GetAsync(callId, ct);
                return TypedResults.Ok(Shown(row!.Item, user));
        }
    }

    /// <summary>The caller's number as this user may see it: in full for those who call back, masked for oversight.</summary>
    private static VoicemailItem Shown(VoicemailItem item, ClaimsPrincipal user) =>
        CallsApi.SeesCallerNumbers(user) ? item : item with { Caller = PhoneMask.MaskOrNull(item.Caller), DialledNumber = PhoneMask.MaskOrNull(item.DialledNumber) };

    private static VoicemailStore? Store(IServiceProvider services) =>
        services.GetService<NpgsqlDataSource>() is { } db ? new VoicemailStore(db) : null;

    private static ProblemHttpResult NotKept() => ApiProblems.Problem(StatusCodes.Status501NotImplemented, NotKeptCode,
        "This host runs without a database (in-memory development mode): voicemails are not kept.");
}
