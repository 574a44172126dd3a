using System.Security.Claims;
using System.Text.Json;
using Hotline.Api.Auth;
using Hotline.Api.Cluster;
using Hotline.Api.Problems;
using Hotline.Ivr;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hotline.Api.Apis;

/// <summary>
/// The IVR voice menu (语音导航) as data: the current flow, every saved version, saving a new version (admin;
/// validated, and calls in progress keep the version they began with), and the prompts a flow may name. Flows are
/// read and written in their own JSON form (<see cref="IvrFlowJson"/>): camelCase, each node's kind in <c>$type</c>.
/// </summary>
public static class IvrApi
{
    /// <summary>A flow body larger than this is refused before it is read (the default flow is about 5 KB).</summary>
    public const int MaxFlowBytes = 512 * 1024;

    public static RouteGroupBuilder MapIvrApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/ivr").WithTags("IVR").AddEndpointFilter<RequireClusterFilter>()
            .RequireAuthorization(p => p.RequireRole(Roles.Supervisor, Roles.Admin));
        api.MapGet("/flow", GetCurrent).WithSummary("The flow new calls run, with its version number");
        api.MapGet("/flow/versions", GetVersions).WithSummary("Every saved version, oldest first (without nodes)");
        api.MapGet("/flow/versions/{number:int}", GetVersion).WithSummary("One saved version with its nodes");
        api.MapPut("/flow", Save).RequireAuthorization(p => p.RequireRole(Roles.Admin))
            .Accepts<IvrFlow>("application/json")
            .WithSummary("Save a new version (admin); 400 validation.failed lists every error by node id and field");
        api.MapPost("/flow/validate", Validate).Accepts<IvrFlow>("application/json")
            .WithSummary("Check a flow without saving it: errors and warnings");
        api.MapGet("/prompts", GetPrompts).WithSummary("Prompt names per language, for the flow editor");
        api.MapGet("/polls/{pollId}", GetPoll).WithSummary("The counted answers of an IVR opinion poll");
        return api;
    }

    private static IIvrFlowGrain Flows(IClusterClient cluster) => cluster.GetGrain<IIvrFlowGrain>(IIvrFlowGrain.Centre);

    internal static async Task<JsonHttpResult<IvrFlowVersionResponse>> GetCurrent(IClusterClient cluster) =>
        Json(IvrFlowVersionResponse.From(await Flows(cluster).GetCurrentAsync()));

    internal static async Task<JsonHttpResult<IReadOnlyList<IvrFlowVersionInfo>>> GetVersions(IClusterClient cluster) =>
        TypedResults.Json(await Flows(cluster).GetVersionsAsync(), IvrFlowJson.Options);

    internal static async Task<Results<JsonHttpResult<IvrFlowVersionResponse>, ProblemHttpResult>> GetVersion(int number, IClusterClient cluster) =>
        await Flows(cluster).GetVersionAsync(number) is { } version
            ? Json(IvrFlowVersionResponse.From(version))
            : ApiProblems.NotFound("ivr.version_not_found", $"The IVR flow has no version {number}.");

    internal static async Task<Results<JsonHttpResult<IvrFlowSaveResponse>, ValidationProblem>> Save(IvrFlowBody body, ClaimsPrincipal user, IClusterClient cluster)
    {
        if (body.Flow is not { } flow) return ApiProblems.Validation("body", "A flow is required.");
        var result = await Flows(cluster).SaveAsync(flow, user.JobNo());
        if (result.Errors.Count > 0) return Problem(result);
        return TypedResults.Json(new IvrFlowSaveResponse(IvrFlowVersionResponse.From(result.Version!), result.Warnings), IvrFlowJson.Options);
    }

    internal static async Task<Results<JsonHttpResult<IvrFlowCheckResponse>, ValidationProblem>> Validate(IvrFlowBody body, IClusterClient cluster)
    {
        if (body.Flow is not { } flow) return ApiProblems.Validation("body", "A flow is required.");
        var result = await Flows(cluster).ValidateAsync(flow);
        return TypedResults.Json(new IvrFlowCheckResponse(result.Errors.Count == 0, result.Errors, result.Warnings), IvrFlowJson.Options);
    }

    private static async Task<Ok<IvrPromptsResponse>> GetPrompts(IClusterClient cluster) =>
        TypedResults.Ok(new IvrPromptsResponse(await Flows(cluster).GetPromptsAsync()));

    private static async Task<Results<Ok<PollResults>, ValidationProblem>> GetPoll(string pollId, IClusterClient cluster)
    {
        if (!InputRules.Slug().IsMatch(pollId)) return ApiProblems.Validation("pollId", "Must be 1 to 64 of a-z 0-9 -, starting with a letter or digit.");
        return TypedResults.Ok(await cluster.GetGrain<IPollGrain>(pollId).GetResultsAsync());
    }

    private static ValidationProblem Problem(IvrFlowSaveResult result)
    {
        var errors = result.Errors.GroupBy(e => e.Path, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray());
        return TypedResults.ValidationProblem(errors, $"The flow has {result.Errors.Count} error(s); nothing was saved.", title: "Validation failed",
            extensions: new Dictionary<string, object?>
            {
                ["code"] = ProblemCodes.ValidationFailed,
                ["issues"] = result.Errors.Select(e => new { nodeId = e.NodeId, field = e.Field, message = e.Message }).ToList(),
            });
    }

    private static JsonHttpResult<T> Json<T>(T value) => TypedResults.Json(value, IvrFlowJson.Options);
}

