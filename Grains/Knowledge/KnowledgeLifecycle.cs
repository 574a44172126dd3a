namespace Hotline.Knowledge;

/// <summary>Where an article's working copy stands. A published version stays live while a revision is drafted or reviewed.</summary>
public enum ArticleStatus
{
    /// <summary>起草: an editor writes it; not shown to agents (unless an earlier version is live).</summary>
    Draft,
    /// <summary>待审核: submitted, waiting for a reviewer.</summary>
    InReview,
    /// <summary>已发布: the latest version is the live one.</summary>
    Published,
    /// <summary>已下线: withdrawn from agents; kept with every version and its history.</summary>
    Retired,
}

/// <summary>What someone asks to do to an article. <c>Names.Of</c> gives the API spelling.</summary>
public enum KnowledgeCommand
{
    /// <summary>Save new content as a new version (起草/修订).</summary>
    Edit,
    /// <summary>提交审核</summary>
    Submit,
    /// <summary>撤回: the editor takes a submission back.</summary>
    Withdraw,
    /// <summary>退回修改, with a reason.</summary>
    Return,
    /// <summary>审核通过并发布: the reviewed version becomes the live one.</summary>
    Publish,
    /// <summary>下线: no version is shown to agents any more.</summary>
    Retire,
}

/// <summary>Why a command was refused; the API maps each to one problem+json code.</summary>
public enum KnowledgeRefusal
{
    None = 0,
    /// <summary>The state forbids it: 409 <c>knowledge.invalid_transition</c> naming the current state.</summary>
    State = 1,
    /// <summary>None of the user's roles may give it: 403 <c>auth.forbidden</c>.</summary>
    Role = 2,
    /// <summary>Retiring an article with no live version: 409 <c>knowledge.not_published</c>.</summary>
    NothingLive = 3,
}

/// <summary>The answer to "may someone with these roles give this command now?".</summary>
public sealed record KnowledgeDecision(ArticleStatus Current, KnowledgeCommand Command, ArticleStatus Next, KnowledgeRefusal Refusal, string? Reason)
{
    public bool Allowed => Refusal == KnowledgeRefusal.None;

    /// <summary>The stable problem+json code of a refusal.</summary>
    public string? Code => Refusal switch
    {
        KnowledgeRefusal.State => "knowledge.invalid_transition",
        KnowledgeRefusal.Role => "auth.forbidden",
        KnowledgeRefusal.NothingLive => "knowledge.not_published",
        _ => null,
    };

    /// <summary>The HTTP status of a refusal: 403 for a role, 409 for a state.</summary>
    public int Status => Refusal == KnowledgeRefusal.Role ? 403 : 409;

    /// <summary>The exception the store throws for a refusal, mapped once at the API edge.</summary>
    public DomainException ToException(long articleId) => Allowed
        ? throw new InvalidOperationException("An allowed command has no exception.")
        : new DomainException(Code!, $"Article {articleId}: {Reason}", Names.Of(Current), Status);
}

/// <summary>
/// The knowledge article life cycle (知识审核发布) as a table: state × command → next state, the roles that may
/// give the command, and the refusal otherwise. The store asks <see cref="Decide"/> before every change; tests
/// assert every cell.
/// <list type="bullet">
/// <item>Editors (知识编辑) draft (Edit), submit and withdraw their submission. Editing a published or retired
/// article starts a revision (→ Draft); the live version stays live until a reviewer publishes the new one.
/// A submission is not edited in review: withdraw it first, so a reviewer approves exactly what was read.</item>
/// <item>Reviewers (知识审核) return a submission with a reason (→ Draft) or publish it (→ Published), and
/// retire (下线) whatever is live, also while a revision is in the works (a policy that ended must go now).</item>
/// <item>Admins may do everything. Nobody else changes articles; agents, supervisors, dispatchers, department
/// staff and auditors read published articles.</item>
/// </list>
/// </summary>
public static class KnowledgeLifecycle
{
    public const string Editor = "knowledge_editor";
    public const string Reviewer = "knowledge_reviewer";
    public const string Admin = "admin";

