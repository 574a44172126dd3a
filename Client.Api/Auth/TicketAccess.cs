using System.Security.Claims;
using Hotline.Tickets;

namespace Hotline.Api.Auth;

/// <summary>What the API asks of a work order on someone's behalf (the ticket grain's commands, plus registering).</summary>
public enum TicketAction
{
    Register,
    Dispatch,
    Sign,
    Return,
    RequestExtension,
    ApproveExtension,
    RejectExtension,
    Reply,
    Urge,
    ScheduleUrge,
    Supervise,
    Visit,
    Reopen,
    Close,
    Merge,
}

/// <summary>
/// Who sees which work orders, who sees the citizen's contact details, and in which role a user acts.
/// The ticket grain decides whether a role may do a command (its life-cycle table); the API only picks
/// the role to act in when a user holds several, and hides orders from departments not handling them.
/// </summary>
public static class TicketAccess
{
    /// <summary>Roles that see every order; department staff without one of them see only their department's.</summary>
    private static readonly string[] CentreWide = [Roles.Agent, Roles.Supervisor, Roles.Dispatcher, Roles.Admin, Roles.Auditor, Roles.Integration];

    /// <summary>
    /// The role each action is taken in, most specific first, so the history says "dispatcher" rather than
    /// "admin" for an admin who is also a dispatcher. A user holding none acts in their first role, and the
    /// grain refuses (403) if that role may not.
    /// </summary>
    private static readonly Dictionary<TicketAction, string[]> ActingRoles = new()
    {
        [TicketAction.Register] = [Roles.Agent, Roles.Dispatcher, Roles.Supervisor, Roles.Admin, Roles.Integration],
        [TicketAction.Dispatch] = [Roles.Dispatcher, Roles.Supervisor, Roles.Admin],
        [TicketAction.Sign] = [Roles.Department, Roles.Admin],
        [TicketAction.Return] = [Roles.Department, Roles.Admin],
        [TicketAction.RequestExtension] = [Roles.Department, Roles.Admin],
        [TicketAction.ApproveExtension] = [Roles.Dispatcher, Roles.Supervisor, Roles.Admin],
        [TicketAction.RejectExtension] = [Roles.Dispatcher, Roles.Supervisor, Roles.Admin],
        [TicketAction.Reply] = [Roles.Department, Roles.Admin],
        [TicketAction.Urge] = [Roles.Dispatcher, Roles.Supervisor, Roles.Agent, Roles.Admin],
        [TicketAction.ScheduleUrge] = [Roles.Dispatcher, Roles.Supervisor, Roles.Admin],
        [TicketAction.Supervise] = [Roles.Dispatcher, Roles.Supervisor, Roles.Admin],
        [TicketAction.Visit] = [Roles.Dispatcher, Roles.Supervisor, Roles.Admin],
        [TicketAction.Reopen] = [Roles.Dispatcher, Roles.Supervisor, Roles.Admin],
        [TicketAction.Close] = [Roles.Dispatcher, Roles.Supervisor, Roles.Admin],
        [TicketAction.Merge] = [Roles.Dispatcher, Roles.Supervisor, Roles.Admin],
    };

    /// <summary>The department a department user is bound to (<c>users.department_id</c>).</summary>
    public static string? DepartmentId(this ClaimsPrincipal user) => user.FindFirstValue(BearerTokenHandler.DepartmentClaim);

    /// <summary>Department staff with no centre-wide role: they see only orders their department leads or co-handles.</summary>
    public static bool IsDepartmentScoped(this ClaimsPrincipal user) =>
        user.IsInRole(Roles.Department) && !CentreWide.Any(user.IsInRole);

    /// <summary>
    /// The department whose orders a scoped user may see; "" (matches nothing) for a department user bound
    /// to none; null when the user sees every order.
    /// </summary>
    public static string? TicketScope(this ClaimsPrincipal user) => user.IsDepartmentScoped() ? user.DepartmentId() ?? "" : null;

    public static bool MaySee(this ClaimsPrincipal user, TicketSnapshot ticket) =>
        user.TicketScope() is not { } scope || Involves(ticket, scope);

    public static bool Involves(TicketSnapshot ticket, string departmentId) =>
        departmentId.Length > 0 && (ticket.LeadDepartment == departmentId || ticket.CoDepartments.Contains(departmentId));

    /// <summary>
    /// Staff who call citizens back see their numbers: agents, dispatchers (return visits), supervisors,
    /// departments handling the order, admins. Auditors and machine accounts see them masked.
    /// </summary>
    public static bool SeesCallerContact(this ClaimsPrincipal user) =>
        user.IsInRole(Roles.Agent) || user.IsInRole(Roles.Dispatcher) || user.IsInRole(Roles.Supervisor)
        || user.IsInRole(Roles.Department) || user.IsInRole(Roles.Admin);

    /// <summary>The signed-in user as the ticket grain records them for <paramref name="action"/>.</summary>
    public static Actor ActorFor(this ClaimsPrincipal user, TicketAction action)
    {
        var role = ActingRoles[action].FirstOrDefault(user.IsInRole)
            ?? user.FindFirstValue(ClaimTypes.Role)
            ?? "";
        return new Actor(user.JobNo(), role, role == Roles.Department ? user.DepartmentId() : null);
    }
}
