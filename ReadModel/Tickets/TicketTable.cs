using Hotline.Tickets;

namespace Hotline.ReadModel.Tickets;

/// <summary>
/// The work orders' read model: the <c>tickets</c> table (one row per order: the columns lists, search and reports
/// filter on, the grain's state as <c>payload</c>, an <c>etag</c>) and <c>ticket_history</c> (every line of every
/// order's history). Created by migrations 0003 and 0006 in <c>Silo/Schema/Migrations</c>; every name used in
/// code is here.
/// </summary>
public static class TicketTable
{
    public const string Name = "tickets";
    public const string History = "ticket_history";

    public const string Number = "number";
    public const string Etag = "etag";
    public const string Payload = "payload";
    public const string Search = "search";

    public const string Status = "status";
    public const string Kind = "kind";
    public const string Channel = "channel";
    public const string Category = "category";
    public const string CallerName = "caller_name";
    public const string CallerPhone = "caller_phone";
    public const string CallerPhoneLast4 = "caller_phone_last4";
    public const string Summary = "summary";
    public const string Content = "content";
    public const string Address = "address";
    public const string District = "district";
    public const string CallId = "call_id";
    public const string LeadDepartment = "lead_department";
    public const string CoDepartments = "co_departments";
    public const string SuggestedDepartment = "suggested_department";
    public const string CreatedAt = "created_at";
    public const string CreatedBy = "created_by";
    public const string UpdatedAt = "updated_at";
    public const string SignDue = "sign_due";
    public const string ReplyDue = "reply_due";
    public const string FinishDue = "finish_due";
    public const string Overdue = "overdue";
    public const string Supervised = "supervised";
    public const string UrgeCount = "urge_count";
    public const string Reply = "reply";
    public const string RepliedAt = "replied_at";
    public const string Satisfaction = "satisfaction";
    public const string ReturnCount = "return_count";
    public const string ReopenCount = "reopen_count";
    public const string MergedInto = "merged_into";
    public const string ClosedAt = "closed_at";
    /// <summary>The next deadline event the sweep must hand to the order's grain (migration 0006).</summary>
    public const string NextDueAt = "next_due_at";

    /// <summary>Not a column: whether an extension request waits, read from the grain's state (<c>TicketRecord.PendingExtension</c>).</summary>
    public const string ExtensionPending = "extension_pending";

    /// <summary>The history's columns, in the order the storage appends them.</summary>
    public static class HistoryColumns
    {
        public const string Sequence = "sequence";
        public const string At = "at";
        public const string JobNo = "job_no";
        public const string Role = "role";
        public const string Action = "action";
        public const string Note = "note";
        public const string DepartmentId = "department_id";

        public static IReadOnlyList<string> All { get; } = [Sequence, At, JobNo, Role, Action, Note, DepartmentId];
    }

    /// <summary>The columns derived from the grain's state on every write (<see cref="TicketRow"/>), each bound to the parameter of its name.</summary>
    public static IReadOnlyList<string> Written { get; } =
    [
        Status, Kind, Channel, Category, CallerName, CallerPhone, CallerPhoneLast4, Summary, Content, Address, District, CallId,
        LeadDepartment, CoDepartments, SuggestedDepartment, CreatedAt, CreatedBy, UpdatedAt, SignDue, ReplyDue, FinishDue,
        Overdue, Supervised, UrgeCount, Reply, RepliedAt, Satisfaction, ReturnCount, ReopenCount, MergedInto, ClosedAt, NextDueAt,
    ];

    /// <summary>The column each time limit (限时办理) is kept in.</summary>
    public static string ColumnOf(TicketDeadlineKind kind) => kind switch
    {
        TicketDeadlineKind.Sign => SignDue,
        TicketDeadlineKind.Reply => ReplyDue,
        _ => FinishDue,
    };

    /// <summary>
    /// SQL for the deadline that matters now, by the one rule (<see cref="TicketDeadlineRule"/>): the desks sort
    /// "due soonest" by it, and it is what they count down.
    /// </summary>
    public static string RunningDeadlineSql { get; } = BuildRunningDeadline();

    /// <summary>SQL true for an order still open (<see cref="TicketLifecycle.IsOpen"/>): not resolved, closed or merged.</summary>
    public static string IsOpenSql { get; } =
        $"{Status} IN ({string.Join(", ", Enum.GetValues<TicketStatus>().Where(TicketLifecycle.IsOpen).Select(s => $"'{Names.Of(s)}'"))})";

    /// <summary>SQL for <see cref="ExtensionPending"/>: the grain's state holds a pending request (an object, not null).</summary>
    public static string ExtensionPendingSql { get; } =
        $"coalesce(jsonb_typeof({Payload} -> 'pendingExtension') = 'object', false)";

    private static string BuildRunningDeadline()
    {
        var cases = Enum.GetValues<TicketStatus>()
            .Select(s => (Status: s, Columns: TicketDeadlineRule.Candidates(s).Select(ColumnOf).ToArray()))
            .Where(c => c.Columns.Length > 0)
            .Select(c => $"WHEN '{Names.Of(c.Status)}' THEN " + (c.Columns.Length == 1 ? c.Columns[0] : $"coalesce({string.Join(", ", c.Columns)})"));
        return $"CASE {Status} {string.Join(" ", cases)} END";
    }
}
