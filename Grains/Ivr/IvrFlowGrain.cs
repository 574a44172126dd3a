using Hotline.Common;
using Hotline.Tickets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Hotline.Ivr;

/// <summary>One saved version as stored: its JSON (the flow's own format), so a stored version reads back exactly as saved.</summary>
[GenerateSerializer, Alias("hotline.StoredIvrFlowVersion")]
public sealed class StoredIvrFlowVersion
{
    [Id(0)] public int Number { get; set; }
    [Id(1)] public DateTimeOffset SavedAt { get; set; }
    [Id(2)] public string SavedBy { get; set; } = "";
    [Id(3)] public string Json { get; set; } = "";
}

[GenerateSerializer, Alias("hotline.IvrFlowState")]
public sealed class IvrFlowState
{
    [Id(0)] public List<StoredIvrFlowVersion> Versions { get; set; } = [];
}

/// <summary>
/// The centre's IVR flow, every version kept (key "centre"). Versions are append-only: a call holds the
/// <see cref="IvrFlowVersion"/> it began with, and nothing here changes an old one. Validates against the silo's
/// <see cref="IPromptCatalog"/> (or the built-in prompt list) and, when it has categories, the dispatch catalogue.
/// </summary>
[GrainType("ivr-flow")]
public sealed class IvrFlowGrain(
    [PersistentState(GrainStorage.States.IvrFlow, GrainStorage.Hotline)] IPersistentState<IvrFlowState> state,
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
    IServiceProvider services,
    ILogger<IvrFlowGrain> logger) : Grain, IIvrFlowGrain
{
    public const string SeedAuthor = "system";

    private readonly IPromptCatalog _prompts = services.GetService<IPromptCatalog>() ?? PromptList.Embedded;
    private readonly Dictionary<int, IvrFlowVersion> _parsed = [];

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Versions.Count > 0) return;
        // First use: the seed's menu becomes version 1, exactly as committed in prompts/flows/default.json.
        state.State.Versions.Add(new StoredIvrFlowVersion
        {
            Number = 1,
            SavedAt = time.GetUtcNow(),
            SavedBy = SeedAuthor,
            Json = IvrFlowJson.Write(DefaultIvrFlow.Flow),
        });
        await state.WriteStateAsync(cancellationToken);
        logger.LogInformation("IVR flow seeded with the default flow as version 1");
    }

    public Task<IvrFlowVersion> GetCurrentAsync() => Task.FromResult(Parse(state.State.Versions[^1]));

    public Task<IvrFlowVersion?> GetVersionAsync(int number) =>
        Task.FromResult(state.State.Versions.FirstOrDefault(v => v.Number == number) is { } stored ? Parse(stored) : null);

    public Task<IReadOnlyList<IvrFlowVersionInfo>> GetVersionsAsync()
    {
        var current = state.State.Versions[^1].Number;
        return Task.FromResult<IReadOnlyList<IvrFlowVersionInfo>>(state.State.Versions
            .Select(Parse)
            .Select(v => new IvrFlowVersionInfo(v.Number, v.SavedAt, v.SavedBy, v.Flow.Name, v.Flow.Nodes.Count, v.Number == current))
            .ToList());
    }

    public async Task<IvrFlowSaveResult> SaveAsync(IvrFlow flow, string savedBy)
    {
        var checkedFlow = await ValidateAsync(flow);
        if (checkedFlow.Errors.Count > 0) return checkedFlow;
        var stored = new StoredIvrFlowVersion
        {
            Number = state.State.Versions[^1].Number + 1,
            SavedAt = time.GetUtcNow(),
            SavedBy = savedBy,
            Json = IvrFlowJson.Write(flow),
        };
        state.State.Versions.Add(stored);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.Versions.Remove(stored);
            throw;
        }
        logger.LogInformation("IVR flow version {Version} saved by {JobNo}", stored.Number, savedBy);
        return checkedFlow with { Version = Parse(stored) };
    }

    public async Task<IvrFlowSaveResult> ValidateAsync(IvrFlow flow)
    {
        var catalogue = await GrainFactory.GetGrain<ICatalogueGrain>(ICatalogueGrain.Centre).GetAsync();
        var categories = catalogue.Categories.Count > 0 ? catalogue.Categories.Select(c => c.Id).ToHashSet(StringComparer.Ordinal) : null;
        return new IvrFlowValidator(_prompts).Validate(flow, categories);
    }

    public Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> GetPromptsAsync() => Task.FromResult(_prompts.Names);

    private IvrFlowVersion Parse(StoredIvrFlowVersion stored)
    {
        if (!_parsed.TryGetValue(stored.Number, out var version))
            _parsed[stored.Number] = version = new IvrFlowVersion(stored.Number, stored.SavedAt, stored.SavedBy, IvrFlowJson.Parse(stored.Json));
        return version;
    }
}
