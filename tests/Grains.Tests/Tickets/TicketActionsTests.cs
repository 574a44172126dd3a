using Hotline.Tickets;
using static Hotline.Tickets.TicketCommand;
using static Hotline.Tickets.TicketStatus;

namespace Hotline.Tests.Tickets;

/// <summary>
/// The actions a desk shows come from the life cycle alone (<see cref="TicketLifecycle.ActionsFor"/>): the
/// state, the caller's roles, the lead-department rule and the one pending extension; and the public progress,
/// the deadline that matters and the filer rule have one answer each.
/// </summary>
public sealed class TicketActionsTests
{
    private static Func<string, bool> Holds(params string[] roles) => role => roles.Contains(role, StringComparer.Ordinal);

    private static string[] Actions(TicketFacts order, string? department, params string[] roles) =>
        TicketLifecycle.ActionsFor(order, Holds(roles), department).Select(a => Names.Of(a)).ToArray();

    [Fact]
    public void A_dispatcher_may_dispatch_again_and_urge_a_dispatched_order_as_the_table_allows()
    {
        var order = new TicketFacts(Dispatched, "housing", ExtensionPending: false);

        Assert.Equal(["dispatch", "urge", "schedule_urge", "supervise", "merge"], Actions(order, null, "dispatcher"));
    }

    [Fact]
    public void A_reopened_order_may_be_dispatched_elsewhere_and_urged()
    {
        Assert.Equal(["dispatch", "urge", "schedule_urge", "supervise", "merge"], Actions(new TicketFacts(Reopened, "housing", false), null, "supervisor"));
    }

    [Fact]
    public void Only_the_lead_department_signs_returns_asks_for_time_and_replies_a_co_handling_one_does_none()
    {
        var dispatched = new TicketFacts(Dispatched, "housing", false);
        var signed = new TicketFacts(Signed, "housing", false);

        Assert.Equal(["sign", "return"], Actions(dispatched, "housing", "department"));
        Assert.Equal(["return", "request_extension", "reply"], Actions(signed, "housing", "department"));
        Assert.Empty(Actions(dispatched, "transport", "department"));
        Assert.Empty(Actions(signed, "transport", "department"));
        Assert.Empty(Actions(signed, null, "department"));
    }

    [Fact]
    public void The_grain_refuses_a_co_handling_department_with_a_403_by_the_same_rule()
    {
        var order = new TicketFacts(Signed, "housing", false);

        var lead = TicketLifecycle.Decide(order, Reply, new Actor("7001", "department", "housing"));
        var co = TicketLifecycle.Decide(order, Reply, new Actor("7101", "department", "transport"));
        var admin = TicketLifecycle.Decide(order, Reply, new Actor("9001", "admin", null));

        Assert.True(lead.Allowed);
        Assert.True(co.ForbiddenByRole);
        Assert.Equal((403, "auth.forbidden", "signed"), (co.ToException("00000017").Status, co.ToException("00000017").Code, co.ToException("00000017").CurrentState));
        Assert.True(admin.Allowed);
    }

    [Fact]
    public void A_pending_extension_offers_its_decision_to_the_centre_and_no_second_request_to_the_department()
    {
        var order = new TicketFacts(Signed, "housing", ExtensionPending: true);

        Assert.Equal(["approve_extension", "reject_extension", "urge", "schedule_urge", "supervise", "merge"], Actions(order, null, "dispatcher"));
        Assert.Equal(["return", "reply"], Actions(order, "housing", "department"));
    }

    [Fact]
    public void A_replied_order_offers_the_return_visit_reopening_and_closing_to_the_centre()
    {
        Assert.Equal(["urge", "schedule_urge", "supervise", "visit", "reopen", "close"], Actions(new TicketFacts(Replied, "housing", false), null, "dispatcher"));
        Assert.Equal(["urge"], Actions(new TicketFacts(Replied, "housing", false), null, "agent"));
    }

    [Theory]
    [InlineData(Resolved)]
    [InlineData(Closed)]
    [InlineData(Merged)]
    public void A_final_order_offers_nothing_to_anyone(TicketStatus status)
    {
        Assert.Empty(Actions(new TicketFacts(status, "housing", false), "housing", "admin", "dispatcher", "department", "agent"));
    }

    [Fact]
    public void Auditors_and_integrations_have_no_actions()
    {
        var order = new TicketFacts(Registered, null, false);

        Assert.Empty(Actions(order, null, "auditor"));
        Assert.Empty(Actions(order, null, "integration"));
    }

