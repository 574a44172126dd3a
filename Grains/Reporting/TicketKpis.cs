namespace Hotline.Reporting;

/// <summary>
/// One work order as the reports read it from <c>tickets</c> (names as in the API: <c>complaint</c>, <c>resolved</c>),
/// with two facts from its history: the last signing (签收) and the number of approved extensions (延期).
/// </summary>
public sealed record TicketRow(
    string Kind,
    string Channel,
    string Category,
    string? District,
    string? LeadDepartment,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SignDue,
    DateTimeOffset? SignedAt,
    DateTimeOffset? ReplyDue,
    DateTimeOffset? RepliedAt,
    DateTimeOffset? FinishDue,
    DateTimeOffset? ClosedAt,
    bool Overdue,
    int ReturnCount,
    int ReopenCount,
    int UrgeCount,
    bool Supervised,
    int Extensions,
    string? Satisfaction);

/// <summary>
/// The work-order counts over a set of orders, additive like <see cref="CallTotals"/>. What counts:
/// <list type="bullet">
/// <item>Received (受理): every order registered in the period but the merged duplicates (并单), which live on in
/// the order they joined.</item>
/// <item>Resolved on the spot (直办, 一次解决): status <c>resolved</c>. Non-phone: any channel but phone and IVR.</item>
/// <item>Dispatched (派单): has a lead department.</item>
/// <item>Signed on time (按时签收): the last signing at or before the sign limit. Replied on time (按时答复): the reply
/// at or before the reply limit. Finished on time (按时办结): closed at or before the finish limit. The limits are the
/// ones the order's grain computed on the work calendar (weekends, holidays and moved working days), for its latest
/// round after a reopening, so a reply on a holiday before the limit is on time.</item>
/// <item>Returned (回退) and reopened (重办): orders with at least one, and the number of times.</item>
/// <item>Visited (回访): a satisfaction is recorded; satisfied (满意) and basically satisfied (基本满意) count as
/// satisfied.</item>
/// </list>
/// </summary>
public sealed record TicketTotals(
    long Received,
    long ResolvedOnSpot,
    long Complaints,
    long NonPhone,
    long Dispatched,
    long Signed,
    long SignedOnTime,
    long Replied,
    long RepliedOnTime,
    long Closed,
    long ClosedOnTime,
    long Overdue,
    long Returned,
    long Returns,
    long Reopened,
    long Reopenings,
    long Urges,
    long Supervised,
    long Extended,
    long Extensions,
    long Visited,
    long Satisfied,
    long BasicallySatisfied,
    long Unsatisfied)
{
    public static TicketTotals Zero { get; } = new(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    public static TicketTotals Of(IEnumerable<TicketRow> rows)
    {
        var t = Zero;
        foreach (var row in rows) t += Of(row);
        return t;
    }

    public static TicketTotals Of(TicketRow o)
    {
        if (o.Status == "merged") return Zero;
        var signed = o.SignedAt is not null && o.SignDue is not null;
        var replied = o.RepliedAt is not null && o.ReplyDue is not null;
        var closed = o.Status == "closed" && o.ClosedAt is not null && o.FinishDue is not null;
        return new TicketTotals(
            Received: 1,
            ResolvedOnSpot: o.Status == "resolved" ? 1 : 0,
            Complaints: o.Kind == "complaint" ? 1 : 0,
            NonPhone: o.Channel is "phone" or "ivr" ? 0 : 1,
            Dispatched: o.LeadDepartment is not null ? 1 : 0,
            Signed: signed ? 1 : 0,
            SignedOnTime: signed && o.SignedAt <= o.SignDue ? 1 : 0,
            Replied: replied ? 1 : 0,
            RepliedOnTime: replied && o.RepliedAt <= o.ReplyDue ? 1 : 0,
            Closed: closed ? 1 : 0,
            ClosedOnTime: closed && o.ClosedAt <= o.FinishDue ? 1 : 0,
            Overdue: o.Overdue ? 1 : 0,
            Returned: o.ReturnCount > 0 ? 1 : 0,
            Returns: o.ReturnCount,
            Reopened: o.ReopenCount > 0 ? 1 : 0,
            Reopenings: o.ReopenCount,
            Urges: o.UrgeCount,
            Supervised: o.Supervised ? 1 : 0,
            Extended: o.Extensions > 0 ? 1 : 0,
            Extensions: o.Extensions,
            Visited: o.Satisfaction is null ? 0 : 1,
            Satisfied: o.Satisfaction == "satisfied" ? 1 : 0,
            BasicallySatisfied: o.Satisfaction == "basically" ? 1 : 0,
            Unsatisfied: o.Satisfaction == "unsatisfied" ? 1 : 0);
    }

    public static TicketTotals operator +(TicketTotals a, TicketTotals b) => new(
        a.Received + b.Received, a.ResolvedOnSpot + b.ResolvedOnSpot, a.Complaints + b.Complaints, a.NonPhone + b.NonPhone,
        a.Dispatched + b.Dispatched, a.Signed + b.Signed, a.SignedOnTime + b.SignedOnTime, a.Replied + b.Replied,
        a.RepliedOnTime + b.RepliedOnTime, a.Closed + b.Closed, a.ClosedOnTime + b.ClosedOnTime, a.Overdue + b.Overdue,
        a.Returned + b.Returned, a.Returns + b.Returns, a.Reopened + b.Reopened, a.Reopenings + b.Reopenings, a.Urges + b.Urges,
        a.Supervised + b.Supervised, a.Extended + b.Extended, a.Extensions + b.Extensions, a.Visited + b.Visited,
        a.Satisfied + b.Satisfied, a.BasicallySatisfied + b.BasicallySatisfied, a.Unsatisfied + b.Unsatisfied);

    public TicketKpis Kpis => new(this);

    /// <summary>
    /// The same counts as SQL aggregate columns over <c>tickets</c> (alias <c>t</c>, merged orders already filtered
    /// out) joined to the history facts <c>h.signed_at</c> and <c>h.extensions</c>, in the record's parameter order.
    /// </summary>
    public const string Sql = """
        count(*),
        count(*) FILTER (WHERE t.status = 'resolved'),
        count(*) FILTER (WHERE t.kind = 'complaint'),
        count(*) FILTER (WHERE t.channel NOT IN ('phone', 'ivr')),
        count(*) FILTER (WHERE t.lead_department IS NOT NULL),
        count(*) FILTER (WHERE h.signed_at IS NOT NULL AND t.sign_due IS NOT NULL),
        count(*) FILTER (WHERE h.signed_at IS NOT NULL AND t.sign_due IS NOT NULL AND h.signed_at <= t.sign_due),
        count(*) FILTER (WHERE t.replied_at IS NOT NULL AND t.reply_due IS NOT NULL),
        count(*) FILTER (WHERE t.replied_at IS NOT NULL AND t.reply_due IS NOT NULL AND t.replied_at <= t.reply_due),
        count(*) FILTER (WHERE t.status = 'closed' AND t.closed_at IS NOT NULL AND t.finish_due IS NOT NULL),
        count(*) FILTER (WHERE t.status = 'closed' AND t.closed_at IS NOT NULL AND t.finish_due IS NOT NULL AND t.closed_at <= t.finish_due),
        count(*) FILTER (WHERE t.overdue),
        count(*) FILTER (WHERE t.return_count > 0),
        coalesce(sum(t.return_count), 0),
        count(*) FILTER (WHERE t.reopen_count > 0),
        coalesce(sum(t.reopen_count), 0),
        coalesce(sum(t.urge_count), 0),
        count(*) FILTER (WHERE t.supervised),
        count(*) FILTER (WHERE h.extensions > 0),
        coalesce(sum(h.extensions), 0),
        count(*) FILTER (WHERE t.satisfaction IS NOT NULL),
        count(*) FILTER (WHERE t.satisfaction = 'satisfied'),
        count(*) FILTER (WHERE t.satisfaction = 'basically'),
        count(*) FILTER (WHERE t.satisfaction = 'unsatisfied')
        """;
}

/// <summary>The work-order KPIs from <see cref="TicketTotals"/>; a rate is null when its base is empty.</summary>
public sealed class TicketKpis(TicketTotals t)
{
    public TicketTotals Totals => t;

    /// <summary>首解率 (一次解决率): resolved on the spot / received.</summary>
    public double? FirstContactResolution => CallKpis.Share(t.ResolvedOnSpot, t.Received);

    /// <summary>投诉率: complaints / received.</summary>
    public double? ComplaintRate => CallKpis.Share(t.Complaints, t.Received);

    /// <summary>非电话渠道占比: orders from web, app, WeChat, SMS, mailbox, e-mail / received.</summary>
    public double? NonPhoneShare => CallKpis.Share(t.NonPhone, t.Received);

    /// <summary>按时签收率</summary>
    public double? OnTimeSignRate => CallKpis.Share(t.SignedOnTime, t.Signed);

    /// <summary>按时答复率</summary>
    public double? OnTimeReplyRate => CallKpis.Share(t.RepliedOnTime, t.Replied);

    /// <summary>按时办结率: closed on time / closed.</summary>
    public double? OnTimeCompletionRate => CallKpis.Share(t.ClosedOnTime, t.Closed);

    /// <summary>办结率: replied / dispatched.</summary>
    public double? CompletionRate => CallKpis.Share(t.Replied, t.Dispatched);

    /// <summary>回退率: orders returned at least once / dispatched.</summary>
    public double? ReturnRate => CallKpis.Share(t.Returned, t.Dispatched);

    /// <summary>重办率: orders reopened at least once / replied.</summary>
    public double? ReopenRate => CallKpis.Share(t.Reopened, t.Replied);

    /// <summary>回访率: visited / replied.</summary>
    public double? VisitCoverage => CallKpis.Share(t.Visited, t.Replied);

    /// <summary>满意率: satisfied or basically satisfied / visited.</summary>
    public double? SatisfactionRate => CallKpis.Share(t.Satisfied + t.BasicallySatisfied, t.Visited);
}
