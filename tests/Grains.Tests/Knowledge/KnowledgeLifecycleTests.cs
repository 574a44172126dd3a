using Hotline.Knowledge;
using static Hotline.Knowledge.ArticleStatus;
using static Hotline.Knowledge.KnowledgeCommand;

namespace Hotline.Tests.Knowledge;

/// <summary>
/// The article life cycle, cell by cell: every state × command written out by hand, so a change to
/// <see cref="KnowledgeLifecycle"/> must change this table too.
/// </summary>
public sealed class KnowledgeLifecycleTests
{
    private const string Editor = KnowledgeLifecycle.Editor;
    private const string Reviewer = KnowledgeLifecycle.Reviewer;
    private const string Admin = KnowledgeLifecycle.Admin;

    /// <summary>Every (state, command): the next state when allowed (with a live version), or null when the state forbids it.</summary>
    public static TheoryData<ArticleStatus, KnowledgeCommand, ArticleStatus?> Cells => new()
    {
        { Draft, Edit, Draft }, { Draft, Submit, InReview }, { Draft, Withdraw, null }, { Draft, Return, null }, { Draft, Publish, null }, { Draft, Retire, Retired },
        { InReview, Edit, null }, { InReview, Submit, null }, { InReview, Withdraw, Draft }, { InReview, Return, Draft }, { InReview, Publish, Published }, { InReview, Retire, Retired },
        { Published, Edit, Draft }, { Published, Submit, null }, { Published, Withdraw, null }, { Published, Return, null }, { Published, Publish, null }, { Published, Retire, Retired },
        { Retired, Edit, Draft }, { Retired, Submit, null }, { Retired, Withdraw, null }, { Retired, Return, null }, { Retired, Publish, null }, { Retired, Retire, null },
    };

    /// <summary>Who may give each command: editors write, reviewers judge, admins both; nobody else.</summary>
    public static TheoryData<KnowledgeCommand, string, bool> RoleCells => new()
    {
        { Edit, Editor, true }, { Edit, Reviewer, false }, { Edit, Admin, true }, { Edit, "agent", false },
        { Submit, Editor, true }, { Submit, Reviewer, false }, { Submit, Admin, true }, { Submit, "supervisor", false },
        { Withdraw, Editor, true }, { Withdraw, Reviewer, false }, { Withdraw, Admin, true }, { Withdraw, "department", false },
        { Return, Editor, false }, { Return, Reviewer, true }, { Return, Admin, true }, { Return, "dispatcher", false },
        { Publish, Editor, false }, { Publish, Reviewer, true }, { Publish, Admin, true }, { Publish, "auditor", false },
        { Retire, Editor, false }, { Retire, Reviewer, true }, { Retire, Admin, true }, { Retire, "agent", false },
    };

    [Theory]
    [MemberData(nameof(Cells))]
    public void Each_state_allows_exactly_its_commands_and_names_the_next_state(ArticleStatus from, KnowledgeCommand command, ArticleStatus? next)
    {
        var decision = KnowledgeLifecycle.Decide(from, command, [Admin], hasLiveVersion: true);

        if (next is { } expected)
        {
            Assert.True(decision.Allowed, decision.Reason);
            Assert.Equal(expected, decision.Next);
            Assert.Null(decision.Code);
        }
        else
        {
            Assert.Equal(KnowledgeRefusal.State, decision.Refusal);
            Assert.Equal("knowledge.invalid_transition", decision.Code);
            Assert.Equal(409, decision.Status);
            Assert.Equal(from, decision.Next);
        }
    }

    [Theory]
    [MemberData(nameof(RoleCells))]
    public void Only_the_roles_of_a_command_may_give_it(KnowledgeCommand command, string role, bool allowed)
    {
        // A state that allows the command, so only the role decides.
        var from = command switch { Edit or Submit => Draft, Withdraw or Return or Publish => InReview, _ => Published };

        var decision = KnowledgeLifecycle.Decide(from, command, [role], hasLiveVersion: true);

        Assert.Equal(allowed, decision.Allowed);
        if (!allowed)
        {
            Assert.Equal("auth.forbidden", decision.Code);
            Assert.Equal(403, decision.Status);
        }
    }

    [Fact]
    public void The_role_is_checked_before_the_state()
    {
        var decision = KnowledgeLifecycle.Decide(Retired, Publish, ["agent"], hasLiveVersion: false);

        Assert.Equal(KnowledgeRefusal.Role, decision.Refusal);
    }

    [Theory]
    [InlineData(Draft)]
    [InlineData(InReview)]
    public void A_draft_never_published_cannot_be_retired(ArticleStatus from)
    {
        var decision = KnowledgeLifecycle.Decide(from, Retire, [Reviewer], hasLiveVersion: false);

        Assert.Equal("knowledge.not_published", decision.Code);
        Assert.Equal(409, decision.Status);
    }

    [Fact]
    public void A_user_with_several_roles_may_do_what_any_of_them_may()
    {
        Assert.True(KnowledgeLifecycle.Decide(InReview, Publish, ["agent", Reviewer], hasLiveVersion: false).Allowed);
    }

    [Fact]
    public void The_refusal_exception_carries_the_code_status_and_current_state()
    {
        var exception = KnowledgeLifecycle.Decide(Published, Publish, [Reviewer], hasLiveVersion: true).ToException(42);

        Assert.Equal("knowledge.invalid_transition", exception.Code);
        Assert.Equal("published", exception.CurrentState);
        Assert.Equal(409, exception.Status);
        Assert.Contains("Article 42", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_commands_offered_in_review_are_withdraw_return_publish_and_retire()
    {
        Assert.Equal([Withdraw, Return, Publish, Retire], KnowledgeLifecycle.CommandsIn(InReview));
    }
}