    [Fact]
    public void A_user_with_several_roles_acts_in_the_most_specific_one()
    {
        Assert.Equal("dispatcher", TicketLifecycle.ActingRole(Urge, Holds("admin", "agent", "dispatcher")));
        Assert.Equal("agent", TicketLifecycle.ActingRole(Urge, Holds("admin", "agent")));
        Assert.Equal("department", TicketLifecycle.ActingRole(Sign, Holds("admin", "department")));
        Assert.Null(TicketLifecycle.ActingRole(Sign, Holds("auditor")));
        Assert.Equal("agent", TicketLifecycle.RegisteringRole(Holds("integration", "agent")));
        Assert.Null(TicketLifecycle.RegisteringRole(Holds("department", "auditor")));
    }

    [Fact]
    public void Every_action_is_a_command_of_the_table_and_each_appears_once()
    {
        Assert.Equal(TicketLifecycle.Actions.Count, TicketLifecycle.Actions.Distinct().Count());
        Assert.DoesNotContain(ResolveOnSpot, TicketLifecycle.Actions);
        Assert.DoesNotContain(Absorb, TicketLifecycle.Actions);
        Assert.DoesNotContain(VisitUnsatisfied, TicketLifecycle.Actions);
    }

    [Theory]
    [InlineData(Registered, TicketProgress.Accepted)]
    [InlineData(Dispatched, TicketProgress.InProgress)]
    [InlineData(Signed, TicketProgress.InProgress)]
    [InlineData(Returned, TicketProgress.InProgress)]
    [InlineData(Reopened, TicketProgress.InProgress)]
    [InlineData(Merged, TicketProgress.InProgress)]
    [InlineData(Replied, TicketProgress.Replied)]
    [InlineData(Resolved, TicketProgress.Replied)]
    [InlineData(Closed, TicketProgress.Replied)]
    public void Each_status_has_one_public_progress(TicketStatus status, TicketProgress progress)
    {
        Assert.Equal(progress, PublicProgress.Of(status));
    }

    [Theory]
    [InlineData("13800138000", "13800138000", true)]
    [InlineData("13800138000", "+86 138-0013-8000", true)]
    [InlineData("13800138000", "008613800138000", true)]
    [InlineData("88886666", "051188886666", true)]
    [InlineData("13800138000", "8000", true)]
    [InlineData("13800138000", "13800138001", false)]
    [InlineData("13800138000", "8001", false)]
    [InlineData("13800138000", "38000", false)] // five digits are neither the last four nor a number
    [InlineData("13800138000", "138000", false)]
    [InlineData("13800138000", "", false)]
    [InlineData(null, "8000", false)]
    [InlineData("123", "0123", false)]
    public void The_filer_gives_the_same_number_or_exactly_its_last_four_digits(string? filed, string given, bool filer)
    {
        Assert.Equal(filer, PublicProgress.IsFiler(filed, given));
    }

    private static readonly TicketDeadlines AllSet = new()
    {
        Sign = new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.FromHours(8)),
        Reply = new DateTimeOffset(2026, 12, 7, 18, 0, 0, TimeSpan.FromHours(8)),
        Finish = new DateTimeOffset(2026, 12, 14, 18, 0, 0, TimeSpan.FromHours(8)),
    };

    [Theory]
    [InlineData(Registered, TicketDeadlineKind.Reply)]
    [InlineData(Dispatched, TicketDeadlineKind.Sign)]
    [InlineData(Signed, TicketDeadlineKind.Reply)]
    [InlineData(Returned, TicketDeadlineKind.Reply)]
    [InlineData(Reopened, TicketDeadlineKind.Reply)]
    [InlineData(Replied, TicketDeadlineKind.Finish)]
    public void The_deadline_that_matters_follows_the_status(TicketStatus status, TicketDeadlineKind kind)
    {
        var due = TicketDeadlineRule.Running(status, AllSet);

        Assert.Equal(kind, due?.Kind);
        Assert.Equal(TicketDeadlineRule.At(AllSet, kind), due?.At);
    }

    [Theory]
    [InlineData(Resolved)]
    [InlineData(Closed)]
    [InlineData(Merged)]
    public void A_finished_order_runs_against_no_deadline(TicketStatus status)
    {
        Assert.Null(TicketDeadlineRule.Running(status, AllSet));
    }

    [Fact]
    public void A_dispatched_order_without_a_sign_limit_runs_against_its_reply_limit()
    {
        Assert.Equal(new RunningDeadline(TicketDeadlineKind.Reply, AllSet.Reply!.Value), TicketDeadlineRule.Running(Dispatched, AllSet with { Sign = null }));
    }
}
