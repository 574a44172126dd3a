using Hotline.Api.Auth;
using Hotline.Api.Cluster;
using Hotline.Api.Contracts;
using Hotline.Api.Problems;
using Hotline.Departments;
using Hotline.Tickets;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hotline.Api.Apis;

/// <summary>The category tree (性质类别) and the dispatch catalogue (派单目录) that suggests each order's department.</summary>
public static class CatalogueApi
{
    public const int MaxCategories = 2_000;
    public const int MaxRules = 10_000;

    public static RouteGroupBuilder MapCatalogueApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Catalogue").AddEndpointFilter<RequireClusterFilter>();
        api.MapGet("/categories", GetTree).WithSummary("The category tree, for the intake form's picker");
        api.MapGet("/catalogue", Get).WithSummary("The categories (flat, with parents) and the dispatch rules");
        api.MapPut("/catalogue", Save).RequireAuthorization(Policies.ReferenceDataWrite)
            .WithSummary("Replace the categories and dispatch rules (admin); a rule must name a known department");
        return api;
    }

    internal static async Task<Ok<IReadOnlyList<CategoryNode>>> GetTree(IClusterClient cluster)
    {
        var catalogue = await cluster.GetGrain<ICatalogueGrain>(ICatalogueGrain.Centre).GetAsync();
        return TypedResults.Ok(CategoryNode.Tree(catalogue.Categories));
    }

    internal static async Task<Ok<CatalogueResponse>> Get(IClusterClient cluster) =>
        TypedResults.Ok(CatalogueResponse.FromGrain(await cluster.GetGrain<ICatalogueGrain>(ICatalogueGrain.Centre).GetAsync()));

    internal static async Task<Results<Ok<CatalogueResponse>, ValidationProblem>> Save(CatalogueRequest body, IClusterClient cluster)
    {
        var errors = new FieldErrors();
        var categories = new List<Category>();
        var requested = body.Categories ?? [];
        errors.Check(requested.Count <= MaxCategories, "categories", $"At most {MaxCategories} categories.");
        var ids = requested.Select(c => c?.Id).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < requested.Count; i++)
        {
            var field = $"categories[{i}]";
            var c = requested[i];
            if (c?.Id is not { } id || !InputRules.Slug().IsMatch(id)) errors.Add($"{field}.id", "Must be 1 to 64 of a-z 0-9 -, starting with a letter or digit.");
            else errors.Check(seen.Add(id), $"{field}.id", $"Category '{id}' appears twice.");
            var name = TicketIntakeValidation.Required(c?.Name, $"{field}.name", 64, errors);
            var english = TicketIntakeValidation.Optional(c?.EnglishName, $"{field}.englishName", 64, errors);
            if (c?.ParentId is { } parent)
            {
                if (parent == c.Id) errors.Add($"{field}.parentId", "A category cannot be its own parent.");
                else errors.Check(ids.Contains(parent), $"{field}.parentId", $"Unknown parent '{parent}'.");
            }
            if (!errors.Any) categories.Add(new Category(c!.Id!, name!, c.ParentId, english));
        }

        var rules = new List<DispatchRule>();
        var requestedRules = body.Rules ?? [];
        errors.Check(requestedRules.Count <= MaxRules, "rules", $"At most {MaxRules} rules.");
        var departments = requestedRules.Count == 0
            ? []
            : (await cluster.GetGrain<IDepartmentDirectoryGrain>(IDepartmentDirectoryGrain.Centre).GetAllAsync()).ToHashSet(StringComparer.Ordinal);
        var keys = new HashSet<(string, string?)>();
        for (var i = 0; i < requestedRules.Count; i++)
        {
            var field = $"rules[{i}]";
            var r = requestedRules[i];
            if (r?.CategoryId is not { } category) errors.Add($"{field}.categoryId", "Required.");
            else errors.Check(ids.Contains(category), $"{field}.categoryId", $"Unknown category '{category}'.");
            var district = TicketIntakeValidation.Optional(r?.District, $"{field}.district", 64, errors);
            if (r?.DepartmentId is not { } department) errors.Add($"{field}.departmentId", "Required.");
            else errors.Check(departments.Contains(department), $"{field}.departmentId", $"Unknown department '{department}'; see GET /api/departments.");
            if (r?.CategoryId is { } key)
                errors.Check(keys.Add((key, district)), field, $"Another rule already covers category '{key}'{(district is null ? "" : $" in {district}")}.");
            if (!errors.Any) rules.Add(new DispatchRule(r!.CategoryId!, district, r.DepartmentId!));
        }

        if (errors.TryGetProblem(out var problem)) return problem;
        // The grain checks the tree once more (cycles) and answers 400 validation.failed itself.
        var saved = await cluster.GetGrain<ICatalogueGrain>(ICatalogueGrain.Centre).SaveAsync(categories, rules);
        return TypedResults.Ok(CatalogueResponse.FromGrain(saved));
    }
}
