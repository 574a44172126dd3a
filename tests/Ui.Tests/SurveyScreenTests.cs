using System.Text;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Hotline.Ui.Tests;

/// <summary>The survey lead's screen in Chromium: a frame imported with its line report, a draw, a questionnaire edited as a form.</summary>
[Collection(HotlineUiCollection.Name)]
public sealed class SurveyScreenTests(HotlineUiFixture hotline)
{
    [Fact]
    public async Task A_survey_lead_imports_a_frame_after_its_preview_draws_a_sample_and_saves_a_questionnaire_only_once_its_branches_are_valid()
    {
        var page = await hotline.OpenAsync("6001", "/surveys");
        await Expect(page.Locator("h1").First).ToHaveTextAsync("样本框 1");
        await Expect(page.GetByTestId("frames")).ToContainTextAsync("2026 民主评议演示样本框");

        await page.GetByTestId("frame-name").FillAsync("2026 民主评议");
        await page.GetByTestId("frame-create").ClickAsync();
        await Expect(page.GetByTestId("survey-message")).ToHaveTextAsync("已新建样本框");

        var csv = new StringBuilder("电话,区县,被评议部门\n");
        for (var i = 0; i < 30; i++) csv.Append($"1390000{i:D4},桥西区,{(i % 2 == 0 ? "公安局" : "税务局")}\n");
        csv.Append("13900000000,桥西区,公安局\n12345,桥西区,公安局\n");
        await page.GetByTestId("import-file").SetInputFilesAsync(new FilePayload
        {
            Name = "评议名单.csv",
            MimeType = "text/csv",
            Buffer = Encoding.UTF8.GetBytes(csv.ToString()),
        });
        var report = page.GetByTestId("import-report");
        await Expect(report).ToContainTextAsync("共 32 行：可导入 30，错误 1，重复 1，排除 0。");
        await Expect(page.GetByTestId("issue-32")).ToContainTextAsync("重复");
        await Expect(page.GetByTestId("issue-33")).ToContainTextAsync("phone.service_number");
        await Expect(page.GetByTestId("frame-units")).ToHaveTextAsync("0");
        await HotlineUiFixture.ShotAsync(page, "40-surveys-import-preview");

        await page.GetByTestId("import-confirm").ClickAsync();
        await Expect(page.GetByTestId("survey-message")).ToHaveTextAsync("已导入 30 个号码");
        await Expect(page.GetByTestId("frame-units")).ToHaveTextAsync("30");
        await Expect(report).ToHaveAttributeAsync("data-status", "confirmed");

        await page.GetByTestId("draw-size").FillAsync("4");
        await page.GetByTestId("draw-seed").FillAsync("42");
        await page.GetByTestId("draw").ClickAsync();
        await Expect(page.GetByTestId("draw-summary")).ToContainTextAsync("种子 42，共 8 个号码");
        await Expect(page.GetByTestId("draw-strata").Locator("tbody tr")).ToHaveCountAsync(2);
        await HotlineUiFixture.ShotAsync(page, "41-surveys-draw");

        // The demo questionnaire opens as a form, every question with its options and branches.
        await page.GetByTestId("q-pick").SelectOptionAsync("demo-evaluation");
        await page.GetByTestId("q-load").ClickAsync();
        await Expect(page.GetByTestId("q-version")).ToHaveTextAsync("当前第 1 版");
        await Expect(page.GetByTestId("question-1-option-2-next")).ToHaveValueAsync("why");
        await page.GetByTestId("q-pick").SelectOptionAsync("");
        await page.GetByTestId("q-load").ClickAsync();

        await page.GetByTestId("q-id").FillAsync("zhifa");
        await page.GetByTestId("q-title").FillAsync("执法类部门评议问卷");
        await page.GetByTestId("q-kind").FillAsync("执法类");
        await page.GetByTestId("question-0-text").FillAsync("您今年是否与该部门打过交道?");
        await page.GetByTestId("question-0-add-option").ClickAsync();
        await page.GetByTestId("question-0-add-option").ClickAsync();
        await page.GetByTestId("question-0-option-0-value").FillAsync("yes");
        await page.GetByTestId("question-0-option-0-label").FillAsync("是");
        await page.GetByTestId("question-0-option-1-value").FillAsync("no");
        await page.GetByTestId("question-0-option-1-label").FillAsync("否");
        await page.GetByTestId("question-0-option-1-next").FillAsync("q9");
        await page.GetByTestId("q-add").ClickAsync();
        await page.GetByTestId("question-1-type").SelectOptionAsync("satisfaction3");
        await page.GetByTestId("question-1-text").FillAsync("您对该部门的总体评价是?");
        await page.GetByTestId("q-save").ClickAsync();
        await Expect(page.GetByTestId("q-errors").Locator("li[data-field='questions[q1].options[1].next']")).ToContainTextAsync("No question 'q9'");
        await HotlineUiFixture.ShotAsync(page, "42-surveys-questionnaire-errors");

        await page.GetByTestId("question-0-option-1-next").FillAsync("end");
        await page.GetByTestId("q-save").ClickAsync();
        await Expect(page.GetByTestId("q-message")).ToHaveTextAsync("已保存为第 1 版");
        await Expect(page.GetByTestId("q-errors")).ToHaveCountAsync(0);

        await page.GetByTestId("lang-switch").ClickAsync();
        await Expect(page.Locator("h1").First).ToContainTextAsync("Sample frames");
        await page.Context.CloseAsync();
    }
}
