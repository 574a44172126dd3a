using System.Collections;
using System.Reflection;
using System.Text.Json;

namespace Hotline.Tests.Deploy;

/// <summary>
/// Whether a configuration key (<c>Hotline:Silo:DrainSeconds</c>, from the variable <c>Hotline__Silo__DrainSeconds</c>)
/// is one the process reads: a property path on the options class bound at that section, or a key of its appsettings.json.
/// </summary>
public sealed class SettingsKeys(IReadOnlyDictionary<string, Type> sections, string appSettingsFile, params string[] hostKeys)
{
    private readonly HashSet<string> _appSettings = [.. Flatten(appSettingsFile), .. hostKeys];

    public static string FromVariable(string name) => name.Replace("__", ":", StringComparison.Ordinal);

    public bool Exists(string key)
    {
        if (_appSettings.Contains(key)) return true;
        return sections
            .Where(s => key.StartsWith(s.Key + ":", StringComparison.OrdinalIgnoreCase))
            .Any(s => Resolves(s.Value, key[(s.Key.Length + 1)..].Split(':')));
    }

    private static bool Resolves(Type type, ReadOnlySpan<string> path)
    {
        if (path.IsEmpty) return true;
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>))
            return Resolves(type.GetGenericArguments()[1], path[1..]);
        if (type.IsArray) return int.TryParse(path[0], out _) && Resolves(type.GetElementType()!, path[1..]);
        if (type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type) && type.IsGenericType)
            return int.TryParse(path[0], out _) && Resolves(type.GetGenericArguments()[0], path[1..]);
        var property = type.GetProperty(path[0], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        if (property is null) return false;
        return path.Length == 1 ? property.CanWrite : Resolves(property.PropertyType, path[1..]);
    }

    private static HashSet<string> Flatten(string file)
    {
        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        using var document = JsonDocument.Parse(File.ReadAllText(file));
        void Walk(JsonElement element, string prefix)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                keys.Add(prefix);
                return;
            }
            foreach (var property in element.EnumerateObject())
                Walk(property.Value, prefix.Length == 0 ? property.Name : prefix + ":" + property.Name);
        }
        Walk(document.RootElement, "");
        return keys;
    }
}
