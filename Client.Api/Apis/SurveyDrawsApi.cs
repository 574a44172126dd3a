using System.Security.Claims;
using System.Security.Cryptography;
using Hotline.Api.Auth;
using Hotline.Api.Problems;
using Hotline.Api.Surveys;
using Hotline.Surveys;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Hotline.Api.Apis;

/// <summary>
/// Sampling under <c>/api/surveys</c>: stratified random-start systematic draws (随机起点等距抽样) from a frame, each
/// with its seed recorded, and replacement draws when a stratum runs out of usable numbers.
/// </summary>
public static class SurveyDrawsApi
{
    public const int MaxStrata = 2000;

    internal static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/frames/{frameId:long}/draws", List).WithSummary("A frame's draws, newest first");
        api.MapPost("/frames/{frameId:long}/draws", Draw).RequireAuthorization(Policies.SurveysDesign)
            .WithSummary("Draw a stratified systematic sample: strata, targets (or a department total with source proportions), an optional seed");
        api.MapGet("/draws/{drawId:long}", Get).WithSummary("A draw: seed, sort order, and per stratum the population, interval, start and shortfall");
        api.MapGet("/draws/{drawId:long}/members", Members).WithSummary("A page of a draw's numbers (masked) with their attributes");
        api.MapPost("/draws/{drawId:long}/replacements", Replace).RequireAuthorization(Policies.SurveysDesign)
            .WithSummary("Draw more numbers for one stratum from the units no draw of this sample has taken (替补样本)");
    }

    private static SurveyDrawStore Draws(IServiceProvider services) =>
        new(services.GetRequiredService<NpgsqlDataSource>(), services.GetRequiredService<TimeProvider>());

    internal static async Task<Results<Ok<IReadOnlyList<DrawSummary>>, ProblemHttpResult>> List(long frameId, IServiceProvider services, CancellationToken ct)
    {
        if (await SurveysApi.Frames(services).FindFrameAsync(frameId, ct) is null) return SurveysApi.FrameNotFound(frameId);
        return TypedResults.Ok(await Draws(services).ListAsync(frameId, ct));
    }

    internal static async Task<Results<Created<DrawSummary>, ValidationProblem, ProblemHttpResult>> Draw(
        long frameId, DrawRequest body, IServiceProvider services, ClaimsPrincipal user, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var design = Design(body, errors);
        errors.Range(body.RecentDays, 0, 3650, "recentDays");
        if (errors.TryGetProblem(out var problem)) return problem;
        if (await SurveysApi.Frames(services).FindFrameAsync(frameId, ct) is null) return SurveysApi.FrameNotFound(frameId);

        var recentDays = body.RecentDays ?? SurveysApi.DefaultRecentDays;
        var store = Draws(services);
        var (revision, units) = await store.UsableUnitsAsync(frameId, recentDays, ct);
        var draw = SystematicSampler.Draw(units, design!, body.Seed ?? NewSeed());
        var saved = await store.SaveAsync(frameId, null, revision, recentDays, design!, draw, user.JobNo(), ct);
        return TypedResults.Created($"/api/surveys/draws/{saved.Id}", saved);
    }

    internal static async Task<Results<Ok<DrawSummary>, ProblemHttpResult>> Get(long drawId, IServiceProvider services, CancellationToken ct) =>
        await Draws(services).GetAsync(drawId, ct) is { } draw ? TypedResults.Ok(draw) : DrawNotFound(drawId);

    internal static async Task<Results<Ok<DrawMembersResponse>, ProblemHttpResult>> Members(long drawId, int? offset, int? limit, IServiceProvider services, CancellationToken ct)
    {
        var store = Draws(services);
        if (await store.GetAsync(drawId, ct) is null) return DrawNotFound(drawId);
        return TypedResults.Ok(await store.MembersAsync(drawId, Math.Max(0, offset ?? 0), Math.Clamp(limit ?? 200, 1, 5000), ct));
    }

    internal static async Task<Results<Created<DrawSummary>, ValidationProblem, ProblemHttpResult>> Replace(
        long drawId, ReplacementRequest body, IServiceProvider services, ClaimsPrincipal user, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Check(!string.IsNullOrWhiteSpace(body.Stratum), "stratum", "Required: the stratum key, as the draw lists it.");
        errors.Check(body.Size is > 0 and <= 100_000, "size", "Between 1 and 100000.");
        if (errors.TryGetProblem(out var problem)) return problem;

        var store = Draws(services);
        if (await store.GetAsync(drawId, ct) is not { } original) return DrawNotFound(drawId);
        var rootId = original.RootDrawId ?? original.Id;
        var root = original.RootDrawId is null ? original : (await store.GetAsync(rootId, ct))!;
        if (root.Strata.All(s => s.Stratum != body.Stratum))
            return ApiProblems.Problem(StatusCodes.Status404NotFound, SurveyProblems.StratumNotFound,
                $"The draw has no stratum '{body.Stratum}'.", SurveysApi.Field("stratum"));

        var values = ParseKey(root.StratifyBy, body.Stratum!);
        var design = new SamplingDesign(root.StratifyBy, [new StratumTarget(values, body.Size!.Value)]);
        var (revision, units) = await store.UsableUnitsAsync(root.FrameId, root.RecentDays, ct);
        var drawn = await store.DrawnNumbersAsync(rootId, ct);
        var draw = SystematicSampler.Draw(units, design, body.Seed ?? NewSeed(), drawn);
        var saved = await store.SaveAsync(root.FrameId, rootId, revision, root.RecentDays, design, draw, user.JobNo(), ct);
        return TypedResults.Created($"/api/surveys/draws/{saved.Id}", saved);
    }

    /// <summary>The design a request describes: explicit targets, and department totals split by source proportions.</summary>
    internal static SamplingDesign? Design(DrawRequest body, FieldErrors errors)
    {
        var stratifyBy = body.StratifyBy is { Count: > 0 } given ? given : [FrameColumns.Department, FrameColumns.Source];
        for (var i = 0; i < stratifyBy.Count; i++)
            if (!FrameColumns.Attributes.Contains(stratifyBy[i])) errors.Add($"stratifyBy[{i}]", $"One of {string.Join(", ", FrameColumns.Attributes)}.");
        errors.Check(stratifyBy.Distinct().Count() == stratifyBy.Count, "stratifyBy", "An attribute is listed twice.");
        if (errors.Any) return null;

        var targets = new List<StratumTarget>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var design = new SamplingDesign(stratifyBy, targets);
        void Add(Dictionary<string, string?> values, int size, string field)
        {
            if (values.Values.Any(v => v?.Contains('|') == true)) errors.Add(field, "A stratum value cannot contain '|'.");
            else if (!keys.Add(design.KeyOf(values))) errors.Add(field, $"Stratum {design.KeyOf(values)} is given twice.");
            else targets.Add(new StratumTarget(values, size));
        }

        var requested = body.Targets ?? [];
        for (var i = 0; i < requested.Count; i++)
        {
            var (values, size) = (requested[i].Values ?? [], requested[i].Size);
            if (CheckValues(values, stratifyBy, $"targets[{i}].values", errors) && size is >= 0 and <= 1_000_000) Add(values, size.Value, $"targets[{i}]");
            else errors.Check(size is >= 0 and <= 1_000_000, $"targets[{i}].size", "Between 0 and 1000000.");
        }

        var allocations = body.Allocations ?? [];
        errors.Check(allocations.Count == 0 || stratifyBy.Contains(FrameColumns.Source), "allocations", "Source proportions need 'source' among stratifyBy.");
        for (var i = 0; i < allocations.Count; i++)
        {
            var a = allocations[i];
            var field = $"allocations[{i}]";
            var values = a.Values ?? [];
            var others = stratifyBy.Where(s => s != FrameColumns.Source).ToList();
            if (!CheckValues(values, others, $"{field}.values", errors)) continue;
            if (a.Total is not (>= 0 and <= 1_000_000)) { errors.Add($"{field}.total", "Between 0 and 1000000."); continue; }
            var proportions = a.Proportions ?? [];
            var bad = proportions.Keys.FirstOrDefault(k => !FrameSources.All.Contains(k));
            if (proportions.Count == 0 || bad is not null || proportions.Values.Any(w => w < 0 || double.IsNaN(w)) || proportions.Values.Sum() <= 0)
            {
                errors.Add($"{field}.proportions", $"Weights (≥ 0, some > 0) for the sources {string.Join(", ", FrameSources.All)}.");
                continue;
            }
            foreach (var (source, size) in SourceAllocation.Allocate(a.Total.Value, FrameSources.All.Where(proportions.ContainsKey).Select(s => (s, proportions[s])).ToArray()))
                Add(new Dictionary<string, string?>(values) { [FrameColumns.Source] = source }, size, field);
        }
        errors.Check(targets.Count > 0 || errors.Any, "targets", "Give at least one stratum target or allocation.");
        errors.Check(targets.Count <= MaxStrata, "targets", $"At most {MaxStrata} strata.");
        return errors.Any ? null : design;
    }

    private static bool CheckValues(Dictionary<string, string?> values, IReadOnlyList<string> attributes, string field, FieldErrors errors)
    {
        var ok = values.Count == attributes.Count && attributes.All(values.ContainsKey);
        errors.Check(ok, field, $"A value for each of {string.Join(", ", attributes)} and nothing else.");
        if (ok && values.TryGetValue(FrameColumns.Source, out var source) && !FrameSources.All.Contains(source ?? ""))
        {
            errors.Add(field, $"source is one of {string.Join(", ", FrameSources.All)}.");
            return false;
        }
        return ok;
    }

    /// <summary>The attribute values of a stratum key (<c>department=x|source=y</c>), the inverse of <see cref="SamplingDesign.KeyOf(IReadOnlyDictionary{string, string?})"/>.</summary>
    internal static Dictionary<string, string?> ParseKey(IReadOnlyList<string> stratifyBy, string key)
    {
        var parts = key.Split('|');
        var values = new Dictionary<string, string?>();
        for (var i = 0; i < stratifyBy.Count && i < parts.Length; i++)
        {
            var value = parts[i][(parts[i].IndexOf('=') + 1)..];
            values[stratifyBy[i]] = value.Length == 0 ? null : value;
        }
        return values;
    }

    /// <summary>A fresh seed when the request names none; recorded with the draw either way.</summary>
    private static long NewSeed() => RandomNumberGenerator.GetInt32(1, int.MaxValue) * 1000L + RandomNumberGenerator.GetInt32(0, 1000);

    private static ProblemHttpResult DrawNotFound(long id) =>
        ApiProblems.Problem(StatusCodes.Status404NotFound, SurveyProblems.DrawNotFound, $"No draw {id}.", SurveysApi.Field("drawId"));
}
