using System.Text.Json;
using Hotline.Knowledge;
using Npgsql;
using NpgsqlTypes;

namespace Hotline.Api.Knowledge;

/// <summary>
/// Writes the knowledge base. Articles are rows written here, not grains: editing is rare and each change is one
/// transaction holding the article's row lock, which is single-writer enough and keeps one copy of the truth.
/// Every change checks <see cref="KnowledgeLifecycle"/>, adds a version when content changes, appends a history line
/// and, on publish or retire, rewrites the article's row in <c>knowledge_search</c>, all in the same transaction.
/// </summary>
public sealed partial class KnowledgeStore(NpgsqlDataSource? db, ChineseSegmenter segmenter, TimeProvider time)
{
    /// <summary>Body characters that are searchable; the rest of a long article is found by its title, answer and tags.</summary>
    public const int IndexedBodyChars = 2000;

    /// <summary>How long a process serves its copy of the synonyms before reading them again (another process may have changed them).</summary>
    public static readonly TimeSpan SynonymRefresh = TimeSpan.FromSeconds(10);

    private SynonymSet? _synonyms;
    private DateTimeOffset _synonymsLoadedAt;

    internal NpgsqlDataSource Db => db ?? throw new DomainException("knowledge.unavailable",
        "The knowledge base needs PostgreSQL; this host runs in the in-memory development mode.", status: 503);

    internal ChineseSegmenter Segmenter => segmenter;
    internal TimeProvider Time => time;

    /// <summary>Saves a new article as a draft (version 1) and returns its id.</summary>
    public async Task<long> CreateAsync(ArticleDraft draft, string actor, CancellationToken ct)
    {
        await using var connection = await Db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var id = await InsertAsync(connection, tx, draft, actor, ct);
        await tx.CommitAsync(ct);
        return id;
    }

    /// <summary>Creates every draft in one transaction: all or none.</summary>
    internal async Task<IReadOnlyList<long>> CreateAllAsync(IReadOnlyList<ArticleDraft> drafts, string actor, bool publish, CancellationToken ct)
    {
        await using var connection = await Db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var ids = new List<long>();
        foreach (var draft in drafts)
        {
            var id = await InsertAsync(connection, tx, draft, actor, ct);
            if (publish)
            {
                await ChangeStatusAsync(connection, tx, id, ArticleStatus.Draft, ArticleStatus.InReview, 1, null, "import_submit", null, actor, ct);
                await PublishAsync(connection, tx, id, 1, actor, ct);
                await ChangeStatusAsync(connection, tx, id, ArticleStatus.InReview, ArticleStatus.Published, 1, 1, "publish", "imported", actor, ct);
            }
            ids.Add(id);
        }
        await tx.CommitAsync(ct);
        return ids;
    }

    /// <summary>Saves new content as the next version; the article becomes (or stays) a draft.</summary>
    public async Task<int> EditAsync(long id, ArticleDraft draft, int? baseVersion, string actor, IReadOnlyList<string> roles, CancellationToken ct)
    {
        await using var connection = await Db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var (status, version, live) = await LockAsync(connection, tx, id, ct);
        var decision = KnowledgeLifecycle.Decide(status, KnowledgeCommand.Edit, roles, live is not null);
        if (!decision.Allowed) throw decision.ToException(id);
        if (baseVersion is { } b && b != version)
            throw new DomainException("knowledge.version_conflict", $"Article {id} is at version {version}, not {b}; reload it and edit again.", Names.Of(status));

        var next = version + 1;
        var attachments = await SaveAttachmentsAsync(connection, tx, id, draft.Attachments ?? [], actor, ct);
        await using (var update = new NpgsqlCommand($"""
            UPDATE knowledge_articles SET status = @status, version = @version, title = @title, category_id = @category,
                departments = @departments, tags = @tags, valid_from = @from, valid_until = @until, search = {Vector},
                updated_by = @actor, updated_at = @now
            WHERE id = @id
            """, connection, tx))
        {
            update.Parameters.AddWithValue("status", Names.Of(decision.Next));
            update.Parameters.AddWithValue("version", next);
            update.Parameters.AddWithValue("id", id);
            AddContent(update, draft, actor);
            await update.ExecuteNonQueryAsync(ct);
        }
        await InsertVersionAsync(connection, tx, id, next, draft, attachments, actor, ct);
        await HistoryAsync(connection, tx, id, "edit", status, decision.Next, next, null, actor, ct);
        await tx.CommitAsync(ct);
        return next;
    }

