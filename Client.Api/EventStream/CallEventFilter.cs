using System.Text.Json;
using System.Text.Json.Nodes;
using Hotline.Events;

namespace Hotline.Api.EventStream;

/// <summary>
/// Call events name the citizen's number (<c>from</c>, and <c>to</c> for an outbound call): those whose roles see
/// numbers masked on <c>/api/calls</c> get them masked here too, by the same rule (<see cref="PhoneMask"/>).
/// </summary>
internal static class CallEventFilter
{
    private static readonly string[] Numbers = ["from", "to"];

    public static HotlineEvent MaskNumbers(HotlineEvent e)
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
        if (state is null) return e with { State = "{}" };
        foreach (var name in Numbers)
            if (state[name] is JsonValue value && value.TryGetValue<string>(out var number)) state[name] = PhoneMask.MaskOrNull(number);
        return e with { State = state.ToJsonString() };
    }
}
