using System.Globalization;
using System.Text;
using Hotline.Api.Audit;
using Hotline.Api.Auth;
using Hotline.Api.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hotline.Api.Apis;

/// <summary>The audit trail (审计日志) for auditors and administrators: browse, export as CSV, verify the hash chain.</summary>
public static class AuditApi
{
    public const int MaxPageSize = 200;
    public const int MaxExportRows = 100_000;

    public sealed record AuditItem(long Id, DateTimeOffset At, string JobNo, string Roles, string Source, string Action, string Entity, int Outcome);
    public sealed record AuditList(AuditItem[] Items, long Total, int Page, int PageSize);
    public sealed record AuditVerification(bool Intact, long CheckedRows, long? BrokenAt, string? Reason);

    public static RouteGroupBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/audit").WithTags("Audit").RequireAuthorization(Policies.AuditRead);
        api.MapGet("", List).WithSummary("Audit entries, newest first, filtered by person (job number), action (part of it) and period [from, to)");
        api.MapGet("/export", Export).Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .WithSummary($"The same filters as CSV, oldest first (at most {MaxExportRows} rows)");
        api.MapGet("/verify", Verify).WithSummary("Walk the hash chain from the first row; names the first broken row");
        return api;
    }

    internal static async Task<Results<Ok<AuditList>, ValidationProblem, ProblemHttpResult>> List(
        string? person, string? action, DateTimeOffset? from, DateTimeOffset? to, int? page, int? pageSize,
        IServiceProvider services, CancellationToken ct)
    {
        if (services.GetService<AuditLog>() is not { Available: true } audit) return NotKept();
        var errors = new FieldErrors();
        var query = Validate(person, action, from, to, page, pageSize, errors);
        if (errors.TryGetProblem(out var problem)) return problem;
        await audit.FlushAsync();
        var found = await audit.QueryAsync(query!, ct);
        return TypedResults.Ok(new AuditList(found.Items.Select(Item).ToArray(), found.Total, query!.Page, query.PageSize));
    }

    private static async Task<Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult>> Export(
        string? person, string? action, DateTimeOffset? from, DateTimeOffset? to, IServiceProvider services, CancellationToken ct)
    {
        if (services.GetService<AuditLog>() is not { Available: true } audit) return NotKept();
        var errors = new FieldErrors();
        var query = Validate(person, action, from, to, null, null, errors);
        if (errors.TryGetProblem(out var problem)) return problem;
        await audit.FlushAsync();
        var csv = new StringBuilder("id,at,jobNo,roles,source,action,entity,outcome,hash\r\n");
        await foreach (var row in audit.ExportAsync(query!, MaxExportRows, ct))
        {
            var r = row.Record;
            csv.AppendJoin(',', row.Id.ToString(CultureInfo.InvariantCulture), r.At.ToString("O", CultureInfo.InvariantCulture), Csv(r.JobNo), Csv(r.Roles),
                Csv(r.Source), Csv(r.Action), Csv(r.Entity), r.Outcome.ToString(CultureInfo.InvariantCulture), Convert.ToHexStringLower(row.Hash)).Append("\r\n");
        }
        return TypedResults.File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv.ToString())).ToArray(), "text/csv", "audit.csv");
    }

    internal static async Task<Results<Ok<AuditVerification>, ProblemHttpResult>> Verify(IServiceProvider services, CancellationToken ct)
    {
        if (services.GetService<AuditLog>() is not { Available: true } audit) return NotKept();
        await audit.FlushAsync();
        var (broken, checkedRows) = await audit.VerifyAsync(ct);
        return TypedResults.Ok(new AuditVerification(broken is null, checkedRows, broken?.Id, broken?.Reason));
    }

    internal static AuditQuery? Validate(string? person, string? action, DateTimeOffset? from, DateTimeOffset? to, int? page, int? pageSize, FieldErrors errors)
    {
        errors.Check(person is null || person.Length <= 32, "person", "At most 32 characters.");
        errors.Check(action is null || action.Length <= 200, "action", "At most 200 characters.");
        errors.Check(from is null || to is null || from < to, "to", "Must be after from.");
        errors.Check(page is null or >= 1 and <= 100_000, "page", "1 to 100000.");
        errors.Check(pageSize is null or >= 1 and <= MaxPageSize, "pageSize", $"1 to {MaxPageSize}.");
        return errors.Any ? null : new AuditQuery(person, action, from, to, page ?? 1, pageSize ?? 50);
    }

    internal static AuditItem Item(StoredAuditEntry row) =>
        new(row.Id, row.Record.At, row.Record.JobNo, row.Record.Roles, row.Record.Source, row.Record.Action, row.Record.Entity, row.Record.Outcome);

    /// <summary>A CSV field, quoted; a leading = + - @ is defused so a spreadsheet does not run it as a formula.</summary>
    internal static string Csv(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@') value = "'" + value;
        return "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    private static ProblemHttpResult NotKept() => ApiProblems.Problem(StatusCodes.Status503ServiceUnavailable, "audit.unavailable",
        "This hotline's database has no audit trail (schema audit); see SECURITY.md.");
}
