using Hotline.Api.Apis;
using Hotline.ReadModel.Tickets;
using Hotline.Tickets;

namespace Hotline.Api.Contracts;

/// <summary>A work order (工单) with its deadlines, handling departments and merged numbers.</summary>
public sealed record TicketResponse(
    string Number,
    /// <summary>registered, resolved, dispatched, signed, returned, replied, reopened, closed or merged.</summary>
    string Status,
    /// <summary>consultation, help, complaint, report, suggestion or praise.</summary>
    string Kind,
    /// <summary>phone, ivr, web, app, wechat, sms, mayor_mailbox, email or open311.</summary>
    string Channel,
    string Category,
    CallerDto Caller,
    string Summary,
    string Content,
    string? Address,
    LocationDto? Location,
    string? District,
    string? CallId,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    /// <summary>主办: the department that answers for the order.</summary>
    string? LeadDepartment,
    /// <summary>协办: departments that help.</summary>
    IReadOnlyList<string> CoDepartments,
    /// <summary>The dispatch catalogue's department for the category (and district).</summary>
    string? SuggestedDepartment,
    DeadlinesDto Deadlines,
    bool Overdue,
    bool Supervised,
    int UrgeCount,
    /// <summary>The answer given on the spot (直办), for a resolved order.</summary>
    string? Answer,
    string? Reply,
    DateTimeOffset? RepliedAt,
    /// <summary>satisfied, basically or unsatisfied, after the return visit.</summary>
    string? Satisfaction,
    int ReturnCount,
    int ReopenCount,
    string? MergedInto,
    IReadOnlyList<string> MergedNumbers,
    ExtensionRequestDto? PendingExtension,
    DateTimeOffset? ClosedAt,
    DateTimeOffset UpdatedAt,
    int Version,
    /// <summary>The time limit that matters now (what the desks count down), if any.</summary>
    DueDto? Due,
    /// <summary>accepted, in_progress or replied: what the citizen is told (portal and IVR).</summary>
    string Progress,
    /// <summary>What the caller may do to the order now (dispatch, sign, return, request_extension, …): a desk's buttons.</summary>
    IReadOnlyList<string> Actions)
{
    /// <param name="showContact">False masks the caller's phone (138****5678).</param>
    /// <param name="actions">The caller's actions on the order now (<c>TicketAccess.ActionsOn</c>).</param>
    public static TicketResponse FromGrain(TicketSnapshot t, bool showContact, IReadOnlyList<string> actions) => new(
        t.Number,
        ApiNames.Of(t.Status),
        ApiNames.Of(t.Kind),
        ApiNames.Of(t.Channel),
        t.Category,
        new CallerDto(t.Caller.Name, showContact ? t.Caller.Phone : PhoneMask.MaskOrNull(t.Caller.Phone)),
        t.Summary,
        t.Content,
        t.Address,
        t.Location is { } l ? new LocationDto(l.Lat, l.Lng) : null,
        t.District,
        t.CallId,
        t.CreatedAt,
        t.CreatedBy,
        t.LeadDepartment,
        t.CoDepartments,
        t.SuggestedDepartment,
        DeadlinesDto.FromGrain(t.Deadlines),
        t.Overdue,
        t.Supervised,
        t.UrgeCount,
        t.Answer,
        t.Reply,
        t.RepliedAt,
        t.Satisfaction is { } s ? ApiNames.Of(s) : null,
        t.ReturnCount,
        t.ReopenCount,
        t.MergedInto,
        t.MergedNumbers,
        t.PendingExtension is { } e ? new ExtensionRequestDto(e.WorkingDays, e.Reason, e.RequestedBy, e.RequestedAt) : null,
        t.ClosedAt,
        t.UpdatedAt,
        t.Version,
        DueDto.Of(TicketDeadlineRule.Running(t.Status, t.Deadlines)),
        Names.Of(PublicProgress.Of(t.Status)),
        actions);
}

/// <summary>The time limit an order runs against now: <c>sign</c>, <c>reply</c> or <c>finish</c>, and when.</summary>
public sealed record DueDto(string Kind, DateTimeOffset At)
{
    public static DueDto? Of(RunningDeadline? due) => due is { } d ? new DueDto(Names.Of(d.Kind), d.At) : null;
}

public sealed record CallerDto(string? Name, string? Phone);

public sealed record LocationDto(double Lat, double Lng);

/// <summary>Time limits (限时办理), counted in working days on the work calendar.</summary>
public sealed record DeadlinesDto(
    /// <summary>签收 by.</summary>
    DateTimeOffset? Sign,
    /// <summary>答复 by.</summary>
    DateTimeOffset? Reply,
    /// <summary>Finished, return visit included, by.</summary>
    DateTimeOffset? Finish,
    /// <summary>The automatic urge (自动催办).</summary>
    DateTimeOffset? AutoUrge,
    /// <summary>The urge an operator scheduled (定时催办).</summary>
    DateTimeOffset? ScheduledUrge)
{
    public static DeadlinesDto FromGrain(TicketDeadlines d) => new(d.Sign, d.Reply, d.Finish, d.AutoUrge, d.ScheduledUrge);
}

/// <summary>A request for more time (延期) waiting for the centre's decision.</summary>
public sealed record ExtensionRequestDto(int WorkingDays, string Reason, string RequestedBy, DateTimeOffset RequestedAt);

/// <summary>One line of an order's history: who (工号), in which role, when, what, and a note.</summary>
public sealed record TicketHistoryItem(
    int Sequence, DateTimeOffset At, string JobNo, string Role, string Action, string? Note, string? DepartmentId)
{
    public static TicketHistoryItem FromGrain(TicketHistoryEntry h) => new(h.Sequence, h.At, h.JobNo, h.Role, h.Action, h.Note, h.DepartmentId);
}

