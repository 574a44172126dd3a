using System.Text.Json;
using Hotline.Surveys;
using Npgsql;
using NpgsqlTypes;

namespace Hotline.Api.Surveys;

/// <summary>Sample draws and their members in PostgreSQL (migration 0140_surveys), and the frame units a draw may use.</summary>
public sealed class SurveyDrawStore(NpgsqlDataSource db, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The frame's usable units: not on the do-not-call list and not surveyed within <paramref name="recentDays"/>,
    /// read when the sample is drawn, so a number listed after its import is still never drawn.
    /// </summary>
    public async Task<(int Revision, List<FrameUnit> Units)> UsableUnitsAsync(long frameId, int recentDays, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        int revision;
        await using (var rev = new NpgsqlCommand("SELECT revision FROM survey_frames WHERE id = @id", connection))
        {
            rev.Parameters.AddWithValue("id", frameId);
            revision = (int)(await rev.ExecuteScalarAsync(ct))!;
        }
        await using var cmd = new NpgsqlCommand("""
            SELECT u.number, u.kind, u.county, u.department, u.category, u.source FROM survey_frame_units u
            WHERE u.frame_id = @frame
              AND NOT EXISTS (SELECT 1 FROM survey_do_not_call d WHERE d.number = u.number)
              AND NOT EXISTS (SELECT 1 FROM survey_contacts c WHERE c.number = u.number AND c.contacted_at >= @since)
            """, connection) { CommandTimeout = 300 };
        cmd.Parameters.AddWithValue("frame", frameId);
        cmd.Parameters.AddWithValue("since", time.GetUtcNow().AddDays(-recentDays));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var units = new List<FrameUnit>();
        while (await reader.ReadAsync(ct))
            units.Add(new FrameUnit(reader.GetString(0), reader.GetString(1) == "mobile" ? PhoneKind.Mobile : PhoneKind.Landline,
                reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetString(5)));
        return (revision, units);
    }

    /// <summary>Every number the draw and its replacement draws took: a replacement never takes one again.</summary>
    public async Task<HashSet<string>> DrawnNumbersAsync(long rootDrawId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT m.number FROM survey_draw_members m JOIN survey_draws d ON d.id = m.draw_id WHERE d.id = @root OR d.root_draw_id = @root
            """);
        cmd.Parameters.AddWithValue("root", rootDrawId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var numbers = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct)) numbers.Add(reader.GetString(0));
        return numbers;
    }

    public async Task<DrawSummary> SaveAsync(long frameId, long? rootDrawId, int frameRevision, int recentDays, SamplingDesign design,
        SampleDraw draw, string user, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        long id;
        await using (var cmd = new NpgsqlCommand("""
            INSERT INTO survey_draws (frame_id, root_draw_id, frame_revision, seed, sort_order, recent_days, design, strata, created_at, created_by)
            VALUES (@frame, @root, @revision, @seed, @sort, @recent, @design, @strata, @at, @by) RETURNING id
            """, connection, tx))
        {
            cmd.Parameters.AddWithValue("frame", frameId);
            cmd.Parameters.AddWithValue("root", NpgsqlDbType.Bigint, (object?)rootDrawId ?? DBNull.Value);
            cmd.Parameters.AddWithValue("revision", frameRevision);
            cmd.Parameters.AddWithValue("seed", draw.Seed);
            cmd.Parameters.AddWithValue("sort", draw.SortOrder);
            cmd.Parameters.AddWithValue("recent", recentDays);
            cmd.Parameters.AddWithValue("design", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(design, Json));
            cmd.Parameters.AddWithValue("strata", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(draw.Strata, Json));
            cmd.Parameters.AddWithValue("at", time.GetUtcNow());
            cmd.Parameters.AddWithValue("by", user);
            id = (long)(await cmd.ExecuteScalarAsync(ct))!;
        }
        await using (var members = await connection.BeginBinaryImportAsync(
            "COPY survey_draw_members (draw_id, stratum, ordinal, number) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var member in draw.Members)
            {
                members.StartRow();
                members.Write(id, NpgsqlDbType.Bigint);
                members.Write(member.Stratum, NpgsqlDbType.Text);
                members.Write(member.Ordinal, NpgsqlDbType.Integer);
                members.Write(member.Unit.Number, NpgsqlDbType.Text);
            }
            await members.CompleteAsync(ct);
        }
        await tx.CommitAsync(ct);
        return (await GetAsync(id, ct))!;
    }

    public async Task<DrawSummary?> GetAsync(long id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT id, frame_id, root_draw_id, frame_revision, seed, sort_order, recent_days, design, strata, created_at, created_by,
                   (SELECT count(*) FROM survey_draw_members m WHERE m.draw_id = d.id)
            FROM survey_draws d WHERE id = @id
            """);
        cmd.Parameters.AddWithValue("id", id);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        var design = JsonSerializer.Deserialize<StoredDesign>(r.GetString(7), Json)!;
        var strata = JsonSerializer.Deserialize<List<StratumDraw>>(r.GetString(8), Json)!;
        return new DrawSummary(r.GetInt64(0), r.GetInt64(1), r.IsDBNull(2) ? null : r.GetInt64(2), r.GetInt32(3), r.GetInt64(4), r.GetString(5),
            r.GetInt32(6), design.StratifyBy, strata, (int)r.GetInt64(11), r.GetFieldValue<DateTimeOffset>(9), r.GetString(10));
    }

    public async Task<IReadOnlyList<DrawSummary>> ListAsync(long frameId, CancellationToken ct)
    {
        var ids = new List<long>();
        await using (var cmd = db.CreateCommand("SELECT id FROM survey_draws WHERE frame_id = @frame ORDER BY id DESC"))
        {
            cmd.Parameters.AddWithValue("frame", frameId);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) ids.Add(reader.GetInt64(0));
        }
        var draws = new List<DrawSummary>();
        foreach (var id in ids) draws.Add((await GetAsync(id, ct))!);
        return draws;
    }

    /// <summary>A page of a draw's members with their frame attributes, numbers masked (the dialler reads them whole).</summary>
    public async Task<DrawMembersResponse> MembersAsync(long drawId, int offset, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT m.stratum, m.ordinal, m.number, u.county, u.department, u.category, u.source, count(*) OVER ()
            FROM survey_draw_members m
            JOIN survey_draws d ON d.id = m.draw_id
            JOIN survey_frame_units u ON u.frame_id = d.frame_id AND u.number = m.number
            WHERE m.draw_id = @draw ORDER BY m.stratum, m.ordinal OFFSET @offset LIMIT @limit
            """);
        cmd.Parameters.AddWithValue("draw", drawId);
        cmd.Parameters.AddWithValue("offset", offset);
        cmd.Parameters.AddWithValue("limit", limit);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var members = new List<DrawMember>();
        var total = 0;
        while (await r.ReadAsync(ct))
        {
            total = (int)r.GetInt64(7);
            members.Add(new DrawMember(r.GetString(0), r.GetInt32(1), PhoneNumbers.Mask(r.GetString(2)), r.IsDBNull(3) ? null : r.GetString(3),
                r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5), r.GetString(6)));
        }
        return new DrawMembersResponse(drawId, total, members);
    }

    private sealed record StoredDesign(List<string> StratifyBy);
}
