using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Hotline.Ui.Tests;

/// <summary>The knowledge base screen in Chromium: an agent types a question and reads the marked answer.</summary>
[Collection(HotlineUiCollection.Name)]
public sealed class KnowledgeScreenTests(HotlineUiFixture hotline)
{
    [Fact]
    public async Task An_agent_types_a_question_sees_the_published_article_with_the_matched_words_marked_and_reads_its_answer()
    {
        var admin = await hotline.TokenAsync("9000");
        using (await hotline.PostAsync(admin, "/api/knowledge/categories", new { id = "ui-test", name = "界面测试" })) { }
        long id;
        using (var created = await hotline.PostAsync(admin, "/api/knowledge", new
        {
            title = "界面测试：住房公积金提取", categoryId = "ui-test", answer = "携带身份证到公积金网点办理提取。", body = "购房、租房可以提取。",
        }))
            id = created.RootElement.GetProperty("id").GetInt64();
        using (await hotline.PostAsync(admin, $"/api/knowledge/{id}/submit", new { })) { }
        using (await hotline.PostAsync(admin, $"/api/knowledge/{id}/publish", new { })) { }

        var page = await hotline.OpenAsync("1001", "/knowledge");
        await Expect(page.Locator("h1")).ToContainTextAsync("知识库");
        await page.GetByTestId("knowledge-q").PressSequentiallyAsync("公积金提取");

        var hit = page.GetByTestId("knowledge-hit").Filter(new() { HasText = "界面测试：住房公积金提取" });
        // The host may still be loading the segmenter's dictionaries and seeding the demo articles: allow it the page's timeout.
        await Expect(hit).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await Expect(hit.Locator("h4 mark").First).ToBeVisibleAsync();
        await Expect(hit.Locator("h4 mark")).ToContainTextAsync(["公积金", "提取"]);
        await HotlineUiFixture.ShotAsync(page, "30-knowledge-search");

        await hit.ClickAsync();
        await Expect(page.GetByTestId("knowledge-answer")).ToHaveTextAsync("携带身份证到公积金网点办理提取。");
        await page.Context.CloseAsync();
    }
}
