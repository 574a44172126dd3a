using Hotline.Reporting;

namespace Hotline.Api.Reports;

/// <summary>
/// The monthly report a director sends the city government (月度报告): headline KPIs with 环比/同比 and the national
/// figures, the daily trend, calls by hour (分时段接通率), orders by department, category, district, kind and channel,
/// the department evaluation, the knowledge articles used most and found unhelpful, and the hot topics. With a department, the order tables are that department's.
/// </summary>
public static class MonthlyReport
{
    public static async Task<ReportResult> BuildAsync(ReportService reports, ReportPeriod month, OrderFilter filter, CancellationToken ct)
    {
        var tables = new List<ReportTable> { await reports.KpiAsync(month, filter, ct) };
        var everyone = filter == OrderFilter.None;
        if (everyone)
        {
            tables.Add(await reports.CallsAsync(month, ReportDimension.Day, null, ct));
            tables.Add(await reports.CallsAsync(month, ReportDimension.Hour, null, ct));
        }
        tables.Add(await reports.OrdersAsync(month, ReportDimension.Day, filter, ct));
        foreach (var by in new[] { ReportDimension.Department, ReportDimension.Category, ReportDimension.District, ReportDimension.Kind, ReportDimension.Channel })
        {
            if (by == ReportDimension.Department && !everyone) continue;
            tables.Add(await reports.OrdersAsync(month, by, filter, ct));
        }
        if (everyone)
        {
            tables.Add(await reports.EvaluationAsync(month, null, ct));
            tables.Add(await reports.KnowledgeUseAsync(month, ct));
        }
        tables.AddRange(await reports.HotTopicsAsync(month, filter, ct));
        var title = $"{month.From.Year}年{month.From.Month}月 12345热线运行月报";
        return new ReportResult(title, ReportService.Date(month.From), ReportService.Date(month.To), month.Days, tables,
            everyone ? [] : ["按承办单位筛选:不含话务与部门考评。"]);
    }
}
