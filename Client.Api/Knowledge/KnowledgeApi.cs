using System.Security.Claims;
using System.Text.RegularExpressions;
using Hotline.Api.Auth;
using Hotline.Api.Cluster;
using Hotline.Api.Problems;
using Hotline.Departments;
using Hotline.Knowledge;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hotline.Api.Knowledge;

/// <summary>
/// The knowledge base (知识库) under <c>/api/knowledge</c>: search and suggestions for everyone who takes calls or
/// handles orders, articles with their life cycle for knowledge editors and reviewers, synonyms and categories for
/// admins, import and export.
/// </summary>
public static partial class KnowledgeApi
{
    public const int MaxPageSize = 100;
    public const int MaxQuery = 200;
    public const int MaxSuggestText = 4000;
    public const int MaxImportFiles = 500;

    public static RouteGroupBuilder MapKnowledgeApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/knowledge").WithTags("Knowledge");

        var read = api.MapGroup("").RequireAuthorization(Policies.KnowledgeRead);
        read.MapGet("", Search).WithSummary("Search published articles valid now (editors: drafts=true searches working copies), best first, matched words in <mark>");
        read.MapPost("/suggest", Suggest).WithSummary("The published articles that best match an order's summary and content");
        read.MapGet("/categories", (KnowledgeStore store, CancellationToken ct) => store.CategoriesAsync(ct))
            .WithSummary("The category tree, flat, ordered by path");
        read.MapGet("/{id:long}", Get).WithSummary("One article: the live version, or the working copy for editors");
        read.MapGet("/{id:long}/attachments/{attachmentId:long}", Attachment).WithSummary("An attachment's content, or a redirect to its reference");
        read.MapPost("/{id:long}/feedback", Feedback).WithSummary("An agent used a published article and says whether it helped");
        read.MapGet("/export", Export).WithSummary("Published articles (editors: drafts=true, working copies) as format=markdown (zip) or xlsx");

        var write = api.MapGroup("").RequireAuthorization(Policies.KnowledgeWrite);
        write.MapPost("", Create).AddEndpointFilter<RequireClusterFilter>().WithSummary("Draft a new article (knowledge editor)");
        write.MapPut("/{id:long}", Edit).AddEndpointFilter<RequireClusterFilter>()
            .WithSummary("Save new content as the next version; a published article stays live until the revision is published");
        write.MapPost("/{id:long}/submit", (long id, ClaimsPrincipal user, KnowledgeStore store, CancellationToken ct) =>
            Act(id, KnowledgeCommand.Submit, null, user, store, ct)).WithSummary("提交审核 (editor)");
        write.MapPost("/{id:long}/withdraw", (long id, ClaimsPrincipal user, KnowledgeStore store, CancellationToken ct) =>
            Act(id, KnowledgeCommand.Withdraw, null, user, store, ct)).WithSummary("撤回 a submission (editor)");
        write.MapPost("/{id:long}/return", (long id, ReasonRequest? body, ClaimsPrincipal user, KnowledgeStore store, CancellationToken ct) =>
            Act(id, KnowledgeCommand.Return, body?.Reason, user, store, ct, reasonRequired: true)).WithSummary("退回修改 with a reason (reviewer)");
        write.MapPost("/{id:long}/publish", (long id, ClaimsPrincipal user, KnowledgeStore store, CancellationToken ct) =>
            Act(id, KnowledgeCommand.Publish, null, user, store, ct)).WithSummary("审核通过并发布 (reviewer)");
        write.MapPost("/{id:long}/retire", (long id, ReasonRequest? body, ClaimsPrincipal user, KnowledgeStore store, CancellationToken ct) =>
            Act(id, KnowledgeCommand.Retire, body?.Reason, user, store, ct)).WithSummary("下线: agents no longer see it (reviewer)");
        write.MapGet("/{id:long}/versions", Versions).WithSummary("Every saved version");
        write.MapGet("/{id:long}/versions/{version:int}", Version).WithSummary("One saved version's content");
        write.MapGet("/{id:long}/history", History).WithSummary("Every change: who, when, what, from which state to which, note");
        write.MapPost("/import", Import).AddEndpointFilter<RequireClusterFilter>().DisableAntiforgery()
            .WithSummary("Import Markdown files (front matter) and .xlsx lists as drafts (publish=true: published, reviewers); all or nothing");
        write.MapGet("/synonyms", (KnowledgeStore store, CancellationToken ct) => store.SynonymGroupsAsync(ct)).WithSummary("Synonym groups");

