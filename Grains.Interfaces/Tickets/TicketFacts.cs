namespace Hotline.Tickets;

/// <summary>
/// What the life cycle needs to know of an order to decide a command: its status, its lead department (主办)
/// and whether an extension request (延期) waits. The grain builds it from its record, the API from a snapshot
/// or a read-model row, so both decide by the same facts.
/// </summary>
public sealed record TicketFacts(TicketStatus Status, string? LeadDepartment, bool ExtensionPending)
{
    public static TicketFacts Of(TicketSnapshot ticket) =>
        new(ticket.Status, ticket.LeadDepartment, ticket.PendingExtension is not null);
}

/// <summary>Which time limit (限时办理) an order runs against now.</summary>
public enum TicketDeadlineKind
{
    /// <summary>签收时限</summary>
    Sign,
    /// <summary>答复时限</summary>
    Reply,
    /// <summary>办结时限</summary>
    Finish,
}

/// <summary>The time limit an order runs against now, and when it falls.</summary>
public sealed record RunningDeadline(TicketDeadlineKind Kind, DateTimeOffset At);

/// <summary>
/// Which deadline matters now, the one every desk counts down and sorts by: waiting to be signed, the sign
/// limit (the reply limit when none was set); from registration to the reply, the reply limit; after the
/// reply, the finish limit (the return visit is part of it); a finished order has none.
/// </summary>
public static class TicketDeadlineRule
{
    /// <summary>The deadlines that may matter in <paramref name="status"/>, first one set wins.</summary>
    public static IReadOnlyList<TicketDeadlineKind> Candidates(TicketStatus status) => status switch
    {
        TicketStatus.Dispatched => [TicketDeadlineKind.Sign, TicketDeadlineKind.Reply],
        TicketStatus.Registered or TicketStatus.Signed or TicketStatus.Returned or TicketStatus.Reopened => [TicketDeadlineKind.Reply],
        TicketStatus.Replied => [TicketDeadlineKind.Finish],
        _ => [],
    };

    public static RunningDeadline? Running(TicketStatus status, TicketDeadlines deadlines)
    {
        foreach (var kind in Candidates(status))
            if (At(deadlines, kind) is { } at) return new RunningDeadline(kind, at);
        return null;
    }

    public static DateTimeOffset? At(TicketDeadlines deadlines, TicketDeadlineKind kind) => kind switch
    {
        TicketDeadlineKind.Sign => deadlines.Sign,
        TicketDeadlineKind.Reply => deadlines.Reply,
        _ => deadlines.Finish,
    };
}
