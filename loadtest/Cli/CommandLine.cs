using System.Globalization;

namespace Hotline.LoadTest.Cli;

/// <summary>A command line the scenario cannot run with; the message is printed above the usage.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>
/// The options after the scenario name: <c>--name value</c>, <c>--name=value</c> and bare <c>--flag</c>.
/// A scenario reads each option it knows; <see cref="EnsureAllRead"/> then rejects the rest, so a mistyped
/// option stops the run instead of silently leaving a default in place.
/// </summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, string?> _options;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    private CommandLine(Dictionary<string, string?> options) => _options = options;

    public static CommandLine Parse(IEnumerable<string> args)
    {
        var options = new Dictionary<string, string?>(StringComparer.Ordinal);
        var tokens = args.ToList();
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (!token.StartsWith("--", StringComparison.Ordinal) || token.Length == 2)
                throw new UsageException($"Unexpected argument '{token}': options look like --name value.");
            var name = token[2..];
            string? value = null;
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }
            else if (i + 1 < tokens.Count && !tokens[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = tokens[++i];
            }
            if (!options.TryAdd(name, value)) throw new UsageException($"Option --{name} is given twice.");
        }
        return new CommandLine(options);
    }

    public bool Has(string name) => _options.ContainsKey(name);

    /// <summary>Gives an option a value when the command line did not (a scenario's own default for a shared option).</summary>
    public CommandLine WithDefault(string name, string value)
    {
        _options.TryAdd(name, value);
        return this;
    }

    /// <summary>True when the bare flag is present (or given as <c>--flag=true</c>).</summary>
    public bool Flag(string name)
    {
        if (!Take(name, out var value)) return false;
        return value switch
        {
            null or "true" => true,
            "false" => false,
            _ => throw new UsageException($"--{name} is a flag and takes no value (got '{value}')."),
        };
    }

    public string? String(string name, string? fallback = null) => Take(name, out var value) ? Required(name, value) : fallback;

    public int Int(string name, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        if (!Take(name, out var value)) return fallback;
        if (!int.TryParse(Required(name, value), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
            throw new UsageException($"--{name} needs a whole number, not '{value}'.");
        return InRange(name, n, min, max);
    }

    public double Double(string name, double fallback, double min = double.MinValue, double max = double.MaxValue)
    {
        if (!Take(name, out var value)) return fallback;
        if (!double.TryParse(Required(name, value), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d))
            throw new UsageException($"--{name} needs a number, not '{value}'.");
        return InRange(name, d, min, max);
    }

    /// <summary>A duration such as <c>60s</c>, <c>500ms</c>, <c>2m</c> or <c>1h</c>; a bare number means seconds.</summary>
    public TimeSpan Duration(string name, TimeSpan fallback, TimeSpan? min = null)
    {
        if (!Take(name, out var value)) return fallback;
        if (!Durations.TryParse(Required(name, value), out var duration))
            throw new UsageException($"--{name} needs a duration such as 60s, 500ms or 2m, not '{value}'.");
        if (duration < (min ?? TimeSpan.Zero))
            throw new UsageException($"--{name} must be at least {Durations.Format(min ?? TimeSpan.Zero)}.");
        return duration;
    }

    /// <summary>An enum given by its API name (<c>longest_idle</c>), as <see cref="Names"/> spells it.</summary>
    public T Enum<T>(string name, T fallback) where T : struct, Enum
    {
        if (!Take(name, out var value)) return fallback;
        if (Names.TryParse<T>(Required(name, value), out var parsed)) return parsed;
        var choices = string.Join("|", System.Enum.GetValues<T>().Select(Names.Of));
        throw new UsageException($"--{name} must be one of {choices}, not '{value}'.");
    }

    /// <summary>Fails on the first option no scenario asked for.</summary>
    public void EnsureAllRead()
    {
        var unknown = _options.Keys.FirstOrDefault(k => !_read.Contains(k));
        if (unknown is not null) throw new UsageException($"Unknown option --{unknown}.");
    }

    private bool Take(string name, out string? value)
    {
        _read.Add(name);
        return _options.TryGetValue(name, out value);
    }

    private static string Required(string name, string? value) =>
        string.IsNullOrWhiteSpace(value) ? throw new UsageException($"--{name} needs a value.") : value;

    private static TNumber InRange<TNumber>(string name, TNumber value, TNumber min, TNumber max) where TNumber : IComparable<TNumber> =>
        value.CompareTo(min) < 0 || value.CompareTo(max) > 0
            ? throw new UsageException($"--{name} must be between {min} and {max}, not {value}.")
            : value;
}