/// <summary>A work order as the <c>tickets</c> read model lists it (no content: open the order for that).</summary>
public sealed record TicketListItem(
    string Number,
    string Status,
    string Kind,
    string Channel,
    string Category,
    string? CallerName,
    string? CallerPhone,
    string Summary,
    string? District,
    string? LeadDepartment,
    IReadOnlyList<string> CoDepartments,
    string? SuggestedDepartment,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? SignDue,
    DateTimeOffset? ReplyDue,
    DateTimeOffset? FinishDue,
    bool Overdue,
    bool Supervised,
    int UrgeCount,
    DateTimeOffset? RepliedAt,
    string? Satisfaction,
    int ReturnCount,
    int ReopenCount,
    string? MergedInto,
    DateTimeOffset? ClosedAt,
    /// <summary>An extension request (延期) waits for the centre's decision.</summary>
    bool ExtensionPending,
    /// <summary>The time limit that matters now (what the desks count down), if any.</summary>
    DueDto? Due,
    /// <summary>accepted, in_progress or replied: what the citizen is told.</summary>
    string Progress,
    /// <summary>What the caller may do to the order now: the same list the order's own route gives.</summary>
    IReadOnlyList<string> Actions)
{
    /// <summary>What the life cycle needs to decide the actions on this row.</summary>
    public TicketFacts Facts() =>
        new(ApiNames.TryParseTicketStatus(Status, out var status) ? status : TicketStatus.Closed, LeadDepartment, ExtensionPending);

    /// <summary>A read-model row, before its caller's phone masking and actions.</summary>
    public static TicketListItem From(TicketListRow r) => new(
        r.Number, ApiNames.Of(r.Status), r.Kind, r.Channel, r.Category, r.CallerName, r.CallerPhone, r.Summary, r.District,
        r.LeadDepartment, r.CoDepartments, r.SuggestedDepartment, r.CreatedAt, r.CreatedBy, r.UpdatedAt,
        r.Deadlines.Sign, r.Deadlines.Reply, r.Deadlines.Finish, r.Overdue, r.Supervised, r.UrgeCount, r.RepliedAt, r.Satisfaction,
        r.ReturnCount, r.ReopenCount, r.MergedInto, r.ClosedAt, r.ExtensionPending,
        DueDto.Of(TicketDeadlineRule.Running(r.Status, r.Deadlines)), Names.Of(PublicProgress.Of(r.Status)), []);
}

public sealed record TicketListResponse(int Total, int Page, int PageSize, IReadOnlyList<TicketListItem> Items);

/// <summary>
/// Registering a work order (登记). <c>resolvedOnSpot</c> with the answer given during the call makes it a
/// resolved order (直办) at once.
/// </summary>
public sealed record TicketIntakeRequest(
    string? Channel,
    string? Kind,
    string? Category,
    CallerRequest? Caller,
    string? Summary,
    string? Content,
    string? Address,
    LocationRequest? Location,
    string? District,
    string? CallId,
    ResolvedOnSpotRequest? ResolvedOnSpot);

public sealed record CallerRequest(string? Name, string? Phone);

public sealed record LocationRequest(double? Lat, double? Lng);

public sealed record ResolvedOnSpotRequest(string? Answer);

/// <summary>派单 to a lead department (主办) and optional co-handling departments (协办).</summary>
public sealed record DispatchRequest(string? Lead, IReadOnlyList<string?>? Co, string? Note);

/// <summary>A reason: for a return (回退) or a reopening (重办).</summary>
public sealed record ReasonRequest(string? Reason);

/// <summary>A request for more time (延期), in working days.</summary>
public sealed record ExtendRequest(int? WorkingDays, string? Reason);

public sealed record NoteRequest(string? Note);

/// <summary>The department's answer to the citizen (答复).</summary>
public sealed record ReplyRequest(string? Text);

/// <summary>定时催办: urge at this time.</summary>
public sealed record ScheduleUrgeRequest(DateTimeOffset? At, string? Note);

/// <summary>回访: satisfied, basically (基本满意) or unsatisfied (不满意, reopens the order).</summary>
public sealed record VisitRequest(string? Satisfaction, string? Note);

/// <summary>并单: this order is a duplicate of <c>into</c>.</summary>
public sealed record MergeRequest(string? Into);

/// <summary>A citizen's web form (网上受理): the channel is web and the phone is required, for the status query.</summary>
public sealed record PublicTicketRequest(
    string? Kind,
    string? Category,
    CallerRequest? Caller,
    string? Summary,
    string? Content,
    string? Address,
    LocationRequest? Location,
    string? District);

public sealed record PublicTicketCreated(string Number);

/// <summary>
/// What a citizen may learn of an order by its number and phone: no name, phone, address or content. A merged
/// order (并单) answers with the progress and reply of the order it joined, as the IVR does.
/// </summary>
public sealed record PublicTicketStatus(
    string Number,
    string Status,
    /// <summary>accepted, in_progress or replied: the one progress the portal and the IVR give.</summary>
    string Progress,
    string Kind,
    string Category,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RepliedAt,
    string? Reply,
    DateTimeOffset? ClosedAt)
{
    public static PublicTicketStatus From(PublicTicketView view) => new(
        view.Asked.Number, ApiNames.Of(view.Asked.Status), Names.Of(view.Progress), ApiNames.Of(view.Asked.Kind), view.Asked.Category,
        view.Asked.CreatedAt, view.Current.RepliedAt, view.Reply, view.Current.ClosedAt);
}
