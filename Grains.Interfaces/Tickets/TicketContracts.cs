namespace Hotline.Tickets;

/// <summary>What the citizen wants (诉求类型).</summary>
[GenerateSerializer, Alias("hotline.TicketKind")]
public enum TicketKind
{
    /// <summary>咨询</summary>
    Consultation = 0,
    /// <summary>求助</summary>
    Help = 1,
    /// <summary>投诉</summary>
    Complaint = 2,
    /// <summary>举报</summary>
    Report = 3,
    /// <summary>建议</summary>
    Suggestion = 4,
    /// <summary>表扬</summary>
    Praise = 5,
}

/// <summary>How the matter reached the hotline (受理渠道).</summary>
[GenerateSerializer, Alias("hotline.TicketChannel")]
public enum TicketChannel { Phone = 0, Ivr = 1, Web = 2, App = 3, Wechat = 4, Sms = 5, MayorMailbox = 6, Email = 7, Open311 = 8 }

/// <summary>The work order's place in its life cycle. Overdue and supervised are flags, not states.</summary>
[GenerateSerializer, Alias("hotline.TicketStatus")]
public enum TicketStatus
{
    /// <summary>登记/受理: registered, not yet dispatched.</summary>
    Registered = 0,
    /// <summary>直办: answered on the spot, counts for first-contact resolution.</summary>
    Resolved = 1,
    /// <summary>派单: sent to a lead department (and co-handling departments), waiting for it to sign.</summary>
    Dispatched = 2,
    /// <summary>签收: the lead department accepted it and is handling it.</summary>
    Signed = 3,
    /// <summary>回退: the department sent it back with a reason; the dispatcher re-routes it.</summary>
    Returned = 4,
    /// <summary>答复: the department replied; waiting for the return visit.</summary>
    Replied = 5,
    /// <summary>重办: the citizen was unsatisfied; back with the department.</summary>
    Reopened = 6,
    /// <summary>办结归档</summary>
    Closed = 7,
    /// <summary>并单: merged into another order, which carries on.</summary>
    Merged = 8,
}

/// <summary>The citizen's verdict at the return visit (回访).</summary>
[GenerateSerializer, Alias("hotline.Satisfaction")]
public enum Satisfaction { Satisfied = 0, Basically = 1, Unsatisfied = 2 }

/// <summary>Who does something to an order: job number (工号), role, and the department of a department user.</summary>
[GenerateSerializer, Immutable, Alias("hotline.Actor")]
public sealed record Actor([property: Id(0)] string JobNo, [property: Id(1)] string Role, [property: Id(2)] string? DepartmentId);

[GenerateSerializer, Immutable, Alias("hotline.Caller")]
public sealed record Caller([property: Id(0)] string? Name, [property: Id(1)] string? Phone);

[GenerateSerializer, Immutable, Alias("hotline.GeoPoint")]
public sealed record GeoPoint([property: Id(0)] double Lat, [property: Id(1)] double Lng);

/// <summary>A new work order as staff, the IVR or a citizen's web form registers it.</summary>
[GenerateSerializer, Immutable, Alias("hotline.TicketIntake")]
public sealed record TicketIntake
{
    [Id(0)] public TicketChannel Channel { get; init; }
    [Id(1)] public TicketKind Kind { get; init; }
    /// <summary>Category id from the category tree (性质类别), e.g. <c>housing-fund</c>.</summary>
    [Id(2)] public required string Category { get; init; }
    [Id(3)] public Caller Caller { get; init; } = new(null, null);
    [Id(4)] public required string Summary { get; init; }
    [Id(5)] public required string Content { get; init; }
    [Id(6)] public string? Address { get; init; }
    [Id(7)] public GeoPoint? Location { get; init; }
    [Id(8)] public string? District { get; init; }
    /// <summary>The call during which the order was registered, if any.</summary>
    [Id(9)] public string? CallId { get; init; }
    /// <summary>The answer given on the spot (直办): the order is resolved at once.</summary>
    [Id(10)] public string? ResolvedAnswer { get; init; }
}

