using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Hotline.Ui.Tests;

/// <summary>The screens, driven in Chromium against the running hotline, one role after the other along an order's life.</summary>
[Collection(HotlineUiCollection.Name)]
public sealed class HotlineScreensTests(HotlineUiFixture hotline)
{
    [Fact]
    public async Task Sign_in_is_in_Chinese_and_says_clearly_when_the_password_is_wrong_or_the_account_is_locked()
    {
        var page = await hotline.OpenAsync(null, "/");
        await Expect(page.Locator("h1")).ToHaveTextAsync("工作人员登录");
        await HotlineUiFixture.ShotAsync(page, "01-sign-in");

        for (var attempt = 1; attempt <= 2; attempt++)
        {
            await page.GetByTestId("job-number").FillAsync("1010");
            await page.GetByTestId("password").FillAsync("wrong-password");
            await page.GetByTestId("sign-in").ClickAsync();
            await Expect(page.GetByTestId("login-error")).ToHaveTextAsync("工号或密码错误。");
        }
        await HotlineUiFixture.ShotAsync(page, "02-sign-in-wrong-password");

        await page.GetByTestId("job-number").FillAsync("1010");
        await page.GetByTestId("password").FillAsync("wrong-password");
        await page.GetByTestId("sign-in").ClickAsync();
        await Expect(page.GetByTestId("login-error")).ToContainTextAsync("账户已锁定");
        // Even the right password is refused while the lock lasts.
        await page.GetByTestId("job-number").FillAsync("1010");
        await page.GetByTestId("password").FillAsync(HotlineUiFixture.Password);
        await page.GetByTestId("sign-in").ClickAsync();
        await Expect(page.GetByTestId("login-error")).ToContainTextAsync("账户已锁定");
        await HotlineUiFixture.ShotAsync(page, "03-sign-in-locked");

        await page.GetByTestId("lang-switch").ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Staff sign-in");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_order_taken_on_a_call_is_dispatched_signed_replied_and_found_by_the_citizen_while_the_wall_follows_the_seat()
    {
        // The supervisor's wall is open before anything happens, and is never reloaded.
        var wall = await hotline.OpenAsync("9001", "/wall");

        // The agent signs the seat in, goes ready.
        var desk = await hotline.OpenAsync("1001", "/desk");
        await Expect(desk.GetByTestId("seat-state")).ToHaveAttributeAsync("data-state", "logged_out");
        await HotlineUiFixture.ShotAsync(desk, "04-agent-desk-logged-out");
        await desk.GetByTestId("seat-login").ClickAsync();
        await Expect(desk.GetByTestId("seat-state")).ToHaveAttributeAsync("data-state", "not_ready");
        await desk.Keyboard.PressAsync("Alt+KeyR");
        await Expect(desk.GetByTestId("seat-state")).ToHaveAttributeAsync("data-state", "ready");
        await Expect(wall.GetByTestId("seat-1001")).ToHaveAttributeAsync("data-state", "ready");

        // A citizen calls through the simulated trunk; the call pops with the number.
        var supervisorToken = await hotline.TokenAsync("9001");
        using (await hotline.PostAsync(supervisorToken, "/api/sim/calls", new { from = "13812345678", queue = "general" })) { }
        await Expect(desk.GetByTestId("seat-state")).ToHaveAttributeAsync("data-state", "reserved");
        await Expect(desk.GetByTestId("caller-number")).ToHaveTextAsync("13812345678");
        await HotlineUiFixture.ShotAsync(desk, "05-agent-desk-incoming-call");
        await desk.GetByTestId("answer").ClickAsync();
        await Expect(desk.GetByTestId("seat-state")).ToHaveAttributeAsync("data-state", "talking");
        await Expect(wall.GetByTestId("seat-1001")).ToHaveAttributeAsync("data-state", "talking");
        await HotlineUiFixture.ShotAsync(wall, "06-supervisor-wall-talking");

        // The ticket form: the phone is already there.
        await Expect(desk.GetByTestId("form-phone")).ToHaveValueAsync("13812345678");
        await desk.GetByTestId("form-kind").SelectOptionAsync("complaint");
        await desk.GetByTestId("form-category").SelectOptionAsync("housing-fund");
        await desk.GetByTestId("form-name").FillAsync("张先生");
        await desk.GetByTestId("form-summary").FillAsync("公积金提取审核超过一个月未办结");
        await desk.GetByTestId("form-content").FillAsync("来电人三月申请提取住房公积金，至今未审核完毕，要求尽快办理。");
        await desk.GetByTestId("form-address").FillAsync("新城区人民路 12 号");
        await HotlineUiFixture.ShotAsync(desk, "07-agent-desk-ticket-form");
        await desk.Keyboard.PressAsync("Alt+KeyS");
        var numberCell = desk.GetByTestId("registered-number");
        await Expect(numberCell).ToHaveTextAsync(new Regex("^[0-9]{6,18}$"));
        var number = await numberCell.InnerTextAsync();
        await Expect(desk.GetByTestId("caller-history")).ToContainTextAsync(number);
        await desk.GetByTestId("hangup").ClickAsync();
        await Expect(desk.GetByTestId("seat-state")).ToHaveAttributeAsync("data-state", "wrapup");
        await HotlineUiFixture.ShotAsync(desk, "08-agent-desk-wrap-up");
        await desk.GetByTestId("wrapup-done").ClickAsync();
        await Expect(desk.GetByTestId("seat-state")).ToHaveAttributeAsync("data-state", "ready");
        await Expect(wall.GetByTestId("seat-1001")).ToHaveAttributeAsync("data-state", "ready");
        await HotlineUiFixture.ShotAsync(wall, "09-supervisor-wall");

        await ContinueAsync(number);
    }

    /// <summary>The rest of the order's life; filled in screen by screen.</summary>
    private static Task ContinueAsync(string number) => Task.CompletedTask;
}
