using Hotline.Seats;
using Hotline.Api.Auth;
using Hotline.Api.Cluster;
using Hotline.Api.Contracts;
using Hotline.Api.Problems;
using Hotline.Queues;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hotline.Api.Apis;

/// <summary>ACD queues (队列): the wallboard figures and, for administrators, the settings.</summary>
public static class QueuesApi
{
    public static RouteGroupBuilder MapQueuesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/queues").WithTags("Queues").AddEndpointFilter<RequireClusterFilter>();
        app.MapGet("/api/queues", GetAll).WithTags("Queues").AddEndpointFilter<RequireClusterFilter>().WithSummary("Every configured queue with its waiting calls, seats and counters");
        api.MapGet("/{id}", Get).WithSummary("One queue");
        api.MapPut("/{id}", Configure).RequireAuthorization(Policies.QueuesWrite)
            .WithSummary("Configure a queue: strategy, thresholds, widening, overflow (admin)");
        return api;
    }

    internal static async Task<Ok<QueueResponse[]>> GetAll(IClusterClient cluster)
    {
        var ids = await cluster.GetGrain<IQueueDirectoryGrain>(IQueueDirectoryGrain.Centre).GetAllAsync();
        var queues = await Task.WhenAll(ids.Order(StringComparer.Ordinal).Select(id => cluster.GetGrain<IQueueGrain>(id).GetAsync()));
        var seats = await SeatBoard.CountsByQueueAsync(cluster);
        return TypedResults.Ok(queues.Select(q => QueueResponse.FromGrain(q, seats.GetValueOrDefault(q.Id))).ToArray());
    }

    internal static async Task<Results<Ok<QueueResponse>, ProblemHttpResult>> Get(string id, IClusterClient cluster)
    {
        // Asking the grain of an unknown id would activate an empty queue: check the directory first.
        var ids = await cluster.GetGrain<IQueueDirectoryGrain>(IQueueDirectoryGrain.Centre).GetAllAsync();
        if (!ids.Contains(id)) return QueueNotFound(id);
        var queue = await cluster.GetGrain<IQueueGrain>(id).GetAsync();
        var seats = await SeatBoard.CountsByQueueAsync(cluster);
        return TypedResults.Ok(QueueResponse.FromGrain(queue, seats.GetValueOrDefault(id)));
    }

    internal static async Task<Results<Ok<QueueConfigDto>, ValidationProblem>> Configure(
        string id, QueueConfigRequest body, IClusterClient cluster)
    {
        var known = await cluster.GetGrain<IQueueDirectoryGrain>(IQueueDirectoryGrain.Centre).GetAllAsync();
        var errors = new FieldErrors();
        var config = QueueConfigValidation.Validate(id, body, known.ToHashSet(StringComparer.Ordinal), errors);
        if (errors.TryGetProblem(out var problem)) return problem;

        var saved = await cluster.GetGrain<IQueueGrain>(id).ConfigureAsync(config!);
        return TypedResults.Ok(QueueConfigDto.FromGrain(saved));
    }

    internal static ProblemHttpResult QueueNotFound(string id) =>
        ApiProblems.NotFound(ProblemCodes.QueueNotFound, $"There is no queue '{Shorten(id)}'.");

    internal static string Shorten(string value) => value.Length <= 64 ? value : value[..64] + "…";
}

