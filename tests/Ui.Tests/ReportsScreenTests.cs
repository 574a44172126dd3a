using System.IO.Compression;
using System.Text;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Hotline.Ui.Tests;

/// <summary>The reports screen in Chromium: a supervisor opens this month's report, reads its tables and charts, and downloads it.</summary>
[Collection(HotlineUiCollection.Name)]
public sealed class ReportsScreenTests(HotlineUiFixture hotline)
{
    [Fact]
    public async Task A_supervisor_opens_the_monthly_report_sees_the_orders_of_the_month_and_downloads_files_with_the_same_numbers()
    {
        var agent = await hotline.TokenAsync("1003");
        using (await hotline.PostAsync(agent, "/api/tickets", new
        {
            channel = "phone",
            kind = "consultation",
            category = "housing-fund",
            caller = new { name = "王先生", phone = "13800002222" },
            summary = "报表界面测试 公积金提取",
            content = "咨询公积金提取。",
            resolvedOnSpot = new { answer = "已当场答复提取材料。" },
        })) { }
        var month = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

        var page = await hotline.OpenAsync("9001", $"/reports?month={month}");

        await Expect(page.GetByTestId("report-title")).ToContainTextAsync("12345热线运行月报");
        var received = page.Locator("section[data-table='kpi'] tr[data-key='received'] td[data-column='current']");
        await Expect(received).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[1-9][0-9]*$"));
        var shown = await received.InnerTextAsync();
        await Expect(page.Locator("section[data-table='category'] svg.chart, section[data-table='orders'] svg.chart").First).ToBeVisibleAsync();
        await HotlineUiFixture.ShotAsync(page, "40-reports-monthly");

        var csvDownload = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("report-csv").ClickAsync());
        var csv = Encoding.UTF8.GetString(await File.ReadAllBytesAsync((await csvDownload.PathAsync())!)).TrimStart('\uFEFF').Split("\r\n");
        Assert.Contains($"受理量,{shown}", csv.Select(l => string.Join(',', l.Split(',').Take(2))));

        var xlsxDownload = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("report-xlsx").ClickAsync());
        Assert.EndsWith(".xlsx", xlsxDownload.SuggestedFilename, StringComparison.Ordinal);
        using (var zip = ZipFile.OpenRead((await xlsxDownload.PathAsync())!))
            Assert.NotNull(zip.GetEntry("xl/workbook.xml"));

        var print = await page.Context.NewPageAsync();
        await print.GotoAsync($"/reports/print?month={month}");
        await Expect(print.Locator("h1")).ToContainTextAsync("12345热线运行月报");
        await Expect(print.Locator("section[data-table='kpi'] tr[data-key='received'] td[data-column='current']")).ToHaveTextAsync(shown);
        await page.Context.CloseAsync();
    }
}
