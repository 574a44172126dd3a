using Hotline.Surveys;
using Npgsql;
using NpgsqlTypes;

namespace Hotline.Api.Surveys;

public enum ConfirmOutcome
{
    Confirmed,
    NotFound,
    NotPending,
    /// <summary>The frame changed after the preview was made: its duplicates would be wrong, so it must be uploaded again.</summary>
    Stale,
}

/// <summary>
/// Sample frames, their imports and the do-not-call list in PostgreSQL (migration 0140_surveys). Previews and
/// confirmations are single transactions; rows go in by binary COPY, so a million-row file loads in seconds.
/// </summary>
public sealed class SurveyFrameStore(NpgsqlDataSource db, TimeProvider time)
{
    public const int IssuesShown = 1000;

    private const string ImportColumns = """
        id, frame_id, status, format, file_name, default_source, recent_days, row_count, accepted, bad, duplicates, excluded,
        created_at, created_by, decided_at, decided_by
        """;

    public async Task<FrameSummary> CreateFrameAsync(string name, string? description, string user, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            INSERT INTO survey_frames (name, description, created_at, created_by) VALUES (@name, @description, @at, @by)
            RETURNING id, name, description, revision, 0::bigint, created_at, created_by
            """);
        cmd.Parameters.AddWithValue("name", name);
        cmd.Parameters.AddWithValue("description", NpgsqlDbType.Text, (object?)description ?? DBNull.Value);
        cmd.Parameters.AddWithValue("at", time.GetUtcNow());
        cmd.Parameters.AddWithValue("by", user);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return ReadFrame(reader);
    }

    public async Task<IReadOnlyList<FrameSummary>> ListFramesAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT f.id, f.name, f.description, f.revision, (SELECT count(*) FROM survey_frame_units u WHERE u.frame_id = f.id),
                   f.created_at, f.created_by
            FROM survey_frames f ORDER BY f.id DESC
            """);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var frames = new List<FrameSummary>();
        while (await reader.ReadAsync(ct)) frames.Add(ReadFrame(reader));
        return frames;
    }

    public async Task<FrameSummary?> FindFrameAsync(long id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT f.id, f.name, f.description, f.revision, (SELECT count(*) FROM survey_frame_units u WHERE u.frame_id = f.id),
                   f.created_at, f.created_by
            FROM survey_frames f WHERE f.id = @id
            """);
        cmd.Parameters.AddWithValue("id", id);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadFrame(reader) : null;
    }

    public async Task<FrameDetail?> GetFrameAsync(long id, CancellationToken ct)
    {
        if (await FindFrameAsync(id, ct) is not { } frame) return null;
        var imports = new List<ImportSummary>();
        await using (var cmd = db.CreateCommand($"SELECT {ImportColumns} FROM survey_imports WHERE frame_id = @id ORDER BY id DESC"))
        {
            cmd.Parameters.AddWithValue("id", id);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) imports.Add(ReadImport(reader));
        }
        var cells = new List<FrameCell>();
        await using (var cmd = db.CreateCommand("""
            SELECT department, source, count(*) FROM survey_frame_units WHERE frame_id = @id GROUP BY department, source ORDER BY department NULLS LAST, source
            """))
        {
            cmd.Parameters.AddWithValue("id", id);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) cells.Add(new FrameCell(reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        }
        return new FrameDetail(frame, await CountByAsync(id, "source", ct), await CountByAsync(id, "department", ct),
            await CountByAsync(id, "county", ct), cells, imports);
    }

    private async Task<IReadOnlyList<FrameCount>> CountByAsync(long id, string column, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            $"SELECT {column}, count(*) FROM survey_frame_units WHERE frame_id = @id GROUP BY {column} ORDER BY {column} NULLS LAST");
        cmd.Parameters.AddWithValue("id", id);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var counts = new List<FrameCount>();
        while (await reader.ReadAsync(ct)) counts.Add(new FrameCount(reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetInt64(1)));
        return counts;
    }

    /// <summary>What an upload is screened against: the frame's numbers, the do-not-call list, numbers surveyed within <paramref name="recentDays"/>.</summary>
    public async Task<(int Revision, HashSet<string> InFrame, HashSet<string> DoNotCall, HashSet<string> Recent)> ScreeningAsync(
        long frameId, int recentDays, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        int revision;
        await using (var cmd = new NpgsqlCommand("SELECT revision FROM survey_frames WHERE id = @id", connection))
        {
            cmd.Parameters.AddWithValue("id", frameId);
            revision = (int)(await cmd.ExecuteScalarAsync(ct))!;
        }
        var inFrame = await NumbersAsync(connection, "SELECT number FROM survey_frame_units WHERE frame_id = @p", frameId, ct);
        var doNotCall = await NumbersAsync(connection, "SELECT number FROM survey_do_not_call", null, ct);
        var recent = await NumbersAsync(connection, "SELECT DISTINCT number FROM survey_contacts WHERE contacted_at >= @p",
            time.GetUtcNow().AddDays(-recentDays), ct);
        return (revision, inFrame, doNotCall, recent);
    }

    private static async Task<HashSet<string>> NumbersAsync(NpgsqlConnection connection, string sql, object? parameter, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        if (parameter is not null) cmd.Parameters.AddWithValue("p", parameter);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var numbers = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct)) numbers.Add(reader.GetString(0));
        return numbers;
    }

    /// <summary>Keeps a screened upload as a pending import: the summary, its accepted rows and its issues, in one transaction.</summary>
    public async Task<ImportPreviewResponse> SavePreviewAsync(long frameId, string format, string? fileName, string? defaultSource, int recentDays,
        int baseRevision, ImportPreview preview, string user, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        long importId;
        await using (var cmd = new NpgsqlCommand("""
            INSERT INTO survey_imports (frame_id, format, file_name, default_source, recent_days, base_revision, row_count, accepted, bad,
                                        duplicates, excluded, created_at, created_by)
            VALUES (@frame, @format, @file, @source, @recent, @revision, @rows, @accepted, @bad, @duplicates, @excluded, @at, @by)
            RETURNING id
            """, connection, tx))
        {
            cmd.Parameters.AddWithValue("frame", frameId);
            cmd.Parameters.AddWithValue("format", format);
            cmd.Parameters.AddWithValue("file", NpgsqlDbType.Text, (object?)fileName ?? DBNull.Value);
            cmd.Parameters.AddWithValue("source", NpgsqlDbType.Text, (object?)defaultSource ?? DBNull.Value);
            cmd.Parameters.AddWithValue("recent", recentDays);
            cmd.Parameters.AddWithValue("revision", baseRevision);
            cmd.Parameters.AddWithValue("rows", preview.Rows);
            cmd.Parameters.AddWithValue("accepted", preview.Accepted.Count);
            cmd.Parameters.AddWithValue("bad", preview.Bad);
            cmd.Parameters.AddWithValue("duplicates", preview.Duplicates);
            cmd.Parameters.AddWithValue("excluded", preview.Excluded);
            cmd.Parameters.AddWithValue("at", time.GetUtcNow());
            cmd.Parameters.AddWithValue("by", user);
            importId = (long)(await cmd.ExecuteScalarAsync(ct))!;
        }

        // Written synchronously row by row: an await per value costs more than the value itself, and the importer
        // only blocks when its buffer goes out to the server.
        await using (var rows = await connection.BeginBinaryImportAsync(
            "COPY survey_import_rows (import_id, line, number, kind, county, department, category, source) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var (line, unit) in preview.Accepted)
            {
                rows.StartRow();
                rows.Write(importId, NpgsqlDbType.Bigint);
                rows.Write(line, NpgsqlDbType.Integer);
                rows.Write(unit.Number, NpgsqlDbType.Text);
                rows.Write(KindName(unit.Kind), NpgsqlDbType.Text);
                WriteText(rows, unit.County);
                WriteText(rows, unit.Department);
                WriteText(rows, unit.Category);
                rows.Write(unit.Source, NpgsqlDbType.Text);
            }
            await rows.CompleteAsync(ct);
        }

        await using (var issues = await connection.BeginBinaryImportAsync(
            "COPY survey_import_issues (import_id, line, kind, field, code, reason, number) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var issue in preview.Issues)
            {
                issues.StartRow();
                issues.Write(importId, NpgsqlDbType.Bigint);
                issues.Write(issue.Line, NpgsqlDbType.Integer);
                issues.Write(IssueKindName(issue.Kind), NpgsqlDbType.Text);
                issues.Write(issue.Field, NpgsqlDbType.Text);
                issues.Write(issue.Code, NpgsqlDbType.Text);
                issues.Write(issue.Reason, NpgsqlDbType.Text);
                WriteText(issues, issue.Number);
            }
            await issues.CompleteAsync(ct);
        }
        await tx.CommitAsync(ct);
        return (await GetImportAsync(frameId, importId, ct))!;
    }

    public async Task<ImportPreviewResponse?> GetImportAsync(long frameId, long importId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        if (await ReadImportAsync(connection, null, frameId, importId, false, ct) is not { } import) return null;
        var issues = new List<ImportIssueResponse>();
        await using (var cmd = new NpgsqlCommand(
            "SELECT line, kind, field, code, reason, number FROM survey_import_issues WHERE import_id = @id ORDER BY line LIMIT @limit", connection))
        {
            cmd.Parameters.AddWithValue("id", importId);
            cmd.Parameters.AddWithValue("limit", IssuesShown + 1);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                issues.Add(new ImportIssueResponse(reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
        }
        var truncated = issues.Count > IssuesShown;
        return new ImportPreviewResponse(import, truncated ? issues[..IssuesShown] : issues, truncated);
    }

    /// <summary>
    /// Moves a pending import's rows into the frame, all or nothing. Numbers put on the do-not-call list since the
    /// preview are left out and counted; a frame changed since the preview refuses (its duplicates are out of date).
    /// </summary>
    public async Task<(ConfirmOutcome Outcome, ImportConfirmation? Confirmation)> ConfirmImportAsync(long frameId, long importId, string user, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        int revision;
        await using (var lockFrame = new NpgsqlCommand("SELECT revision FROM survey_frames WHERE id = @id FOR UPDATE", connection, tx))
        {
            lockFrame.Parameters.AddWithValue("id", frameId);
            if (await lockFrame.ExecuteScalarAsync(ct) is not int current) return (ConfirmOutcome.NotFound, null);
            revision = current;
        }
        if (await ReadImportAsync(connection, tx, frameId, importId, true, ct) is not { } import) return (ConfirmOutcome.NotFound, null);
        if (import.Status != "pending") return (ConfirmOutcome.NotPending, null);
        int baseRevision;
        await using (var read = new NpgsqlCommand("SELECT base_revision FROM survey_imports WHERE id = @id", connection, tx))
        {
            read.Parameters.AddWithValue("id", importId);
            baseRevision = (int)(await read.ExecuteScalarAsync(ct))!;
        }
        if (baseRevision != revision) return (ConfirmOutcome.Stale, null);
        await using (var count = new NpgsqlCommand("SELECT count(*) FROM survey_import_rows WHERE import_id = @id", connection, tx))
        {
            // The pending rows are unlogged: after a database crash they are gone, and the preview must be made again.
            count.Parameters.AddWithValue("id", importId);
            if ((long)(await count.ExecuteScalarAsync(ct))! != import.Accepted) return (ConfirmOutcome.Stale, null);
        }

        int added;
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO survey_frame_units (frame_id, number, kind, county, department, category, source, import_id)
            SELECT @frame, r.number, r.kind, r.county, r.department, r.category, r.source, r.import_id
            FROM survey_import_rows r
            WHERE r.import_id = @import AND NOT EXISTS (SELECT 1 FROM survey_do_not_call d WHERE d.number = r.number)
            """, connection, tx) { CommandTimeout = 300 })
        {
            insert.Parameters.AddWithValue("frame", frameId);
            insert.Parameters.AddWithValue("import", importId);
            added = await insert.ExecuteNonQueryAsync(ct);
        }
        await using (var finish = new NpgsqlCommand("""
            DELETE FROM survey_import_rows WHERE import_id = @import;
            UPDATE survey_imports SET status = 'confirmed', decided_at = @at, decided_by = @by WHERE id = @import;
            UPDATE survey_frames SET revision = revision + 1 WHERE id = @frame;
            """, connection, tx))
        {
            finish.Parameters.AddWithValue("import", importId);
            finish.Parameters.AddWithValue("frame", frameId);
            finish.Parameters.AddWithValue("at", time.GetUtcNow());
            finish.Parameters.AddWithValue("by", user);
            await finish.ExecuteNonQueryAsync(ct);
        }
        var decided = (await ReadImportAsync(connection, tx, frameId, importId, false, ct))!;
        await tx.CommitAsync(ct);
        return (ConfirmOutcome.Confirmed, new ImportConfirmation(decided, added, import.Accepted - added));
    }

    /// <summary>Drops a pending import: its rows go, its report stays as discarded.</summary>
    public async Task<ConfirmOutcome> DiscardImportAsync(long frameId, long importId, string user, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (await ReadImportAsync(connection, tx, frameId, importId, true, ct) is not { } import) return ConfirmOutcome.NotFound;
        if (import.Status != "pending") return ConfirmOutcome.NotPending;
        await using (var cmd = new NpgsqlCommand("""
            DELETE FROM survey_import_rows WHERE import_id = @import;
            UPDATE survey_imports SET status = 'discarded', decided_at = @at, decided_by = @by WHERE id = @import;
            """, connection, tx))
        {
            cmd.Parameters.AddWithValue("import", importId);
            cmd.Parameters.AddWithValue("at", time.GetUtcNow());
            cmd.Parameters.AddWithValue("by", user);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return ConfirmOutcome.Confirmed;
    }

    /// <summary>The callers of the work orders that match, one row per order (newest first), as the hotline source's rows.</summary>
    public async Task<List<FrameImportRow>> CallerRowsAsync(CallerImportRequest filter, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT caller_phone, district, lead_department, category FROM tickets
            WHERE caller_phone IS NOT NULL AND btrim(caller_phone) <> ''
              AND (@department::text IS NULL OR lead_department = @department OR @department = ANY (co_departments))
              AND (@category::text IS NULL OR category = @category)
              AND (@kind::text IS NULL OR kind = @kind)
              AND (@county::text IS NULL OR district = @county)
              AND (@from::timestamptz IS NULL OR created_at >= @from)
              AND (@to::timestamptz IS NULL OR created_at < @to)
            ORDER BY created_at DESC, number
            LIMIT @limit
            """);
        cmd.Parameters.AddWithValue("department", NpgsqlDbType.Text, (object?)filter.Department ?? DBNull.Value);
        cmd.Parameters.AddWithValue("category", NpgsqlDbType.Text, (object?)filter.Category ?? DBNull.Value);
        cmd.Parameters.AddWithValue("kind", NpgsqlDbType.Text, (object?)filter.Kind ?? DBNull.Value);
        cmd.Parameters.AddWithValue("county", NpgsqlDbType.Text, (object?)filter.County ?? DBNull.Value);
        cmd.Parameters.AddWithValue("from", NpgsqlDbType.TimestampTz, (object?)filter.From ?? DBNull.Value);
        cmd.Parameters.AddWithValue("to", NpgsqlDbType.TimestampTz, (object?)filter.To ?? DBNull.Value);
        cmd.Parameters.AddWithValue("limit", FrameImportScreen.MaxRows);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var rows = new List<FrameImportRow>();
        while (await reader.ReadAsync(ct))
            rows.Add(new FrameImportRow(rows.Count + 1, reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), FrameSources.Hotline));
        return rows;
    }

    public async Task<bool> IsOnDoNotCallAsync(string number, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT EXISTS (SELECT 1 FROM survey_do_not_call WHERE number = @number)");
        cmd.Parameters.AddWithValue("number", number);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public async Task<IReadOnlyList<DoNotCallEntry>> ListDoNotCallAsync(int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT number, reason, added_at, added_by FROM survey_do_not_call ORDER BY added_at DESC, number LIMIT @limit");
        cmd.Parameters.AddWithValue("limit", limit);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var entries = new List<DoNotCallEntry>();
        while (await reader.ReadAsync(ct))
            entries.Add(new DoNotCallEntry(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetString(3)));
        return entries;
    }

    /// <summary>Adds a number; false if it was on the list already.</summary>
    public async Task<bool> AddDoNotCallAsync(string number, string? reason, string user, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            INSERT INTO survey_do_not_call (number, reason, added_at, added_by) VALUES (@number, @reason, @at, @by) ON CONFLICT (number) DO NOTHING
            """);
        cmd.Parameters.AddWithValue("number", number);
        cmd.Parameters.AddWithValue("reason", NpgsqlDbType.Text, (object?)reason ?? DBNull.Value);
        cmd.Parameters.AddWithValue("at", time.GetUtcNow());
        cmd.Parameters.AddWithValue("by", user);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<bool> RemoveDoNotCallAsync(string number, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("DELETE FROM survey_do_not_call WHERE number = @number");
        cmd.Parameters.AddWithValue("number", number);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    private static async Task<ImportSummary?> ReadImportAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, long frameId, long importId,
        bool forUpdate, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"SELECT {ImportColumns} FROM survey_imports WHERE id = @id AND frame_id = @frame{(forUpdate ? " FOR UPDATE" : "")}", connection, tx);
        cmd.Parameters.AddWithValue("id", importId);
        cmd.Parameters.AddWithValue("frame", frameId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadImport(reader) : null;
    }

    private static ImportSummary ReadImport(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5),
        r.GetInt32(6), r.GetInt32(7), r.GetInt32(8), r.GetInt32(9), r.GetInt32(10), r.GetInt32(11), r.GetFieldValue<DateTimeOffset>(12),
        r.GetString(13), r.IsDBNull(14) ? null : r.GetFieldValue<DateTimeOffset>(14), r.IsDBNull(15) ? null : r.GetString(15));

    private static FrameSummary ReadFrame(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetInt32(3), r.GetInt64(4), r.GetFieldValue<DateTimeOffset>(5), r.GetString(6));

    internal static string KindName(PhoneKind kind) => kind == PhoneKind.Mobile ? "mobile" : "landline";

    private static string IssueKindName(ImportIssueKind kind) => kind switch
    {
        ImportIssueKind.Bad => "bad",
        ImportIssueKind.Duplicate => "duplicate",
        _ => "excluded",
    };

    private static void WriteText(NpgsqlBinaryImporter importer, string? value)
    {
        if (value is null) importer.WriteNull();
        else importer.Write(value, NpgsqlDbType.Text);
    }
}
