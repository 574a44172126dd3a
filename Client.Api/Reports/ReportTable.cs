using Hotline.Reporting;

namespace Hotline.Api.Reports;

/// <summary>How a column's numbers read: a count, a percentage (0–100, two decimals), seconds, points or a factor.</summary>
public enum ColumnUnit
{
    Count,
    Percent,
    Seconds,
    Points,
    Factor,
    Rank,
}

public sealed record ReportColumn(string Key, string Label, ColumnUnit Unit);

/// <summary>One line of a table: its key (a department id, a date), its label for people, and a value per column key.</summary>
public sealed record ReportRow(string Key, string Label, IReadOnlyDictionary<string, double?> Values);

/// <summary>
/// A report table exactly as the page, the .xlsx and the CSV show it: the API computes it once, rounded once, and
/// every rendering prints these numbers, so a download always equals the page.
/// </summary>
public sealed record ReportTable(string Name, string Title, string KeyLabel, IReadOnlyList<ReportColumn> Columns, IReadOnlyList<ReportRow> Rows, ReportRow? Total);

/// <summary>A report: its period, and its tables.</summary>
public sealed record ReportResult(string Title, string From, string To, int Days, IReadOnlyList<ReportTable> Tables, IReadOnlyList<string> Notes);

/// <summary>The columns of the call and work-order tables, and how figures become their values.</summary>
public static class ReportColumns
{
    public static IReadOnlyList<ReportColumn> Calls { get; } =
    [
        new("offered", "进线量", ColumnUnit.Count),
        new("answered", "接通量", ColumnUnit.Count),
        new("connectionRate", "接通率", ColumnUnit.Percent),
        new("serviceLevel", "10秒服务水平", ColumnUnit.Percent),
        new("abandoned", "放弃量", ColumnUnit.Count),
        new("shortAbandoned", "其中短时放弃", ColumnUnit.Count),
        new("abandonRate", "放弃率", ColumnUnit.Percent),
        new("callbacks", "预约回拨", ColumnUnit.Count),
        new("averageSpeedOfAnswer", "平均应答速度(秒)", ColumnUnit.Seconds),
        new("averageTalk", "平均通话(秒)", ColumnUnit.Seconds),
        new("averageWrapUp", "平均话后整理(秒)", ColumnUnit.Seconds),
        new("averageHandle", "平均处理时长(秒)", ColumnUnit.Seconds),
    ];

    public static IReadOnlyList<ReportColumn> Orders { get; } =
    [
        new("received", "受理量", ColumnUnit.Count),
        new("resolvedOnSpot", "直办量", ColumnUnit.Count),
        new("firstContactResolution", "首解率", ColumnUnit.Percent),
        new("complaintRate", "投诉占比", ColumnUnit.Percent),
        new("dispatched", "派单量", ColumnUnit.Count),
        new("onTimeSignRate", "按时签收率", ColumnUnit.Percent),
        new("onTimeReplyRate", "按时答复率", ColumnUnit.Percent),
        new("onTimeCompletionRate", "按时办结率", ColumnUnit.Percent),
        new("completionRate", "办结率", ColumnUnit.Percent),
        new("overdue", "超期件", ColumnUnit.Count),
        new("returns", "回退次数", ColumnUnit.Count),
        new("reopenings", "重办次数", ColumnUnit.Count),
        new("reopenRate", "重办率", ColumnUnit.Percent),
        new("urges", "催办次数", ColumnUnit.Count),
        new("supervised", "督办件", ColumnUnit.Count),
        new("extensions", "延期次数", ColumnUnit.Count),
        new("visited", "回访量", ColumnUnit.Count),
        new("satisfactionRate", "满意率", ColumnUnit.Percent),
    ];

    /// <summary>The 同比/环比 columns a volume table adds.</summary>
    public static IReadOnlyList<ReportColumn> Comparison { get; } =
    [
        new("previousReceived", "上期受理量", ColumnUnit.Count),
        new("previousChange", "环比", ColumnUnit.Percent),
        new("lastYearReceived", "去年同期受理量", ColumnUnit.Count),
        new("lastYearChange", "同比", ColumnUnit.Percent),
    ];

    public static Dictionary<string, double?> Values(CallTotals t)
    {
        var k = t.Kpis;
        return new()
        {
            ["offered"] = t.Offered, ["answered"] = t.Answered, ["connectionRate"] = Percent(k.ConnectionRate),
            ["serviceLevel"] = Percent(k.ServiceLevel), ["abandoned"] = t.Abandoned, ["shortAbandoned"] = t.ShortAbandoned,
            ["abandonRate"] = Percent(k.AbandonRate), ["callbacks"] = t.Callbacks, ["averageSpeedOfAnswer"] = Seconds(k.AverageSpeedOfAnswer),
            ["averageTalk"] = Seconds(k.AverageTalkSeconds), ["averageWrapUp"] = Seconds(k.AverageWrapUpSeconds),
            ["averageHandle"] = Seconds(k.AverageHandleSeconds),
        };
    }

    public static Dictionary<string, double?> Values(TicketTotals t)
    {
        var k = t.Kpis;
        return new()
        {
            ["received"] = t.Received, ["resolvedOnSpot"] = t.ResolvedOnSpot, ["firstContactResolution"] = Percent(k.FirstContactResolution),
            ["complaintRate"] = Percent(k.ComplaintRate), ["dispatched"] = t.Dispatched, ["onTimeSignRate"] = Percent(k.OnTimeSignRate),
            ["onTimeReplyRate"] = Percent(k.OnTimeReplyRate), ["onTimeCompletionRate"] = Percent(k.OnTimeCompletionRate),
            ["completionRate"] = Percent(k.CompletionRate), ["overdue"] = t.Overdue, ["returns"] = t.Returns, ["reopenings"] = t.Reopenings,
            ["reopenRate"] = Percent(k.ReopenRate), ["urges"] = t.Urges, ["supervised"] = t.Supervised, ["extensions"] = t.Extensions,
            ["visited"] = t.Visited, ["satisfactionRate"] = Percent(k.SatisfactionRate),
        };
    }

    /// <summary>A share as a percentage rounded to two decimals, the one rounding every rendering shows.</summary>
    public static double? Percent(double? share) => share is { } s ? Math.Round(s * 100, 2, MidpointRounding.AwayFromZero) : null;

    public static double? Seconds(double? seconds) => seconds is { } s ? Math.Round(s, 1, MidpointRounding.AwayFromZero) : null;

    public static double? Round(double? value, int digits = 2) => value is { } v ? Math.Round(v, digits, MidpointRounding.AwayFromZero) : null;
}
