using static Hotline.StaffRoles;

namespace Hotline.Tickets;

/// <summary>What someone asks to do to a work order. <c>Names.Of</c> gives the API spelling (<c>request_extension</c>).</summary>
public enum TicketCommand
{
    /// <summary>直办: answered on the spot while registering; the order is resolved at once.</summary>
    ResolveOnSpot,
    /// <summary>派单/改派: send to a lead department (and co-handling ones), or send elsewhere.</summary>
    Dispatch,
    /// <summary>签收</summary>
    Sign,
    /// <summary>回退: not this department's matter.</summary>
    Return,
    /// <summary>申请延期</summary>
    RequestExtension,
    /// <summary>同意延期</summary>
    ApproveExtension,
    /// <summary>不同意延期</summary>
    RejectExtension,
    /// <summary>答复/办结</summary>
    Reply,
    /// <summary>催办</summary>
    Urge,
    /// <summary>定时催办</summary>
    ScheduleUrge,
    /// <summary>督办</summary>
    Supervise,
    /// <summary>回访, satisfied (满意) or basically satisfied (基本满意).</summary>
    Visit,
    /// <summary>回访, unsatisfied (不满意): the order goes back to the department.</summary>
    VisitUnsatisfied,
    /// <summary>重办 without a visit, e.g. the centre finds the reply inadequate.</summary>
    Reopen,
    /// <summary>办结归档 without a visit, e.g. the citizen cannot be reached.</summary>
    Close,
    /// <summary>并单: this order is a duplicate and joins another.</summary>
    Merge,
    /// <summary>The surviving order records a duplicate that joined it.</summary>
    Absorb,
}

/// <summary>The answer to "may this role do this command now?".</summary>
public sealed record TicketDecision
{
    private TicketDecision(TicketStatus current, TicketCommand command, string role, TicketStatus next, TicketRefusal refusal, string? reason)
    {
        Current = current;
        Command = command;
        Role = role;
        Next = next;
        Refusal = refusal;
        Reason = reason;
    }

    public TicketStatus Current { get; }
    public TicketCommand Command { get; }
    public string Role { get; }
    /// <summary>The status after the command; the current one when refused or when the command keeps it.</summary>
    public TicketStatus Next { get; }
    public TicketRefusal Refusal { get; }
    /// <summary>Why it was refused, in a sentence for the problem+json detail.</summary>
    public string? Reason { get; }

    public bool Allowed => Refusal == TicketRefusal.None;
    public bool ForbiddenByState => Refusal == TicketRefusal.State;
    public bool ForbiddenByRole => Refusal == TicketRefusal.Role;

    internal static TicketDecision Allow(TicketStatus current, TicketCommand command, string role, TicketStatus next) =>
        new(current, command, role, next, TicketRefusal.None, null);

    internal static TicketDecision Refuse(TicketStatus current, TicketCommand command, string role, TicketRefusal refusal, string reason) =>
        new(current, command, role, current, refusal, reason);

    /// <summary>
    /// The exception the grain throws for a refusal: <c>ticket.invalid_transition</c> (409, naming the
    /// current state) when the state forbids it, <c>auth.forbidden</c> (403) when the role does.
    /// </summary>
    public DomainException ToException(string ticketNumber)
    {
        if (Allowed) throw new InvalidOperationException("An allowed command has no exception.");
        var state = Names.Of(Current);
        return ForbiddenByRole
            ? new DomainException("auth.forbidden", $"Work order {ticketNumber}: {Reason}", state, status: 403)
            : new DomainException("ticket.invalid_transition", $"Work order {ticketNumber} cannot {Names.Of(Command)} while {state}: {Reason}", state);
    }
}

public enum TicketRefusal
{
    None = 0,
    /// <summary>The order's state forbids the command (409).</summary>
    State = 1,
    /// <summary>The role may never do this command (403).</summary>
    Role = 2,
}

