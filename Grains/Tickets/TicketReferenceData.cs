using System.Diagnostics;
using Hotline.Calendar;
using Microsoft.Extensions.Options;

namespace Hotline.Tickets;

/// <summary>
/// The category tree, the dispatch catalogue (派单目录) and the work calendar as this silo last read them, shared
/// by every order registered or re-timed here, so that registering an order makes no call to the cluster's one
/// catalogue grain and one calendar grain. The copy is read again once it is older than <see cref="MaxAge"/>, and at
/// once when an order names a category it does not know; so an admin's edit reaches new orders within a second,
/// and a category just added is never refused.
/// </summary>
public sealed class TicketReferenceData(IGrainFactory grains, IOptions<TicketOptions> options)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);

    private readonly TimeZoneInfo _zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);
    private readonly Lock _gate = new();
    private Task<ReferenceSnapshot>? _current;
    private long _readAt;

    /// <summary>The copy, read again if it is stale or <paramref name="reread"/> asks (unless a read is already under way).</summary>
    public Task<ReferenceSnapshot> GetAsync(bool reread = false)
    {
        lock (_gate)
        {
            var current = _current;
            var stale = current is null || current.IsFaulted || current.IsCanceled
                || (current.IsCompleted && (reread || Stopwatch.GetElapsedTime(_readAt) > MaxAge));
            if (stale)
            {
                _readAt = Stopwatch.GetTimestamp();
                _current = current = ReadAsync();
            }
            return current!;
        }
    }

    private async Task<ReferenceSnapshot> ReadAsync()
    {
        var catalogue = grains.GetGrain<ICatalogueGrain>(ICatalogueGrain.Centre).GetAsync();
        var years = grains.GetGrain<IWorkCalendarGrain>(IWorkCalendarGrain.Centre).GetAllAsync();
        return new ReferenceSnapshot(await catalogue, new WorkCalendar(await years, WorkingHours.Default, _zone));
    }
}

/// <summary>One reading of the reference data an order needs.</summary>
public sealed class ReferenceSnapshot(Catalogue catalogue, WorkCalendar calendar)
{
    private readonly Dictionary<string, Category> _categories = catalogue.Categories.ToDictionary(c => c.Id, StringComparer.Ordinal);

    public Catalogue Catalogue { get; } = catalogue;
    public WorkCalendar Calendar { get; } = calendar;

    public bool HasCategory(string categoryId) => _categories.ContainsKey(categoryId);

    /// <summary>The default department for a category and district, as <see cref="ICatalogueGrain.SuggestAsync"/> gives it.</summary>
    public string? Suggest(string categoryId, string? district) => DispatchCatalogue.Suggest(_categories, Catalogue.Rules, categoryId, district);
}

/// <summary>The dispatch catalogue's rule: the most specific rule up the category tree, a district's before the city's.</summary>
public static class DispatchCatalogue
{
    public static string? Suggest(IReadOnlyDictionary<string, Category> categories, IReadOnlyList<DispatchRule> rules, string categoryId, string? district)
    {
        for (var id = categoryId; id is not null; id = categories.GetValueOrDefault(id)?.ParentId)
        {
            var rule = rules.FirstOrDefault(r => r.CategoryId == id && district is not null && r.District == district)
                ?? rules.FirstOrDefault(r => r.CategoryId == id && r.District is null);
            if (rule is not null) return rule.DepartmentId;
            if (!categories.ContainsKey(id)) break;
        }
        return null;
    }
}