/// <summary>Turns a <see cref="QueueConfigRequest"/> into a <see cref="QueueConfig"/>, naming every bad field.</summary>
internal static class QueueConfigValidation
{
    public static QueueConfig? Validate(string id, QueueConfigRequest body, IReadOnlySet<string> knownQueues, FieldErrors errors)
    {
        var defaults = new QueueConfig();
        errors.Check(InputRules.QueueId().IsMatch(id), "id", "Must be 1 to 64 of a-z 0-9 -, starting with a letter or digit.");

        var name = body.Name?.Trim();
        if (string.IsNullOrEmpty(name)) errors.Add("name", "Required.");
        else if (name.Length > 64) errors.Add("name", "At most 64 characters.");

        var strategy = defaults.Strategy;
        if (body.Strategy is not null && !ApiNames.TryParseStrategy(body.Strategy, out strategy))
            errors.Add("strategy", $"Must be one of {string.Join(", ", ApiNames.Strategies)}.");

        var exit = defaults.ExitDestination;
        if (body.ExitDestination is not null && !ApiNames.TryParseExitDestination(body.ExitDestination, out exit))
            errors.Add("exitDestination", $"Must be one of {string.Join(", ", ApiNames.ExitDestinations)}.");

        errors.Range(body.ServiceLevelSeconds, 1, 600, "serviceLevelSeconds")
            .Range(body.RingTimeoutSeconds, 5, 120, "ringTimeoutSeconds")
            .Range(body.WrapUpSeconds, 0, 600, "wrapUpSeconds")
            .Range(body.ShortAbandonSeconds, 0, 60, "shortAbandonSeconds")
            .Range(body.MaxWaitSeconds, 10, 86_400, "maxWaitSeconds")
            .Range(body.MaxLength, 1, 10_000, "maxLength")
            .Range(body.MinimumLevel, 1, 5, "minimumLevel")
            .Range(body.Priority, 0, 100, "priority");

        errors.Check(body.Language is null || InputRules.Language().IsMatch(body.Language), "language",
            "Must be a language tag such as zh or en.");
        errors.Check(body.CallbackDigit is null || InputRules.CallbackDigit().IsMatch(body.CallbackDigit), "callbackDigit",
            "Must be one of 0-9, * or #.");

        var widening = new List<LevelWidening>();
        var requestedWidening = body.Widening ?? [];
        errors.Check(requestedWidening.Count <= 10, "widening", "At most 10 steps.");
        for (var i = 0; i < requestedWidening.Count; i++)
        {
            var step = requestedWidening[i];
            var field = $"widening[{i}]";
            if (step?.AfterSeconds is not { } after) errors.Add($"{field}.afterSeconds", "Required.");
            else errors.Range(after, 1, 3_600, $"{field}.afterSeconds");
            if (step?.MinimumLevel is not { } level) errors.Add($"{field}.minimumLevel", "Required.");
            else errors.Range(level, 1, 5, $"{field}.minimumLevel");
            if (step?.AfterSeconds is { } a && step.MinimumLevel is { } l) widening.Add(new LevelWidening(a, l));
        }

        var overflow = new List<OverflowRule>();
        var requestedOverflow = body.Overflow ?? [];
        errors.Check(requestedOverflow.Count <= 10, "overflow", "At most 10 rules.");
        for (var i = 0; i < requestedOverflow.Count; i++)
        {
            var rule = requestedOverflow[i];
            var field = $"overflow[{i}]";
            if (rule?.AfterSeconds is not { } after) errors.Add($"{field}.afterSeconds", "Required.");
            else errors.Range(after, 0, 3_600, $"{field}.afterSeconds");
            if (rule?.QueueId is not { Length: > 0 } target) errors.Add($"{field}.queueId", "Required.");
            else if (target == id) errors.Add($"{field}.queueId", "A queue cannot overflow into itself.");
            else if (!knownQueues.Contains(target)) errors.Add($"{field}.queueId", $"Unknown queue '{target}'.");
            if (rule?.AfterSeconds is { } a && rule.QueueId is { Length: > 0 } q) overflow.Add(new OverflowRule(a, q));
        }

        if (errors.Any) return null;
        return new QueueConfig
        {
            Name = name!,
            Strategy = strategy,
            ServiceLevelSeconds = body.ServiceLevelSeconds ?? defaults.ServiceLevelSeconds,
            RingTimeoutSeconds = body.RingTimeoutSeconds ?? defaults.RingTimeoutSeconds,
            WrapUpSeconds = body.WrapUpSeconds ?? defaults.WrapUpSeconds,
            ShortAbandonSeconds = body.ShortAbandonSeconds ?? defaults.ShortAbandonSeconds,
            MaxWaitSeconds = body.MaxWaitSeconds,
            MaxLength = body.MaxLength,
            ExitDestination = exit,
            MinimumLevel = body.MinimumLevel ?? defaults.MinimumLevel,
            Widening = widening.OrderBy(w => w.AfterSeconds).ToArray(),
            Overflow = overflow.OrderBy(o => o.AfterSeconds).ToArray(),
            Priority = body.Priority ?? defaults.Priority,
            Language = body.Language,
            CallbackDigit = body.CallbackDigit ?? defaults.CallbackDigit,
        };
    }
}
