using System.Text.Json;
using System.Text.Json.Nodes;
using Hotline.Events;

namespace Hotline.Api.EventStream;

/// <summary>
/// Ticket events go to every listener, so they carry no personal data: the grain's whole snapshot is cut down
/// to the order's routing and timing (no caller, summary, content, address, location or reply). A desk that
/// needs more opens the order, where the usual rules (masking, department scope) apply. The departments an
/// event concerns decide which department staff receive it.
/// </summary>
internal static class TicketEventFilter
{
    private static readonly string[] Kept =
    [
        "number", "status", "kind", "channel", "category", "district", "leadDepartment", "coDepartments", "suggestedDepartment",
        "deadlines", "overdue", "supervised", "urgeCount", "satisfaction", "returnCount", "reopenCount", "mergedInto",
        "mergedNumbers", "createdAt", "createdBy", "repliedAt", "closedAt", "updatedAt", "version",
    ];

    /// <summary>The event with its state cut down, and the lead and co-handling departments it names.</summary>
    public static (HotlineEvent Event, IReadOnlySet<string> Departments) Redact(HotlineEvent e)
    {
        JsonObject? state;
        try
        {
            state = JsonNode.Parse(e.State) as JsonObject;
        }
        catch (JsonException)
        {
            state = null;
        }
        if (state is null) return (e with { State = "{}" }, new HashSet<string>());

        var kept = new JsonObject();
        foreach (var name in Kept)
            if (state.TryGetPropertyValue(name, out var value)) kept[name] = value?.DeepClone();

        var departments = new HashSet<string>(StringComparer.Ordinal);
        if (state["leadDepartment"] is JsonValue lead && lead.TryGetValue<string>(out var leadId)) departments.Add(leadId);
        if (state["coDepartments"] is JsonArray co)
            foreach (var item in co)
                if (item is JsonValue v && v.TryGetValue<string>(out var id)) departments.Add(id);
        return (e with { State = kept.ToJsonString() }, departments);
    }
}
