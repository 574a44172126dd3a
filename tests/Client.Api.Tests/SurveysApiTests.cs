using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using MiniExcelLibs;

namespace Hotline.Tests;

/// <summary>
/// Sample frames through <c>/api/surveys</c> against real PostgreSQL: CSV and .xlsx uploads are previewed with a line
/// report and enter the frame only when confirmed, all at once; refusals leave the frame as it was.
/// </summary>
public sealed class SurveysApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    private async Task<(HttpClient Lead, long FrameId)> NewFrameAsync(string name)
    {
        var lead = await api.SignedInAsync("6001");
        var frame = await lead.PostOkAsync("/api/surveys/frames", new { name, description = "民主评议" });
        return (lead, frame.GetProperty("id").GetInt64());
    }

    private static Task<HttpResponseMessage> UploadAsync(HttpClient client, long frameId, byte[] content, string type, string query = "") =>
        client.PostAsync($"/api/surveys/frames/{frameId}/imports?fileName=list{query}",
            new ByteArrayContent(content) { Headers = { ContentType = new MediaTypeHeaderValue(type) } });

    private static byte[] Csv(string text) => Encoding.UTF8.GetBytes(text);

    private static async Task<long> UnitsAsync(HttpClient client, long frameId) =>
        (await client.GetOkAsync($"/api/surveys/frames/{frameId}")).GetProperty("frame").GetProperty("units").GetInt64();

    [Fact]
    public async Task A_csv_upload_is_previewed_with_a_line_report_and_enters_the_frame_only_when_confirmed()
    {
        var (lead, frameId) = await NewFrameAsync("csv");
        await lead.PostOkAsync("/api/surveys/do-not-call", new { number = "+86 139-0000-0001", reason = "本人要求" });
        var csv = Csv("""
            电话,区县,被评议部门,来源
            138 1234 5678,桥西区,gongan,热线
            13812345678,长安区,gongan,热线
            12345,桥西区,gongan,热线
            13900000001,桥西区,gongan,运营商
            0311-86001234,裕华区,shuiwu,企业
            """);

        var response = await UploadAsync(lead, frameId, csv, "text/csv");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var preview = await response.AssertOkAsync();
        var import = preview.GetProperty("import");
        Assert.Equal(("pending", 5, 2, 1, 1, 1), (import.Str("status"), import.GetProperty("rows").GetInt32(), import.GetProperty("accepted").GetInt32(),
            import.GetProperty("bad").GetInt32(), import.GetProperty("duplicates").GetInt32(), import.GetProperty("excluded").GetInt32()));
        Assert.Equal([(3, "duplicate", "import.duplicate_in_file"), (4, "bad", "phone.service_number"), (5, "excluded", "import.do_not_call")],
            preview.GetProperty("issues").EnumerateArray().Select(i => (i.GetProperty("line").GetInt32(), i.Str("kind"), i.Str("code"))));
        Assert.Equal("139****0001", preview.GetProperty("issues")[2].Str("number"));
        Assert.Equal(0, await UnitsAsync(lead, frameId));

        var importId = import.GetProperty("id").GetInt64();
        var confirmed = await lead.PostOkAsync($"/api/surveys/frames/{frameId}/imports/{importId}/confirm");
        Assert.Equal(2, confirmed.GetProperty("added").GetInt32());
        var frame = await lead.GetOkAsync($"/api/surveys/frames/{frameId}");
        Assert.Equal(2, frame.GetProperty("frame").GetProperty("units").GetInt64());
        Assert.Equal([("enterprise", 1L), ("hotline", 1L)],
            frame.GetProperty("bySource").EnumerateArray().Select(c => (c.Str("value"), c.GetProperty("units").GetInt64())));

        await (await lead.PostAsync($"/api/surveys/frames/{frameId}/imports/{importId}/confirm", null))
            .AssertProblemAsync(HttpStatusCode.Conflict, "survey.import_not_pending");
        Assert.Equal(2, await UnitsAsync(lead, frameId));
    }

    [Fact]
    public async Task An_xlsx_upload_with_numeric_cells_imports_and_numbers_already_in_the_frame_from_another_source_are_duplicates()
    {
        var (lead, frameId) = await NewFrameAsync("xlsx");
        var first = await (await UploadAsync(lead, frameId, Csv("number,department,source\n13700000001,gongan,department\n"), "text/csv")).AssertOkAsync();
        await lead.PostOkAsync($"/api/surveys/frames/{frameId}/imports/{first.GetProperty("import").GetProperty("id").GetInt64()}/confirm");

        using var sheet = new MemoryStream();
        sheet.SaveAs(new[]
        {
            new Dictionary<string, object> { ["号码"] = 13700000001L, ["部门"] = "gongan", ["区县"] = "桥西区" },
            new Dictionary<string, object> { ["号码"] = 13700000002L, ["部门"] = "gongan", ["区县"] = "桥西区" },
            new Dictionary<string, object> { ["号码"] = "010-87654321", ["部门"] = "shuiwu", ["区县"] = "长安区" },
            new Dictionary<string, object> { ["号码"] = "1370000", ["部门"] = "shuiwu", ["区县"] = "长安区" },
        }, excelType: ExcelType.XLSX);

        var preview = await (await UploadAsync(lead, frameId, sheet.ToArray(), Xlsx, "&source=carrier")).AssertOkAsync();
        Assert.Equal([(2, "import.duplicate_in_frame"), (5, "phone.invalid_mobile")],
            preview.GetProperty("issues").EnumerateArray().Select(i => (i.GetProperty("line").GetInt32(), i.Str("code"))));
        var confirmed = await lead.PostOkAsync($"/api/surveys/frames/{frameId}/imports/{preview.GetProperty("import").GetProperty("id").GetInt64()}/confirm");
        Assert.Equal(2, confirmed.GetProperty("added").GetInt32());
        var frame = await lead.GetOkAsync($"/api/surveys/frames/{frameId}");
        Assert.Equal([("carrier", 2L), ("department", 1L)],
            frame.GetProperty("bySource").EnumerateArray().Select(c => (c.Str("value"), c.GetProperty("units").GetInt64())));
    }

    [Fact]
    public async Task A_malformed_file_is_refused_whole_and_stores_no_import()
    {
        var (lead, frameId) = await NewFrameAsync("malformed");
        var unclosed = await (await UploadAsync(lead, frameId, Csv("number,department\n13812345678,\"gongan\n13812345679,x\n"), "text/csv"))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "survey.import_malformed");
        Assert.Equal("file", unclosed.Str("field"));
        var noNumber = await (await UploadAsync(lead, frameId, Csv("county,department\n桥西区,gongan\n"), "text/csv"))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "survey.import_malformed");
        Assert.Equal(1, noNumber.GetProperty("line").GetInt32());
        await (await UploadAsync(lead, frameId, [1, 2, 3, 4], Xlsx)).AssertProblemAsync(HttpStatusCode.BadRequest, "survey.import_malformed");
        await (await UploadAsync(lead, frameId, Csv("number\n13812345678\n"), "application/pdf"))
            .AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, "request.unsupported_media_type");
        await (await UploadAsync(lead, frameId, Csv("number\n13812345678\n"), "text/csv", "&source=weibo"))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");

        var frame = await lead.GetOkAsync($"/api/surveys/frames/{frameId}");
        Assert.Empty(frame.GetProperty("imports").EnumerateArray());
        Assert.Equal(0, frame.GetProperty("frame").GetProperty("units").GetInt64());
    }

    [Fact]
    public async Task A_preview_made_before_another_import_was_confirmed_is_stale_and_changes_nothing()
    {
        var (lead, frameId) = await NewFrameAsync("stale");
        var a = await (await UploadAsync(lead, frameId, Csv("number,source\n13600000001,hotline\n"), "text/csv")).AssertOkAsync();
        var b = await (await UploadAsync(lead, frameId, Csv("number,source\n13600000001,carrier\n13600000002,carrier\n"), "text/csv")).AssertOkAsync();
        await lead.PostOkAsync($"/api/surveys/frames/{frameId}/imports/{a.GetProperty("import").GetProperty("id").GetInt64()}/confirm");

        await (await lead.PostAsync($"/api/surveys/frames/{frameId}/imports/{b.GetProperty("import").GetProperty("id").GetInt64()}/confirm", null))
            .AssertProblemAsync(HttpStatusCode.Conflict, "survey.import_stale");
        Assert.Equal(1, await UnitsAsync(lead, frameId));
        var discard = await lead.PostAsync($"/api/surveys/frames/{frameId}/imports/{b.GetProperty("import").GetProperty("id").GetInt64()}/discard", null);
        Assert.Equal(HttpStatusCode.NoContent, discard.StatusCode);
    }

    [Fact]
    public async Task A_number_on_the_do_not_call_list_is_refused_and_the_frame_is_unchanged()
    {
        var (lead, frameId) = await NewFrameAsync("dnc");
        await lead.PostOkAsync("/api/surveys/do-not-call", new { number = "13512345678" });
        var refused = await (await lead.PostAsJsonAsync($"/api/surveys/frames/{frameId}/units", new { number = "135-1234-5678", department = "gongan" }))
            .AssertProblemAsync(HttpStatusCode.Conflict, "survey.do_not_call");
        Assert.Equal("number", refused.Str("field"));
        Assert.Equal(0, await UnitsAsync(lead, frameId));

        var added = await lead.PostAsJsonAsync($"/api/surveys/frames/{frameId}/units", new { number = "13512345679", department = "gongan", source = "department" });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        await (await lead.PostAsJsonAsync($"/api/surveys/frames/{frameId}/units", new { number = "13512345679" }))
            .AssertProblemAsync(HttpStatusCode.Conflict, "survey.unit_exists");
        await (await lead.PostAsJsonAsync($"/api/surveys/frames/{frameId}/units", new { number = "12345" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Equal(1, await UnitsAsync(lead, frameId));
    }

    [Fact]
    public async Task Demo_mode_seeds_a_small_evaluation_a_frame_without_its_do_not_call_number_and_a_valid_questionnaire()
    {
        var lead = await api.SignedInAsync("6001");
        var demo = (await lead.GetOkAsync("/api/surveys/frames")).EnumerateArray().Single(f => f.Str("name") == "2026 民主评议演示样本框");
        Assert.Equal(239, demo.GetProperty("units").GetInt64());
        var frame = await lead.GetOkAsync($"/api/surveys/frames/{demo.GetProperty("id").GetInt64()}");
        Assert.Equal(24, frame.GetProperty("byDepartmentAndSource").GetArrayLength());
        var questionnaire = await lead.GetOkAsync("/api/surveys/questionnaires/demo-evaluation/versions/1");
        Assert.Equal("执法类", questionnaire.GetProperty("questionnaire").Str("departmentKind"));
        Assert.Contains((await lead.GetOkAsync("/api/surveys/do-not-call")).EnumerateArray(), e => e.Str("number") == "13700000007");
    }

    [Fact]
    public async Task Only_survey_leads_and_admins_change_surveys_supervisors_read_and_agents_see_nothing()
    {
        var supervisor = await api.SignedInAsync("9001");
        var agent = await api.SignedInAsync("1001");
        Assert.Equal(HttpStatusCode.OK, (await supervisor.GetAsync("/api/surveys/frames")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await supervisor.PostAsJsonAsync("/api/surveys/frames", new { name = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("/api/surveys/frames")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.Anonymous().GetAsync("/api/surveys/questionnaires")).StatusCode);

        var openApi = await api.Anonymous().GetOkAsync("/openapi/v1.json");
        var paths = openApi.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/surveys/frames/{frameId}/imports", paths);
        Assert.Contains("/api/surveys/frames/{frameId}/draws", paths);
        Assert.Contains("/api/surveys/questionnaires/{id}/versions/{version}/answers/check", paths);
    }

    [Fact]
    public async Task The_callers_of_matching_work_orders_become_a_hotline_source_preview_one_row_per_order()
    {
        var agent = await api.SignedInAsync("1002");
        await agent.RegisterAsync(TicketTestData.Intake(category: "social-insurance", phone: "13711112222"));
        await agent.RegisterAsync(TicketTestData.Intake(category: "social-insurance", phone: "+8613711112222"));
        await agent.RegisterAsync(TicketTestData.Intake(category: "social-insurance", phone: "051185001234"));
        await agent.RegisterAsync(TicketTestData.Intake(category: "housing-fund", phone: "13733334444"));
        var (lead, frameId) = await NewFrameAsync("callers");

        var preview = await (await lead.PostAsJsonAsync($"/api/surveys/frames/{frameId}/imports/callers", new { category = "social-insurance" })).AssertOkAsync();
        var import = preview.GetProperty("import");
        Assert.Equal(("callers", "hotline", 3, 2, 1), (import.Str("format"), import.Str("defaultSource"), import.GetProperty("rows").GetInt32(),
            import.GetProperty("accepted").GetInt32(), import.GetProperty("duplicates").GetInt32()));
        await lead.PostOkAsync($"/api/surveys/frames/{frameId}/imports/{import.GetProperty("id").GetInt64()}/confirm");
        var frame = await lead.GetOkAsync($"/api/surveys/frames/{frameId}");
        Assert.Equal([("京口区", 2L)], frame.GetProperty("byCounty").EnumerateArray().Select(c => (c.Str("value"), c.GetProperty("units").GetInt64())));

        await (await lead.PostAsJsonAsync($"/api/surveys/frames/{frameId}/imports/callers", new { county = "京口区" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
    }
}