/// <summary>The order's time limits (限时办理), counted on the work calendar.</summary>
[GenerateSerializer, Immutable, Alias("hotline.TicketDeadlines")]
public sealed record TicketDeadlines
{
    /// <summary>The lead department must sign (签收) by then.</summary>
    [Id(0)] public DateTimeOffset? Sign { get; init; }
    /// <summary>The department must reply (答复) by then.</summary>
    [Id(1)] public DateTimeOffset? Reply { get; init; }
    /// <summary>The order must be finished, return visit included, by then.</summary>
    [Id(2)] public DateTimeOffset? Finish { get; init; }
    /// <summary>The automatic urge (催办) at a share of the reply limit.</summary>
    [Id(3)] public DateTimeOffset? AutoUrge { get; init; }
    /// <summary>An urge time an operator set (定时催办).</summary>
    [Id(4)] public DateTimeOffset? ScheduledUrge { get; init; }
}

/// <summary>A pending request for more time (延期).</summary>
[GenerateSerializer, Immutable, Alias("hotline.ExtensionRequest")]
public sealed record ExtensionRequest(
    [property: Id(0)] int WorkingDays,
    [property: Id(1)] string Reason,
    [property: Id(2)] string RequestedBy,
    [property: Id(3)] DateTimeOffset RequestedAt);

/// <summary>One line of an order's history: who, in which role, when, what, and a note. Never edited.</summary>
[GenerateSerializer, Immutable, Alias("hotline.TicketHistoryEntry")]
public sealed record TicketHistoryEntry(
    [property: Id(0)] int Sequence,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string JobNo,
    [property: Id(3)] string Role,
    [property: Id(4)] string Action,
    [property: Id(5)] string? Note,
    [property: Id(6)] string? DepartmentId);

[GenerateSerializer, Immutable, Alias("hotline.TicketSnapshot")]
public sealed record TicketSnapshot
{
    [Id(0)] public required string Number { get; init; }
    [Id(1)] public TicketStatus Status { get; init; }
    [Id(2)] public TicketKind Kind { get; init; }
    [Id(3)] public TicketChannel Channel { get; init; }
    [Id(4)] public required string Category { get; init; }
    [Id(5)] public Caller Caller { get; init; } = new(null, null);
    [Id(6)] public required string Summary { get; init; }
    [Id(7)] public required string Content { get; init; }
    [Id(8)] public string? Address { get; init; }
    [Id(9)] public GeoPoint? Location { get; init; }
    [Id(10)] public string? District { get; init; }
    [Id(11)] public string? CallId { get; init; }
    [Id(12)] public DateTimeOffset CreatedAt { get; init; }
    [Id(13)] public required string CreatedBy { get; init; }
    /// <summary>主办: the department that answers for the order.</summary>
    [Id(14)] public string? LeadDepartment { get; init; }
    /// <summary>协办: departments that help.</summary>
    [Id(15)] public IReadOnlyList<string> CoDepartments { get; init; } = [];
    /// <summary>The dispatch catalogue's department for this category (and district).</summary>
    [Id(16)] public string? SuggestedDepartment { get; init; }
    [Id(17)] public TicketDeadlines Deadlines { get; init; } = new();
    [Id(18)] public bool Overdue { get; init; }
    /// <summary>督办: escalated for supervision (by hand or because it went overdue).</summary>
    [Id(19)] public bool Supervised { get; init; }
    [Id(20)] public int UrgeCount { get; init; }
    [Id(21)] public string? Answer { get; init; }
    [Id(22)] public string? Reply { get; init; }
    [Id(23)] public DateTimeOffset? RepliedAt { get; init; }
    [Id(24)] public Satisfaction? Satisfaction { get; init; }
    [Id(25)] public int ReturnCount { get; init; }
    [Id(26)] public int ReopenCount { get; init; }
    [Id(27)] public string? MergedInto { get; init; }
    [Id(28)] public IReadOnlyList<string> MergedNumbers { get; init; } = [];
    [Id(29)] public ExtensionRequest? PendingExtension { get; init; }
    [Id(30)] public DateTimeOffset? ClosedAt { get; init; }
    [Id(31)] public DateTimeOffset UpdatedAt { get; init; }
    [Id(32)] public int Version { get; init; }
}