    /// <summary>Submit, withdraw, return, publish or retire; <paramref name="note"/> is the reason where one is given.</summary>
    public async Task ActAsync(long id, KnowledgeCommand command, string? note, string actor, IReadOnlyList<string> roles, CancellationToken ct)
    {
        if (command == KnowledgeCommand.Edit) throw new ArgumentException("Edits go through EditAsync.", nameof(command));
        await using var connection = await Db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var (status, version, live) = await LockAsync(connection, tx, id, ct);
        var decision = KnowledgeLifecycle.Decide(status, command, roles, live is not null);
        if (!decision.Allowed) throw decision.ToException(id);

        int? nextLive = command switch
        {
            KnowledgeCommand.Publish => version,
            KnowledgeCommand.Retire => null,
            _ => live,
        };
        if (command == KnowledgeCommand.Publish) await PublishAsync(connection, tx, id, version, actor, ct);
        if (command == KnowledgeCommand.Retire)
        {
            await using var delete = new NpgsqlCommand("DELETE FROM knowledge_search WHERE article_id = @id", connection, tx);
            delete.Parameters.AddWithValue("id", id);
            await delete.ExecuteNonQueryAsync(ct);
        }
        var reviewNote = command == KnowledgeCommand.Return ? note : null;
        await ChangeStatusAsync(connection, tx, id, status, decision.Next, version, nextLive, Names.Of(command), note, actor, ct, reviewNote);
        await tx.CommitAsync(ct);
    }

    /// <summary>An agent used an article (and says whether it helped); counted on the article and kept as a row.</summary>
    public async Task FeedbackAsync(long id, bool used, bool? helpful, string? ticketNumber, string jobNo, CancellationToken ct)
    {
        await using var batch = Db.CreateBatch();
        var insert = new NpgsqlBatchCommand("""
            INSERT INTO knowledge_feedback (article_id, at, job_no, used, helpful, ticket_number)
            SELECT id, @now, @job, @used, @helpful, @ticket FROM knowledge_articles WHERE id = @id AND live_version IS NOT NULL
            """);
        insert.Parameters.AddWithValue("id", id);
        insert.Parameters.AddWithValue("now", time.GetUtcNow());
        insert.Parameters.AddWithValue("job", jobNo);
        insert.Parameters.AddWithValue("used", used);
        insert.Parameters.Add(new NpgsqlParameter("helpful", NpgsqlDbType.Boolean) { Value = (object?)helpful ?? DBNull.Value });
        insert.Parameters.Add(new NpgsqlParameter("ticket", NpgsqlDbType.Text) { Value = (object?)ticketNumber ?? DBNull.Value });
        var count = new NpgsqlBatchCommand("""
            UPDATE knowledge_articles SET used_count = used_count + (CASE WHEN @used THEN 1 ELSE 0 END),
                helpful_count = helpful_count + (CASE WHEN @helpful IS TRUE THEN 1 ELSE 0 END),
                unhelpful_count = unhelpful_count + (CASE WHEN @helpful IS FALSE THEN 1 ELSE 0 END)
            WHERE id = @id AND live_version IS NOT NULL
            """);
        count.Parameters.AddWithValue("id", id);
        count.Parameters.AddWithValue("used", used);
        count.Parameters.Add(new NpgsqlParameter("helpful", NpgsqlDbType.Boolean) { Value = (object?)helpful ?? DBNull.Value });
        batch.BatchCommands.Add(insert);
        batch.BatchCommands.Add(count);
        await batch.ExecuteNonQueryAsync(ct);
        if (count.RecordsAffected == 0) throw NotFound(id);
    }

    internal static DomainException NotFound(long id) =>
        new("knowledge.not_found", $"There is no published article {id}.", status: 404);

