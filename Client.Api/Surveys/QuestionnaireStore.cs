using System.Text.Json;
using Hotline.Surveys;
using Npgsql;
using NpgsqlTypes;

namespace Hotline.Api.Surveys;

/// <summary>Questionnaires and their immutable versions in PostgreSQL (migration 0140_surveys).</summary>
public sealed class QuestionnaireStore(NpgsqlDataSource db, TimeProvider time)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<IReadOnlyList<QuestionnaireSummary>> ListAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT DISTINCT ON (questionnaire_id) questionnaire_id, version, title, department_kind, created_at
            FROM survey_questionnaire_versions ORDER BY questionnaire_id, version DESC
            """);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<QuestionnaireSummary>();
        while (await r.ReadAsync(ct))
            list.Add(new QuestionnaireSummary(r.GetString(0), r.GetInt32(1), r.GetString(2), r.GetString(3), r.GetFieldValue<DateTimeOffset>(4)));
        return list;
    }

    /// <summary>Saves a validated questionnaire as the next version of <paramref name="id"/> (version 1 for a new one).</summary>
    public async Task<QuestionnaireVersion> AddVersionAsync(string id, Questionnaire questionnaire, string user, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var now = time.GetUtcNow();
        await using (var create = new NpgsqlCommand("""
            INSERT INTO survey_questionnaires (id, created_at, created_by) VALUES (@id, @at, @by) ON CONFLICT (id) DO NOTHING;
            """, connection, tx))
        {
            create.Parameters.AddWithValue("id", id);
            create.Parameters.AddWithValue("at", now);
            create.Parameters.AddWithValue("by", user);
            await create.ExecuteNonQueryAsync(ct);
        }
        int version;
        // The questionnaire row is the lock: two saves at once get versions n+1 and n+2, never the same.
        await using (var next = new NpgsqlCommand("""
            SELECT 1 FROM survey_questionnaires WHERE id = @id FOR UPDATE;
            SELECT coalesce(max(version), 0) + 1 FROM survey_questionnaire_versions WHERE questionnaire_id = @id;
            """, connection, tx))
        {
            next.Parameters.AddWithValue("id", id);
            await using var reader = await next.ExecuteReaderAsync(ct);
            await reader.NextResultAsync(ct);
            await reader.ReadAsync(ct);
            version = reader.GetInt32(0);
        }
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO survey_questionnaire_versions (questionnaire_id, version, title, department_kind, definition, created_at, created_by)
            VALUES (@id, @version, @title, @kind, @definition, @at, @by)
            """, connection, tx))
        {
            insert.Parameters.AddWithValue("id", id);
            insert.Parameters.AddWithValue("version", version);
            insert.Parameters.AddWithValue("title", questionnaire.Title);
            insert.Parameters.AddWithValue("kind", questionnaire.DepartmentKind);
            insert.Parameters.AddWithValue("definition", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(questionnaire, Json));
            insert.Parameters.AddWithValue("at", now);
            insert.Parameters.AddWithValue("by", user);
            await insert.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return new QuestionnaireVersion(id, version, questionnaire, now, user);
    }

    /// <summary>One version, or the latest when <paramref name="version"/> is null; null if there is no such version.</summary>
    public async Task<QuestionnaireVersion?> GetAsync(string id, int? version, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT version, definition, created_at, created_by FROM survey_questionnaire_versions
            WHERE questionnaire_id = @id AND (@version::integer IS NULL OR version = @version)
            ORDER BY version DESC LIMIT 1
            """);
        cmd.Parameters.AddWithValue("id", id);
        cmd.Parameters.AddWithValue("version", NpgsqlDbType.Integer, (object?)version ?? DBNull.Value);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        var questionnaire = JsonSerializer.Deserialize<Questionnaire>(r.GetString(1), Json)!;
        return new QuestionnaireVersion(id, r.GetInt32(0), questionnaire, r.GetFieldValue<DateTimeOffset>(2), r.GetString(3));
    }

    public async Task<IReadOnlyList<int>> VersionsAsync(string id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT version FROM survey_questionnaire_versions WHERE questionnaire_id = @id ORDER BY version");
        cmd.Parameters.AddWithValue("id", id);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var versions = new List<int>();
        while (await r.ReadAsync(ct)) versions.Add(r.GetInt32(0));
        return versions;
    }
}
