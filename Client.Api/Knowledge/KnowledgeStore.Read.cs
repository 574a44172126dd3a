using System.Text.Json;
using Hotline.Knowledge;
using Npgsql;

namespace Hotline.Api.Knowledge;

/// <summary>A validated search: null filters mean "any".</summary>
/// <param name="Drafts">Search the working copies (any status) instead of what agents see; editors only.</param>
public sealed record KnowledgeSearchRequest(string? Query, string? CategoryId, string? DepartmentId, bool Drafts, int Page, int PageSize, MatchMode Mode = MatchMode.All);

/// <summary>Search and reads.</summary>
public sealed partial class KnowledgeStore
{
    /// <summary>ts_rank weights {D, C, B, A}: a title match counts most, then the reference answer, then tags and body.</summary>
    private const string Weights = "'{0.05, 0.2, 0.5, 1.0}'";

    /// <summary>
    /// One page of articles matching <paramref name="request"/>, best first, with the matched words marked. Agents see
    /// published articles valid now (knowledge_search); editors asking for drafts see every working copy.
    /// </summary>
    public async Task<KnowledgePage> SearchAsync(KnowledgeSearchRequest request, CancellationToken ct)
    {
        var synonyms = await SynonymsAsync(ct);
        var query = KnowledgeQuery.Build(request.Query, Segmenter.Words, synonyms, request.Mode, prefixLast: request.Mode == MatchMode.All);
        var terms = query?.Terms ?? [];
        if (request.Query is { Length: > 0 } && query is null) return new(0, request.Page, request.PageSize, [], []);

        var conditions = new List<string>();
        await using var select = Db.CreateCommand();
        if (query is not null)
        {
            conditions.Add("s.search @@ to_tsquery('simple', @q)");
            select.Parameters.AddWithValue("q", query.TsQuery);
        }
        if (request.CategoryId is { } category)
        {
            var path = request.Drafts ? "c.path" : "s.category_path";
            conditions.Add($"{path} LIKE (SELECT path FROM knowledge_categories WHERE id = @category) || '%'");
            select.Parameters.AddWithValue("category", category);
        }
        if (request.DepartmentId is { } department)
        {
            conditions.Add("s.departments @> ARRAY[@department]");
            select.Parameters.AddWithValue("department", department);
        }
        var rank = query is null ? "0::real" : $"ts_rank({Weights}, s.search, to_tsquery('simple', @q))";
        string sql;
        if (request.Drafts)
        {
            var where = conditions.Count == 0 ? "" : "WHERE " + string.Join(" AND ", conditions);
            sql = $"""
                SELECT s.id, s.version, s.status, v.title, v.answer, left(v.body, {IndexedBodyChars}), s.category_id, s.departments, s.tags,
                    s.valid_until, {rank} AS score, count(*) OVER () AS total
                FROM knowledge_articles s
                JOIN knowledge_versions v ON v.article_id = s.id AND v.version = s.version
                JOIN knowledge_categories c ON c.id = s.category_id
                {where}
                ORDER BY score DESC, s.updated_at DESC, s.id DESC
                LIMIT @limit OFFSET @offset
                """;
        }
        else
        {
            conditions.Add("(s.valid_from IS NULL OR s.valid_from <= @now) AND (s.valid_until IS NULL OR s.valid_until > @now)");
            select.Parameters.AddWithValue("now", Time.GetUtcNow());
            // Rank and count on the narrow columns first; the wide ones (answer, excerpt) are read for the page's rows only.
            sql = $"""
                WITH page AS (
                    SELECT s.article_id, s.published_at, {rank} AS score, count(*) OVER () AS total
                    FROM knowledge_search s
                    WHERE {string.Join(" AND ", conditions)}
                    ORDER BY score DESC, s.published_at DESC, s.article_id DESC
                    LIMIT @limit OFFSET @offset)
                SELECT s.article_id, s.version, 'published', s.title, s.answer, s.excerpt, s.category_id, s.departments, s.tags,
                    s.valid_until, p.score, p.total
                FROM page p JOIN knowledge_search s ON s.article_id = p.article_id
                ORDER BY p.score DESC, p.published_at DESC, p.article_id DESC
                """;
        }
        select.CommandText = sql;
        select.Parameters.AddWithValue("limit", request.PageSize);
        select.Parameters.AddWithValue("offset", (request.Page - 1) * request.PageSize);

        var total = 0;
        var hits = new List<KnowledgeHit>();
        await using var reader = await select.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            total = (int)reader.GetInt64(11);
            var title = reader.GetString(3);
            var answer = reader.GetString(4);
            hits.Add(new KnowledgeHit(reader.GetInt64(0), reader.GetInt32(1), reader.GetString(2), title,
                KnowledgeHighlighter.Html(title, terms), KnowledgeHighlighter.Html(answer, terms), KnowledgeHighlighter.Excerpt(reader.GetString(5), terms),
                reader.GetString(6), reader.GetFieldValue<string[]>(7), reader.GetFieldValue<string[]>(8),
                reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9), Math.Round(reader.GetFloat(10), 6)));
        }
        if (hits.Count == 0 && request.Page > 1)
        {
            // Past the last page: the total still tells the client where the results end.
            var first = await SearchAsync(request with { Page = 1, PageSize = 1 }, ct);
            total = first.Total;
        }
        return new KnowledgePage(total, request.Page, request.PageSize, terms, hits);
    }

    /// <summary>Published, valid articles that match an order's text (any of its words), best first.</summary>
    public Task<KnowledgePage> SuggestAsync(string text, string? department, int limit, CancellationToken ct) =>
        SearchAsync(new KnowledgeSearchRequest(text, null, department, Drafts: false, 1, limit, MatchMode.Any), ct);

    /// <summary>The working copy (<paramref name="editor"/>) or the live version (everyone else); null when there is none to show.</summary>
    public async Task<ArticleResponse?> GetAsync(long id, bool editor, CancellationToken ct)
    {
        await using var select = Db.CreateCommand($"""
            SELECT a.status, v.version, a.live_version, v.title, v.category_id, v.answer, v.body, v.departments, v.tags, v.valid_from, v.valid_until,
                v.attachments, a.review_note, a.used_count, a.helpful_count, a.unhelpful_count, a.updated_by, a.updated_at
            FROM knowledge_articles a
            JOIN knowledge_versions v ON v.article_id = a.id AND v.version = {(editor ? "a.version" : "a.live_version")}
            WHERE a.id = @id
            """);
        select.Parameters.AddWithValue("id", id);
        await using var reader = await select.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        Names.TryParse<ArticleStatus>(reader.GetString(0), out var status);
        DateTimeOffset? from = reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9);
        DateTimeOffset? until = reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10);
        return new ArticleResponse(id, editor ? Names.Of(status) : "published", reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetInt32(2),
            reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6), reader.GetFieldValue<string[]>(7),
            reader.GetFieldValue<string[]>(8), from, until, KnowledgeRules.IsCurrent(from, until, Time.GetUtcNow()),
            JsonSerializer.Deserialize<AttachmentInfo[]>(reader.GetString(11), KnowledgeJson.Options) ?? [],
            editor && !reader.IsDBNull(12) ? reader.GetString(12) : null,
            editor ? KnowledgeLifecycle.CommandsIn(status).Select(Names.Of).ToArray() : [],
            reader.GetInt32(13), reader.GetInt32(14), reader.GetInt32(15), reader.GetString(16), reader.GetFieldValue<DateTimeOffset>(17));
    }

    /// <summary>One stored version's content, as an article (status: live or not).</summary>
    public async Task<ArticleResponse?> GetVersionAsync(long id, int version, CancellationToken ct)
    {
        var current = await GetAsync(id, editor: true, ct);
        if (current is null) return null;
        await using var select = Db.CreateCommand("""
            SELECT title, category_id, answer, body, departments, tags, valid_from, valid_until, attachments, created_by, created_at
            FROM knowledge_versions WHERE article_id = @id AND version = @version
            """);
        select.Parameters.AddWithValue("id", id);
        select.Parameters.AddWithValue("version", version);
        await using var reader = await select.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        DateTimeOffset? from = reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6);
        DateTimeOffset? until = reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7);
        return current with
        {
            Version = version,
            Title = reader.GetString(0),
            CategoryId = reader.GetString(1),
            Answer = reader.GetString(2),
            Body = reader.GetString(3),
            Departments = reader.GetFieldValue<string[]>(4),
            Tags = reader.GetFieldValue<string[]>(5),
            ValidFrom = from,
            ValidUntil = until,
            Current = KnowledgeRules.IsCurrent(from, until, Time.GetUtcNow()),
            Attachments = JsonSerializer.Deserialize<AttachmentInfo[]>(reader.GetString(8), KnowledgeJson.Options) ?? [],
            Commands = [],
            UpdatedBy = reader.GetString(9),
            UpdatedAt = reader.GetFieldValue<DateTimeOffset>(10),
        };
    }

    public async Task<IReadOnlyList<VersionInfo>?> VersionsAsync(long id, CancellationToken ct)
    {
        await using var select = Db.CreateCommand("""
            SELECT v.version, v.title, v.created_by, v.created_at, v.version IS NOT DISTINCT FROM a.live_version
            FROM knowledge_articles a JOIN knowledge_versions v ON v.article_id = a.id WHERE a.id = @id ORDER BY v.version
            """);
        select.Parameters.AddWithValue("id", id);
        await using var reader = await select.ExecuteReaderAsync(ct);
        var list = new List<VersionInfo>();
        while (await reader.ReadAsync(ct))
            list.Add(new(reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetBoolean(4)));
        return list.Count == 0 ? null : list;
    }

    public async Task<IReadOnlyList<HistoryEntry>?> HistoryAsync(long id, CancellationToken ct)
    {
        await using var select = Db.CreateCommand("""
            SELECT id, at, actor, action, from_status, to_status, version, note FROM knowledge_history WHERE article_id = @id ORDER BY id
            """);
        select.Parameters.AddWithValue("id", id);
        await using var reader = await select.ExecuteReaderAsync(ct);
        var list = new List<HistoryEntry>();
        while (await reader.ReadAsync(ct))
            list.Add(new(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetString(5), reader.GetInt32(6), reader.IsDBNull(7) ? null : reader.GetString(7)));
        return list.Count == 0 ? null : list;
    }

    /// <summary>An attachment's stored content (or reference); readers only get those of the live version.</summary>
    public async Task<(string Name, string MediaType, byte[]? Content, string? Reference)?> AttachmentAsync(long id, long attachmentId, bool editor, CancellationToken ct)
    {
        await using var select = Db.CreateCommand("""
            SELECT t.name, t.media_type, t.content, t.reference FROM knowledge_attachments t
            WHERE t.id = @aid AND t.article_id = @id AND (@editor OR EXISTS (
                SELECT 1 FROM knowledge_articles a JOIN knowledge_versions v ON v.article_id = a.id AND v.version = a.live_version
                WHERE a.id = @id AND v.attachments @> jsonb_build_array(jsonb_build_object('id', @aid))))
            """);
        select.Parameters.AddWithValue("id", id);
        select.Parameters.AddWithValue("aid", attachmentId);
        select.Parameters.AddWithValue("editor", editor);
        await using var reader = await select.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return (reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<byte[]>(2), reader.IsDBNull(3) ? null : reader.GetString(3));
    }

    /// <summary>Every article's live version (or, for <paramref name="workingCopies"/>, its latest), for export.</summary>
    public async Task<IReadOnlyList<ArticleResponse>> ExportAsync(bool workingCopies, CancellationToken ct)
    {
        await using var select = Db.CreateCommand(workingCopies
            ? "SELECT id FROM knowledge_articles ORDER BY id"
            : "SELECT id FROM knowledge_articles WHERE live_version IS NOT NULL ORDER BY id");
        var ids = new List<long>();
        await using (var reader = await select.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) ids.Add(reader.GetInt64(0));
        var list = new List<ArticleResponse>();
        foreach (var id in ids)
            if (await GetAsync(id, workingCopies, ct) is { } article) list.Add(article);
        return list;
    }

    /// <summary>The ids of every category.</summary>
    internal async Task<HashSet<string>> KnownCategoriesAsync(CancellationToken ct) =>
        (await CategoriesAsync(ct)).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
}
