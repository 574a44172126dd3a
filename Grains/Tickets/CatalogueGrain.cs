using Hotline.Common;
using Orleans.Runtime;

namespace Hotline.Tickets;

[GenerateSerializer, Alias("hotline.CatalogueState")]
public sealed class CatalogueState
{
    [Id(0)] public List<Category> Categories { get; set; } = [];
    [Id(1)] public List<DispatchRule> Rules { get; set; } = [];
    [Id(2)] public int Version { get; set; }
}

/// <summary>The category tree and the dispatch catalogue (派单目录).</summary>
[GrainType("catalogue")]
public sealed class CatalogueGrain([PersistentState(GrainStorage.States.Catalogue, GrainStorage.Hotline)] IPersistentState<CatalogueState> state)
    : Grain, ICatalogueGrain
{
    public Task<Catalogue> GetAsync() => Task.FromResult(View());

    public async Task<Catalogue> SaveAsync(IReadOnlyList<Category> categories, IReadOnlyList<DispatchRule> rules)
    {
        var byId = new Dictionary<string, Category>(StringComparer.Ordinal);
        foreach (var c in categories)
            if (!byId.TryAdd(c.Id, c)) throw Invalid($"Category '{c.Id}' appears twice.");
        foreach (var c in categories)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal) { c.Id };
            for (var parent = c.ParentId; parent is not null; parent = byId[parent].ParentId)
            {
                if (!byId.ContainsKey(parent)) throw Invalid($"Category '{c.Id}' has an unknown parent '{parent}'.");
                if (!seen.Add(parent)) throw Invalid($"Category '{c.Id}' is its own ancestor.");
            }
        }
        foreach (var r in rules)
            if (!byId.ContainsKey(r.CategoryId)) throw Invalid($"A dispatch rule names an unknown category '{r.CategoryId}'.");

        state.State.Categories = categories.ToList();
        state.State.Rules = rules.ToList();
        state.State.Version++;
        await state.WriteStateAsync();
        return View();
    }

    public Task<string?> SuggestAsync(string categoryId, string? district) => Task.FromResult(
        DispatchCatalogue.Suggest(state.State.Categories.ToDictionary(c => c.Id, StringComparer.Ordinal), state.State.Rules, categoryId, district));

    private Catalogue View() => new(state.State.Categories.ToList(), state.State.Rules.ToList(), state.State.Version);

    private static DomainException Invalid(string message) => new("validation.failed", message, status: 400);
}
