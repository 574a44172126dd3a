using Hotline.Api.Reports;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Reports;

/// <summary>run.sh's demo history, written into a real database, and the reports a director opens on it.</summary>
public sealed class ReportsDemoHistoryTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task The_demo_history_fills_last_months_report_with_comparisons_ranks_and_a_hot_topic_alert()
    {
        var host = await api.HostWithAsync(("Hotline:Demo:History", "true"));
        await host.Services.GetRequiredService<ReportsDemo>().Completed.WaitAsync(TimeSpan.FromMinutes(3));
        var time = host.Services.GetRequiredService<TimeProvider>();
        var lastMonth = DateOnly.FromDateTime(time.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime).AddMonths(-1);
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = (await api.SignedInAsync("9001")).DefaultRequestHeaders.Authorization;

        var report = await client.GetOkAsync($"/api/reports/monthly?month={lastMonth:yyyy-MM}");

        var tables = report.GetProperty("tables").EnumerateArray().ToDictionary(t => t.Str("name") + "/" + t.Str("keyLabel"));
        var kpi = tables["kpi/指标"].GetProperty("rows").EnumerateArray().ToDictionary(r => r.Str("key"), r => r.GetProperty("values"));
        Assert.True(kpi["offered"].GetProperty("current").GetDouble() > 2000, $"offered {kpi["offered"]}");
        Assert.True(kpi["received"].GetProperty("lastYear").GetDouble() > 0);      // 同比 has a year to compare with
        Assert.True(kpi["connectionRate"].GetProperty("current").GetDouble() is > 80 and < 100);
        var ranks = tables["evaluation/承办单位"].GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("values").GetProperty("rank").GetDouble()).ToList();
        Assert.Equal(Enumerable.Range(1, 6).Select(i => (double)i), ranks.Order());
        var keywords = tables["keyword/关键词"].GetProperty("rows").EnumerateArray().ToDictionary(r => r.Str("key"), r => r.GetProperty("values"));
        Assert.Equal(1, keywords["停水"].GetProperty("alert").GetDouble());
    }
}
