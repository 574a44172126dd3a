using System.Text.Json;

namespace Hotline;

/// <summary>The lower-case names states and strategies have in the API, events and errors (<c>not_ready</c>, <c>wrapup</c>).</summary>
public static class Names
{
    public static string Of<T>(T value) where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    /// <summary>Parses an API name back to the enum; false for anything else (numbers included).</summary>
    public static bool TryParse<T>(string? name, out T value) where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (string.Equals(Of(candidate), name, StringComparison.Ordinal))
            {
                value = candidate;
                return true;
            }
        }
        value = default;
        return false;
    }
}
