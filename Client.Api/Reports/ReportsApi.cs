using System.Globalization;
using System.Security.Claims;
using Hotline.Api.Auth;
using Hotline.Api.Knowledge;
using Hotline.Api.Problems;
using Hotline.Reporting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hotline.Api.Reports;

/// <summary>
/// Reports and KPIs under <c>/api/reports</c>: call-centre and work-order figures, volumes with 同比/环比, the monthly
/// report, the department evaluation and hot topics. Every report answers JSON, or with <c>?format=xlsx</c> /
/// <c>?format=csv</c> (or <c>Accept: text/csv</c>) the same tables as a file.
/// </summary>
public static class ReportsApi
{
    public static RouteGroupBuilder MapReportsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/reports").WithTags("Reports");
        var read = api.MapGroup("").RequireAuthorization(Policies.ReportsRead);
        read.MapGet("/kpi", Kpi).WithReportOutput().WithSummary("Headline KPIs for a period with the previous period, last year and the 2023 national figures");
        read.MapGet("/calls", Calls).WithReportOutput().WithSummary("Call-centre KPIs grouped by day, week, month, quarter, year, hour, queue or seat (job number)");
        read.MapGet("/volume", Volume).WithReportOutput()
            .WithSummary("Work orders grouped by department, category, district, kind, channel, agent or time, with 环比/同比 received counts");
        read.MapGet("/volume/orders", OrdersBehind)
            .WithSummary("Drill-down: the orders behind one row of /volume (groupBy and key), or behind its total (no key), newest first");
        read.MapGet("/monthly", Monthly).WithReportOutput().WithSummary("The director's monthly report (月报): every table for one month, optionally one department");
        read.MapGet("/hot-topics", HotTopicsReport).WithReportOutput().WithSummary("Categories, districts and keywords of this period against the previous one, with rise alerts");
        read.MapGet("/hot-topics/settings", async (ReportStore store, CancellationToken ct) => TypedResults.Ok(await store.HotTopicSettingsAsync(ct)))
            .WithSummary("The hot-topic alert threshold, stop words and terms");
        read.MapGet("/departments/weights", async (ReportStore store, CancellationToken ct) =>
            TypedResults.Ok(Weights(await store.WeightsAsync(ct)))).WithSummary("The evaluation weights per indicator");

        api.MapGet("/departments", Departments).RequireAuthorization(Policies.EvaluationRead).WithReportOutput()
            .WithSummary("The department evaluation table (部门考评) with scores and ranks; department staff get their own row only");

        // The monthly report as one printable HTML page (the screen's tables and charts, no navigation).
        app.MapGet("/reports/print", Print).RequireAuthorization(Policies.ReportsRead).ExcludeFromDescription();

