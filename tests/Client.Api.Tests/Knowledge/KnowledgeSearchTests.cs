using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hotline.Api.Knowledge;
using MiniExcelLibs;
using static Hotline.Tests.Knowledge.KnowledgeTestData;

namespace Hotline.Tests.Knowledge;

/// <summary>Chinese search on a small fixed corpus, synonyms, validity, filters, suggestions, import and export.</summary>
public sealed class KnowledgeSearchTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    /// <summary>Imports the fixed corpus, published, into a fresh category tree: (root, child).</summary>
    private async Task<(HttpClient Admin, HttpClient Agent, string Root, string Child)> CorpusAsync()
    {
        var admin = await api.SignedInAsync("9000");
        var agent = await api.SignedInAsync("1001");
        var (root, child) = await CategoriesAsync(admin);
        var response = await ImportAsync(admin, publish: true,
            ("a.md", Markdown("住房公积金提取办理指南", child, "购房、租房、退休可以申请提取住房公积金，携带身份证办理。", "提取材料：身份证、购房合同。", "[housing]")),
            ("b.md", Markdown("住房公积金贷款申请条件", child, "连续缴存满6个月可以申请公积金贷款。", "贷款额度以中心公布为准。", "[housing]")),
            ("c.md", Markdown("医疗保险门诊费用报销", root, "持社会保障卡在定点医院直接结算。", "门诊统筹按比例报销。", "[hrss]")),
            ("d.md", Markdown("电动自行车登记上牌", root, "携带购车发票和合格证到登记点办理。", "免费发放号牌。", "[police-liaison]")),
            ("e.md", Markdown("公积金提取政策（已废止）", child, "旧政策。", "已停止执行。", "[housing]", "validUntil: 2020-01-01\n")),
            ("f.md", Markdown("公积金提取新政策", child, "新政策。", "尚未施行。", "[housing]", "validFrom: 2099-01-01\n")),
            ("g.md", Markdown("小区物业服务收费投诉", root, "先与物业协商，协商不成向街道投诉。", "业主可以要求公示收费标准。其他事项可咨询公积金中心。", "[housing]")));
        var report = await response.AssertOkAsync();
        Assert.Equal(7, report.GetProperty("created").GetInt32());
        return (admin, agent, root, child);
    }

    [Fact]
    public void The_segmenter_cuts_chinese_into_words()
    {
        var words = ChineseSegmenter.Shared.Words("住房公积金提取需要什么材料？");

        Assert.Contains("提取", words);
        Assert.Contains("材料", words);
        Assert.DoesNotContain("？", words);
    }

    [Fact]
    public async Task A_query_for_provident_fund_withdrawal_finds_that_article_first_with_the_matched_words_marked()
    {
        var (_, agent, root, _) = await CorpusAsync();

        var page = await SearchAsync(agent, $"q=公积金提取&category={root}");

        var titles = Titles(page);
        Assert.Equal("住房公积金提取办理指南", titles[0]);
        Assert.DoesNotContain("公积金提取政策（已废止）", titles);
        Assert.DoesNotContain("公积金提取新政策", titles);
        Assert.DoesNotContain("电动自行车登记上牌", titles);
        var first = page.GetProperty("items")[0];
        Assert.Contains("<mark>提取</mark>", first.Str("titleHtml"), StringComparison.Ordinal);
        Assert.Contains("<mark>提取</mark>", first.Str("answerHtml"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Title_matches_rank_above_body_matches()
    {
        var (_, agent, root, _) = await CorpusAsync();

        var titles = Titles(await SearchAsync(agent, $"q=公积金&category={root}"));

        Assert.Equal(3, titles.Count);
        Assert.Equal(["住房公积金提取办理指南", "住房公积金贷款申请条件"], titles.Take(2).Order().ToList());
        Assert.Equal("小区物业服务收费投诉", titles[2]);
    }

    [Fact]
    public async Task A_synonym_added_by_an_admin_changes_the_results_at_once()
    {
        var (admin, agent, root, _) = await CorpusAsync();
        Assert.Empty(Titles(await SearchAsync(agent, $"q=电瓶车&category={root}")));

        await admin.PostOkAsync("/api/knowledge/synonyms", new { terms = new[] { "电瓶车", "电动自行车" } });

        var page = await SearchAsync(agent, $"q=电瓶车&category={root}");
        Assert.Equal(["电动自行车登记上牌"], Titles(page));
        Assert.Contains("<mark>电动自行车</mark>", page.GetProperty("items")[0].Str("titleHtml"), StringComparison.Ordinal);
        await (await agent.PostAsJsonAsync("/api/knowledge/synonyms", new { terms = new[] { "a", "b" } })).AssertProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
        await (await admin.PostAsJsonAsync("/api/knowledge/synonyms", new { terms = new[] { "医保" } })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
    }

    [Fact]
    public async Task Category_filters_take_the_whole_subtree_and_department_filters_narrow()
    {
        var (_, agent, root, child) = await CorpusAsync();

        Assert.Equal(5, (await SearchAsync(agent, $"category={root}")).GetProperty("total").GetInt32());
        Assert.Equal(2, (await SearchAsync(agent, $"category={child}")).GetProperty("total").GetInt32());
        Assert.Equal(["电动自行车登记上牌"], Titles(await SearchAsync(agent, $"category={root}&department=police-liaison")));
        var paged = await SearchAsync(agent, $"category={root}&page=2&pageSize=2");
        Assert.Equal(5, paged.GetProperty("total").GetInt32());
        Assert.Equal(2, paged.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task An_orders_text_suggests_matching_articles_and_agents_mark_them_helpful()
    {
        var (admin, agent, _, _) = await CorpusAsync();

        var suggested = await agent.PostOkAsync("/api/knowledge/suggest", new
        {
            summary = "咨询电动自行车上牌",
            content = "市民新买了电动自行车，想知道去哪里登记上牌，需要带什么材料。",
            limit = 3,
        });
        // The demo's own 电动自行车 article may rank beside the corpus's: both lead, nothing unrelated does.
        var items = suggested.GetProperty("items").EnumerateArray().ToList();
        Assert.All(items.Take(2), i => Assert.Contains("电动自行车", i.Str("title"), StringComparison.Ordinal));
        var first = items.First(i => i.Str("title") == "电动自行车登记上牌");

        var id = first.GetProperty("id").GetInt64();
        await agent.PostOkAsync($"/api/knowledge/{id}/feedback", new { used = true, helpful = true });
        await agent.PostOkAsync($"/api/knowledge/{id}/feedback", new { helpful = false });
        var article = await admin.GetOkAsync($"/api/knowledge/{id}");
        Assert.Equal(2, article.GetProperty("usedCount").GetInt32());
        Assert.Equal(1, article.GetProperty("helpfulCount").GetInt32());
        Assert.Equal(1, article.GetProperty("unhelpfulCount").GetInt32());
        await (await agent.PostAsJsonAsync("/api/knowledge/suggest", new { summary = "" })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
    }

    [Fact]
    public async Task A_bad_import_is_refused_whole_with_every_problem_by_file_and_line()
    {
        var admin = await api.SignedInAsync("9000");
        var (root, _) = await CategoriesAsync(admin);

        var response = await ImportAsync(admin, publish: false,
            ("good.md", Markdown("完好的条目", root, "口径", "正文")),
            ("bad.md", Markdown("坏条目", "no-such-category", "口径", "正文", "[housing]", "validUntil: not-a-date\n")),
            ("broken.md", "no front matter"),
            ("junk.xlsx", "not a workbook"));

        var problems = (await response.AssertProblemAsync(HttpStatusCode.BadRequest, "knowledge.import_invalid")).GetProperty("problems").EnumerateArray()
            .Select(p => (p.Str("source"), p.GetProperty("line").GetInt32(), p.Str("field"))).ToList();
        Assert.Contains(("bad.md", 3, "categoryId"), problems);
        Assert.Contains(("bad.md", 6, "validUntil"), problems);
        Assert.Contains(("broken.md", 1, "frontMatter"), problems);
        Assert.Contains(("junk.xlsx", 1, "file"), problems);
        Assert.Equal(0, (await SearchAsync(admin, $"drafts=true&category={root}")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_bad_row_of_an_xlsx_list_is_reported_by_its_row_number_and_nothing_is_imported()
    {
        var admin = await api.SignedInAsync("9000");
        var (root, _) = await CategoriesAsync(admin);
        using var sheet = new MemoryStream();
        sheet.SaveAs(new[]
        {
            new Dictionary<string, object?> { ["标题"] = "完好的一行", ["分类"] = root, ["答复口径"] = "口径" },
            new Dictionary<string, object?> { ["标题"] = "", ["分类"] = "no-such", ["答复口径"] = "口径" },
        });

        using var form = new MultipartFormDataContent { { new ByteArrayContent(sheet.ToArray()), "files", "list.xlsx" } };
        var response = await admin.PostAsync("/api/knowledge/import", form);

        var problems = (await response.AssertProblemAsync(HttpStatusCode.BadRequest, "knowledge.import_invalid")).GetProperty("problems").EnumerateArray()
            .Select(p => (p.Str("source"), p.GetProperty("line").GetInt32(), p.Str("field"))).ToList();
        Assert.Equal([("list.xlsx", 3, "title"), ("list.xlsx", 3, "categoryId")], problems);
        Assert.Equal(0, (await SearchAsync(admin, $"drafts=true&category={root}")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task The_xlsx_export_reads_back_with_the_published_articles_and_imports_again()
    {
        var (admin, _, root, _) = await CorpusAsync();

        var xlsx = await (await admin.GetAsync("/api/knowledge/export?format=xlsx")).Content.ReadAsByteArrayAsync();
        var rows = MiniExcel.Query(new MemoryStream(xlsx), useHeaderRow: true).Cast<IDictionary<string, object>>().ToList();
        Assert.Contains(rows, r => (string)r["title"] == "住房公积金提取办理指南" && (string)r["status"] == "published");

        using var form = new MultipartFormDataContent { { new ByteArrayContent(xlsx), "files", "export.xlsx" } };
        var report = await (await admin.PostAsync("/api/knowledge/import", form)).AssertOkAsync();
        Assert.Equal(rows.Count, report.GetProperty("created").GetInt32());
        var zip = await admin.GetAsync("/api/knowledge/export?format=markdown");
        Assert.Equal("application/zip", zip.Content.Headers.ContentType?.MediaType);
        // The corpus twice now: as imported, and again from its own export.
        Assert.Equal(14, (await SearchAsync(admin, $"drafts=true&category={root}")).GetProperty("total").GetInt32());
    }
}
