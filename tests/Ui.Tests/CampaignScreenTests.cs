using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Hotline.Ui.Tests;

/// <summary>
/// A survey campaign on the simulated trunk in Chromium: the interviewer's screen pops the answered respondent with the
/// questionnaire, answers save as they are given, a disposition ends the interview; the supervisor's live view counts it.
/// </summary>
[Collection(HotlineUiCollection.Name)]
public sealed class CampaignScreenTests(HotlineUiFixture hotline)
{
    [Fact]
    public async Task An_interviewer_takes_an_answered_survey_call_on_screen_and_the_supervisor_sees_the_complete_live()
    {
        // A frame of three numbers the simulated trunk answers (last digit 1), drawn whole, as the survey lead would.
        var lead = await hotline.TokenAsync("6001");
        var frameId = (await hotline.PostAsync(lead, "/api/surveys/frames", new { name = "界面测试样本框" })).RootElement.GetProperty("id").GetInt64();
        foreach (var n in new[] { "13912340001", "13912340011", "13912340021" })
            await hotline.PostAsync(lead, $"/api/surveys/frames/{frameId}/units", new { number = n, department = "housing", source = "department" });
        var draw = (await hotline.PostAsync(lead, $"/api/surveys/frames/{frameId}/draws", new
        {
            seed = 1L,
            stratifyBy = new[] { "department" },
            targets = new[] { new { values = new Dictionary<string, string> { ["department"] = "housing" }, size = 3 } },
        })).RootElement;
        var campaign = (await hotline.PostAsync(lead, "/api/surveys/campaigns", new
        {
            name = "界面测试评议",
            drawId = draw.GetProperty("id").GetInt64(),
            questionnaireId = "demo-evaluation",
            lines = 1,
            seats = new[] { "1009" },
            windowStart = "00:00",
            windowEnd = "23:59",
            workingDaysOnly = false,
            quotas = new Dictionary<string, int> { ["department=housing"] = 1 },
        })).RootElement.GetProperty("campaign").GetProperty("id").GetInt64();

        var agent = await hotline.TokenAsync("1009");
        await hotline.PostAsync(agent, "/api/seats/1009/login", new { queues = new[] { new { queueId = "general", level = 3 } }, languages = new[] { "zh" } });
        await hotline.PostAsync(agent, "/api/seats/1009/ready", new { });
        var page = await hotline.OpenAsync("1009", "/interview");
        await Expect(page.GetByTestId("interview-waiting")).ToBeVisibleAsync();
        await hotline.PostAsync(lead, $"/api/surveys/campaigns/{campaign}/start", new { });

        await Expect(page.GetByTestId("interview-campaign")).ToContainTextAsync("界面测试评议");
        await Expect(page.GetByTestId("interview-respondent")).ToContainTextAsync("1391234");
        await Expect(page.GetByTestId("interview-intro")).ToContainTextAsync("民主评议电话调查");
        // Only the questions on the path so far: where the first answer leads is not known yet.
        await Expect(page.GetByTestId("interview-questions").Locator("li")).ToHaveCountAsync(1);
        await page.GetByTestId("answer-contact-yes").CheckAsync();
        await page.GetByTestId("answer-overall-1").CheckAsync();
        await Expect(page.GetByTestId("question-attitude")).ToBeVisibleAsync();
        await page.GetByTestId("answer-attitude-5").CheckAsync();
        await Expect(page.GetByTestId("question-why")).ToHaveCountAsync(0); // 满意 skips "why unsatisfied"
        await page.GetByTestId("answer-suggestion").FillAsync("希望网上办理更方便");
        await page.GetByTestId("answer-suggestion").BlurAsync();
        await HotlineUiFixture.ShotAsync(page, "45-interview");

        await page.GetByTestId("disposition").SelectOptionAsync("complete");
        await page.GetByTestId("disposition-submit").ClickAsync();
        await Expect(page.GetByTestId("interview-message")).ToHaveTextAsync("已提交");
        await Expect(page.GetByTestId("interview-done")).ToContainTextAsync("complete");

        var supervisor = await hotline.OpenAsync("9001", "/campaigns");
        await supervisor.GetByTestId($"campaign-{campaign}").ClickAsync();
        await Expect(supervisor.GetByTestId("final-complete")).ToContainTextAsync("1.1完成1");
        await Expect(supervisor.GetByTestId("rate-rr1")).ToHaveTextAsync("100.0%");
        await Expect(supervisor.GetByTestId("campaign-quotas")).ToContainTextAsync("1/1");
        await Expect(supervisor.GetByTestId("interviewer-1009")).ToContainTextAsync("1009");
        // The quota is met: nothing more is dialled and the campaign finishes.
        await Expect(supervisor.GetByTestId("campaign-status")).ToHaveTextAsync("已结束");
        await HotlineUiFixture.ShotAsync(supervisor, "46-campaign-live");
        await hotline.PostAsync(agent, "/api/seats/1009/logout", new { });
    }
}
