using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Hotline.Ui.Tests;

/// <summary>The voicemail desk in Chromium: the demo's after-hours messages wait oldest first; an agent plays one and marks it handled.</summary>
[Collection(HotlineUiCollection.Name)]
public sealed class VoicemailScreenTests(HotlineUiFixture hotline)
{
    [Fact]
    public async Task An_agent_plays_the_oldest_voicemail_marks_it_called_back_and_the_supervisor_wall_counts_one_fewer()
    {
        var wall = await hotline.OpenAsync("9001", "/wall");
        await Expect(wall.GetByTestId("voicemail-count")).ToContainTextAsync("留言待处理 3 条");

        var desk = await hotline.OpenAsync("1001", "/voicemail");
        await Expect(desk.Locator("h1")).ToContainTextAsync("留言处理");
        await Expect(desk.GetByTestId("voicemail-open-count")).ToContainTextAsync("待处理 3 条");
        var rows = desk.GetByTestId("voicemail-list").Locator("tbody tr");
        await Expect(rows).ToHaveCountAsync(3);
        await Expect(rows.First).ToHaveAttributeAsync("data-testid", "voicemail-demo-voicemail-1");
        var first = desk.GetByTestId("voicemail-demo-voicemail-1");
        await Expect(first.GetByTestId("voicemail-caller")).ToHaveTextAsync("13800138001");
        await Expect(first).ToContainTextAsync("非服务时间留言");

        // The player's source is the recordings API, which this agent may hear (a voicemail is no one seat's call).
        var audio = await first.GetByTestId("voicemail-audio").GetAttributeAsync("src");
        var played = await desk.Context.APIRequest.GetAsync(audio!);
        Assert.Equal(200, played.Status);
        Assert.Equal("audio/wav", played.Headers["content-type"]);
        await HotlineUiFixture.ShotAsync(desk, "40-voicemail-open");

        await desk.GetByTestId("voicemail-handle-demo-voicemail-1").ClickAsync();
        await desk.GetByTestId("voicemail-outcome-called_back").CheckAsync();
        await desk.GetByTestId("voicemail-note").FillAsync("已回电，市民问题已解答");
        await desk.GetByTestId("voicemail-save").ClickAsync();
        await Expect(desk.GetByTestId("voicemail-message")).ToContainTextAsync("已处理");
        await Expect(desk.GetByTestId("voicemail-demo-voicemail-1")).ToHaveCountAsync(0);
        await Expect(desk.GetByTestId("voicemail-open-count")).ToContainTextAsync("待处理 2 条");

        await desk.GetByTestId("voicemail-tab-handled").ClickAsync();
        var handled = desk.GetByTestId("voicemail-demo-voicemail-1");
        await Expect(handled.GetByTestId("voicemail-outcome")).ToContainTextAsync("已回拨");
        await Expect(handled).ToContainTextAsync("1001");
        await HotlineUiFixture.ShotAsync(desk, "41-voicemail-handled");

        await wall.ReloadAsync();
        await Expect(wall.GetByTestId("voicemail-count")).ToContainTextAsync("留言待处理 2 条");
        await desk.Context.CloseAsync();
        await wall.Context.CloseAsync();
    }
}
