using System.Text.Json.Serialization;

namespace Hotline.Api.Knowledge;

/// <summary>An attachment in a request: <c>id</c> keeps a stored one; otherwise a name, media type and base64 content or a reference.</summary>
public sealed record AttachmentRequest(long? Id, string? Name, string? MediaType, string? Content, string? Reference);

/// <summary>The body of <c>POST /api/knowledge</c> and <c>PUT /api/knowledge/{id}</c>.</summary>
/// <param name="BaseVersion">On PUT: the version the editor started from; another version since is a 409.</param>
public sealed record ArticleRequest(
    string? Title, string? CategoryId, string? Answer, string? Body, IReadOnlyList<string>? Departments, IReadOnlyList<string>? Tags,
    DateTimeOffset? ValidFrom, DateTimeOffset? ValidUntil, IReadOnlyList<AttachmentRequest>? Attachments, int? BaseVersion);

public sealed record AttachmentInfo(long Id, string Name, string MediaType, int Size, string? Reference);

/// <summary>One article: the working copy for editors, the live version for everyone else.</summary>
public sealed record ArticleResponse(
    long Id, string Status, int Version, int? LiveVersion, string Title, string CategoryId, string Answer, string Body,
    IReadOnlyList<string> Departments, IReadOnlyList<string> Tags, DateTimeOffset? ValidFrom, DateTimeOffset? ValidUntil,
    bool Current, IReadOnlyList<AttachmentInfo> Attachments, string? ReviewNote, IReadOnlyList<string> Commands,
    int UsedCount, int HelpfulCount, int UnhelpfulCount, string UpdatedBy, DateTimeOffset UpdatedAt);

/// <summary>One search hit. The *Html fields are HTML-encoded text with the matched words in &lt;mark&gt;.</summary>
public sealed record KnowledgeHit(
    long Id, int Version, string Status, string Title, string TitleHtml, string AnswerHtml, string ExcerptHtml, string CategoryId,
    IReadOnlyList<string> Departments, IReadOnlyList<string> Tags, DateTimeOffset? ValidUntil, double Score);

public sealed record KnowledgePage(int Total, int Page, int PageSize, IReadOnlyList<string> Terms, IReadOnlyList<KnowledgeHit> Items);

/// <summary>The body of <c>POST /api/knowledge/{id}/return</c> and <c>/retire</c>.</summary>
public sealed record ReasonRequest(string? Reason);

/// <summary>The body of <c>POST /api/knowledge/suggest</c>: the order being typed.</summary>
public sealed record SuggestRequest(string? Summary, string? Content, string? Department, int? Limit);

/// <summary>The body of <c>POST /api/knowledge/{id}/feedback</c>: the agent used the article, and whether it helped.</summary>
public sealed record FeedbackRequest(bool? Used, bool? Helpful, string? TicketNumber);

public sealed record VersionInfo(int Version, string Title, string CreatedBy, DateTimeOffset CreatedAt, bool Live);

public sealed record HistoryEntry(long Id, DateTimeOffset At, string Actor, string Action, string? FromStatus, string ToStatus, int Version, string? Note);

public sealed record SynonymGroup(long Id, IReadOnlyList<string> Terms, string UpdatedBy, DateTimeOffset UpdatedAt);

/// <summary>The body of <c>POST</c> and <c>PUT /api/knowledge/synonyms</c>.</summary>
public sealed record SynonymRequest(IReadOnlyList<string>? Terms);

public sealed record CategoryResponse(string Id, string? ParentId, string Name, string Path, int SortOrder);

/// <summary>The body of <c>POST /api/knowledge/categories</c> (and PUT, which renames and reorders only).</summary>
public sealed record CategoryRequest(string? Id, string? ParentId, string? Name, int? SortOrder);

/// <summary>One problem of an import, by file and line (Markdown) or sheet row (xlsx).</summary>
public sealed record ImportProblem(string Source, int Line, string Field, string Message);

/// <summary>An import's outcome: the articles created, or (with a 400) every problem and nothing created.</summary>
public sealed record ImportReport(int Created, IReadOnlyList<long> Ids, IReadOnlyList<ImportProblem> Problems)
{
    [JsonIgnore] public bool Ok => Problems.Count == 0;
}