        var admin = api.MapGroup("").RequireAuthorization(Policies.ReportsSettings);
        admin.MapPut("/departments/weights", SaveWeights).WithSummary("Set the evaluation weights (admin)");
        admin.MapPut("/hot-topics/settings", SaveHotTopicSettings).WithSummary("Set the hot-topic threshold, stop words and terms (admin)");
        return api;
    }

    internal static async Task<IResult> Kpi(string? from, string? to, string? department, string? category, string? district, string? format,
        HttpContext http, ReportService reports, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var period = Period(from, to, errors);
        var filter = await FilterAsync(department, category, district, reports, errors, ct);
        CheckFormat(format, errors);
        if (errors.TryGetProblem(out var problem)) return problem;
        var table = await reports.KpiAsync(period!, filter!, ct);
        return Answer(Result("主要指标", period!, [table], filter!.Department is null ? [] : ["按承办单位筛选时不含话务指标。"]), format, http, "kpi");
    }

    internal static async Task<IResult> Calls(string? from, string? to, string? groupBy, string? queue, string? format,
        HttpContext http, ReportService reports, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var period = Period(from, to, errors);
        var by = Dimension(groupBy ?? "day", ReportDimension.ForCalls, errors);
        errors.Check(queue is null || queue.Length is > 0 and <= 64, "queue", "1 to 64 characters.");
        CheckFormat(format, errors);
        if (errors.TryGetProblem(out var problem)) return problem;
        var table = await reports.CallsAsync(period!, by!, queue, ct);
        return Answer(Result("话务统计", period!, [table], []), format, http, "calls");
    }

    internal static async Task<IResult> Volume(string? from, string? to, string? groupBy, string? department, string? category, string? district,
        string? format, HttpContext http, ReportService reports, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var period = Period(from, to, errors);
        var by = Dimension(groupBy ?? "department", ReportDimension.ForOrders, errors);
        var filter = await FilterAsync(department, category, district, reports, errors, ct);
        CheckFormat(format, errors);
        if (errors.TryGetProblem(out var problem)) return problem;
        var table = await reports.OrdersAsync(period!, by!, filter!, ct);
        return Answer(Result("工单统计", period!, [table], []), format, http, "volume");
    }

    internal static async Task<Results<Ok<OrderLinePage>, ValidationProblem>> OrdersBehind(string? from, string? to, string? groupBy, string? key,
        string? department, string? category, string? district, int? page, int? pageSize, ReportService reports, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var period = Period(from, to, errors);
        var by = Dimension(groupBy ?? "total", ReportDimension.ForOrders, errors);
        errors.Check(key is null || key.Length <= 64, "key", "At most 64 characters.");
        errors.Range(page, 1, 10_000, "page").Range(pageSize, 1, 200, "pageSize");
        var filter = await FilterAsync(department, category, district, reports, errors, ct);
        if (errors.TryGetProblem(out var problem)) return problem;
        var (total, items) = await reports.Store.OrdersBehindAsync(period!, by!, key, filter!, page ?? 1, pageSize ?? 50, ct);
        return TypedResults.Ok(new OrderLinePage(total, page ?? 1, pageSize ?? 50, items));
    }

    internal static async Task<IResult> Monthly(string? month, string? department, string? format, HttpContext http, ReportService reports, CancellationToken ct)
    {
        var errors = new FieldErrors();
        ReportPeriod? period = null;
        if (month is null || !DateOnly.TryParseExact($"{month}-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first))
            errors.Add("month", "A month as yyyy-MM, e.g. 2026-11.");
        else period = ReportPeriod.Month(first.Year, first.Month);
        var filter = await FilterAsync(department, null, null, reports, errors, ct);
        CheckFormat(format, errors);
        if (errors.TryGetProblem(out var problem)) return problem;
        return Answer(await MonthlyReport.BuildAsync(reports, period!, filter!, ct), format, http, $"monthly-{month}");
    }

    internal static async Task<IResult> Print(string? month, string? department, ReportService reports, CancellationToken ct)
    {
        var errors = new FieldErrors();
        ReportPeriod? period = null;
        if (month is null || !DateOnly.TryParseExact($"{month}-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first))
            errors.Add("month", "A month as yyyy-MM, e.g. 2026-11.");
        else period = ReportPeriod.Month(first.Year, first.Month);
        var filter = await FilterAsync(department, null, null, reports, errors, ct);
        if (errors.TryGetProblem(out var problem)) return problem;
        var report = await MonthlyReport.BuildAsync(reports, period!, filter!, ct);
        var title = ReportCharts.E(report.Title);
        var html = $"""
            <!DOCTYPE html>
            <html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title><link rel="stylesheet" href="/css/app.css"></head>
            <body><main class="report-print">
            <p class="no-print"><button type="button" id="report-print-now" class="primary">打印</button></p>
            <h1>{title}</h1><p class="muted">统计期间:{report.From} ~ {report.To}({report.Days} 天)</p>
            {ReportHtml.Render(report)}
            </main><script src="/js/report-print.js"></script></body></html>
            """;
        return TypedResults.Content(html, "text/html; charset=utf-8");
    }

    internal static async Task<IResult> HotTopicsReport(string? from, string? to, string? department, string? category, string? district,
        string? format, HttpContext http, ReportService reports, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var period = Period(from, to, errors);
        var filter = await FilterAsync(department, category, district, reports, errors, ct);
        CheckFormat(format, errors);
        if (errors.TryGetProblem(out var problem)) return problem;
        var tables = await reports.HotTopicsAsync(period!, filter!, ct);
        return Answer(Result("热点问题", period!, tables, [$"与上期 {ReportService.Date(period!.Previous.From)}~{ReportService.Date(period.Previous.To)} 比较,按日均件数计。"]),
            format, http, "hot-topics");
    }

    internal static async Task<IResult> Departments(string? from, string? to, string? format, ClaimsPrincipal user, HttpContext http,
        ReportService reports, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var period = Period(from, to, errors);
        CheckFormat(format, errors);
        if (errors.TryGetProblem(out var problem)) return problem;
        // Department staff see their own row and rank only; a department account bound to none sees no row.
        var only = user.IsDepartmentScoped() ? user.DepartmentId() ?? "" : null;
        var table = await reports.EvaluationAsync(period!, only, ct);
        return Answer(Result("部门考评", period!, [table], []), format, http, "departments");
    }

    internal static async Task<Results<Ok<Dictionary<string, double>>, ValidationProblem>> SaveWeights(
        Dictionary<string, double>? body, ClaimsPrincipal user, ReportStore store, TimeProvider time, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var weights = new Dictionary<EvaluationIndicator, double>();
        if (body is null || body.Count == 0) errors.Add("weights", "Give a weight per indicator, e.g. {\"on_time_reply\": 20}.");
        foreach (var (name, weight) in body ?? [])
        {
            if (Names.TryParse<EvaluationIndicator>(name, out var indicator)) weights[indicator] = weight;
            else errors.Add($"weights.{name}", $"Unknown indicator; known: {string.Join(", ", Enum.GetValues<EvaluationIndicator>().Select(i => Names.Of(i)))}.");
        }
        var parsed = new EvaluationWeights(weights);
        if (!errors.Any) foreach (var (field, message) in parsed.Problems()) errors.Add(field, message);
        if (errors.TryGetProblem(out var problem)) return problem;
        await store.SaveWeightsAsync(parsed, user.JobNo(), time.GetUtcNow(), ct);
        return TypedResults.Ok(Weights(parsed));
    }

    internal static async Task<Results<Ok<HotTopicConfiguration>, ValidationProblem>> SaveHotTopicSettings(
        HotTopicConfiguration body, ClaimsPrincipal user, ReportStore store, TimeProvider time, CancellationToken ct)
    {
        var errors = new FieldErrors();
        foreach (var (field, message) in body.Threshold.Problems()) errors.Add(field, message);
        var stopWords = (body.StopWords ?? []).Select(w => w?.Trim() ?? "").ToList();
        var terms = (body.Terms ?? []).Select(w => w?.Trim() ?? "").ToList();
        errors.Check(stopWords.Count <= 1000 && stopWords.All(w => w.Length is > 0 and <= 20), "stopWords", "At most 1,000 words of 1 to 20 characters.");
        errors.Check(terms.Count <= 1000 && terms.All(w => w.Length is > 1 and <= 20), "terms", "At most 1,000 terms of 2 to 20 characters.");
        if (errors.TryGetProblem(out var problem)) return problem;
        var saved = body with { StopWords = stopWords.Distinct().ToList(), Terms = terms.Distinct().ToList() };
        await store.SaveHotTopicSettingsAsync(saved, user.JobNo(), time.GetUtcNow(), ct);
        return TypedResults.Ok(saved);
    }

    internal static ReportPeriod? Period(string? from, string? to, FieldErrors errors)
    {
        var start = Day(from, "from", errors);
        var end = Day(to, "to", errors);
        if (start is not { } f || end is not { } t) return null;
        if (ReportPeriod.Check(f, t) is { } bad)
        {
            errors.Add(bad.Field, bad.Message);
            return null;
        }
        return new ReportPeriod(f, t);

        static DateOnly? Day(string? value, string field, FieldErrors errors)
        {
            if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)) return day;
            errors.Add(field, "A date as yyyy-MM-dd (China time).");
            return null;
        }
    }

    private static ReportDimension? Dimension(string name, IReadOnlyList<ReportDimension> allowed, FieldErrors errors)
    {
        var found = allowed.FirstOrDefault(d => d.Name == name);
        if (found is null) errors.Add("groupBy", $"One of {string.Join(", ", allowed.Select(d => d.Name))}.");
        return found;
    }

    internal static async Task<OrderFilter?> FilterAsync(string? department, string? category, string? district, ReportService reports,
        FieldErrors errors, CancellationToken ct)
    {
        if (department is not null && !(await reports.DepartmentNamesAsync()).ContainsKey(department))
            errors.Add("department", $"Unknown department '{department}'.");
        IReadOnlyList<string>? categories = null;
        if (category is not null && (categories = await reports.CategorySubtreeAsync(category)) is null)
            errors.Add("category", $"Unknown category '{category}'.");
        if (district is not null && (district.Length > 64 || !await reports.Store.DistrictKnownAsync(district, ct)))
            errors.Add("district", $"No order names the district '{district}'.");
        return errors.Any ? null : new OrderFilter(department, categories, district);
    }

    private static void CheckFormat(string? format, FieldErrors errors) =>
        errors.Check(format is null or "json" or "xlsx" or "csv", "format", "json, xlsx or csv.");

    private static ReportResult Result(string title, ReportPeriod period, IReadOnlyList<ReportTable> tables, IReadOnlyList<string> notes) =>
        new(title, ReportService.Date(period.From), ReportService.Date(period.To), period.Days, tables, notes);

    internal static IResult Answer(ReportResult report, string? format, HttpContext http, string fileName)
    {
        var wantsCsv = format == "csv" || (format is null && http.Request.Headers.Accept.Any(a => a?.Contains("text/csv", StringComparison.Ordinal) == true));
        var name = $"{fileName}-{report.From}-{report.To}";
        if (format == "xlsx") return TypedResults.File(ReportExport.Xlsx(report), ReportExport.XlsxType, $"{name}.xlsx");
        if (wantsCsv) return TypedResults.File(ReportExport.Csv(report), ReportExport.CsvType, $"{name}.csv");
        return TypedResults.Ok(report);
    }

    /// <summary>What a report route answers, for the OpenAPI document: its tables as JSON, .xlsx or CSV, or a 400.</summary>
    private static RouteHandlerBuilder WithReportOutput(this RouteHandlerBuilder route) => route
        .Produces<ReportResult>(StatusCodes.Status200OK, "application/json", ReportExport.XlsxType, "text/csv")
        .ProducesValidationProblem();

    private static Dictionary<string, double> Weights(EvaluationWeights weights) =>
        Enum.GetValues<EvaluationIndicator>().ToDictionary(i => Names.Of(i), weights.Of);
}
