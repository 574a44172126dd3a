using System.Reflection;
using System.Text.Json.Serialization;
using Hotline.Ivr;

namespace Hotline.Api.Ui;

/// <summary>
/// The IVR flow as the tree the admin screen draws: from the start node, each node's branches as children.
/// Flows have loops (0 back to the welcome menu), so a node already drawn higher up is only named again
/// (<see cref="Item.Repeat"/>), and a branch naming a node that does not exist is drawn as missing.
/// </summary>
public static class IvrTree
{
    /// <summary>How the node was reached: the field of the parent that names it, and the key for a menu choice.</summary>
    public sealed record Branch(string Field, string? Digit);

    public sealed record Item(Branch? Branch, string Id, IvrNode? Node, bool Repeat, IReadOnlyList<Item> Children);

    private static readonly Dictionary<Type, string> Kinds = typeof(IvrNode).GetCustomAttributes<JsonDerivedTypeAttribute>()
        .ToDictionary(a => a.DerivedType, a => a.TypeDiscriminator?.ToString() ?? a.DerivedType.Name);

    /// <summary>The node's kind as the flow JSON names it in <c>$type</c>.</summary>
    public static string Kind(IvrNode node) => Kinds.GetValueOrDefault(node.GetType(), node.GetType().Name);

    public static IReadOnlyList<Item> Build(IvrFlow flow)
    {
        var shown = new HashSet<string>(StringComparer.Ordinal);
        return string.IsNullOrEmpty(flow.Start) ? [] : [Visit(flow, null, flow.Start, shown)];
    }

    private static Item Visit(IvrFlow flow, Branch? branch, string id, HashSet<string> shown)
    {
        if (!shown.Add(id)) return new Item(branch, id, flow.Find(id), true, []);
        if (flow.Find(id) is not { } node) return new Item(branch, id, null, false, []);
        var children = new List<Item>();
        foreach (var (field, target) in node.Branches())
        {
            if (string.IsNullOrEmpty(target)) continue;
            children.Add(Visit(flow, new Branch(field, Digit(node, field)), target, shown));
        }
        return new Item(branch, id, node, false, children);
    }

    /// <summary>The key of <c>choices[i].next</c> of a menu.</summary>
    private static string? Digit(IvrNode node, string field)
    {
        if (node is not MenuNode menu || !field.StartsWith("choices[", StringComparison.Ordinal)) return null;
        var close = field.IndexOf(']', StringComparison.Ordinal);
        return int.TryParse(field.AsSpan(8, close - 8), out var i) && i < menu.Choices.Count ? menu.Choices[i].Digit : null;
    }
}