/// <summary>
/// The work-order life cycle as a table: which command is allowed in which status, what status follows,
/// and which roles may give it. The grain asks <see cref="Decide(TicketStatus, TicketCommand, string)"/>
/// before every change; tests assert every cell.
/// <para>The rules that are choices rather than givens:</para>
/// <list type="bullet">
/// <item>Open means not Resolved (直办), Closed (办结) or Merged (并单); those three are final. A closed
/// order is not reopened: a citizen who calls again after closing gets a new order.</item>
/// <item>Dispatch (派单) from Registered; again from Returned (回退后改派); from Dispatched, to correct a
/// wrong department before it signs (改派); and from Reopened, when the unsatisfied citizen shows the
/// matter belongs elsewhere.</item>
/// <item>Reopened (重办) means "with the same lead department again". That department already signed
/// the order once, so it may reply straight away; it may also sign again (→ Signed) to acknowledge the
/// reopening. It may not return it: having answered once, the matter is its own.</item>
/// <item>Return (回退) only before the reply: from Dispatched or Signed.</item>
/// <item>Extensions (延期) while the department handles the order: Signed or Reopened, status unchanged.
/// One request at a time: use <see cref="Decide(TicketStatus, TicketCommand, string, bool)"/> with the
/// pending flag to enforce it. Any move out of Signed/Reopened drops a pending request.</item>
/// <item>Reply (答复) needs a signed order: Signed, or Reopened (signed before).</item>
/// <item>Return visit (回访) from Replied: satisfied or basically satisfied closes at once; unsatisfied
/// reopens. Reopen and Close without a visit also from Replied only.</item>
/// <item>Urge, scheduled urge and supervision (催办, 定时催办, 督办) at every open stage; status unchanged.</item>
/// <item>Merge (并单) and Absorb from every open stage but Replied: a reply written without the
/// duplicate's content does not answer it, so a duplicate joins only an order still being handled.</item>
/// <item>Resolve on the spot (直办) only from Registered; the grain applies it only while registering.</item>
/// </list>
/// <para>Roles (the API's fixed list): department staff (承办单位) sign, return, ask for extensions and
/// reply, and only for the order's lead department (主办): a co-handling department (协办) reads the order
/// but does none of these (<see cref="Decide(TicketFacts, TicketCommand, Actor)"/>). Dispatchers (派单员) and
/// supervisors (班长) dispatch, decide extensions, urge, supervise, merge, and do return visits, reopen
/// and close: the API has no return-visit role, and return-visit staff (回访员) sit with the dispatch
/// desk. Agents (话务员) register, resolve on the spot and urge (a citizen chasing an order by phone).
/// Admins may do everything; auditors nothing; integrations only register.</para>
/// </summary>
public static class TicketLifecycle
{
    /// <summary>Who may register (登记) an order. Registering with an answer (直办) also needs
    /// <see cref="TicketCommand.ResolveOnSpot"/> from Registered, which integrations may not give.</summary>
    public static IReadOnlyList<string> CreateRoles { get; } = [Agent, Dispatcher, Supervisor, Admin, Integration];

    private static readonly TicketStatus[] Open =
    [
        TicketStatus.Registered, TicketStatus.Dispatched, TicketStatus.Signed,
        TicketStatus.Returned, TicketStatus.Replied, TicketStatus.Reopened,
    ];

    private static readonly TicketStatus[] Handling = [TicketStatus.Signed, TicketStatus.Reopened];

    private static readonly Dictionary<(TicketStatus From, TicketCommand Command), TicketStatus> Transitions = BuildTransitions();

    /// <summary>
    /// Who may give each command, most specific role first: a user holding several acts in the first one listed
    /// (see <see cref="ActingRole"/>), so the history says "dispatcher" rather than "admin" for an admin who is
    /// also a dispatcher.
    /// </summary>
    private static readonly Dictionary<TicketCommand, string[]> CommandRoles = new()
    {
        [TicketCommand.ResolveOnSpot] = [Agent, Dispatcher, Supervisor, Admin],
        [TicketCommand.Dispatch] = [Dispatcher, Supervisor, Admin],
        [TicketCommand.Sign] = [Department, Admin],
        [TicketCommand.Return] = [Department, Admin],
        [TicketCommand.RequestExtension] = [Department, Admin],
        [TicketCommand.ApproveExtension] = [Dispatcher, Supervisor, Admin],
        [TicketCommand.RejectExtension] = [Dispatcher, Supervisor, Admin],
        [TicketCommand.Reply] = [Department, Admin],
        [TicketCommand.Urge] = [Dispatcher, Supervisor, Agent, Admin],
        [TicketCommand.ScheduleUrge] = [Dispatcher, Supervisor, Admin],
        [TicketCommand.Supervise] = [Dispatcher, Supervisor, Admin],
        [TicketCommand.Visit] = [Dispatcher, Supervisor, Admin],
        [TicketCommand.VisitUnsatisfied] = [Dispatcher, Supervisor, Admin],
        [TicketCommand.Reopen] = [Dispatcher, Supervisor, Admin],
        [TicketCommand.Close] = [Dispatcher, Supervisor, Admin],
        [TicketCommand.Merge] = [Dispatcher, Supervisor, Admin],
        [TicketCommand.Absorb] = [Dispatcher, Supervisor, Admin],
    };

