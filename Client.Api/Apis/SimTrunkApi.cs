using System.Security.Claims;
using Hotline.Api.Auth;
using Hotline.Api.Cluster;
using Hotline.Api.Configuration;
using Hotline.Api.Contracts;
using Hotline.Api.Problems;
using Hotline.Calls;
using Hotline.Queues;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Hotline.Api.Apis;

/// <summary>
/// The simulated trunk (模拟中继): demos and load tests place calls that go through the same grains as SIP calls.
/// Off unless <c>Hotline:SimulatedTrunk:Enabled</c>.
/// </summary>
public static partial class SimTrunkApi
{
    public static RouteGroupBuilder MapSimTrunkApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/sim").WithTags("Simulated trunk")
            .RequireAuthorization(Policies.SimulatedTrunk)
            .AddEndpointFilter<SimulatedTrunkEnabledFilter>()
            .AddEndpointFilter<RequireClusterFilter>();
        api.MapPost("/calls", Start).WithSummary("A citizen calls the hotline (accepts an Idempotency-Key header)");
        api.MapPost("/calls/{id}/dtmf", Dtmf).WithSummary("The caller presses keys");
        api.MapPost("/calls/{id}/hangup", Hangup).WithSummary("The caller hangs up");
        return api;
    }

    internal static async Task<Results<Created<SimCallCreated>, Ok<SimCallCreated>, ValidationProblem, ProblemHttpResult>> Start(
        SimCallRequest body,
        [FromHeader(Name = IdempotencyStore.Header)] string? idempotencyKey,
        IClusterClient cluster,
        IdempotencyStore idempotency,
        TimeProvider time,
        ClaimsPrincipal user,
        ILoggerFactory loggers)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrEmpty(body.From)) errors.Add("from", "Required.");
        else errors.Check(InputRules.Phone().IsMatch(body.From), "from", "Must be a phone number: 3 to 20 digits, optionally after +.");
        errors.Check(body.To is null || InputRules.Phone().IsMatch(body.To), "to", "Must be a phone number: 3 to 20 digits, optionally after +.");
        errors.Check(body.Language is null || InputRules.Language().IsMatch(body.Language), "language", "Must be a language tag such as zh or en.");
        errors.Range(body.Priority, 0, 100, "priority");
        errors.Check(idempotencyKey is null || idempotencyKey.Length is > 0 and <= 128, IdempotencyStore.Header, "Must be 1 to 128 characters.");
        if (body.Queue is not null)
        {
            var known = await cluster.GetGrain<IQueueDirectoryGrain>(IQueueDirectoryGrain.Centre).GetAllAsync();
            errors.Check(known.Contains(body.Queue), "queue", $"Unknown queue '{body.Queue}'.");
        }
        if (errors.TryGetProblem(out var problem)) return problem;

        async Task<string> StartCall()
        {
            var callId = CallIds.New("sim", time);
            await cluster.GetGrain<ICallGrain>(callId).StartAsync(
                new CallStart(CallChannel.Simulated, body.From!, body.To, body.Language, body.Queue, body.Priority ?? 0));
            LogSimulatedCall(loggers.CreateLogger(typeof(SimTrunkApi)), callId, PhoneMask.MaskOrNull(body.From), body.Queue);
            return callId;
        }

        if (idempotencyKey is null)
        {
            var callId = await StartCall();
            return TypedResults.Created($"/api/calls/{callId}", new SimCallCreated(callId));
        }

        var fingerprint = System.Text.Json.JsonSerializer.Serialize(body);
        var outcome = await idempotency.RunAsync(user.JobNo(), idempotencyKey, fingerprint, StartCall);
        return outcome switch
        {
            IdempotencyStore.Outcome<string>.Done { Replayed: false } done =>
                TypedResults.Created($"/api/calls/{done.Value}", new SimCallCreated(done.Value)),
            IdempotencyStore.Outcome<string>.Done done => TypedResults.Ok(new SimCallCreated(done.Value)),
            _ => ApiProblems.Problem(StatusCodes.Status422UnprocessableEntity, ProblemCodes.IdempotencyKeyReused,
                "This Idempotency-Key was already used with a different request."),
        };
    }

    internal static async Task<Results<Ok<CallResponse>, ValidationProblem>> Dtmf(string id, DtmfRequest body, IClusterClient cluster)
    {
        var errors = new FieldErrors();
        errors.Check(InputRules.CallId().IsMatch(id), "id", "Not a call id.");
        errors.Check(body.Digits is not null && InputRules.Digits().IsMatch(body.Digits), "digits", "Must be 1 to 32 of 0-9 * # A-D.");
        if (errors.TryGetProblem(out var problem)) return problem;
        var call = await cluster.GetGrain<ICallGrain>(id).DtmfAsync(body.Digits!);
        return TypedResults.Ok(CallResponse.FromGrain(call));
    }

    internal static async Task<Results<Ok<CallResponse>, ValidationProblem>> Hangup(string id, IClusterClient cluster)
    {
        if (!InputRules.CallId().IsMatch(id)) return ApiProblems.Validation("id", "Not a call id.");
        var call = await cluster.GetGrain<ICallGrain>(id).HangupAsync(CallParty.Caller);
        return TypedResults.Ok(CallResponse.FromGrain(call));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Simulated call {CallId} from {MaskedFrom} to queue {QueueId}")]
    internal static partial void LogSimulatedCall(ILogger logger, string callId, string? maskedFrom, string? queueId);
}

/// <summary>404 <c>sim.disabled</c> for every simulated-trunk route unless the trunk is enabled.</summary>
internal sealed class SimulatedTrunkEnabledFilter(IOptions<HotlineOptions> options) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        options.Value.SimulatedTrunk.Enabled
            ? next(context)
            : ValueTask.FromResult<object?>(ApiProblems.NotFound(ProblemCodes.SimDisabled,
                "The simulated trunk is disabled (Hotline:SimulatedTrunk:Enabled)."));
}