/// <summary>
/// A flow sent as a request body, read with the flow's own JSON options (<see cref="IvrFlowJson"/>: each node's kind in
/// <c>$type</c>), which the host's default JSON binding does not use. The API binds it from the request; the admin screen
/// makes one from its editor's text with <see cref="Parse"/> and calls the same handler. <see cref="Flow"/> is null when
/// the body is JSON <c>null</c>; malformed JSON or an unknown <c>$type</c> throws <see cref="JsonException"/> (answered 400).
/// </summary>
public sealed record IvrFlowBody(IvrFlow? Flow)
{
    public static IvrFlowBody Parse(string json) => new(JsonSerializer.Deserialize<IvrFlow>(json, IvrFlowJson.Options));

    /// <summary>Minimal APIs bind the body through this: too large is 413, not JSON is 415, before a byte is parsed.</summary>
    public static async ValueTask<IvrFlowBody?> BindAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentLength > IvrApi.MaxFlowBytes)
            throw new BadHttpRequestException($"A flow is at most {IvrApi.MaxFlowBytes / 1024} KB.", StatusCodes.Status413PayloadTooLarge);
        if (request.HasJsonContentType() is false)
            throw new BadHttpRequestException("Send the flow as application/json.", StatusCodes.Status415UnsupportedMediaType);
        return new IvrFlowBody(await JsonSerializer.DeserializeAsync<IvrFlow>(request.Body, IvrFlowJson.Options, context.RequestAborted));
    }
}

/// <summary>A saved flow version: its number, when and by whom, and the flow itself.</summary>
public sealed record IvrFlowVersionResponse(int Version, DateTimeOffset SavedAt, string SavedBy, IvrFlow Flow)
{
    public static IvrFlowVersionResponse From(IvrFlowVersion v) => new(v.Number, v.SavedAt, v.SavedBy, v.Flow);
}

/// <summary>The new version, and what the validator warns about (unreachable nodes, no agent) without refusing it.</summary>
public sealed record IvrFlowSaveResponse(IvrFlowVersionResponse Saved, IReadOnlyList<IvrFlowIssue> Warnings);

public sealed record IvrFlowCheckResponse(bool Valid, IReadOnlyList<IvrFlowIssue> Errors, IReadOnlyList<IvrFlowIssue> Warnings);

/// <summary>Prompt names per language (<c>zh</c>, <c>en</c>): <c>prompts/{language}/{name}.wav</c>.</summary>
public sealed record IvrPromptsResponse(IReadOnlyDictionary<string, IReadOnlyList<string>> Languages);
