using System.Text.Json;
using Hotline.Surveys;
using Npgsql;
using NpgsqlTypes;

namespace Hotline.Api.Surveys;

/// <summary>Campaign rows, interviews and return-visit verdicts in PostgreSQL (migration 0200_survey_campaigns).</summary>
public sealed class CampaignStore(NpgsqlDataSource db, TimeProvider time)
{
    public sealed record Row(long Id, string Name, string Kind, long? DrawId, string? QuestionnaireId, int? QuestionnaireVersion,
        DateTimeOffset CreatedAt, string CreatedBy);

    public sealed record Interview(string CallId, long CampaignId, string JobNo, Dictionary<string, JsonElement> Answers, string? Disposition);

    private const string RowColumns = "id, name, kind, draw_id, questionnaire_id, questionnaire_version, created_at, created_by";

    public async Task<long> CreateAsync(string name, string kind, long? drawId, string? questionnaireId, int? version,
        string? department, DateTimeOffset? from, DateTimeOffset? to, string user, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            INSERT INTO survey_campaigns (name, kind, draw_id, questionnaire_id, questionnaire_version, visit_department, visit_from, visit_to, created_at, created_by)
            VALUES (@name, @kind, @draw, @q, @v, @dept, @from, @to, @at, @by) RETURNING id
            """);
        cmd.Parameters.AddWithValue("name", name);
        cmd.Parameters.AddWithValue("kind", kind);
        cmd.Parameters.AddWithValue("draw", NpgsqlDbType.Bigint, (object?)drawId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("q", NpgsqlDbType.Text, (object?)questionnaireId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("v", NpgsqlDbType.Integer, (object?)version ?? DBNull.Value);
        cmd.Parameters.AddWithValue("dept", NpgsqlDbType.Text, (object?)department ?? DBNull.Value);
        cmd.Parameters.AddWithValue("from", NpgsqlDbType.TimestampTz, (object?)from ?? DBNull.Value);
        cmd.Parameters.AddWithValue("to", NpgsqlDbType.TimestampTz, (object?)to ?? DBNull.Value);
        cmd.Parameters.AddWithValue("at", time.GetUtcNow());
        cmd.Parameters.AddWithValue("by", user);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Undoes a campaign row whose grain could not be set up, so a refusal leaves nothing behind.</summary>
    public async Task DeleteAsync(long id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("DELETE FROM survey_campaigns WHERE id = @id");
        cmd.Parameters.AddWithValue("id", id);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<Row?> GetAsync(long id, CancellationToken ct) => (await QueryRowsAsync($"SELECT {RowColumns} FROM survey_campaigns WHERE id = @id", id, ct)).FirstOrDefault();

    public Task<List<Row>> ListAsync(CancellationToken ct) => QueryRowsAsync($"SELECT {RowColumns} FROM survey_campaigns ORDER BY id DESC", null, ct);

    private async Task<List<Row>> QueryRowsAsync(string sql, long? id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(sql);
        if (id is not null) cmd.Parameters.AddWithValue("id", id.Value);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var rows = new List<Row>();
        while (await r.ReadAsync(ct))
            rows.Add(new Row(r.GetInt64(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetInt64(3), r.IsDBNull(4) ? null : r.GetString(4),
                r.IsDBNull(5) ? null : r.GetInt32(5), r.GetFieldValue<DateTimeOffset>(6), r.GetString(7)));
        return rows;
    }

    /// <summary>A draw's members with their frame attributes and whole numbers, skipping numbers put on the do-not-call list since.</summary>
    public async Task<List<CampaignCase>> DrawCasesAsync(long drawId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT m.stratum, m.ordinal, m.number, u.county, u.source FROM survey_draw_members m
            JOIN survey_draws d ON d.id = m.draw_id
            JOIN survey_frame_units u ON u.frame_id = d.frame_id AND u.number = m.number
            WHERE m.draw_id = @draw AND NOT EXISTS (SELECT 1 FROM survey_do_not_call n WHERE n.number = m.number)
            ORDER BY m.stratum, m.ordinal
            """);
        cmd.Parameters.AddWithValue("draw", drawId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var cases = new List<CampaignCase>();
        while (await r.ReadAsync(ct))
            cases.Add(new CampaignCase($"{cases.Count + 1}", r.GetString(2), r.GetString(0), r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4), null));
        return cases;
    }

    /// <summary>
    /// Work orders awaiting their return visit (replied) within the period, of the department if one is named, with a
    /// caller's phone, and not yet answered at any return visit: the cases of a return-visit campaign.
    /// </summary>
    public async Task<List<CampaignCase>> VisitCasesAsync(string? department, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT t.number, t.caller_phone, t.lead_department, t.district FROM tickets t
            WHERE t.status = 'replied' AND t.replied_at >= @from AND t.replied_at < @to AND t.caller_phone IS NOT NULL
              AND (@dept::text IS NULL OR t.lead_department = @dept)
              AND NOT EXISTS (SELECT 1 FROM return_visit_results v WHERE v.ticket_number = t.number)
            ORDER BY t.replied_at, t.number
            """);
        cmd.Parameters.AddWithValue("dept", NpgsqlDbType.Text, (object?)department ?? DBNull.Value);
        cmd.Parameters.AddWithValue("from", from);
        cmd.Parameters.AddWithValue("to", to);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var cases = new List<CampaignCase>();
        while (await r.ReadAsync(ct))
            cases.Add(new CampaignCase(r.GetString(0), r.GetString(1), $"department={(r.IsDBNull(2) ? "" : r.GetString(2))}",
                r.IsDBNull(3) ? null : r.GetString(3), "hotline", r.GetString(0)));
        return cases;
    }

    /// <summary>The interview of an answered call, made on first sight.</summary>
    public async Task<Interview> OpenInterviewAsync(string callId, long campaignId, CaseSnapshot c, string? questionnaireId, int? version, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using (var insert = db.CreateCommand("""
            INSERT INTO survey_interviews (call_id, campaign_id, case_id, job_no, stratum, ticket_number, questionnaire_id, questionnaire_version, started_at, updated_at)
            VALUES (@call, @campaign, @case, @job, @stratum, @ticket, @q, @v, @at, @at) ON CONFLICT (call_id) DO NOTHING
            """))
        {
            insert.Parameters.AddWithValue("call", callId);
            insert.Parameters.AddWithValue("campaign", campaignId);
            insert.Parameters.AddWithValue("case", c.Case.CaseId);
            insert.Parameters.AddWithValue("job", c.JobNo ?? "");
            insert.Parameters.AddWithValue("stratum", c.Case.Stratum);
            insert.Parameters.AddWithValue("ticket", NpgsqlDbType.Text, (object?)c.Case.TicketNumber ?? DBNull.Value);
            insert.Parameters.AddWithValue("q", NpgsqlDbType.Text, (object?)questionnaireId ?? DBNull.Value);
            insert.Parameters.AddWithValue("v", NpgsqlDbType.Integer, (object?)version ?? DBNull.Value);
            insert.Parameters.AddWithValue("at", now);
            await insert.ExecuteNonQueryAsync(ct);
        }
        return (await FindInterviewAsync(callId, ct))!;
    }

    public async Task<Interview?> FindInterviewAsync(string callId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT call_id, campaign_id, job_no, answers, disposition FROM survey_interviews WHERE call_id = @call");
        cmd.Parameters.AddWithValue("call", callId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return new Interview(r.GetString(0), r.GetInt64(1), r.GetString(2),
            JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(r.GetString(3))!, r.IsDBNull(4) ? null : r.GetString(4));
    }

    /// <summary>Saves one answer as it is given (a null value clears it); refused once the interview has its disposition.</summary>
    public async Task<bool> SaveAnswerAsync(string callId, string questionId, JsonElement value, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            UPDATE survey_interviews SET answers = CASE WHEN @value::jsonb = 'null'::jsonb THEN answers - @q ELSE jsonb_set(answers, ARRAY[@q], @value::jsonb) END,
                   updated_at = @at
            WHERE call_id = @call AND disposition IS NULL
            """);
        cmd.Parameters.AddWithValue("call", callId);
        cmd.Parameters.AddWithValue("q", questionId);
        cmd.Parameters.AddWithValue("value", NpgsqlDbType.Jsonb, value.GetRawText());
        cmd.Parameters.AddWithValue("at", time.GetUtcNow());
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task SetDispositionAsync(string callId, string disposition, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("UPDATE survey_interviews SET disposition = @d, disposed_at = @at, updated_at = @at WHERE call_id = @call");
        cmd.Parameters.AddWithValue("call", callId);
        cmd.Parameters.AddWithValue("d", disposition);
        cmd.Parameters.AddWithValue("at", time.GetUtcNow());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The respondent was reached: the "not surveyed again within N days" rule of later frames and draws reads this.</summary>
    public async Task RecordContactAsync(string number, long campaignId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("INSERT INTO survey_contacts (number, contacted_at, survey) VALUES (@n, @at, @s)");
        cmd.Parameters.AddWithValue("n", number);
        cmd.Parameters.AddWithValue("at", time.GetUtcNow());
        cmd.Parameters.AddWithValue("s", $"campaign-{campaignId}");
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task RecordVisitAsync(string ticketNumber, long campaignId, string callId, string? department, string satisfaction, string user, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            INSERT INTO return_visit_results (ticket_number, campaign_id, call_id, department, satisfaction, visited_at, visited_by)
            VALUES (@t, @c, @call, @dept, @s, @at, @by) ON CONFLICT (ticket_number) DO NOTHING
            """);
        cmd.Parameters.AddWithValue("t", ticketNumber);
        cmd.Parameters.AddWithValue("c", campaignId);
        cmd.Parameters.AddWithValue("call", callId);
        cmd.Parameters.AddWithValue("dept", NpgsqlDbType.Text, (object?)department ?? DBNull.Value);
        cmd.Parameters.AddWithValue("s", satisfaction);
        cmd.Parameters.AddWithValue("at", time.GetUtcNow());
        cmd.Parameters.AddWithValue("by", user);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Satisfaction per department over the return visits of the period: 满意率 counts satisfied and basically satisfied,
    /// 满意 only the satisfied.
    /// </summary>
    public async Task<List<DepartmentSatisfaction>> SatisfactionAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT department, count(*), count(*) FILTER (WHERE satisfaction = 'satisfied'), count(*) FILTER (WHERE satisfaction = 'basically'),
                   count(*) FILTER (WHERE satisfaction = 'unsatisfied')
            FROM return_visit_results WHERE visited_at >= @from AND visited_at < @to GROUP BY department ORDER BY department NULLS LAST
            """);
        cmd.Parameters.AddWithValue("from", from);
        cmd.Parameters.AddWithValue("to", to);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var rows = new List<DepartmentSatisfaction>();
        while (await r.ReadAsync(ct))
        {
            var (all, s, b, u) = ((int)r.GetInt64(1), (int)r.GetInt64(2), (int)r.GetInt64(3), (int)r.GetInt64(4));
            rows.Add(new DepartmentSatisfaction(r.IsDBNull(0) ? null : r.GetString(0), all, s, b, u,
                all == 0 ? 0 : (double)(s + b) / all, all == 0 ? 0 : (double)s / all));
        }
        return rows;
    }
}
