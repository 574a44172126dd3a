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
    public async Task An_order_taken_on_a_call_is_dispatched_signed_replied_and_found_by_the_citizen_while_the_wall_follows_and_commands_the_seat()
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

        // The supervisor listens in from the wall, then leaves; the agent brings the housing bureau into a three-way
        // call and ends it. (The simulated trunk's parties answer at once; real phones: Integration.Tests.)
        await wall.GetByTestId("monitor-1001").ClickAsync();
        await Expect(desk.GetByTestId("party")).ToHaveAttributeAsync("data-role", "monitor");
        await wall.GetByTestId("supervision-end-1001").ClickAsync();
        await Expect(desk.GetByTestId("party")).ToHaveCountAsync(0);
        await desk.GetByTestId("transfer-kind").SelectOptionAsync("department");
        await desk.GetByTestId("transfer-department").SelectOptionAsync("housing");
        await desk.GetByTestId("conference").ClickAsync();
        await Expect(desk.GetByTestId("party")).ToHaveAttributeAsync("data-role", "conference");
        await Expect(desk.GetByTestId("party")).ToContainTextAsync("住建局");
        await Expect(desk.GetByTestId("party")).ToHaveAttributeAsync("data-connected", "yes");
        await HotlineUiFixture.ShotAsync(desk, "07b-agent-desk-three-way-call");
        await desk.GetByTestId("conference-end").ClickAsync();
        await Expect(desk.GetByTestId("party")).ToHaveCountAsync(0);

        await desk.GetByTestId("hangup").ClickAsync();
        await Expect(desk.GetByTestId("seat-state")).ToHaveAttributeAsync("data-state", "wrapup");
        await HotlineUiFixture.ShotAsync(desk, "08-agent-desk-wrap-up");
        await desk.GetByTestId("wrapup-done").ClickAsync();
        await Expect(desk.GetByTestId("seat-state")).ToHaveAttributeAsync("data-state", "ready");
        await Expect(wall.GetByTestId("seat-1001")).ToHaveAttributeAsync("data-state", "ready");
        await HotlineUiFixture.ShotAsync(wall, "09-supervisor-wall");

        // The agent calls the supervisor; the supervisor sees it, clears it, then forces the seat not ready.
        await desk.Keyboard.PressAsync("Alt+KeyQ");
        await Expect(wall.GetByTestId("help-requests")).ToContainTextAsync("1001");
        await wall.GetByTestId("help-requests").GetByRole(AriaRole.Button).ClickAsync();
        await Expect(wall.GetByTestId("no-help")).ToBeVisibleAsync();
        await wall.GetByTestId("force-not-ready-1001").ClickAsync();
        await Expect(desk.GetByTestId("seat-state")).ToHaveAttributeAsync("data-state", "not_ready");
        await Expect(wall.GetByTestId("seat-1001")).ToHaveAttributeAsync("data-state", "not_ready");

        await ContinueAsync(number);
    }

    /// <summary>The rest of the order's life: dispatch, the department, the citizen, the return visit.</summary>
    private async Task ContinueAsync(string number)
    {
        // The dispatcher sees it among the new orders with the catalogue's suggestion (公积金 → 住建局) preselected.
        var dispatch = await hotline.OpenAsync("8001", "/dispatch");
        await dispatch.GetByTestId($"row-{number}").ClickAsync();
        await Expect(dispatch.GetByTestId("ticket-detail")).ToHaveAttributeAsync("data-status", "registered");
        await Expect(dispatch.GetByTestId("lead")).ToHaveValueAsync("housing");
        await HotlineUiFixture.ShotAsync(dispatch, "10-dispatch-new-order");
        await dispatch.GetByTestId("note").FillAsync("请尽快核实办理");
        await dispatch.GetByTestId("dispatch").ClickAsync();
        await Expect(dispatch.GetByTestId("ticket-detail")).ToHaveAttributeAsync("data-status", "dispatched");
        // Before the department signs, the life cycle lets the dispatcher re-dispatch and urge: the desk shows what the API lists.
        await Expect(dispatch.GetByTestId("dispatch")).ToHaveTextAsync("改派");
        await Expect(dispatch.GetByTestId("urge")).ToBeVisibleAsync();
        await dispatch.GetByTestId("tab-open").ClickAsync();
        await Expect(dispatch.GetByTestId($"row-{number}")).ToBeVisibleAsync();
        await HotlineUiFixture.ShotAsync(dispatch, "11-dispatch-in-hand");

        // The housing department signs and replies.
        var inbox = await hotline.OpenAsync("7001", "/inbox");
        await inbox.GetByTestId($"row-{number}").ClickAsync();
        await HotlineUiFixture.ShotAsync(inbox, "12-department-inbox");
        await inbox.GetByTestId("sign").ClickAsync();
        await Expect(inbox.GetByTestId("ticket-detail")).ToHaveAttributeAsync("data-status", "signed");
        await inbox.GetByTestId("reply-text").FillAsync("经核实，已于今日完成审核，款项三个工作日内到账。");
        await inbox.GetByTestId("reply").ClickAsync();
        await Expect(inbox.GetByTestId("ticket-detail")).ToHaveAttributeAsync("data-status", "replied");
        await Expect(inbox.GetByTestId("ticket-history")).ToContainTextAsync("已签收");
        await HotlineUiFixture.ShotAsync(inbox, "13-department-replied");

        // The citizen checks it on the portal with the number and the phone's last four digits.
        var portal = await hotline.OpenAsync(null, "/portal");
        await HotlineUiFixture.WaitInteractiveAsync(portal);
        await portal.GetByTestId("query-number").FillAsync(number);
        await portal.GetByTestId("query-phone").FillAsync("0000");
        await portal.GetByTestId("query").ClickAsync();
        await Expect(portal.GetByTestId("query-error")).ToBeVisibleAsync();
        await portal.GetByTestId("query-phone").FillAsync("5678");
        await portal.GetByTestId("query").ClickAsync();
        await Expect(portal.GetByTestId("query-status")).ToHaveTextAsync("已答复");
        await Expect(portal.GetByTestId("query-result")).ToHaveAttributeAsync("data-progress", "replied");
        await Expect(portal.GetByTestId("query-reply")).ToContainTextAsync("已于今日完成审核");
        await HotlineUiFixture.ShotAsync(portal, "14-portal-query");

        // The return visit closes it.
        var visits = await hotline.OpenAsync("8101", "/visits");
        await visits.GetByTestId($"row-{number}").ClickAsync();
        await visits.GetByTestId("satisfaction-satisfied").CheckAsync();
        await visits.GetByTestId("visit-note").FillAsync("来电人表示满意");
        await HotlineUiFixture.ShotAsync(visits, "15-return-visit");
        await visits.GetByTestId("visit").ClickAsync();
        await Expect(visits.GetByTestId("ticket-detail")).ToHaveAttributeAsync("data-status", "closed");

        foreach (var page in new[] { dispatch, inbox, portal, visits }) await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_citizen_submits_a_request_on_the_portal_and_gets_its_number()
    {
        var portal = await hotline.OpenAsync(null, "/portal");
        await HotlineUiFixture.WaitInteractiveAsync(portal);
        await portal.GetByTestId("portal-submit-button").ClickAsync();
        await Expect(portal.GetByTestId("submit-error")).ToContainTextAsync("请检查输入");
        await portal.GetByTestId("portal-kind").SelectOptionAsync("suggestion");
        await portal.GetByTestId("portal-category").SelectOptionAsync("traffic");
        await portal.GetByTestId("portal-phone").FillAsync("13700001234");
        await portal.GetByTestId("portal-summary").FillAsync("建议增设公交站台遮雨棚");
        await portal.GetByTestId("portal-content").FillAsync("人民路公交站没有遮雨棚，雨天候车不便。");
        await HotlineUiFixture.ShotAsync(portal, "16-portal-submit");
        await portal.GetByTestId("portal-submit-button").ClickAsync();
        await Expect(portal.GetByTestId("created-number")).ToHaveTextAsync(new Regex("^[0-9]{6,18}$"));
        await HotlineUiFixture.ShotAsync(portal, "17-portal-submitted");
        await portal.Context.CloseAsync();
    }

    [Fact]
    public async Task An_auditor_browses_the_audit_trail_filters_it_by_person_and_verifies_its_chain()
    {
        var token = await hotline.TokenAsync("1002");
        await hotline.PostAsync(token, "/api/tickets", new
        {
            channel = "phone",
            kind = "consultation",
            category = "housing-fund",
            caller = new { name = "李女士", phone = "13800001111" },
            summary = "公积金提取材料咨询",
            content = "咨询公积金提取需要哪些材料。",
        });
        var audit = await hotline.OpenAsync("9500", "/audit");
        await HotlineUiFixture.WaitInteractiveAsync(audit);
        await audit.GetByTestId("audit-person").FillAsync("1002");
        await audit.GetByTestId("audit-search").ClickAsync();
        await Expect(audit.GetByTestId("audit-list")).ToContainTextAsync("POST /api/tickets");
        await audit.GetByTestId("audit-verify").ClickAsync();
        await Expect(audit.GetByTestId("audit-verification")).ToContainTextAsync("哈希链完整");
        await Expect(audit.GetByTestId("audit-export")).ToHaveAttributeAsync("href", "/api/audit/export?person=1002");
        await HotlineUiFixture.ShotAsync(audit, "30-audit-trail");
        await audit.Context.CloseAsync();
    }

    [Fact]
    public async Task The_admin_screens_show_users_queues_departments_the_calendar_and_show_and_edit_the_IVR_flow()
    {
        var admin = await hotline.OpenAsync("9000", "/admin/users");
        await Expect(admin.GetByTestId("user-7001")).ToContainTextAsync("住建局");
        await HotlineUiFixture.ShotAsync(admin, "18-admin-users");

        await admin.GetByTestId("admin-queues").ClickAsync();
        await admin.GetByTestId("queue-sl-general").FillAsync("15");
        await admin.GetByTestId("queue-save-general").ClickAsync();
        await Expect(admin.GetByTestId("admin-message")).ToContainTextAsync("general");
        await Expect(admin.GetByTestId("queue-sl-general")).ToHaveValueAsync("15");
        await HotlineUiFixture.ShotAsync(admin, "19-admin-queues");

        await admin.GetByTestId("admin-departments").ClickAsync();
        await Expect(admin.GetByTestId("catalogue")).ToContainTextAsync("公积金");
        await HotlineUiFixture.ShotAsync(admin, "20-admin-departments");

        await admin.GetByTestId("admin-calendar").ClickAsync();
        await admin.GetByTestId("calendar-year").FillAsync("2026");
        await admin.GetByRole(AriaRole.Button, new() { Name = "读取" }).ClickAsync();
        await Expect(admin.GetByTestId("calendar-holidays")).ToHaveValueAsync(new Regex("2026-10-01"));
        await HotlineUiFixture.ShotAsync(admin, "21-admin-calendar");

        // The IVR flow: a tree from the welcome menu, its keys 1 and 2 as children.
        await admin.GetByTestId("admin-ivr").ClickAsync();
        await Expect(admin.GetByTestId("ivr-current-version")).ToHaveTextAsync("v1");
        var welcome = admin.Locator("[data-testid=ivr-tree] > li[data-node=welcome]");
        await Expect(welcome.GetByTestId("ivr-node-welcome")).ToContainTextAsync("欢迎语");
        await Expect(welcome.GetByTestId("ivr-node-welcome")).ToContainTextAsync("menu");
        await Expect(welcome.Locator(":scope > ul > li[data-node=agent_hours] > .ivr-branch").First).ToHaveTextAsync("按 1");
        await Expect(welcome.Locator(":scope > ul > li[data-node=self_service] > .ivr-branch").First).ToHaveTextAsync("按 2");
        await Expect(admin.GetByTestId("ivr-link-welcome").First).ToHaveTextAsync("→ welcome");
        var json = await admin.GetByTestId("ivr-json").InputValueAsync();
        Assert.Contains("\"$type\": \"menu\"", json);

        // Key 1 pointed at a node that does not exist: named by node and field, and nothing is saved.
        await admin.GetByTestId("ivr-json").FillAsync(json.Replace("\"next\": \"agent_hours\"", "\"next\": \"nowhere\"", StringComparison.Ordinal));
        await admin.GetByTestId("ivr-validate").ClickAsync();
        await Expect(admin.GetByTestId("ivr-errors")).ToContainTextAsync("welcome");
        await Expect(admin.GetByTestId("ivr-errors")).ToContainTextAsync("choices[0].next");
        await Expect(admin.GetByTestId("ivr-errors")).ToContainTextAsync("nowhere");
        await admin.GetByTestId("ivr-save").ClickAsync();
        await Expect(admin.GetByTestId("ivr-check-message")).ToContainTextAsync("未保存");
        await Expect(admin.GetByTestId("ivr-errors")).ToContainTextAsync("choices[0].next");
        await Expect(admin.GetByTestId("ivr-current-version")).ToHaveTextAsync("v1");
        await Expect(admin.GetByTestId("ivr-version-2")).ToHaveCountAsync(0);

        // A valid edit: version 2, listed, and the tree shows the new label.
        var welcomeLabel = json.IndexOf("\"label\": \"", StringComparison.Ordinal) + "\"label\": \"".Length;
        await admin.GetByTestId("ivr-json").FillAsync(json.Insert(welcomeLabel, "新版·"));
        await admin.GetByTestId("ivr-save").ClickAsync();
        await Expect(admin.GetByTestId("ivr-check-message")).ToContainTextAsync("v2");
        await Expect(admin.GetByTestId("ivr-current-version")).ToHaveTextAsync("v2");
        await Expect(admin.GetByTestId("ivr-version-2")).ToContainTextAsync("9000");
        await Expect(admin.GetByTestId("ivr-node-welcome")).ToContainTextAsync("新版·欢迎语");
        await HotlineUiFixture.ShotAsync(admin, "22-admin-ivr");

        // An old version, read-only.
        await admin.GetByTestId("ivr-version-1").GetByRole(AriaRole.Button).ClickAsync();
        await Expect(admin.GetByTestId("ivr-readonly")).ToContainTextAsync("v1");
        await Expect(admin.GetByTestId("ivr-node-welcome")).Not.ToContainTextAsync("新版");
        await Expect(admin.GetByTestId("ivr-save")).ToHaveCountAsync(0);
        await admin.Context.CloseAsync();
    }
}
