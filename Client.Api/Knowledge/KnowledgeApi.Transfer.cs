using System.Security.Claims;
using System.Text;
using Hotline.Api.Auth;
using Hotline.Api.Problems;
using Hotline.Knowledge;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hotline.Api.Knowledge;

/// <summary>Import and export routes.</summary>
public static partial class KnowledgeApi
{
    /// <summary>
    /// Reads every uploaded file (.md/.markdown, .xlsx), checks every article against the same rules as the editor's
    /// form, and creates them all in one transaction, or, when any line is wrong, none: the 400 lists every problem by
    /// file and line
    /// (400 <c>knowledge.import_invalid</c>, <c>problems: [{source, line, field, message}]</c>).
    /// </summary>
    internal static async Task<Results<Ok<ImportReport>, ValidationProblem, ProblemHttpResult>> Import(
        IFormFileCollection files, bool? publish, ClaimsPrincipal user, KnowledgeStore store, IClusterClient cluster, CancellationToken ct)
    {
        var roles = RolesOf(user);
        if (!roles.Any(KnowledgeLifecycle.RolesFor(KnowledgeCommand.Edit).Contains))
            return ApiProblems.Forbidden("Only knowledge editors and admins import articles.");
        if (publish == true && !roles.Any(KnowledgeLifecycle.RolesFor(KnowledgeCommand.Publish).Contains))
            return ApiProblems.Forbidden("Only reviewers and admins import straight to published.");
        if (files.Count is 0 or > MaxImportFiles) return ApiProblems.Validation("files", $"1 to {MaxImportFiles} files (multipart/form-data).");

        var problems = new List<ImportProblem>();
        var articles = new List<ImportedArticle>();
        foreach (var file in files)
        {
            var name = Path.GetFileName(file.FileName);
            await using var stream = file.OpenReadStream();
            if (name.EndsWith(".md", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".markdown", StringComparison.OrdinalIgnoreCase))
            {
                using var reader = new StreamReader(stream, Encoding.UTF8);
                if (KnowledgeTransfer.ReadMarkdown(name, await reader.ReadToEndAsync(ct), problems) is { } article) articles.Add(article);
            }
            else if (name.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase))
                articles.AddRange(KnowledgeTransfer.ReadXlsx(name, stream, problems));
            else problems.Add(new(name, 0, "file", "Only .md, .markdown and .xlsx files are imported."));
        }

        var categories = await store.KnownCategoriesAsync(ct);
        var departments = await DepartmentsAsync(cluster);
        foreach (var article in articles)
            foreach (var (field, message) in KnowledgeRules.Check(article.Draft, categories.Contains, departments.Contains))
            {
                var key = field.Split('[', '.')[0];
                problems.Add(new(article.Source, article.FieldLines.GetValueOrDefault(key, article.Line), field, message));
            }
        if (problems.Count > 0)
            return ApiProblems.Problem(StatusCodes.Status400BadRequest, "knowledge.import_invalid",
                $"{problems.Count} problem(s) in the import; nothing was imported.", new Dictionary<string, object?> { ["problems"] = problems });

        var ids = await store.CreateAllAsync(articles.Select(a => a.Draft).ToList(), user.JobNo(), publish == true, ct);
        return TypedResults.Ok(new ImportReport(ids.Count, ids, []));
    }

    internal static async Task<Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult>> Export(
        string? format, bool? drafts, ClaimsPrincipal user, KnowledgeStore store, CancellationToken ct)
    {
        if (format is not ("markdown" or "xlsx")) return ApiProblems.Validation("format", "markdown or xlsx.");
        if (drafts == true && !KnowledgeLifecycle.CanEdit(RolesOf(user)))
            return ApiProblems.Forbidden("Only knowledge editors, reviewers and admins export drafts.");
        var articles = await store.ExportAsync(drafts == true, ct);
        var stamp = store.Time.GetUtcNow().ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
        return format == "xlsx"
            ? TypedResults.File(KnowledgeTransfer.WriteXlsx(articles), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"knowledge-{stamp}.xlsx")
            : TypedResults.File(KnowledgeTransfer.WriteMarkdownZip(articles), "application/zip", $"knowledge-{stamp}.zip");
    }
}
