using System.Globalization;
using System.Text;

namespace Hotline.Api.Reports;

/// <summary>
/// A report as HTML: its charts and its tables, the same markup on the reports screen and on the printable page, with
/// the numbers of the tables as the downloads write them (percentages with two decimals, counts with separators).
/// </summary>
public static class ReportHtml
{
    public static string Render(ReportResult report)
    {
        var html = new StringBuilder();
        foreach (var note in report.Notes) html.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">{E(note)}</p>");
        var alerts = report.Tables.Where(t => t.Columns.Any(c => c.Key == "alert"))
            .SelectMany(t => t.Rows.Where(r => r.Values.GetValueOrDefault("alert") == 1).Select(r => $"{t.Title}:{r.Label}")).ToList();
        if (alerts.Count > 0)
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"error\" data-testid=\"report-alerts\">热点预警:{E(string.Join("、", alerts))}</p>");
        foreach (var table in report.Tables)
        {
            html.Append(CultureInfo.InvariantCulture, $"<section class=\"report-table\" data-table=\"{E(table.Name)}\"><h2>{E(table.Title)}</h2>");
            html.Append(Chart(table));
            html.Append("<div class=\"scroll\"><table class=\"grid report\"><thead><tr>");
            html.Append(CultureInfo.InvariantCulture, $"<th>{E(table.KeyLabel)}</th>");
            foreach (var c in table.Columns) html.Append(CultureInfo.InvariantCulture, $"<th>{E(ReportExport.Header(c))}</th>");
            html.Append("</tr></thead><tbody>");
            foreach (var row in table.Rows) Row(html, table, row, "");
            if (table.Total is { } total) Row(html, table, total, "total");
            html.Append("</tbody></table></div></section>");
        }
        return html.ToString();
    }

    private static void Row(StringBuilder html, ReportTable table, ReportRow row, string css)
    {
        var alert = row.Values.GetValueOrDefault("alert") == 1 ? " alert" : "";
        html.Append(CultureInfo.InvariantCulture, $"<tr class=\"{css}{alert}\" data-key=\"{E(row.Key)}\"><td>{E(row.Label)}</td>");
        foreach (var c in table.Columns)
            html.Append(CultureInfo.InvariantCulture, $"<td class=\"num\" data-column=\"{E(c.Key)}\">{Cell(c, row.Values.GetValueOrDefault(c.Key))}</td>");
        html.Append("</tr>");
    }

    /// <summary>How the page prints a value: "—" for none, a flag for alerts, the file's number otherwise.</summary>
    public static string Cell(ReportColumn column, double? value) => value switch
    {
        null => "—",
        { } v when column.Key == "alert" => v == 1 ? "▲预警" : "",
        { } v => ReportExport.Number(v),
    };

    private static string Chart(ReportTable table) => table.Name switch
    {
        "calls" when table.KeyLabel == "日期" && table.Rows.Count > 1 =>
            ReportCharts.Trend("每日进线与接通", table, ("offered", "进线量"), ("answered", "接通量")),
        "calls" when table.KeyLabel == "时段" => ReportCharts.Bars("分时段接通率", table, "connectionRate", 24, "%"),
        "orders" when table.KeyLabel == "日期" && table.Rows.Count > 1 => ReportCharts.Trend("每日受理工单", table, ("received", "受理量"), ("dispatched", "派单量")),
        "orders" when table.KeyLabel is "类别" or "承办单位" or "区县" => ReportCharts.Bars($"受理量(按{table.KeyLabel})", table, "received"),
        "evaluation" => ReportCharts.Bars("部门考评得分", table, "score"),
        _ => "",
    };

    private static string E(string text) => ReportCharts.E(text);
}
