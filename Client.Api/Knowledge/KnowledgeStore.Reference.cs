using Hotline.Knowledge;
using Npgsql;

namespace Hotline.Api.Knowledge;

/// <summary>The category tree and the synonym groups.</summary>
public sealed partial class KnowledgeStore
{
    public async Task<IReadOnlyList<CategoryResponse>> CategoriesAsync(CancellationToken ct)
    {
        await using var select = Db.CreateCommand("SELECT id, parent_id, name, path, sort_order FROM knowledge_categories ORDER BY path");
        await using var reader = await select.ExecuteReaderAsync(ct);
        var list = new List<CategoryResponse>();
        while (await reader.ReadAsync(ct))
            list.Add(new(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4)));
        return list;
    }

    /// <summary>Adds a category under <paramref name="parentId"/> (null: a root); false when the id is taken.</summary>
    public async Task<bool> AddCategoryAsync(string id, string? parentId, string name, int sortOrder, CancellationToken ct)
    {
        await using var insert = Db.CreateCommand("""
            INSERT INTO knowledge_categories (id, parent_id, name, path, sort_order, created_at)
            SELECT @id, @parent, @name, coalesce((SELECT path FROM knowledge_categories WHERE id = @parent), '/') || @id || '/', @sort, @now
            ON CONFLICT DO NOTHING
            """);
        insert.Parameters.AddWithValue("id", id);
        insert.Parameters.Add(new NpgsqlParameter("parent", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)parentId ?? DBNull.Value });
        insert.Parameters.AddWithValue("name", name);
        insert.Parameters.AddWithValue("sort", sortOrder);
        insert.Parameters.AddWithValue("now", Time.GetUtcNow());
        return await insert.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>Renames or reorders a category (it never moves: its path is in the search index); false when unknown.</summary>
    public async Task<bool> UpdateCategoryAsync(string id, string name, int? sortOrder, CancellationToken ct)
    {
        await using var update = Db.CreateCommand("UPDATE knowledge_categories SET name = @name, sort_order = coalesce(@sort, sort_order) WHERE id = @id");
        update.Parameters.AddWithValue("id", id);
        update.Parameters.AddWithValue("name", name);
        update.Parameters.Add(new NpgsqlParameter("sort", NpgsqlTypes.NpgsqlDbType.Integer) { Value = (object?)sortOrder ?? DBNull.Value });
        return await update.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<IReadOnlyList<SynonymGroup>> SynonymGroupsAsync(CancellationToken ct)
    {
        await using var select = Db.CreateCommand("SELECT id, terms, updated_by, updated_at FROM knowledge_synonyms ORDER BY id");
        await using var reader = await select.ExecuteReaderAsync(ct);
        var list = new List<SynonymGroup>();
        while (await reader.ReadAsync(ct))
            list.Add(new(reader.GetInt64(0), reader.GetFieldValue<string[]>(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3)));
        return list;
    }

    /// <summary>Adds a group (<paramref name="id"/> null) or replaces one; returns its id, or null when <paramref name="id"/> is unknown.</summary>
    public async Task<long?> SaveSynonymsAsync(long? id, IReadOnlyList<string> terms, string actor, CancellationToken ct)
    {
        await using var command = Db.CreateCommand(id is null
            ? "INSERT INTO knowledge_synonyms (terms, updated_by, updated_at) VALUES (@terms, @actor, @now) RETURNING id"
            : "UPDATE knowledge_synonyms SET terms = @terms, updated_by = @actor, updated_at = @now WHERE id = @id RETURNING id");
        command.Parameters.AddWithValue("terms", terms.Select(t => t.Trim()).ToArray());
        command.Parameters.AddWithValue("actor", actor);
        command.Parameters.AddWithValue("now", Time.GetUtcNow());
        if (id is { } known) command.Parameters.AddWithValue("id", known);
        var saved = await command.ExecuteScalarAsync(ct);
        _synonyms = null;
        return saved as long?;
    }

    public async Task<bool> DeleteSynonymsAsync(long id, CancellationToken ct)
    {
        await using var delete = Db.CreateCommand("DELETE FROM knowledge_synonyms WHERE id = @id");
        delete.Parameters.AddWithValue("id", id);
        var deleted = await delete.ExecuteNonQueryAsync(ct) == 1;
        _synonyms = null;
        return deleted;
    }

    /// <summary>
    /// The synonyms queries use: this process's copy, read again after <see cref="SynonymRefresh"/> (or at once after
    /// a change made here), so another API process's change applies within that time.
    /// </summary>
    internal async Task<SynonymSet> SynonymsAsync(CancellationToken ct)
    {
        var now = Time.GetUtcNow();
        if (_synonyms is { } cached && now - _synonymsLoadedAt < SynonymRefresh) return cached;
        var groups = await SynonymGroupsAsync(ct);
        var set = new SynonymSet(groups.Select(g => g.Terms));
        (_synonyms, _synonymsLoadedAt) = (set, now);
        return set;
    }
}
