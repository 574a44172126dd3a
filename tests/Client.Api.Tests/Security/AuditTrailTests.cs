using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hotline.Api.Audit;
using Hotline.Api.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Hotline.Tests.Security;

/// <summary>
/// The audit trail: writes and sensitive reads recorded with who, from where, what and the outcome; a hash chain
/// that names the first changed or removed row; a table the application's role cannot alter.
/// </summary>
public sealed class AuditTrailTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task A_write_a_sensitive_read_and_a_refused_sign_in_are_recorded_with_who_what_and_outcome()
    {
        var agent = await api.SignedInAsync("1001");
        var number = (await agent.RegisterAsync()).Str("number");
        await agent.GetOkAsync($"/api/tickets/{number}");
        await api.Anonymous().PostAsJsonAsync("/api/auth/login", new { jobNumber = "1007", password = "not-the-password" });
        var auditor = await api.SignedInAsync("9500");

        var mine = await auditor.GetOkAsync("/api/audit?person=1001&pageSize=200");
        var actions = mine.GetProperty("items").EnumerateArray().Select(i => (Action: i.Str("action"), Entity: i.Str("entity"), Outcome: i.GetProperty("outcome").GetInt32(), Roles: i.Str("roles"))).ToList();
        Assert.Contains(("POST /api/tickets", "", 201, "agent"), actions);
        Assert.Contains(("GET /api/tickets/{number}", $"number={number}", 200, "agent"), actions);
        Assert.DoesNotContain(actions, a => a.Action == "GET /api/auth/me");

        var signIn = (await auditor.GetOkAsync("/api/audit?person=1007&action=login")).GetProperty("items").EnumerateArray().Single();
        Assert.Equal(401, signIn.GetProperty("outcome").GetInt32());
        Assert.Equal("", signIn.Str("roles"));
    }

    [Fact]
    public async Task The_audit_is_filtered_by_period_and_exported_as_csv_to_auditors_only()
    {
        var admin = await api.SignedInAsync("9000");
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        await (await admin.PutAsJsonAsync("/api/calendar/2031", new { holidays = Array.Empty<object>(), workdays = Array.Empty<object>() })).Content.ReadAsStringAsync();
        var auditor = await api.SignedInAsync("9500");

        var csv = await auditor.GetAsync($"/api/audit/export?person=9000&from={Uri.EscapeDataString(before.ToString("O"))}");
        var text = await csv.Content.ReadAsStringAsync();
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("id,at,jobNo,roles,source,action,entity,outcome,hash", text.TrimStart('\uFEFF'));
        Assert.Contains("\"PUT /api/calendar/{year:int}\"", text);
        var empty = await auditor.GetOkAsync($"/api/audit?person=9000&to={Uri.EscapeDataString(before.AddDays(-1).ToString("O"))}");
        Assert.Equal(0, empty.GetProperty("total").GetInt64());

        await (await (await api.SignedInAsync("1001")).GetAsync("/api/audit")).AssertProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
        await (await auditor.GetAsync("/api/audit?pageSize=5000")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
    }

    [Fact]
    public async Task The_application_role_can_insert_and_read_the_audit_but_not_change_delete_truncate_or_drop_it()
    {
        await using var app = NpgsqlDataSource.Create(api.ConnectionString);
        foreach (var sql in new[]
                 {
                     "UPDATE audit.entries SET outcome = 200",
                     "DELETE FROM audit.entries",
                     "TRUNCATE audit.entries",
                     "DROP TABLE audit.entries",
                     "ALTER TABLE audit.entries DISABLE TRIGGER ALL",
                     "CREATE TRIGGER t BEFORE INSERT ON audit.entries FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger()",
                 })
        {
            await using var command = app.CreateCommand(sql);
            var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
            Assert.True(refused.SqlState is PostgresErrorCodes.InsufficientPrivilege, $"{sql}: {refused.SqlState} {refused.MessageText}");
        }
        await using var read = app.CreateCommand("SELECT count(*) FROM audit.entries");
        Assert.True((long)(await read.ExecuteScalarAsync())! >= 0);
    }

    [Fact]
    public async Task Verification_names_the_first_row_the_owner_changed_and_then_the_row_after_one_the_owner_deleted()
    {
        var agent = await api.SignedInAsync("1002");
        for (var i = 0; i < 4; i++) await agent.RegisterAsync();
        var auditor = await api.SignedInAsync("9500");
        var intact = await auditor.GetOkAsync("/api/audit/verify");
        Assert.True(intact.GetProperty("intact").GetBoolean(), intact.ToString());
        var rows = await IdsAsync();
        Assert.True(rows.Count >= 6);

        await AsOwnerAsync($"UPDATE audit.entries SET outcome = 200 WHERE id = {rows[2]}");
        var changed = await auditor.GetOkAsync("/api/audit/verify");
        Assert.False(changed.GetProperty("intact").GetBoolean());
        Assert.Equal(rows[2], changed.GetProperty("brokenAt").GetInt64());
        Assert.Contains("content does not match", changed.Str("reason"));

        await AsOwnerAsync($"DELETE FROM audit.entries WHERE id = {rows[2]}");
        var deleted = await auditor.GetOkAsync("/api/audit/verify");
        Assert.Equal(rows[3], deleted.GetProperty("brokenAt").GetInt64());
        Assert.Contains($"row {rows[1]}", deleted.Str("reason"));

        var output = new StringWriter();
        var exit = await AuditVerifyCommand.RunAsync(["audit-verify", $"--ConnectionStrings:Hotline={api.ConnectionString}"], output, TextWriter.Null);
        Assert.Equal(2, exit);
        Assert.Contains($"BROKEN at row {rows[3]}", output.ToString());
    }

    [Fact]
    public void A_record_changed_in_any_field_no_longer_matches_its_hash()
    {
        var record = new AuditRecord(new DateTimeOffset(2026, 12, 7, 9, 30, 0, TimeSpan.Zero), "1001", "agent", "192.0.2.1", "POST /api/tickets", "", 201);
        var hash = AuditChain.HashOf(record, AuditChain.Genesis);

        Assert.Equal(hash, AuditChain.HashOf(record, AuditChain.Genesis));
        foreach (var changed in new[] { record with { JobNo = "1002" }, record with { Outcome = 200 }, record with { At = record.At.AddTicks(10) },
                     record with { Source = "192.0.2.2" }, record with { Entity = "number=1" }, record with { Roles = "admin" } })
            Assert.NotEqual(hash, AuditChain.HashOf(changed, AuditChain.Genesis));
        Assert.NotEqual(hash, AuditChain.HashOf(record, hash));
    }

    private async Task<List<long>> IdsAsync()
    {
        await api.Factory.Services.GetRequiredService<AuditLog>().FlushAsync();
        await using var db = NpgsqlDataSource.Create(api.ConnectionString);
        await using var command = db.CreateCommand("SELECT id FROM audit.entries ORDER BY id");
        var ids = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) ids.Add(reader.GetInt64(0));
        return ids;
    }

    /// <summary>As the table's owner (hotline_audit, the test server's development password), who can alter it.</summary>
    private async Task AsOwnerAsync(string sql)
    {
        var owner = new NpgsqlConnectionStringBuilder(api.ConnectionString) { Username = "hotline_audit", Password = "hotline_audit" };
        await using var db = NpgsqlDataSource.Create(owner.ConnectionString);
        await using var command = db.CreateCommand(sql);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}