        var admin = api.MapGroup("").RequireAuthorization(Policies.KnowledgeAdmin);
        admin.MapPost("/synonyms", AddSynonyms).WithSummary("Add a synonym group, applied to queries at once (admin)");
        admin.MapPut("/synonyms/{groupId:long}", UpdateSynonyms).WithSummary("Replace a synonym group's terms (admin)");
        admin.MapDelete("/synonyms/{groupId:long}", DeleteSynonyms).WithSummary("Delete a synonym group (admin)");
        admin.MapPost("/categories", AddCategory).WithSummary("Add a category under a parent (admin)");
        admin.MapPut("/categories/{categoryId}", UpdateCategory).WithSummary("Rename or reorder a category; categories never move (admin)");
        return api;
    }

    internal static async Task<Results<Ok<KnowledgePage>, ValidationProblem, ProblemHttpResult>> Search(
        string? q, string? category, string? department, int? page, int? pageSize, bool? drafts,
        ClaimsPrincipal user, KnowledgeStore store, IClusterClient cluster, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Check(q is null || q.Length <= MaxQuery, "q", $"At most {MaxQuery} characters.");
        errors.Range(page, 1, 10_000, "page").Range(pageSize, 1, MaxPageSize, "pageSize");
        if (category is not null) errors.Check((await store.KnownCategoriesAsync(ct)).Contains(category), "category", $"Unknown category '{category}'.");
        if (department is not null) errors.Check((await DepartmentsAsync(cluster)).Contains(department), "department", $"Unknown department '{department}'.");
        if (errors.TryGetProblem(out var problem)) return problem;
        if (drafts == true && !KnowledgeLifecycle.CanEdit(RolesOf(user)))
            return ApiProblems.Forbidden("Only knowledge editors, reviewers and admins see drafts.");
        return TypedResults.Ok(await store.SearchAsync(
            new KnowledgeSearchRequest(q, category, department, drafts == true, page ?? 1, pageSize ?? 20), ct));
    }

    internal static async Task<Results<Ok<KnowledgePage>, ValidationProblem>> Suggest(SuggestRequest body, KnowledgeStore store, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var text = $"{body.Summary} {body.Content}".Trim();
        errors.Check(text.Length > 0, "summary", "A summary or content is required.");
        errors.Check(text.Length <= MaxSuggestText, "content", $"At most {MaxSuggestText} characters together.");
        errors.Range(body.Limit, 1, 20, "limit");
        if (errors.TryGetProblem(out var problem)) return problem;
        return TypedResults.Ok(await store.SuggestAsync(text, body.Department, body.Limit ?? 5, ct));
    }

    internal static async Task<Results<Ok<ArticleResponse>, ProblemHttpResult>> Get(long id, ClaimsPrincipal user, KnowledgeStore store, CancellationToken ct) =>
        await store.GetAsync(id, KnowledgeLifecycle.CanEdit(RolesOf(user)), ct) is { } article
            ? TypedResults.Ok(article)
            : ApiProblems.NotFound("knowledge.not_found", $"There is no article {id} to show.");

    internal static async Task<IResult> Attachment(long id, long attachmentId, ClaimsPrincipal user, KnowledgeStore store, CancellationToken ct)
    {
        if (await store.AttachmentAsync(id, attachmentId, KnowledgeLifecycle.CanEdit(RolesOf(user)), ct) is not { } a)
            return ApiProblems.NotFound("knowledge.attachment_not_found", $"Article {id} shows no attachment {attachmentId}.");
        return a.Content is { } content ? TypedResults.File(content, a.MediaType, a.Name) : TypedResults.Redirect(a.Reference!);
    }

    internal static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Feedback(
        long id, FeedbackRequest body, ClaimsPrincipal user, KnowledgeStore store, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Check(body.Used is not null || body.Helpful is not null, "helpful", "Say used, helpful, or both.");
        errors.Check(body.TicketNumber is null || body.TicketNumber.Length is > 0 and <= 32, "ticketNumber", "1 to 32 characters.");
        if (errors.TryGetProblem(out var problem)) return problem;
        await store.FeedbackAsync(id, body.Used ?? true, body.Helpful, body.TicketNumber, user.JobNo(), ct);
        return TypedResults.NoContent();
    }

    internal static async Task<Results<Created<ArticleResponse>, ValidationProblem, ProblemHttpResult>> Create(
        ArticleRequest body, ClaimsPrincipal user, KnowledgeStore store, IClusterClient cluster, CancellationToken ct)
    {
        if (!RolesOf(user).Any(KnowledgeLifecycle.RolesFor(KnowledgeCommand.Edit).Contains))
            return ApiProblems.Forbidden("Only knowledge editors and admins draft articles.");
        var (draft, problem) = await ValidateAsync(body, store, cluster, ct);
        if (problem is not null) return problem;
        var id = await store.CreateAsync(draft!, user.JobNo(), ct);
        return TypedResults.Created($"/api/knowledge/{id}", await store.GetAsync(id, editor: true, ct));
    }

    internal static async Task<Results<Ok<ArticleResponse>, ValidationProblem, ProblemHttpResult>> Edit(
        long id, ArticleRequest body, ClaimsPrincipal user, KnowledgeStore store, IClusterClient cluster, CancellationToken ct)
    {
        var (draft, problem) = await ValidateAsync(body, store, cluster, ct);
        if (problem is not null) return problem;
        await store.EditAsync(id, draft!, body.BaseVersion, user.JobNo(), RolesOf(user), ct);
        return TypedResults.Ok((await store.GetAsync(id, editor: true, ct))!);
    }

    /// <summary>A life-cycle action as the web UI gives it: the route's own handler.</summary>
    internal static Task<Results<Ok<ArticleResponse>, ValidationProblem, ProblemHttpResult>> ActAsync(
        long id, KnowledgeCommand command, string? reason, ClaimsPrincipal user, KnowledgeStore store, bool reasonRequired) =>
        Act(id, command, reason, user, store, CancellationToken.None, reasonRequired);

    private static async Task<Results<Ok<ArticleResponse>, ValidationProblem, ProblemHttpResult>> Act(
        long id, KnowledgeCommand command, string? reason, ClaimsPrincipal user, KnowledgeStore store, CancellationToken ct, bool reasonRequired = false)
    {
        var errors = new FieldErrors();
        errors.Check(!reasonRequired || !string.IsNullOrWhiteSpace(reason), "reason", "Required.");
        errors.Check(reason is null || reason.Length <= 1000, "reason", "At most 1000 characters.");
        if (errors.TryGetProblem(out var problem)) return problem;
        await store.ActAsync(id, command, reason?.Trim(), user.JobNo(), RolesOf(user), ct);
        return TypedResults.Ok((await store.GetAsync(id, editor: true, ct))!);
    }

    internal static async Task<Results<Ok<IReadOnlyList<VersionInfo>>, ProblemHttpResult>> Versions(long id, KnowledgeStore store, CancellationToken ct) =>
        await store.VersionsAsync(id, ct) is { } versions ? TypedResults.Ok(versions) : ArticleNotFound(id);

    internal static async Task<Results<Ok<ArticleResponse>, ProblemHttpResult>> Version(long id, int version, KnowledgeStore store, CancellationToken ct) =>
        await store.GetVersionAsync(id, version, ct) is { } article ? TypedResults.Ok(article)
            : ApiProblems.NotFound("knowledge.not_found", $"Article {id} has no version {version}.");

    internal static async Task<Results<Ok<IReadOnlyList<HistoryEntry>>, ProblemHttpResult>> History(long id, KnowledgeStore store, CancellationToken ct) =>
        await store.HistoryAsync(id, ct) is { } history ? TypedResults.Ok(history) : ArticleNotFound(id);

    internal static async Task<Results<Created<SynonymGroup>, ValidationProblem>> AddSynonyms(
        SynonymRequest body, ClaimsPrincipal user, KnowledgeStore store, CancellationToken ct)
    {
        if (SynonymProblem(body) is { } problem) return problem;
        var id = (await store.SaveSynonymsAsync(null, body.Terms!, user.JobNo(), ct))!.Value;
        return TypedResults.Created($"/api/knowledge/synonyms/{id}", (await store.SynonymGroupsAsync(ct)).Single(g => g.Id == id));
    }

    internal static async Task<Results<Ok<SynonymGroup>, ValidationProblem, ProblemHttpResult>> UpdateSynonyms(
        long groupId, SynonymRequest body, ClaimsPrincipal user, KnowledgeStore store, CancellationToken ct)
    {
        if (SynonymProblem(body) is { } problem) return problem;
        if (await store.SaveSynonymsAsync(groupId, body.Terms!, user.JobNo(), ct) is null) return SynonymsNotFound(groupId);
        return TypedResults.Ok((await store.SynonymGroupsAsync(ct)).Single(g => g.Id == groupId));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteSynonyms(long groupId, KnowledgeStore store, CancellationToken ct) =>
        await store.DeleteSynonymsAsync(groupId, ct) ? TypedResults.NoContent() : SynonymsNotFound(groupId);

    internal static async Task<Results<Created<CategoryResponse>, ValidationProblem, ProblemHttpResult>> AddCategory(
        CategoryRequest body, KnowledgeStore store, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Check(body.Id is { } id && CategoryId().IsMatch(id), "id", "1 to 40 lower-case letters, digits and dashes.");
        errors.Check(body.Name is { Length: > 0 and <= 64 } && !string.IsNullOrWhiteSpace(body.Name), "name", "1 to 64 characters.");
        if (body.ParentId is not null) errors.Check((await store.KnownCategoriesAsync(ct)).Contains(body.ParentId), "parentId", $"Unknown category '{body.ParentId}'.");
        if (errors.TryGetProblem(out var problem)) return problem;
        if (!await store.AddCategoryAsync(body.Id!, body.ParentId, body.Name!.Trim(), body.SortOrder ?? 0, ct))
            return ApiProblems.Problem(StatusCodes.Status409Conflict, "knowledge.category_exists", $"Category '{body.Id}' exists; PUT renames it.");
        return TypedResults.Created($"/api/knowledge/categories/{body.Id}", (await store.CategoriesAsync(ct)).Single(c => c.Id == body.Id));
    }

    internal static async Task<Results<Ok<CategoryResponse>, ValidationProblem, ProblemHttpResult>> UpdateCategory(
        string categoryId, CategoryRequest body, KnowledgeStore store, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Check(body.Name is { Length: > 0 and <= 64 } && !string.IsNullOrWhiteSpace(body.Name), "name", "1 to 64 characters.");
        errors.Check(body.ParentId is null, "parentId", "Categories never move: their path is part of the search index.");
        if (errors.TryGetProblem(out var problem)) return problem;
        if (!await store.UpdateCategoryAsync(categoryId, body.Name!.Trim(), body.SortOrder, ct))
            return ApiProblems.NotFound("knowledge.category_not_found", $"There is no category '{categoryId}'.");
        return TypedResults.Ok((await store.CategoriesAsync(ct)).Single(c => c.Id == categoryId));
    }

    /// <summary>The user's roles, for the life cycle's "who may".</summary>
    internal static IReadOnlyList<string> RolesOf(ClaimsPrincipal user) => Roles.All.Where(user.IsInRole).ToList();

    internal static async Task<HashSet<string>> DepartmentsAsync(IClusterClient cluster) =>
        (await cluster.GetGrain<IDepartmentDirectoryGrain>(IDepartmentDirectoryGrain.Centre).GetAllAsync()).ToHashSet(StringComparer.Ordinal);

    private static async Task<(ArticleDraft? Draft, ValidationProblem? Problem)> ValidateAsync(
        ArticleRequest body, KnowledgeStore store, IClusterClient cluster, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var attachments = new List<AttachmentDraft>();
        var requested = body.Attachments ?? [];
        for (var i = 0; i < requested.Count; i++)
        {
            var a = requested[i];
            byte[]? content = null;
            if (a.Content is { } base64)
            {
                try { content = Convert.FromBase64String(base64); }
                catch (FormatException) { errors.Add($"attachments[{i}].content", "Not base64."); }
            }
            attachments.Add(new AttachmentDraft(a.Id, a.Name, a.MediaType, content, a.Reference));
        }
        var draft = new ArticleDraft(body.Title, body.CategoryId, body.Answer, body.Body, body.Departments, body.Tags, body.ValidFrom, body.ValidUntil, attachments);
        var categories = await store.KnownCategoriesAsync(ct);
        var departments = await DepartmentsAsync(cluster);
        foreach (var (field, message) in KnowledgeRules.Check(draft, categories.Contains, departments.Contains)) errors.Add(field, message);
        return errors.TryGetProblem(out var problem) ? (null, problem) : (draft, null);
    }

    private static ValidationProblem? SynonymProblem(SynonymRequest body)
    {
        var errors = new FieldErrors();
        foreach (var (field, message) in KnowledgeRules.CheckSynonyms(body.Terms)) errors.Add(field, message);
        return errors.TryGetProblem(out var problem) ? problem : null;
    }

    private static ProblemHttpResult ArticleNotFound(long id) => ApiProblems.NotFound("knowledge.not_found", $"There is no article {id}.");

    private static ProblemHttpResult SynonymsNotFound(long id) => ApiProblems.NotFound("knowledge.synonyms_not_found", $"There is no synonym group {id}.");

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,39}$", RegexOptions.CultureInvariant)]
    private static partial Regex CategoryId();
}