    private async Task<long> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction tx, ArticleDraft draft, string actor, CancellationToken ct)
    {
        long id;
        await using (var insert = new NpgsqlCommand($"""
            INSERT INTO knowledge_articles (status, version, title, category_id, departments, tags, valid_from, valid_until, search,
                created_by, created_at, updated_by, updated_at)
            VALUES ('draft', 1, @title, @category, @departments, @tags, @from, @until, {Vector}, @actor, @now, @actor, @now)
            RETURNING id
            """, connection, tx))
        {
            AddContent(insert, draft, actor);
            id = (long)(await insert.ExecuteScalarAsync(ct))!;
        }
        var attachments = await SaveAttachmentsAsync(connection, tx, id, draft.Attachments ?? [], actor, ct);
        await InsertVersionAsync(connection, tx, id, 1, draft, attachments, actor, ct);
        await HistoryAsync(connection, tx, id, "create", null, ArticleStatus.Draft, 1, null, actor, ct);
        return id;
    }

    private const string Vector = """
        setweight(to_tsvector('simple', @st), 'A') || setweight(to_tsvector('simple', @sa), 'B') || setweight(to_tsvector('simple', @sb), 'C')
        """;

    private void AddContent(NpgsqlCommand command, ArticleDraft draft, string actor)
    {
        var p = command.Parameters;
        p.AddWithValue("title", draft.Title!.Trim());
        p.AddWithValue("category", draft.CategoryId!);
        p.AddWithValue("departments", (draft.Departments ?? []).Distinct().ToArray());
        p.AddWithValue("tags", (draft.Tags ?? []).Select(t => t.Trim()).Distinct().ToArray());
        p.Add(new NpgsqlParameter("from", NpgsqlDbType.TimestampTz) { Value = (object?)draft.ValidFrom?.ToUniversalTime() ?? DBNull.Value });
        p.Add(new NpgsqlParameter("until", NpgsqlDbType.TimestampTz) { Value = (object?)draft.ValidUntil?.ToUniversalTime() ?? DBNull.Value });
        p.AddWithValue("st", segmenter.Document(draft.Title));
        p.AddWithValue("sa", segmenter.Document(draft.Answer));
        p.AddWithValue("sb", segmenter.Document(string.Join(' ', draft.Tags ?? []) + "\n" + (draft.Body ?? ""), IndexedBodyChars));
        p.AddWithValue("actor", actor);
        p.AddWithValue("now", time.GetUtcNow());
    }

    private async Task InsertVersionAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long id, int version, ArticleDraft draft,
        IReadOnlyList<AttachmentInfo> attachments, string actor, CancellationToken ct)
    {
        await using var insert = new NpgsqlCommand("""
            INSERT INTO knowledge_versions (article_id, version, title, category_id, answer, body, departments, tags, valid_from, valid_until,
                attachments, created_by, created_at)
            VALUES (@id, @version, @title, @category, @answer, @body, @departments, @tags, @from, @until, @attachments, @actor, @now)
            """, connection, tx);
        AddContent(insert, draft, actor);
        insert.Parameters.AddWithValue("id", id);
        insert.Parameters.AddWithValue("version", version);
        insert.Parameters.AddWithValue("answer", draft.Answer ?? "");
        insert.Parameters.AddWithValue("body", draft.Body ?? "");
        insert.Parameters.Add(new NpgsqlParameter("attachments", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(attachments, KnowledgeJson.Options) });
        await insert.ExecuteNonQueryAsync(ct);
    }

    private async Task<IReadOnlyList<AttachmentInfo>> SaveAttachmentsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long id,
        IReadOnlyList<AttachmentDraft> drafts, string actor, CancellationToken ct)
    {
        var saved = new List<AttachmentInfo>();
        for (var i = 0; i < drafts.Count; i++)
        {
            var a = drafts[i];
            if (a.Id is { } kept)
            {
                await using var find = new NpgsqlCommand(
                    "SELECT name, media_type, size, reference FROM knowledge_attachments WHERE id = @aid AND article_id = @id", connection, tx);
                find.Parameters.AddWithValue("aid", kept);
                find.Parameters.AddWithValue("id", id);
                await using var reader = await find.ExecuteReaderAsync(ct);
                if (!await reader.ReadAsync(ct))
                    throw new DomainException("validation.failed", $"attachments[{i}].id: article {id} has no attachment {kept}.", status: 400);
                saved.Add(new AttachmentInfo(kept, reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
                continue;
            }
            await using var insert = new NpgsqlCommand("""
                INSERT INTO knowledge_attachments (article_id, name, media_type, size, content, reference, created_by, created_at)
                VALUES (@id, @name, @type, @size, @content, @reference, @actor, @now) RETURNING id
                """, connection, tx);
            insert.Parameters.AddWithValue("id", id);
            insert.Parameters.AddWithValue("name", a.Name!);
            insert.Parameters.AddWithValue("type", a.MediaType!);
            insert.Parameters.AddWithValue("size", a.Content?.Length ?? 0);
            insert.Parameters.Add(new NpgsqlParameter("content", NpgsqlDbType.Bytea) { Value = (object?)a.Content ?? DBNull.Value });
            insert.Parameters.Add(new NpgsqlParameter("reference", NpgsqlDbType.Text) { Value = (object?)a.Reference ?? DBNull.Value });
            insert.Parameters.AddWithValue("actor", actor);
            insert.Parameters.AddWithValue("now", time.GetUtcNow());
            var attachmentId = (long)(await insert.ExecuteScalarAsync(ct))!;
            saved.Add(new AttachmentInfo(attachmentId, a.Name!, a.MediaType!, a.Content?.Length ?? 0, a.Reference));
        }
        return saved;
    }

    private static async Task<(ArticleStatus Status, int Version, int? Live)> LockAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long id, CancellationToken ct)
    {
        await using var select = new NpgsqlCommand("SELECT status, version, live_version FROM knowledge_articles WHERE id = @id FOR UPDATE", connection, tx);
        select.Parameters.AddWithValue("id", id);
        await using var reader = await select.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) throw new DomainException("knowledge.not_found", $"There is no article {id}.", status: 404);
        Names.TryParse<ArticleStatus>(reader.GetString(0), out var status);
        return (status, reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetInt32(2));
    }

    /// <summary>Makes <paramref name="version"/> the live one: the working copy's search vector is that version's (a version in review is not edited).</summary>
    private async Task PublishAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long id, int version, string actor, CancellationToken ct)
    {
        await using var upsert = new NpgsqlCommand("""
            INSERT INTO knowledge_search (article_id, version, title, answer, excerpt, category_id, category_path, departments, tags,
                valid_from, valid_until, published_at, search)
            SELECT v.article_id, v.version, v.title, v.answer, left(v.body, @excerpt), v.category_id, c.path, v.departments, v.tags,
                v.valid_from, v.valid_until, @now, a.search
            FROM knowledge_versions v
            JOIN knowledge_articles a ON a.id = v.article_id
            JOIN knowledge_categories c ON c.id = v.category_id
            WHERE v.article_id = @id AND v.version = @version
            ON CONFLICT (article_id) DO UPDATE SET version = EXCLUDED.version, title = EXCLUDED.title, answer = EXCLUDED.answer,
                excerpt = EXCLUDED.excerpt, category_id = EXCLUDED.category_id, category_path = EXCLUDED.category_path,
                departments = EXCLUDED.departments, tags = EXCLUDED.tags, valid_from = EXCLUDED.valid_from,
                valid_until = EXCLUDED.valid_until, published_at = EXCLUDED.published_at, search = EXCLUDED.search
            """, connection, tx);
        upsert.Parameters.AddWithValue("id", id);
        upsert.Parameters.AddWithValue("version", version);
        upsert.Parameters.AddWithValue("excerpt", IndexedBodyChars);
        upsert.Parameters.AddWithValue("now", time.GetUtcNow());
        await upsert.ExecuteNonQueryAsync(ct);
    }

    private async Task ChangeStatusAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long id, ArticleStatus from, ArticleStatus to, int version,
        int? live, string action, string? note, string actor, CancellationToken ct, string? reviewNote = null)
    {
        await using (var update = new NpgsqlCommand("""
            UPDATE knowledge_articles SET status = @status, live_version = @live, review_note = @review, updated_by = @actor, updated_at = @now
            WHERE id = @id
            """, connection, tx))
        {
            update.Parameters.AddWithValue("id", id);
            update.Parameters.AddWithValue("status", Names.Of(to));
            update.Parameters.Add(new NpgsqlParameter("live", NpgsqlDbType.Integer) { Value = (object?)live ?? DBNull.Value });
            update.Parameters.Add(new NpgsqlParameter("review", NpgsqlDbType.Text) { Value = (object?)reviewNote ?? DBNull.Value });
            update.Parameters.AddWithValue("actor", actor);
            update.Parameters.AddWithValue("now", time.GetUtcNow());
            await update.ExecuteNonQueryAsync(ct);
        }
        await HistoryAsync(connection, tx, id, action, from, to, version, note, actor, ct);
    }

    private async Task HistoryAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long id, string action, ArticleStatus? from, ArticleStatus to,
        int version, string? note, string actor, CancellationToken ct)
    {
        await using var insert = new NpgsqlCommand("""
            INSERT INTO knowledge_history (article_id, at, actor, action, from_status, to_status, version, note)
            VALUES (@id, @now, @actor, @action, @from, @to, @version, @note)
            """, connection, tx);
        insert.Parameters.AddWithValue("id", id);
        insert.Parameters.AddWithValue("now", time.GetUtcNow());
        insert.Parameters.AddWithValue("actor", actor);
        insert.Parameters.AddWithValue("action", action);
        insert.Parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.Text) { Value = from is { } f ? Names.Of(f) : DBNull.Value });
        insert.Parameters.AddWithValue("to", Names.Of(to));
        insert.Parameters.AddWithValue("version", version);
        insert.Parameters.Add(new NpgsqlParameter("note", NpgsqlDbType.Text) { Value = (object?)note ?? DBNull.Value });
        await insert.ExecuteNonQueryAsync(ct);
    }
}

internal static class KnowledgeJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