    private static readonly Dictionary<(ArticleStatus, KnowledgeCommand), ArticleStatus> Transitions = new()
    {
        [(ArticleStatus.Draft, KnowledgeCommand.Edit)] = ArticleStatus.Draft,
        [(ArticleStatus.Published, KnowledgeCommand.Edit)] = ArticleStatus.Draft,
        [(ArticleStatus.Retired, KnowledgeCommand.Edit)] = ArticleStatus.Draft,
        [(ArticleStatus.Draft, KnowledgeCommand.Submit)] = ArticleStatus.InReview,
        [(ArticleStatus.InReview, KnowledgeCommand.Withdraw)] = ArticleStatus.Draft,
        [(ArticleStatus.InReview, KnowledgeCommand.Return)] = ArticleStatus.Draft,
        [(ArticleStatus.InReview, KnowledgeCommand.Publish)] = ArticleStatus.Published,
        [(ArticleStatus.Published, KnowledgeCommand.Retire)] = ArticleStatus.Retired,
        [(ArticleStatus.Draft, KnowledgeCommand.Retire)] = ArticleStatus.Retired,
        [(ArticleStatus.InReview, KnowledgeCommand.Retire)] = ArticleStatus.Retired,
    };

    private static readonly Dictionary<KnowledgeCommand, string[]> CommandRoles = new()
    {
        [KnowledgeCommand.Edit] = [Editor, Admin],
        [KnowledgeCommand.Submit] = [Editor, Admin],
        [KnowledgeCommand.Withdraw] = [Editor, Admin],
        [KnowledgeCommand.Return] = [Reviewer, Admin],
        [KnowledgeCommand.Publish] = [Reviewer, Admin],
        [KnowledgeCommand.Retire] = [Reviewer, Admin],
    };

    /// <summary>The roles that may give <paramref name="command"/> when the state allows it.</summary>
    public static IReadOnlyList<string> RolesFor(KnowledgeCommand command) => CommandRoles[command];

    /// <summary>Whether someone with <paramref name="roles"/> may create or edit articles (and so see drafts).</summary>
    public static bool CanEdit(IEnumerable<string> roles) => roles.Any(r => r is Editor or Reviewer or Admin);

    /// <summary>The commands the state allows, whoever asks: the buttons an editor's screen may show.</summary>
    public static IReadOnlyList<KnowledgeCommand> CommandsIn(ArticleStatus status) =>
        Enum.GetValues<KnowledgeCommand>().Where(c => Transitions.ContainsKey((status, c))).ToList();

    /// <summary>
    /// Whether a user holding <paramref name="roles"/> may give <paramref name="command"/> to an article in
    /// <paramref name="current"/>, and the status that follows. Roles are checked first (403 whatever the state);
    /// retiring also needs a live version (<paramref name="hasLiveVersion"/>).
    /// </summary>
    public static KnowledgeDecision Decide(ArticleStatus current, KnowledgeCommand command, IEnumerable<string> roles, bool hasLiveVersion)
    {
        if (!roles.Any(CommandRoles[command].Contains))
            return new(current, command, current, KnowledgeRefusal.Role, $"your roles may not {Names.Of(command)} an article.");
        if (!Transitions.TryGetValue((current, command), out var next))
            return new(current, command, current, KnowledgeRefusal.State, StateReason(current, command));
        if (command == KnowledgeCommand.Retire && !hasLiveVersion)
            return new(current, command, current, KnowledgeRefusal.NothingLive, "no version of it is published, so there is nothing to retire.");
        return new(current, command, next, KnowledgeRefusal.None, null);
    }

    private static string StateReason(ArticleStatus current, KnowledgeCommand command) => (current, command) switch
    {
        (ArticleStatus.InReview, KnowledgeCommand.Edit) => "it is in review; withdraw it first.",
        (_, KnowledgeCommand.Submit) => "only a draft can be submitted for review.",
        (_, KnowledgeCommand.Withdraw or KnowledgeCommand.Return or KnowledgeCommand.Publish) => "only an article in review can be withdrawn, returned or published.",
        (ArticleStatus.Retired, KnowledgeCommand.Retire) => "it is already retired.",
        _ => $"{Names.Of(command)} is not allowed while {Names.Of(current)}.",
    };
}
