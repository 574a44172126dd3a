using Hotline.Queues;

namespace Hotline.Api.Contracts;

/// <summary>A queue (队列) with its waiting calls, seats and service-level counters.</summary>
public sealed record QueueResponse(
    string Id,
    string Name,
    string Strategy,
    /// <summary>Calls waiting now.</summary>
    int Waiting,
    IReadOnlyList<WaitingCallResponse> WaitingCalls,
    int LongestWaitSeconds,
    int Entered,
    int Offered,
    int Answered,
    int Abandoned,
    int ShortAbandoned,
    int AnsweredWithinThreshold,
    /// <summary>answeredWithinThreshold / answered; null before the first answer.</summary>
    double? ServiceLevel,
    /// <summary>answeredWithinThreshold / (answered + abandoned − shortAbandoned).</summary>
    double? ServiceLevelWithAbandons,
    /// <summary>abandoned / (answered + abandoned).</summary>
    double? AbandonRate,
    /// <summary>Average wait of the answered calls.</summary>
    double? AverageWaitSeconds,
    int RingNoAnswer,
    int CallbacksRequested,
    int ExitedToVoicemail,
    int ExitedToCallback,
    int OverflowedOut,
    DateTimeOffset CountersSince,
    SeatCountsResponse Seats,
    IReadOnlyList<string> ReadySeats,
    QueueConfigDto Config)
{
    /// <param name="seats">The queue's seats per state from the seat board; the queue itself knows only ready, busy and not ready.</param>
    public static QueueResponse FromGrain(QueueSnapshot queue, SeatCounts? seats)
    {
        var c = queue.Counters;
        var withAbandons = c.Answered + c.Abandoned - c.ShortAbandoned;
        return new QueueResponse(
            queue.Id,
            queue.Config.Name,
            ApiNames.Of(queue.Config.Strategy),
            queue.Waiting.Count,
            queue.Waiting.Select(WaitingCallResponse.FromGrain).ToArray(),
            queue.LongestWaitSeconds,
            c.Entered,
            c.Offered,
            c.Answered,
            c.Abandoned,
            c.ShortAbandoned,
            c.AnsweredWithinThreshold,
            Ratio(c.AnsweredWithinThreshold, c.Answered),
            Ratio(c.AnsweredWithinThreshold, withAbandons),
            Ratio(c.Abandoned, c.Answered + c.Abandoned),
            c.Answered > 0 ? Math.Round(c.TotalAnsweredWaitSeconds / c.Answered, 2) : null,
            c.RingNoAnswer,
            c.CallbacksRequested,
            c.ExitedToVoicemail,
            c.ExitedToCallback,
            c.OverflowedOut,
            c.Since,
            // Ready seats as the queue routes them (the board may lag a change by a message); the rest from the board.
            new SeatCountsResponse(queue.Seats.Ready, seats?.Reserved ?? 0, seats?.Talking ?? 0, seats?.WrapUp ?? 0,
                queue.Seats.NotReady, queue.Seats.LoggedIn),
            queue.ReadySeats,
            QueueConfigDto.FromGrain(queue.Config));
    }

    private static double? Ratio(int part, int whole) => whole > 0 ? Math.Round((double)part / whole, 4) : null;
}

public sealed record WaitingCallResponse(
    string CallId,
    int Position,
    DateTimeOffset EnqueuedAt,
    int WaitSeconds,
    int Priority,
    string? Language,
    bool IsCallback,
    string? FromQueue,
    int EstimatedWaitSeconds,
    string? OfferedTo)
{
    public static WaitingCallResponse FromGrain(WaitingCallView call) => new(
        call.CallId, call.Position, call.EnqueuedAt, call.WaitSeconds, call.Priority, call.Language, call.IsCallback,
        call.FromQueue, call.EstimatedWaitSeconds, call.OfferedTo);
}

public sealed record SeatCountsResponse(int Ready, int Reserved, int Talking, int Wrapup, int NotReady, int LoggedIn);

/// <summary>A queue's settings as <c>PUT /api/queues/{id}</c> takes and returns them.</summary>
public sealed record QueueConfigDto(
    string Name,
    /// <summary>longest_idle, fewest_calls, least_talk_time, round_robin, highest_proficiency or random.</summary>
    string Strategy,
    int ServiceLevelSeconds,
    int RingTimeoutSeconds,
    int WrapUpSeconds,
    int ShortAbandonSeconds,
    int? MaxWaitSeconds,
    int? MaxLength,
    /// <summary>voicemail or callback.</summary>
    string ExitDestination,
    int MinimumLevel,
    IReadOnlyList<LevelWideningDto> Widening,
    IReadOnlyList<OverflowRuleDto> Overflow,
    int Priority,
    string? Language,
    string CallbackDigit)
{
    public static QueueConfigDto FromGrain(QueueConfig config) => new(
        config.Name,
        ApiNames.Of(config.Strategy),
        config.ServiceLevelSeconds,
        config.RingTimeoutSeconds,
        config.WrapUpSeconds,
        config.ShortAbandonSeconds,
        config.MaxWaitSeconds,
        config.MaxLength,
        ApiNames.Of(config.ExitDestination),
        config.MinimumLevel,
        config.Widening.Select(w => new LevelWideningDto(w.AfterSeconds, w.MinimumLevel)).ToArray(),
        config.Overflow.Select(o => new OverflowRuleDto(o.AfterSeconds, o.QueueId)).ToArray(),
        config.Priority,
        config.Language,
        config.CallbackDigit);
}

public sealed record LevelWideningDto(int AfterSeconds, int MinimumLevel);

public sealed record OverflowRuleDto(int AfterSeconds, string QueueId);

/// <summary>The body of <c>PUT /api/queues/{id}</c>; a missing field takes its default.</summary>
public sealed record QueueConfigRequest(
    string? Name,
    string? Strategy,
    int? ServiceLevelSeconds,
    int? RingTimeoutSeconds,
    int? WrapUpSeconds,
    int? ShortAbandonSeconds,
    int? MaxWaitSeconds,
    int? MaxLength,
    string? ExitDestination,
    int? MinimumLevel,
    IReadOnlyList<LevelWideningRequest?>? Widening,
    IReadOnlyList<OverflowRuleRequest?>? Overflow,
    int? Priority,
    string? Language,
    string? CallbackDigit);

public sealed record LevelWideningRequest(int? AfterSeconds, int? MinimumLevel);

public sealed record OverflowRuleRequest(int? AfterSeconds, string? QueueId);
