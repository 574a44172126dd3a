using System.Globalization;
using Hotline.Api.Knowledge;
using Hotline.Api.Ui;
using Hotline.Departments;
using Hotline.Reporting;
using Hotline.Tickets;

namespace Hotline.Api.Reports;

/// <summary>
/// Builds the report tables from <see cref="ReportStore"/>'s sums: labels from the catalogue and the department list,
/// comparisons with the previous period (环比) and the same period last year (同比), the evaluation ranking and the hot
/// topics. Every number a table holds is final (rounded once, in <see cref="ReportColumns"/>).
/// </summary>
public sealed class ReportService(ReportStore store, IClusterClient cluster, ChineseSegmenter segmenter)
{
    /// <summary>The 2023 national figures seed 003 gives, for the indicators the hotline computes itself.</summary>
    public static IReadOnlyDictionary<string, (double Value, string Note)> National2023 { get; } = new Dictionary<string, (double, string)>
    {
        ["connectionRate"] = (88.91, "2023年全国政务热线平均接通率"),
        ["nonPhoneShare"] = (11.03, "2023年非热线渠道受理工单占比"),
        ["firstContactResolution"] = (79.17, "2023年首次联络解决率(新一线城市平均,各线级最高)"),
        ["satisfactionRate"] = (96.23, "2023年回访满意度(四线城市平均,各线级最高)"),
        ["complaintRate"] = (10, "2023年各地工单投诉率均低于10%"),
    };

    public ReportStore Store => store;

