using Hotline.Tickets;
using static Hotline.Tickets.TicketCommand;
using static Hotline.Tickets.TicketStatus;

namespace Hotline.Tests.Tickets;

/// <summary>
/// The life cycle, cell by cell. The tables below are written out by hand on purpose: a change to the
/// rules in <see cref="TicketLifecycle"/> must change them too, or a test fails.
/// </summary>
public sealed class TicketLifecycleTests
{
    /// <summary>
    /// Every allowed (status, command) and the status that follows, one row each. Any pair not listed is
    /// forbidden by state; Resolved, Closed and Merged have no rows at all.
    /// </summary>
    private static readonly (TicketStatus From, TicketCommand Command, TicketStatus Next)[] AllowedRows =
    [
        (Registered, ResolveOnSpot, Resolved),
        (Registered, Dispatch, Dispatched),
        (Registered, Urge, Registered),
        (Registered, ScheduleUrge, Registered),
        (Registered, Supervise, Registered),
        (Registered, Merge, Merged),
        (Registered, Absorb, Registered),

        (Dispatched, Dispatch, Dispatched),
        (Dispatched, Sign, Signed),
        (Dispatched, Return, Returned),
        (Dispatched, Urge, Dispatched),
        (Dispatched, ScheduleUrge, Dispatched),
        (Dispatched, Supervise, Dispatched),
        (Dispatched, Merge, Merged),
        (Dispatched, Absorb, Dispatched),

        (Signed, Return, Returned),
        (Signed, RequestExtension, Signed),
        (Signed, ApproveExtension, Signed),
        (Signed, RejectExtension, Signed),
        (Signed, Reply, Replied),
        (Signed, Urge, Signed),
        (Signed, ScheduleUrge, Signed),
        (Signed, Supervise, Signed),
        (Signed, Merge, Merged),
        (Signed, Absorb, Signed),

        (Returned, Dispatch, Dispatched),
        (Returned, Urge, Returned),
        (Returned, ScheduleUrge, Returned),
        (Returned, Supervise, Returned),
        (Returned, Merge, Merged),
        (Returned, Absorb, Returned),

        (Replied, Visit, Closed),
        (Replied, VisitUnsatisfied, Reopened),
        (Replied, Reopen, Reopened),
        (Replied, Close, Closed),
        (Replied, Urge, Replied),
        (Replied, ScheduleUrge, Replied),
        (Replied, Supervise, Replied),

        (Reopened, Dispatch, Dispatched),
        (Reopened, Sign, Signed),
        (Reopened, RequestExtension, Reopened),
        (Reopened, ApproveExtension, Reopened),
        (Reopened, RejectExtension, Reopened),
        (Reopened, Reply, Replied),
        (Reopened, Urge, Reopened),
        (Reopened, ScheduleUrge, Reopened),
        (Reopened, Supervise, Reopened),
        (Reopened, Merge, Merged),
        (Reopened, Absorb, Reopened),
    ];

    private static readonly Dictionary<TicketStatus, Dictionary<TicketCommand, TicketStatus>> Expected =
        Enum.GetValues<TicketStatus>().ToDictionary(
            status => status,
            status => AllowedRows.Where(r => r.From == status).ToDictionary(r => r.Command, r => r.Next));