    /// <summary>
    /// The commands staff give through the API's action routes, in the order a desk shows them. Registering,
    /// resolving on the spot and absorbing a duplicate happen inside other commands; an unsatisfied visit is a
    /// visit (the verdict decides).
    /// </summary>
    public static IReadOnlyList<TicketCommand> Actions { get; } =
    [
        TicketCommand.Dispatch, TicketCommand.Sign, TicketCommand.Return, TicketCommand.RequestExtension,
        TicketCommand.ApproveExtension, TicketCommand.RejectExtension, TicketCommand.Reply, TicketCommand.Urge,
        TicketCommand.ScheduleUrge, TicketCommand.Supervise, TicketCommand.Visit, TicketCommand.Reopen,
        TicketCommand.Close, TicketCommand.Merge,
    ];

    private static Dictionary<(TicketStatus, TicketCommand), TicketStatus> BuildTransitions()
    {
        var table = new Dictionary<(TicketStatus, TicketCommand), TicketStatus>();
        void Allow(TicketCommand command, TicketStatus next, params TicketStatus[] from)
        {
            foreach (var status in from) table.Add((status, command), next);
        }
        void Stay(TicketCommand command, params TicketStatus[] from)
        {
            foreach (var status in from) table.Add((status, command), status);
        }

        Allow(TicketCommand.ResolveOnSpot, TicketStatus.Resolved, TicketStatus.Registered);
        Allow(TicketCommand.Dispatch, TicketStatus.Dispatched,
            TicketStatus.Registered, TicketStatus.Dispatched, TicketStatus.Returned, TicketStatus.Reopened);
        Allow(TicketCommand.Sign, TicketStatus.Signed, TicketStatus.Dispatched, TicketStatus.Reopened);
        Allow(TicketCommand.Return, TicketStatus.Returned, TicketStatus.Dispatched, TicketStatus.Signed);
        Stay(TicketCommand.RequestExtension, Handling);
        Stay(TicketCommand.ApproveExtension, Handling);
        Stay(TicketCommand.RejectExtension, Handling);
        Allow(TicketCommand.Reply, TicketStatus.Replied, Handling);
        Stay(TicketCommand.Urge, Open);
        Stay(TicketCommand.ScheduleUrge, Open);
        Stay(TicketCommand.Supervise, Open);
        Allow(TicketCommand.Visit, TicketStatus.Closed, TicketStatus.Replied);
        Allow(TicketCommand.VisitUnsatisfied, TicketStatus.Reopened, TicketStatus.Replied);
        Allow(TicketCommand.Reopen, TicketStatus.Reopened, TicketStatus.Replied);
        Allow(TicketCommand.Close, TicketStatus.Closed, TicketStatus.Replied);
        var beforeReply = Open.Where(s => s != TicketStatus.Replied).ToArray();
        Allow(TicketCommand.Merge, TicketStatus.Merged, beforeReply);
        Stay(TicketCommand.Absorb, beforeReply);
        return table;
    }

    /// <summary>Whether the order can still change: not resolved on the spot, closed or merged.</summary>
    public static bool IsOpen(TicketStatus status) => Open.Contains(status);

    /// <summary>Whether the lead department holds the order and may ask for an extension (Signed, Reopened).</summary>
    public static bool IsHandling(TicketStatus status) => Handling.Contains(status);

    /// <summary>Whether <paramref name="role"/> may register orders.</summary>
    public static bool CanCreate(string role) => CreateRoles.Contains(role, StringComparer.Ordinal);

    /// <summary>The roles that may give <paramref name="command"/> (when the state allows it).</summary>
    public static IReadOnlyList<string> RolesFor(TicketCommand command) => CommandRoles[command];

    /// <summary>The commands the state allows in <paramref name="status"/>, whoever asks: the buttons a desk may show.</summary>
    public static IReadOnlyList<TicketCommand> CommandsIn(TicketStatus status) =>
        Enum.GetValues<TicketCommand>().Where(c => Transitions.ContainsKey((status, c))).ToList();

    /// <summary>
    /// Whether <paramref name="role"/> may give <paramref name="command"/> to an order in
    /// <paramref name="current"/>, and the status that follows. The role is checked first: a role that
    /// may never give the command is refused (403) whatever the state. The one-pending-extension rule is
    /// not checked here; see the overload.
    /// </summary>
    public static TicketDecision Decide(TicketStatus current, TicketCommand command, string role)
    {
        if (!CommandRoles[command].Contains(role, StringComparer.Ordinal))
            return TicketDecision.Refuse(current, command, role, TicketRefusal.Role,
                $"the role '{role}' may not {Names.Of(command)} a work order.");
        if (!Transitions.TryGetValue((current, command), out var next))
            return TicketDecision.Refuse(current, command, role, TicketRefusal.State, StateReason(current, command));
        return TicketDecision.Allow(current, command, role, next);
    }

