using System.Security.Claims;
using Hotline.Tickets;

namespace Hotline.Api.Auth;

/// <summary>
/// Who sees which work orders, who sees the citizen's contact details, and in which role a user acts.
/// Whether a role may do a command, and in which role a user holding several acts, is the life cycle's
/// (<see cref="TicketLifecycle"/>): the grain decides with it and the API lists each order's actions with it.
/// The API only hides orders from departments not handling them.
/// </summary>
public static class TicketAccess
{
    /// <summary>Roles that see every order; department staff without one of them see only their department's.</summary>
    private static readonly string[] CentreWide = [Roles.Agent, Roles.Supervisor, Roles.Dispatcher, Roles.Admin, Roles.Auditor, Roles.Integration];

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

    /// <summary>
    /// The signed-in user as the ticket grain records them for <paramref name="command"/>, in the role the life
    /// cycle picks. A user holding none acts in their first role, and the grain refuses (403).
    /// </summary>
    public static Actor ActorFor(this ClaimsPrincipal user, TicketCommand command) =>
        user.As(TicketLifecycle.ActingRole(command, user.IsInRole));

    /// <summary>The signed-in user as the ticket grain records them for registering an order (登记).</summary>
    public static Actor ActorForRegistering(this ClaimsPrincipal user) => user.As(TicketLifecycle.RegisteringRole(user.IsInRole));

    /// <summary>The actions the user may take on the order now, in their API names (<c>request_extension</c>).</summary>
    public static IReadOnlyList<string> ActionsOn(this ClaimsPrincipal user, TicketFacts order) =>
        TicketLifecycle.ActionsFor(order, user.IsInRole, user.DepartmentId()).Select(a => Names.Of(a)).ToArray();

    private static Actor As(this ClaimsPrincipal user, string? role)
    {
        role ??= user.FindFirstValue(ClaimTypes.Role) ?? "";
        return new Actor(user.JobNo(), role, role == Roles.Department ? user.DepartmentId() : null);
    }
}