    public async Task<ReportTable> CallsAsync(ReportPeriod period, ReportDimension by, string? queue, CancellationToken ct)
    {
        var settings = CallKpiSettings.Default;
        var groups = await store.CallsAsync(period, by, settings, queue, ct);
        var total = groups.Values.Aggregate(CallTotals.Zero, (a, b) => a + b);
        var rows = groups.OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ReportRow(g.Key, CallLabel(by, g.Key), ReportColumns.Values(g.Value))).ToList();
        return new ReportTable("calls", $"话务统计(按{by.Label})", by.Label, ReportColumns.Calls, rows,
            new ReportRow("total", "合计", ReportColumns.Values(total)));
    }

    /// <summary>Work orders grouped, with the previous period's and last year's received counts per group.</summary>
    public async Task<ReportTable> OrdersAsync(ReportPeriod period, ReportDimension by, OrderFilter filter, CancellationToken ct)
    {
        var labels = await LabelsAsync(by);
        var now = await store.OrdersAsync(period, by, filter, ct);
        // Time buckets have other keys in another period; compare those by position-free totals only.
        var comparable = by != ReportDimension.Day && by != ReportDimension.Week && by != ReportDimension.Month
            && by != ReportDimension.Quarter && by != ReportDimension.Year;
        var previous = comparable ? await store.OrdersAsync(period.Previous, by, filter, ct) : new Dictionary<string, TicketTotals>();
        var lastYear = comparable ? await store.OrdersAsync(period.LastYear, by, filter, ct) : new Dictionary<string, TicketTotals>();
        var totalPrevious = comparable ? Sum(previous) : Sum(await store.OrdersAsync(period.Previous, ReportDimension.Total, filter, ct));
        var totalLastYear = comparable ? Sum(lastYear) : Sum(await store.OrdersAsync(period.LastYear, ReportDimension.Total, filter, ct));

        var rows = now.OrderByDescending(g => comparable ? g.Value.Received : 0).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ReportRow(g.Key, labels(g.Key), WithComparison(g.Value,
                comparable ? previous.GetValueOrDefault(g.Key) ?? TicketTotals.Zero : null,
                comparable ? lastYear.GetValueOrDefault(g.Key) ?? TicketTotals.Zero : null)))
            .ToList();
        return new ReportTable("orders", $"工单统计(按{by.Label})", by.Label, [.. ReportColumns.Orders, .. ReportColumns.Comparison], rows,
            new ReportRow("total", "合计", WithComparison(Sum(now), totalPrevious, totalLastYear)));
    }

    /// <summary>The headline indicators: this period, the previous one, last year, the changes and the national figure.</summary>
    public async Task<ReportTable> KpiAsync(ReportPeriod period, OrderFilter filter, CancellationToken ct)
    {
        async Task<(Dictionary<string, double?> Calls, Dictionary<string, double?> Orders)> Of(ReportPeriod p)
        {
            var calls = filter == OrderFilter.None
                ? Sum(await store.CallsAsync(p, ReportDimension.Total, CallKpiSettings.Default, null, ct))
                : null;
            var orders = Sum(await store.OrdersAsync(p, ReportDimension.Total, filter, ct));
            var orderValues = ReportColumns.Values(orders);
            orderValues["nonPhoneShare"] = ReportColumns.Percent(orders.Kpis.NonPhoneShare);
            return (calls is null ? [] : ReportColumns.Values(calls), orderValues);
        }

        var (c0, o0) = await Of(period);
        var (c1, o1) = await Of(period.Previous);
        var (c2, o2) = await Of(period.LastYear);
        var indicators = (filter == OrderFilter.None ? ReportColumns.Calls : [])
            .Concat(ReportColumns.Orders.Take(4))
            .Append(new ReportColumn("nonPhoneShare", "非电话渠道占比", ColumnUnit.Percent))
            .Concat(ReportColumns.Orders.Skip(4));
        var rows = indicators.Select(i =>
        {
            double? Pick(Dictionary<string, double?> c, Dictionary<string, double?> o) => c.TryGetValue(i.Key, out var v) ? v : o.GetValueOrDefault(i.Key);
            var (now, before, lastYear) = (Pick(c0, o0), Pick(c1, o1), Pick(c2, o2));
            return new ReportRow(i.Key, i.Label, new Dictionary<string, double?>
            {
                ["current"] = now,
                ["previous"] = before,
                ["previousChange"] = ReportColumns.Percent(new Comparison(now, before).Change),
                ["lastYear"] = lastYear,
                ["lastYearChange"] = ReportColumns.Percent(new Comparison(now, lastYear).Change),
                ["national2023"] = National2023.TryGetValue(i.Key, out var n) ? n.Value : null,
            });
        }).ToList();
        return new ReportTable("kpi", "主要指标", "指标",
        [
            new("current", "本期", ColumnUnit.Factor), new("previous", "上期", ColumnUnit.Factor), new("previousChange", "环比", ColumnUnit.Percent),
            new("lastYear", "去年同期", ColumnUnit.Factor), new("lastYearChange", "同比", ColumnUnit.Percent),
            new("national2023", "2023全国参考", ColumnUnit.Factor),
        ], rows, null);
    }

    /// <summary>The evaluation table (部门考评); <paramref name="onlyDepartment"/> keeps one department's row (its rank stays the overall one).</summary>
    public async Task<ReportTable> EvaluationAsync(ReportPeriod period, string? onlyDepartment, CancellationToken ct)
    {
        var weights = await store.WeightsAsync(ct);
        var names = await DepartmentNamesAsync();
        var byDepartment = (await store.OrdersAsync(period, ReportDimension.Department, OrderFilter.None, ct))
            .Where(d => d.Key.Length > 0).ToDictionary(d => d.Key, d => d.Value, StringComparer.Ordinal);
        foreach (var id in names.Keys) byDepartment.TryAdd(id, TicketTotals.Zero);
        var ranked = DepartmentEvaluation.Rank(byDepartment, weights);
        var rows = ranked.Where(r => onlyDepartment is null || r.Department == onlyDepartment).Select(r =>
        {
            var t = r.Totals;
            var values = new Dictionary<string, double?>
            {
                ["received"] = t.Dispatched, ["signedOnTime"] = t.SignedOnTime, ["onTimeSignRate"] = ReportColumns.Percent(t.Kpis.OnTimeSignRate),
                ["repliedOnTime"] = t.RepliedOnTime, ["onTimeReplyRate"] = ReportColumns.Percent(t.Kpis.OnTimeReplyRate),
                ["closedOnTime"] = t.ClosedOnTime, ["onTimeCompletionRate"] = ReportColumns.Percent(t.Kpis.OnTimeCompletionRate),
                ["returns"] = t.Returns, ["extensions"] = t.Extensions, ["urges"] = t.Urges, ["supervised"] = t.Supervised,
                ["reopenings"] = t.Reopenings, ["visited"] = t.Visited, ["satisfactionRate"] = ReportColumns.Percent(t.Kpis.SatisfactionRate),
                ["score"] = r.Score, ["rank"] = r.Rank,
            };
            return new ReportRow(r.Department, names.GetValueOrDefault(r.Department, r.Department), values);
        }).ToList();
        return new ReportTable("evaluation", "部门考评", "承办单位",
        [
            new("received", "承办数", ColumnUnit.Count), new("signedOnTime", "按时签收", ColumnUnit.Count),
            new("onTimeSignRate", "按时签收率", ColumnUnit.Percent), new("repliedOnTime", "按时答复", ColumnUnit.Count),
            new("onTimeReplyRate", "按时答复率", ColumnUnit.Percent), new("closedOnTime", "按时办结", ColumnUnit.Count),
            new("onTimeCompletionRate", "按时办结率", ColumnUnit.Percent), new("returns", "回退件数", ColumnUnit.Count),
            new("extensions", "延期次数", ColumnUnit.Count), new("urges", "催办次数", ColumnUnit.Count), new("supervised", "督办件", ColumnUnit.Count),
            new("reopenings", "回访重办件数", ColumnUnit.Count), new("visited", "回访量", ColumnUnit.Count),
            new("satisfactionRate", "办理结果满意率", ColumnUnit.Percent), new("score", "综合得分", ColumnUnit.Points), new("rank", "排名", ColumnUnit.Rank),
        ], rows, null);
    }

    /// <summary>The knowledge articles agents used most, and those most often marked unhelpful (知识库使用情况).</summary>
    public async Task<ReportTable> KnowledgeUseAsync(ReportPeriod period, CancellationToken ct)
    {
        var rows = (await store.KnowledgeUseAsync(period, 20, ct)).Select(a => new ReportRow(
            a.Id.ToString(CultureInfo.InvariantCulture), a.Title, new Dictionary<string, double?>
            {
                ["used"] = a.Used, ["helpful"] = a.Helpful, ["unhelpful"] = a.Unhelpful,
                ["helpfulRate"] = ReportColumns.Percent(CallKpis.Share(a.Helpful, a.Helpful + a.Unhelpful)),
            })).ToList();
        return new ReportTable("knowledge", "知识库使用情况", "文章",
        [
            new("used", "使用次数", ColumnUnit.Count), new("helpful", "有帮助", ColumnUnit.Count), new("unhelpful", "无帮助", ColumnUnit.Count),
            new("helpfulRate", "有帮助占比", ColumnUnit.Percent),
        ], rows, null);
    }

    /// <summary>Hot topics by category, district and keyword against the previous period, with their alerts.</summary>
    public async Task<IReadOnlyList<ReportTable>> HotTopicsAsync(ReportPeriod period, OrderFilter filter, CancellationToken ct)
    {
        var config = await store.HotTopicSettingsAsync(ct);
        var previous = period.Previous;
        var tables = new List<ReportTable>();
        foreach (var (kind, by, title) in new[] { (TopicKind.Category, ReportDimension.Category, "热点类别"), (TopicKind.District, ReportDimension.District, "热点区县") })
        {
            var labels = await LabelsAsync(by);
            var now = (await store.OrdersAsync(period, by, filter, ct)).Where(g => g.Key.Length > 0).ToDictionary(g => g.Key, g => g.Value.Received);
            var before = (await store.OrdersAsync(previous, by, filter, ct)).Where(g => g.Key.Length > 0).ToDictionary(g => g.Key, g => g.Value.Received);
            tables.Add(TopicTable(by.Name, title, by.Label, HotTopics.Compare(kind, now, period.Days, before, previous.Days, config.Threshold), labels));
        }

        var stopWords = new HashSet<string>(HotTopics.DefaultStopWords.Concat(config.StopWords), StringComparer.Ordinal);
        IReadOnlyList<string> Cut(string text) => segmenter.Words(text);
        var current = HotTopics.Keywords(await store.SummariesAsync(period, filter, ct), Cut, stopWords, config.Terms);
        var earlier = HotTopics.Keywords(await store.SummariesAsync(previous, filter, ct), Cut, stopWords, config.Terms);
        tables.Add(TopicTable("keyword", "热点关键词", "关键词", HotTopics.Compare(TopicKind.Keyword, current, period.Days, earlier, previous.Days, config.Threshold), k => k));
        return tables;
    }

    private static ReportTable TopicTable(string name, string title, string keyLabel, IReadOnlyList<HotTopic> topics, Func<string, string> labels) =>
        new(name, title, keyLabel,
        [
            new("current", "本期件数", ColumnUnit.Count), new("previous", "上期件数", ColumnUnit.Count),
            new("currentDaily", "本期日均", ColumnUnit.Factor), new("previousDaily", "上期日均", ColumnUnit.Factor),
            new("rise", "增长倍数", ColumnUnit.Factor), new("alert", "预警", ColumnUnit.Count),
        ],
        topics.Select(t => new ReportRow(t.Key, labels(t.Key), new Dictionary<string, double?>
        {
            ["current"] = t.Current, ["previous"] = t.Previous, ["currentDaily"] = ReportColumns.Round(t.CurrentDaily),
            ["previousDaily"] = ReportColumns.Round(t.PreviousDaily), ["rise"] = ReportColumns.Round(t.Rise), ["alert"] = t.Alert ? 1 : 0,
        })).ToList(), null);

    /// <summary>The ids of a category and every category under it (a report on 民生保障 counts 公积金, 社保...), or null when unknown.</summary>
    public async Task<IReadOnlyList<string>?> CategorySubtreeAsync(string category)
    {
        var all = (await cluster.GetGrain<ICatalogueGrain>(ICatalogueGrain.Centre).GetAsync()).Categories;
        if (all.All(c => c.Id != category)) return null;
        var result = new List<string> { category };
        for (var i = 0; i < result.Count; i++) result.AddRange(all.Where(c => c.ParentId == result[i]).Select(c => c.Id));
        return result;
    }

    public async Task<IReadOnlyDictionary<string, string>> DepartmentNamesAsync()
    {
        var ids = await cluster.GetGrain<IDepartmentDirectoryGrain>(IDepartmentDirectoryGrain.Centre).GetAllAsync();
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in ids) names[id] = (await cluster.GetGrain<IDepartmentGrain>(id).GetAsync()).Profile.Name;
        return names;
    }

    private async Task<Func<string, string>> LabelsAsync(ReportDimension by)
    {
        if (by == ReportDimension.Department)
        {
            var names = await DepartmentNamesAsync();
            return key => key.Length == 0 ? "(未派单)" : names.GetValueOrDefault(key, key);
        }
        if (by == ReportDimension.Category)
        {
            var names = (await cluster.GetGrain<ICatalogueGrain>(ICatalogueGrain.Centre).GetAsync()).Categories.ToDictionary(c => c.Id, c => c.Name);
            return key => names.GetValueOrDefault(key, key);
        }
        if (by == ReportDimension.Kind || by == ReportDimension.Channel) return key => UiLabels.Of(key, UiLanguage.Chinese);
        if (by == ReportDimension.District) return key => key.Length == 0 ? "(未填区县)" : key;
        if (by == ReportDimension.Hour) return key => $"{key}:00-{key}:59";
        return key => key;
    }

    private static string CallLabel(ReportDimension by, string key) =>
        by == ReportDimension.Hour ? $"{key}:00-{key}:59" : key.Length == 0 ? "(无)" : key;

    private static Dictionary<string, double?> WithComparison(TicketTotals now, TicketTotals? previous, TicketTotals? lastYear)
    {
        var values = ReportColumns.Values(now);
        values["previousReceived"] = previous?.Received;
        values["previousChange"] = ReportColumns.Percent(new Comparison(now.Received, previous?.Received).Change);
        values["lastYearReceived"] = lastYear?.Received;
        values["lastYearChange"] = ReportColumns.Percent(new Comparison(now.Received, lastYear?.Received).Change);
        return values;
    }

    private static TicketTotals Sum(IReadOnlyDictionary<string, TicketTotals> groups) => groups.Values.Aggregate(TicketTotals.Zero, (a, b) => a + b);

    private static CallTotals Sum(IReadOnlyDictionary<string, CallTotals> groups) => groups.Values.Aggregate(CallTotals.Zero, (a, b) => a + b);

    internal static string Date(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