    /// <summary>
    /// As <see cref="Decide(TicketStatus, TicketCommand, string)"/>, and also one extension request at a
    /// time: asking again while one waits, or deciding when none waits, is refused by state (409).
    /// </summary>
    public static TicketDecision Decide(TicketStatus current, TicketCommand command, string role, bool extensionPending)
    {
        var decision = Decide(current, command, role);
        if (!decision.Allowed) return decision;
        return command switch
        {
            TicketCommand.RequestExtension when extensionPending => TicketDecision.Refuse(current, command, role, TicketRefusal.State,
                "an extension request is already waiting for a decision."),
            TicketCommand.ApproveExtension or TicketCommand.RejectExtension when !extensionPending => TicketDecision.Refuse(current, command, role,
                TicketRefusal.State, "no extension request is waiting."),
            _ => decision,
        };
    }

    /// <summary>
    /// The role a user holding <paramref name="holds"/> gives <paramref name="command"/> in: the first of
    /// <see cref="RolesFor"/> they hold; null when they hold none (the command will be refused, 403).
    /// </summary>
    public static string? ActingRole(TicketCommand command, Func<string, bool> holds) => CommandRoles[command].FirstOrDefault(holds);

    /// <summary>The role a user holding <paramref name="holds"/> registers orders in; null when none may.</summary>
    public static string? RegisteringRole(Func<string, bool> holds) => CreateRoles.FirstOrDefault(holds);

    /// <summary>
    /// Everything that decides whether <paramref name="by"/> may give <paramref name="command"/> to this order
    /// now: the role and the state (<see cref="Decide(TicketStatus, TicketCommand, string, bool)"/>), then the
    /// department rule: department staff act only on orders their department leads (403 otherwise, also for a
    /// co-handling department). The grain decides with it; the API lists actions with it.
    /// </summary>
    public static TicketDecision Decide(TicketFacts order, TicketCommand command, Actor by)
    {
        var decision = Decide(order.Status, command, by.Role, order.ExtensionPending);
        if (!decision.Allowed) return decision;
        if (by.Role == Department && (by.DepartmentId is null || by.DepartmentId != order.LeadDepartment))
            return TicketDecision.Refuse(order.Status, command, by.Role, TicketRefusal.Role,
                $"it is not with department '{by.DepartmentId}' (only the lead department may {Names.Of(command)} it).");
        return decision;
    }

    /// <summary>
    /// The actions (<see cref="Actions"/>) a user may take on the order now: for each, the role they would act
    /// in and <see cref="Decide(TicketFacts, TicketCommand, Actor)"/>. The buttons a desk shows, and nothing else.
    /// </summary>
    /// <param name="holds">Whether the user holds a role.</param>
    /// <param name="departmentId">The department a department user is bound to.</param>
    public static IReadOnlyList<TicketCommand> ActionsFor(TicketFacts order, Func<string, bool> holds, string? departmentId)
    {
        var actions = new List<TicketCommand>();
        foreach (var command in Actions)
        {
            if (ActingRole(command, holds) is not { } role) continue;
            var by = new Actor("", role, role == Department ? departmentId : null);
            if (Decide(order, command, by).Allowed) actions.Add(command);
        }
        return actions;
    }

    private static string StateReason(TicketStatus current, TicketCommand command) => (current, command) switch
    {
        (TicketStatus.Resolved or TicketStatus.Closed or TicketStatus.Merged, _) => $"a {Names.Of(current)} work order is final.",
        (_, TicketCommand.ResolveOnSpot) => "only an order being registered can be resolved on the spot.",
        (_, TicketCommand.Sign) => "only a dispatched or reopened order can be signed.",
        (_, TicketCommand.Return) => "only a dispatched or signed order, not yet replied, can be returned.",
        (_, TicketCommand.RequestExtension or TicketCommand.ApproveExtension or TicketCommand.RejectExtension) =>
            "extensions apply only while the department handles the order (signed or reopened).",
        (_, TicketCommand.Reply) => "only a signed or reopened order can be replied to.",
        (_, TicketCommand.Visit or TicketCommand.VisitUnsatisfied or TicketCommand.Reopen or TicketCommand.Close) =>
            "only a replied order can be visited, reopened or closed.",
        (TicketStatus.Replied, TicketCommand.Merge or TicketCommand.Absorb) => "a replied order takes part in no merge.",
        (TicketStatus.Signed, TicketCommand.Dispatch) => "the department has signed it; it can be re-routed once the department returns it.",
        (TicketStatus.Replied, TicketCommand.Dispatch) => "the department has replied; reopen it first.",
        _ => $"{Names.Of(command)} is not allowed while {Names.Of(current)}.",
    };
}
