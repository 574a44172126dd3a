using Hotline.Tickets;

namespace Hotline.Api.Contracts;

/// <summary>A category (性质类别) as stored: flat, with its parent.</summary>
public sealed record CategoryDto(string Id, string Name, string? ParentId, string? EnglishName)
{
    public static CategoryDto FromGrain(Category c) => new(c.Id, c.Name, c.ParentId, c.EnglishName);
}

/// <summary>A line of the dispatch catalogue (派单目录): this category (in this district, when given) goes to this department.</summary>
public sealed record DispatchRuleDto(string CategoryId, string? District, string DepartmentId)
{
    public static DispatchRuleDto FromGrain(DispatchRule r) => new(r.CategoryId, r.District, r.DepartmentId);
}

public sealed record CatalogueResponse(IReadOnlyList<CategoryDto> Categories, IReadOnlyList<DispatchRuleDto> Rules, int Version)
{
    public static CatalogueResponse FromGrain(Catalogue c) =>
        new(c.Categories.Select(CategoryDto.FromGrain).ToArray(), c.Rules.Select(DispatchRuleDto.FromGrain).ToArray(), c.Version);
}

/// <summary>A node of the category tree, as the intake form's picker shows it.</summary>
public sealed record CategoryNode(string Id, string Name, string? EnglishName, IReadOnlyList<CategoryNode> Children)
{
    /// <summary>The forest of categories, children in the catalogue's order.</summary>
    public static IReadOnlyList<CategoryNode> Tree(IReadOnlyList<Category> categories)
    {
        var children = categories.ToLookup(c => c.ParentId ?? "", StringComparer.Ordinal);
        IReadOnlyList<CategoryNode> Under(string parent) =>
            children[parent].Select(c => new CategoryNode(c.Id, c.Name, c.EnglishName, Under(c.Id))).ToArray();
        return Under("");
    }
}

/// <summary>The body of <c>PUT /api/catalogue</c>: the whole tree and every rule, replacing the old ones.</summary>
public sealed record CatalogueRequest(IReadOnlyList<CategoryRequest?>? Categories, IReadOnlyList<DispatchRuleRequest?>? Rules);

public sealed record CategoryRequest(string? Id, string? Name, string? ParentId, string? EnglishName);

public sealed record DispatchRuleRequest(string? CategoryId, string? District, string? DepartmentId);