    /// <summary>Who may give each command (when the state allows it).</summary>
    private static readonly Dictionary<TicketCommand, string[]> ExpectedRoles = new()
    {
        [ResolveOnSpot] = ["agent", "dispatcher", "supervisor", "admin"],
        [Dispatch] = ["dispatcher", "supervisor", "admin"],
        [Sign] = ["department", "admin"],
        [Return] = ["department", "admin"],
        [RequestExtension] = ["department", "admin"],
        [ApproveExtension] = ["dispatcher", "supervisor", "admin"],
        [RejectExtension] = ["dispatcher", "supervisor", "admin"],
        [Reply] = ["department", "admin"],
        [Urge] = ["agent", "dispatcher", "supervisor", "admin"],
        [ScheduleUrge] = ["dispatcher", "supervisor", "admin"],
        [Supervise] = ["dispatcher", "supervisor", "admin"],
        [Visit] = ["dispatcher", "supervisor", "admin"],
        [VisitUnsatisfied] = ["dispatcher", "supervisor", "admin"],
        [Reopen] = ["dispatcher", "supervisor", "admin"],
        [Close] = ["dispatcher", "supervisor", "admin"],
        [Merge] = ["dispatcher", "supervisor", "admin"],
        [Absorb] = ["dispatcher", "supervisor", "admin"],
    };

    private static readonly string[] AllRoles = ["agent", "supervisor", "dispatcher", "department", "admin", "auditor", "integration", "visitor"];

    public static TheoryData<TicketStatus, TicketCommand> EveryStatusAndCommand()
    {
        var data = new TheoryData<TicketStatus, TicketCommand>();
        foreach (var status in Enum.GetValues<TicketStatus>())
            foreach (var command in Enum.GetValues<TicketCommand>())
                data.Add(status, command);
        return data;
    }

    public static TheoryData<TicketCommand, string> EveryCommandAndRole()
    {
        var data = new TheoryData<TicketCommand, string>();
        foreach (var command in Enum.GetValues<TicketCommand>())
            foreach (var role in AllRoles)
                data.Add(command, role);
        return data;
    }

    [Fact]
    public void The_expected_tables_have_one_row_per_pair_and_roles_for_every_command()
    {
        Assert.Equal(AllowedRows.Length, AllowedRows.Select(r => (r.From, r.Command)).Distinct().Count());
        Assert.Equal(Enum.GetValues<TicketCommand>().Order(), ExpectedRoles.Keys.Order());
    }

    [Theory]
    [MemberData(nameof(EveryStatusAndCommand))]
    public void Each_command_in_each_status_is_allowed_with_its_next_status_or_forbidden_by_state(TicketStatus status, TicketCommand command)
    {
        var decision = TicketLifecycle.Decide(status, command, "admin");

        if (Expected[status].TryGetValue(command, out var next))
        {
            Assert.True(decision.Allowed, decision.Reason);
            Assert.Equal(next, decision.Next);
        }
        else
        {
            Assert.True(decision.ForbiddenByState, $"{command} in {status} should be forbidden by state");
            Assert.Equal(status, decision.Next);
            Assert.False(string.IsNullOrWhiteSpace(decision.Reason));
        }
        Assert.Equal(Expected[status].Keys.Order(), TicketLifecycle.CommandsIn(status).Order());
    }

    [Theory]
    [MemberData(nameof(EveryCommandAndRole))]
    public void Each_command_is_given_only_by_its_roles(TicketCommand command, string role)
    {
        var status = Expected.First(e => e.Value.ContainsKey(command)).Key;

        var decision = TicketLifecycle.Decide(status, command, role);

        Assert.Equal(ExpectedRoles[command].Contains(role), decision.Allowed);
        Assert.Equal(!ExpectedRoles[command].Contains(role), decision.ForbiddenByRole);
    }

    [Fact]
    public void The_role_is_checked_before_the_state()
    {
        Assert.True(TicketLifecycle.Decide(Closed, Sign, "auditor").ForbiddenByRole);
        Assert.True(TicketLifecycle.Decide(Closed, Sign, "department").ForbiddenByState);
    }

    [Theory]
    [InlineData("agent", true)]
    [InlineData("dispatcher", true)]
    [InlineData("supervisor", true)]
    [InlineData("admin", true)]
    [InlineData("integration", true)]
    [InlineData("department", false)]
    [InlineData("auditor", false)]
    [InlineData("Agent", false)] // role names are exact
    public void Agents_dispatchers_supervisors_admins_and_integrations_register_orders(string role, bool allowed)
    {
        Assert.Equal(allowed, TicketLifecycle.CanCreate(role));
    }

