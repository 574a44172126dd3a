using System.Security.Claims;
using Hotline.Api.Auth;
using Hotline.Api.Cluster;
using Hotline.Api.Contracts;
using Hotline.Api.Problems;
using Hotline.Calls;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hotline.Api.Apis;

/// <summary>Calls: the live call from its grain, the history from <c>call_records</c>.</summary>
public static class CallsApi
{
    public const int MaxPageSize = 200;

    public static RouteGroupBuilder MapCallsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/calls").WithTags("Calls");
        app.MapGet("/api/calls", List).WithTags("Calls").RequireAuthorization(Policies.CallsReadAll).WithSummary("Calls, newest first, from the call records");
        api.MapGet("/{id}", Get).RequireAuthorization(Policies.CallsReadOne).AddEndpointFilter<RequireClusterFilter>()
            .WithSummary("One call, live from its grain");
        app.MapPost("/api/calls", Outbound).WithTags("Calls").RequireAuthorization(Policies.CallsOutbound).AddEndpointFilter<RequireClusterFilter>()
            .WithSummary("Outbound call (外呼): the seat's phone rings, then the citizen's");
        return api;
    }

    internal static async Task<Results<Ok<CallListResponse>, ValidationProblem>> List(
        string? state, int? page, int? pageSize, ICallRecords records, ClaimsPrincipal user, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (state is not null && !ApiNames.TryParseCallState(state, out _))
            errors.Add("state", $"Must be one of {string.Join(", ", ApiNames.CallStates)}.");
        errors.Range(page ?? 1, 1, 100_000, "page").Range(pageSize ?? 50, 1, MaxPageSize, "pageSize");
        if (errors.TryGetProblem(out var problem)) return problem;

        var (total, items) = await records.ListAsync(state, page ?? 1, pageSize ?? 50, ct);
        var showNumbers = SeesCallerNumbers(user);
        // An outbound call's citizen is its "to": both ends are masked for those who see no numbers.
        var shown = items.Select(i => showNumbers ? i : i with { From = PhoneMask.MaskOrNull(i.From), To = PhoneMask.MaskOrNull(i.To) }).ToArray();
        return TypedResults.Ok(new CallListResponse(total, page ?? 1, pageSize ?? 50, shown));
    }

    internal static async Task<Results<Ok<CallResponse>, ProblemHttpResult, ValidationProblem>> Get(
        string id, IClusterClient cluster, ClaimsPrincipal user)
    {
        if (!InputRules.CallId().IsMatch(id)) return ApiProblems.Validation("id", "Not a call id.");
        CallSnapshot call;
        try
        {
            call = await cluster.GetGrain<ICallGrain>(id).GetAsync();
        }
        catch (DomainException e) when (e.Code == ProblemCodes.CallNotFound)
        {
            return CallNotFound(id);
        }
        // A call grain that was never started answers an empty snapshot.
        if (call.ArrivedAt == default) return CallNotFound(id);

        if (!user.WatchesAllSeats())
        {
            var me = user.JobNo();
            // Agents see the calls that are or were at their seat; for any other call the answer is the same 404.
            if (call.SeatJobNo != me && !call.OfferedSeats.Contains(me)) return CallNotFound(id);
        }
        var response = CallResponse.FromGrain(call);
        return TypedResults.Ok(SeesCallerNumbers(user) ? response : response with { From = PhoneMask.MaskOrNull(response.From), To = PhoneMask.MaskOrNull(response.To) });
    }

    public static readonly string[] Purposes = ["callback", "return_visit", "survey", "manual"];

    internal static async Task<Results<Accepted<CallResponse>, ValidationProblem, ProblemHttpResult>> Outbound(
        OutboundCallRequest? body, IClusterClient cluster, ClaimsPrincipal user)
    {
        var errors = new FieldErrors();
        if (body is null) return ApiProblems.Validation("to", "Required.");
        if (string.IsNullOrWhiteSpace(body.To)) errors.Add("to", "Required.");
        else if (!InputRules.Phone().IsMatch(body.To)) errors.Add("to", "Not a phone number.");
        if (body.Campaign is not null)
            errors.Add("campaign", "Campaign dialling is not available; place each call with a seat and a purpose.");
        var seat = body.Seat ?? user.JobNo();
        if (!InputRules.JobNo().IsMatch(seat)) errors.Add("seat", "Not a job number.");
        var purpose = body.Purpose ?? "manual";
        if (!Purposes.Contains(purpose)) errors.Add("purpose", $"Must be one of {string.Join(", ", Purposes)}.");
        if (body.TicketNumber is not null && !TicketNumberCheck.IsValid(body.TicketNumber))
            errors.Add("ticketNumber", "Not a work-order number (8 digits with a valid check digit).");
        if (errors.TryGetProblem(out var problem)) return problem;
        // An agent dials from their own seat; a supervisor or an administrator may start a call on any seat's phone.
        if (seat != user.JobNo() && !user.WatchesAllSeats())
            return ApiProblems.Forbidden("An agent places calls from their own seat only.");

        var callId = CallIds.New("out", TimeProvider.System);
        var call = await cluster.GetGrain<ICallGrain>(callId).DialOutAsync(new OutboundCall(seat, body.To!, purpose, body.TicketNumber));
        return TypedResults.Accepted($"/api/calls/{callId}", CallResponse.FromGrain(call));
    }

    internal static ProblemHttpResult CallNotFound(string id) =>
        ApiProblems.NotFound(ProblemCodes.CallNotFound, $"There is no call '{id}'.");

    /// <summary>Staff who talk to or about citizens see their numbers; oversight and machines see them masked.</summary>
    internal static bool SeesCallerNumbers(ClaimsPrincipal user) =>
        user.IsInRole(Roles.Agent) || user.IsInRole(Roles.Supervisor) || user.IsInRole(Roles.Admin) || user.IsInRole(Roles.Dispatcher);
}
