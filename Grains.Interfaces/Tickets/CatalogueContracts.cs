namespace Hotline.Tickets;

/// <summary>A node of the category tree (性质类别), e.g. <c>housing-fund</c> 公积金 under <c>livelihood</c>.</summary>
[GenerateSerializer, Immutable, Alias("hotline.Category")]
public sealed record Category(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string? ParentId,
    [property: Id(3)] string? EnglishName);

/// <summary>
/// A line of the dispatch catalogue (派单目录): orders in this category (and district, when given) go to this
/// department by default. A rule with a district wins over one without.
/// </summary>
[GenerateSerializer, Immutable, Alias("hotline.DispatchRule")]
public sealed record DispatchRule(
    [property: Id(0)] string CategoryId,
    [property: Id(1)] string? District,
    [property: Id(2)] string DepartmentId);

[GenerateSerializer, Immutable, Alias("hotline.Catalogue")]
public sealed record Catalogue(
    [property: Id(0)] IReadOnlyList<Category> Categories,
    [property: Id(1)] IReadOnlyList<DispatchRule> Rules,
    [property: Id(2)] int Version);

/// <summary>The categories and the dispatch catalogue (key "centre"), edited by admins.</summary>
[Alias("hotline.ICatalogueGrain")]
public interface ICatalogueGrain : IGrainWithStringKey
{
    public const string Centre = "centre";

    [Alias("Get")] Task<Catalogue> GetAsync();
    /// <summary>Replaces the categories (a tree: every parent must exist, no cycles) and rules (categories must exist).</summary>
    [Alias("Save")] Task<Catalogue> SaveAsync(IReadOnlyList<Category> categories, IReadOnlyList<DispatchRule> rules);
    /// <summary>The default department for a category and district, walking up the tree; null when the catalogue has none.</summary>
    [Alias("Suggest")] Task<string?> SuggestAsync(string categoryId, string? district);
}
