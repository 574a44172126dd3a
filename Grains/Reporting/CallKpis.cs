namespace Hotline.Reporting;

/// <summary>One call as the reports read it from <c>call_records</c> (state is the API name: <c>abandoned</c>, <c>ended</c>).</summary>
public sealed record CallRow(
    string? QueueId,
    string? SeatJobNo,
    string State,
    DateTimeOffset ArrivedAt,
    DateTimeOffset? QueuedAt,
    DateTimeOffset? AnsweredAt,
    DateTimeOffset? EndedAt,
    DateTimeOffset? WrapUpEndedAt);

/// <summary>The thresholds the call KPIs count against.</summary>
public sealed record CallKpiSettings(int ServiceLevelSeconds = 10, int ShortAbandonSeconds = 5)
{
    public static CallKpiSettings Default { get; } = new();
}

/// <summary>
/// The call centre's counts over a set of calls, additive so that SQL can sum them per group and the rates follow
/// from the sums (<see cref="CallKpis"/>). What counts, in one place; <see cref="Sql"/> says the same in SQL:
/// <list type="bullet">
/// <item>Offered (进线): the call entered an agent queue (queued_at set). IVR-only calls are not offered.</item>
/// <item>Answered (接通): offered and answered by a seat. Speed of answer = answered − queued.</item>
/// <item>Within threshold: answered with a speed of answer ≤ the service-level seconds (10 s by default).</item>
/// <item>Abandoned (放弃): offered, not answered, ended by the caller (state <c>abandoned</c>); short abandons are
/// those that waited less than the short-abandon seconds (5 s): a caller who changed their mind, not one the
/// centre failed.</item>
/// <item>Callbacks (预约回拨): the caller left the queue asking to be called back (state <c>callback_waiting</c>).</item>
/// <item>Talk = ended − answered; wrap-up (话后整理) = wrap-up ended − ended, for answered calls that have them.</item>
/// </list>
/// A call counts in the period, day and hour it arrived (local time), also when it ends after midnight.
/// </summary>
public sealed record CallTotals(
    long Arrived,
    long Offered,
    long Answered,
    long AnsweredWithinThreshold,
    long Abandoned,
    long ShortAbandoned,
    long Callbacks,
    double AnswerWaitSeconds,
    long Talked,
    double TalkSeconds,
    long WrappedUp,
    double WrapUpSeconds)
{
    public static CallTotals Zero { get; } = new(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>The totals of <paramref name="rows"/>.</summary>
    public static CallTotals Of(IEnumerable<CallRow> rows, CallKpiSettings settings)
    {
        var t = Zero;
        foreach (var row in rows) t += Of(row, settings);
        return t;
    }

    /// <summary>One call's contribution.</summary>
    public static CallTotals Of(CallRow c, CallKpiSettings settings)
    {
        var offered = c.QueuedAt is not null;
        var answered = offered && c.AnsweredAt is not null;
        var wait = answered ? Seconds(c.QueuedAt!.Value, c.AnsweredAt!.Value) : 0;
        var abandoned = offered && !answered && c.State == "abandoned";
        var abandonWait = abandoned && c.EndedAt is { } end ? Seconds(c.QueuedAt!.Value, end) : 0;
        var talked = answered && c.EndedAt is not null;
        var wrapped = talked && c.WrapUpEndedAt is not null;
        return new CallTotals(
            Arrived: 1,
            Offered: offered ? 1 : 0,
            Answered: answered ? 1 : 0,
            AnsweredWithinThreshold: answered && wait <= settings.ServiceLevelSeconds ? 1 : 0,
            Abandoned: abandoned ? 1 : 0,
            ShortAbandoned: abandoned && abandonWait < settings.ShortAbandonSeconds ? 1 : 0,
            Callbacks: offered && !answered && c.State == "callback_waiting" ? 1 : 0,
            AnswerWaitSeconds: wait,
            Talked: talked ? 1 : 0,
            TalkSeconds: talked ? Seconds(c.AnsweredAt!.Value, c.EndedAt!.Value) : 0,
            WrappedUp: wrapped ? 1 : 0,
            WrapUpSeconds: wrapped ? Seconds(c.EndedAt!.Value, c.WrapUpEndedAt!.Value) : 0);
    }

    public static CallTotals operator +(CallTotals a, CallTotals b) => new(
        a.Arrived + b.Arrived, a.Offered + b.Offered, a.Answered + b.Answered, a.AnsweredWithinThreshold + b.AnsweredWithinThreshold,
        a.Abandoned + b.Abandoned, a.ShortAbandoned + b.ShortAbandoned, a.Callbacks + b.Callbacks, a.AnswerWaitSeconds + b.AnswerWaitSeconds,
        a.Talked + b.Talked, a.TalkSeconds + b.TalkSeconds, a.WrappedUp + b.WrappedUp, a.WrapUpSeconds + b.WrapUpSeconds);

    /// <summary>The rates and averages these counts give.</summary>
    public CallKpis Kpis => new(this);

    /// <summary>
    /// The same counts as SQL aggregate columns over <c>call_records</c> (alias <c>c</c>), in the order of the record's
    /// parameters; <c>@sl</c> is the service-level seconds and <c>@short</c> the short-abandon seconds.
    /// </summary>
    public const string Sql = """
        count(*),
        count(*) FILTER (WHERE c.queued_at IS NOT NULL),
        count(*) FILTER (WHERE c.queued_at IS NOT NULL AND c.answered_at IS NOT NULL),
        count(*) FILTER (WHERE c.queued_at IS NOT NULL AND c.answered_at IS NOT NULL
            AND extract(epoch FROM c.answered_at - c.queued_at) <= @sl),
        count(*) FILTER (WHERE c.queued_at IS NOT NULL AND c.answered_at IS NULL AND c.state = 'abandoned'),
        count(*) FILTER (WHERE c.queued_at IS NOT NULL AND c.answered_at IS NULL AND c.state = 'abandoned'
            AND extract(epoch FROM coalesce(c.ended_at, c.queued_at) - c.queued_at) < @short),
        count(*) FILTER (WHERE c.queued_at IS NOT NULL AND c.answered_at IS NULL AND c.state = 'callback_waiting'),
        coalesce(sum(extract(epoch FROM c.answered_at - c.queued_at)) FILTER (WHERE c.queued_at IS NOT NULL), 0)::float8,
        count(*) FILTER (WHERE c.queued_at IS NOT NULL AND c.answered_at IS NOT NULL AND c.ended_at IS NOT NULL),
        coalesce(sum(extract(epoch FROM c.ended_at - c.answered_at)) FILTER (WHERE c.queued_at IS NOT NULL), 0)::float8,
        count(*) FILTER (WHERE c.queued_at IS NOT NULL AND c.answered_at IS NOT NULL AND c.ended_at IS NOT NULL AND c.wrapup_ended_at IS NOT NULL),
        coalesce(sum(extract(epoch FROM c.wrapup_ended_at - c.ended_at)) FILTER (WHERE c.queued_at IS NOT NULL AND c.answered_at IS NOT NULL), 0)::float8
        """;

    private static double Seconds(DateTimeOffset from, DateTimeOffset to) => (to - from).TotalSeconds;
}

/// <summary>
/// The call-centre KPIs from <see cref="CallTotals"/>. A rate is a share between 0 and 1, null when nothing was
/// offered (a report shows "—", never 0 % or 100 % for an empty queue).
/// </summary>
public sealed class CallKpis(CallTotals t)
{
    public CallTotals Totals => t;

    /// <summary>接通率: answered / offered.</summary>
    public double? ConnectionRate => Share(t.Answered, t.Offered);

    /// <summary>服务水平 (10 s): answered within the threshold / (offered − short abandons).</summary>
    public double? ServiceLevel => Share(t.AnsweredWithinThreshold, t.Offered - t.ShortAbandoned);

    /// <summary>放弃率: every abandon, short ones included / offered.</summary>
    public double? AbandonRate => Share(t.Abandoned, t.Offered);

    /// <summary>短时放弃率: short abandons / offered.</summary>
    public double? ShortAbandonRate => Share(t.ShortAbandoned, t.Offered);

    /// <summary>平均应答速度 (ASA), seconds.</summary>
    public double? AverageSpeedOfAnswer => Average(t.AnswerWaitSeconds, t.Answered);

    /// <summary>平均通话时长, seconds.</summary>
    public double? AverageTalkSeconds => Average(t.TalkSeconds, t.Talked);

    /// <summary>平均话后整理时长, seconds.</summary>
    public double? AverageWrapUpSeconds => Average(t.WrapUpSeconds, t.WrappedUp);

    /// <summary>平均处理时长 (AHT): talk plus wrap-up per answered call, seconds.</summary>
    public double? AverageHandleSeconds => Average(t.TalkSeconds + t.WrapUpSeconds, t.Talked);

    internal static double? Share(long part, long whole) => whole <= 0 ? null : (double)part / whole;

    private static double? Average(double sum, long count) => count <= 0 ? null : sum / count;
}
