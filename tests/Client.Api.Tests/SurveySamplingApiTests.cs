using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Hotline.Tests;

/// <summary>Draws and questionnaires through <c>/api/surveys</c> against real PostgreSQL.</summary>
public sealed class SurveySamplingApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    /// <summary>A confirmed frame of 2 departments × 2 sources: gongan/hotline 120, gongan/carrier 40, shuiwu/hotline 60, shuiwu/carrier 8.</summary>
    private async Task<(HttpClient Lead, long FrameId)> FrameAsync()
    {
        var lead = await api.SignedInAsync("6001");
        var frameId = (await lead.PostOkAsync("/api/surveys/frames", new { name = "评议样本框" })).GetProperty("id").GetInt64();
        var csv = new StringBuilder("number,department,source,county\n");
        var n = 0;
        foreach (var (department, source, size) in new[] { ("gongan", "hotline", 120), ("gongan", "carrier", 40), ("shuiwu", "hotline", 60), ("shuiwu", "carrier", 8) })
            for (var i = 0; i < size; i++)
                csv.Append($"1580000{n++:D4},{department},{source},{(i % 2 == 0 ? "桥西区" : "长安区")}\n");
        var upload = await lead.PostAsync($"/api/surveys/frames/{frameId}/imports",
            new ByteArrayContent(Encoding.UTF8.GetBytes(csv.ToString())) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } });
        var importId = (await upload.AssertOkAsync()).GetProperty("import").GetProperty("id").GetInt64();
        await lead.PostOkAsync($"/api/surveys/frames/{frameId}/imports/{importId}/confirm");
        return (lead, frameId);
    }

    private static object Design(long seed) => new
    {
        seed,
        stratifyBy = new[] { "department", "source" },
        targets = new[] { new { values = new Dictionary<string, string> { ["department"] = "shuiwu", ["source"] = "carrier" }, size = 10 } },
        allocations = new[] { new { values = new Dictionary<string, string> { ["department"] = "gongan" }, total = 25, proportions = new Dictionary<string, double> { ["hotline"] = 0.6, ["carrier"] = 0.4 } } },
    };

    private static async Task<List<string>> MembersAsync(HttpClient client, long drawId) =>
        (await client.GetOkAsync($"/api/surveys/draws/{drawId}/members?limit=1000")).GetProperty("members").EnumerateArray()
            .Select(m => $"{m.Str("stratum")}#{m.GetProperty("ordinal").GetInt32()}:{m.Str("number")}").ToList();

    [Fact]
    public async Task A_draw_records_its_seed_and_strata_and_the_same_seed_draws_the_same_sample()
    {
        var (lead, frameId) = await FrameAsync();
        var draw = await lead.PostOkAsync($"/api/surveys/frames/{frameId}/draws", Design(20261207));

        Assert.Equal(20261207, draw.GetProperty("seed").GetInt64());
        Assert.Contains("number ascending", draw.Str("sortOrder"));
        Assert.Equal(
            [("department=gongan|source=carrier", 40, 10, 10, 0), ("department=gongan|source=hotline", 120, 15, 15, 0), ("department=shuiwu|source=carrier", 8, 10, 8, 2)],
            draw.GetProperty("strata").EnumerateArray().Select(s => (s.Str("stratum"), s.GetProperty("population").GetInt32(), s.GetProperty("target").GetInt32(),
                s.GetProperty("drawn").GetInt32(), s.GetProperty("shortfall").GetInt32())));
        Assert.Equal(8.0, draw.GetProperty("strata")[1].GetProperty("interval").GetDouble(), 9);
        Assert.Equal(33, draw.GetProperty("members").GetInt32());

        var again = await lead.PostOkAsync($"/api/surveys/frames/{frameId}/draws", Design(20261207));
        var other = await lead.PostOkAsync($"/api/surveys/frames/{frameId}/draws", Design(7));
        var first = await MembersAsync(lead, draw.GetProperty("id").GetInt64());
        Assert.Equal(first, await MembersAsync(lead, again.GetProperty("id").GetInt64()));
        Assert.NotEqual(first, await MembersAsync(lead, other.GetProperty("id").GetInt64()));
        Assert.All(first, m => Assert.Matches(@":158\*{4}\d{4}$", m));
    }

    [Fact]
    public async Task Replacement_draws_never_take_a_number_the_sample_already_has_and_do_not_call_numbers_are_never_drawn()
    {
        var (lead, frameId) = await FrameAsync();
        await lead.PostOkAsync("/api/surveys/do-not-call", new { number = "15800000000" }); // the first gongan/hotline number
        var draw = await lead.PostOkAsync($"/api/surveys/frames/{frameId}/draws", new
        {
            seed = 1,
            targets = new[] { new { values = new Dictionary<string, string> { ["department"] = "gongan", ["source"] = "hotline" }, size = 100 } },
        });
        var drawId = draw.GetProperty("id").GetInt64();
        Assert.Equal(119, draw.GetProperty("strata")[0].GetProperty("population").GetInt32());

        var replacement = await (await lead.PostAsJsonAsync($"/api/surveys/draws/{drawId}/replacements",
            new { stratum = "department=gongan|source=hotline", size = 30, seed = 2 })).AssertOkAsync();
        Assert.Equal(drawId, replacement.GetProperty("rootDrawId").GetInt64());
        Assert.Equal((19, 19), (replacement.GetProperty("strata")[0].GetProperty("population").GetInt32(), replacement.GetProperty("members").GetInt32()));

        var all = await NumbersAsync(drawId, replacement.GetProperty("id").GetInt64());
        Assert.Equal(119, all.Count);
        Assert.Equal(119, all.Distinct().Count());
        Assert.DoesNotContain("15800000000", all);

        await (await lead.PostAsJsonAsync($"/api/surveys/draws/{drawId}/replacements", new { stratum = "department=x|source=hotline", size = 1 }))
            .AssertProblemAsync(HttpStatusCode.NotFound, "survey.stratum_not_found");
        await (await lead.PostAsJsonAsync($"/api/surveys/frames/{frameId}/draws", new { targets = Array.Empty<object>() }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
    }

    /// <summary>The whole numbers of two draws, read from the database (the API only shows them masked).</summary>
    private async Task<List<string>> NumbersAsync(params long[] drawIds)
    {
        await using var db = Npgsql.NpgsqlDataSource.Create(api.ConnectionString);
        await using var cmd = db.CreateCommand("SELECT number FROM survey_draw_members WHERE draw_id = ANY (@ids)");
        cmd.Parameters.AddWithValue("ids", drawIds);
        await using var reader = await cmd.ExecuteReaderAsync();
        var numbers = new List<string>();
        while (await reader.ReadAsync()) numbers.Add(reader.GetString(0));
        return numbers;
    }

    private static object Questionnaire(string title) => new
    {
        title,
        departmentKind = "执法类",
        questions = new object[]
        {
            new { id = "contact", type = "single", text = "您今年是否与该部门打过交道?", options = new object[] { new { value = "yes", label = "是" }, new { value = "no", label = "否", next = "end" } } },
            new { id = "overall", type = "satisfaction3", text = "您对该部门的总体评价是?", instruction = "读出三个选项",
                  options = new object[] { new { value = "1" }, new { value = "2" }, new { value = "3", next = "why" } }, next = "end" },
            new { id = "why", type = "text", text = "您不满意的原因是?", maxLength = 200 },
        },
    };

    [Fact]
    public async Task Questionnaires_are_saved_as_versions_checked_on_save_and_old_versions_stay_as_they_were()
    {
        var lead = await api.SignedInAsync("6001");
        var v1 = await lead.PostOkAsync("/api/surveys/questionnaires/zhifa-2026/versions", Questionnaire("执法类 2026"));
        var v2 = await lead.PostOkAsync("/api/surveys/questionnaires/zhifa-2026/versions", Questionnaire("执法类 2026 修订"));
        Assert.Equal((1, 2), (v1.GetProperty("version").GetInt32(), v2.GetProperty("version").GetInt32()));
        Assert.Equal("执法类 2026", (await lead.GetOkAsync("/api/surveys/questionnaires/zhifa-2026/versions/1")).GetProperty("questionnaire").Str("title"));

        var bad = await (await lead.PostAsJsonAsync("/api/surveys/questionnaires/zhifa-2026/versions", new
        {
            title = "坏",
            departmentKind = "执法类",
            questions = new object[] { new { id = "a", type = "single", text = "?", options = new object[] { new { value = "x", label = "X", next = "nowhere" }, new { value = "x", label = "Y" } } } },
        })).AssertProblemAsync(HttpStatusCode.BadRequest, "survey.questionnaire_invalid");
        Assert.True(bad.GetProperty("errors").TryGetProperty("questions[a].options[1].value", out _));
        Assert.Equal([1, 2], (await lead.GetOkAsync("/api/surveys/questionnaires/zhifa-2026")).EnumerateArray().Select(v => v.GetInt32()));

        await (await lead.GetAsync("/api/surveys/questionnaires/zhifa-2026/versions/9"))
            .AssertProblemAsync(HttpStatusCode.NotFound, "survey.questionnaire_version_not_found");

        var export = await lead.GetAsync("/api/surveys/questionnaires/zhifa-2026/versions/2/export");
        Assert.Equal("application/json", export.Content.Headers.ContentType?.MediaType);
        var file = JsonDocument.Parse(await export.Content.ReadAsStringAsync()).RootElement;
        var imported = await lead.PostOkAsync("/api/surveys/questionnaires/import", file);
        Assert.Equal(3, imported.GetProperty("version").GetInt32());
        Assert.Equal(JsonSerializer.Serialize(file.GetProperty("questionnaire")), JsonSerializer.Serialize(imported.GetProperty("questionnaire")));
    }

    [Fact]
    public async Task Answers_are_checked_against_the_version_named_and_an_answer_outside_the_scale_is_refused()
    {
        var lead = await api.SignedInAsync("6001");
        await lead.PostOkAsync("/api/surveys/questionnaires/chuangkou/versions", Questionnaire("窗口类"));
        var supervisor = await api.SignedInAsync("9001");

        var ok = await supervisor.PostOkAsync("/api/surveys/questionnaires/chuangkou/versions/1/answers/check",
            new Dictionary<string, object?> { ["contact"] = "yes", ["overall"] = 3, ["why"] = "办事太慢" });
        Assert.True(ok.GetProperty("valid").GetBoolean());

        var outside = await (await supervisor.PostAsJsonAsync("/api/surveys/questionnaires/chuangkou/versions/1/answers/check",
            new Dictionary<string, object?> { ["contact"] = "yes", ["overall"] = 5 })).AssertProblemAsync(HttpStatusCode.BadRequest, "survey.answers_invalid");
        Assert.Contains("outside the scale", outside.GetProperty("errors").GetProperty("answers.overall")[0].GetString());
        Assert.Equal("answer.out_of_scale", outside.GetProperty("issues")[0].Str("code"));

        var missing = await (await supervisor.PostAsJsonAsync("/api/surveys/questionnaires/chuangkou/versions/1/answers/check",
            new Dictionary<string, object?> { ["contact"] = "yes", ["overall"] = 3, ["extra"] = new { a = 1 } })).AssertProblemAsync(HttpStatusCode.BadRequest, "survey.answers_invalid");
        Assert.Equal(["answers.extra", "answers.why"], missing.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());

        await (await supervisor.PostAsJsonAsync("/api/surveys/questionnaires/chuangkou/versions/2/answers/check", new { contact = "no" }))
            .AssertProblemAsync(HttpStatusCode.NotFound, "survey.questionnaire_version_not_found");
    }
}