    [Fact]
    public void An_integration_registers_orders_but_cannot_resolve_them_on_the_spot()
    {
        Assert.True(TicketLifecycle.Decide(Registered, ResolveOnSpot, "integration").ForbiddenByRole);
        Assert.True(TicketLifecycle.Decide(Registered, ResolveOnSpot, "agent").Allowed);
    }

    [Theory]
    [InlineData(Signed, RequestExtension, false, true)]
    [InlineData(Signed, RequestExtension, true, false)]
    [InlineData(Reopened, RequestExtension, true, false)]
    [InlineData(Signed, ApproveExtension, true, true)]
    [InlineData(Signed, ApproveExtension, false, false)]
    [InlineData(Reopened, RejectExtension, true, true)]
    [InlineData(Reopened, RejectExtension, false, false)]
    [InlineData(Signed, Reply, true, true)] // replying makes the waiting request moot
    [InlineData(Dispatched, ApproveExtension, true, false)]
    public void One_extension_request_waits_at_a_time(TicketStatus status, TicketCommand command, bool pending, bool allowed)
    {
        var decision = TicketLifecycle.Decide(status, command, "admin", pending);

        Assert.Equal(allowed, decision.Allowed);
        Assert.Equal(!allowed, decision.ForbiddenByState);
    }

    [Fact]
    public void A_forbidden_transition_is_a_409_that_names_the_current_state()
    {
        var exception = TicketLifecycle.Decide(Closed, Reply, "department").ToException("00000017");

        Assert.Equal(409, exception.Status);
        Assert.Equal("ticket.invalid_transition", exception.Code);
        Assert.Equal("closed", exception.CurrentState);
        Assert.Contains("cannot reply while closed", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_role_that_may_never_give_the_command_is_a_403()
    {
        var exception = TicketLifecycle.Decide(Dispatched, Sign, "agent").ToException("00000017");

        Assert.Equal(403, exception.Status);
        Assert.Equal("auth.forbidden", exception.Code);
        Assert.Equal("dispatched", exception.CurrentState);
        Assert.Throws<InvalidOperationException>(() => TicketLifecycle.Decide(Dispatched, Sign, "admin").ToException("00000017"));
    }

    [Theory]
    [InlineData(Registered, true)]
    [InlineData(Dispatched, true)]
    [InlineData(Signed, true)]
    [InlineData(Returned, true)]
    [InlineData(Replied, true)]
    [InlineData(Reopened, true)]
    [InlineData(Resolved, false)]
    [InlineData(Closed, false)]
    [InlineData(Merged, false)]
    public void Resolved_closed_and_merged_orders_are_final(TicketStatus status, bool open)
    {
        Assert.Equal(open, TicketLifecycle.IsOpen(status));
        Assert.Equal(open, TicketLifecycle.CommandsIn(status).Count > 0);
    }

    [Fact]
    public void A_whole_life_from_registration_through_a_reopening_to_closing_follows_the_table()
    {
        var steps = new (TicketCommand Command, string Role, TicketStatus Next)[]
        {
            (Dispatch, "dispatcher", Dispatched),
            (Return, "department", Returned),
            (Dispatch, "dispatcher", Dispatched),
            (Sign, "department", Signed),
            (RequestExtension, "department", Signed),
            (ApproveExtension, "supervisor", Signed),
            (Reply, "department", Replied),
            (VisitUnsatisfied, "dispatcher", Reopened),
            (Reply, "department", Replied),
            (Visit, "dispatcher", Closed),
        };
        var status = Registered;

        foreach (var (command, role, next) in steps)
        {
            var decision = TicketLifecycle.Decide(status, command, role);
            Assert.True(decision.Allowed, $"{command} by {role} in {status}: {decision.Reason}");
            Assert.Equal(next, decision.Next);
            status = decision.Next;
        }
    }
}
