using System.Globalization;

namespace Hotline.LoadTest.Cli;

/// <summary>Durations as people type them on a command line: <c>60s</c>, <c>500ms</c>, <c>1.5m</c>, <c>1h</c>.</summary>
public static class Durations
{
    private static readonly (string Suffix, double Seconds)[] Units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];

    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = default;
        text = text.Trim();
        var factor = 1.0;
        foreach (var (suffix, seconds) in Units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                // "ms" also ends in "s": the longer suffix is tried first.
                factor = seconds;
                text = text[..^suffix.Length];
                break;
            }
        }
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value) || value < 0)
            return false;
        duration = TimeSpan.FromSeconds(value * factor);
        return true;
    }

    public static string Format(TimeSpan duration) => duration switch
    {
        { TotalMilliseconds: < 1000 } => $"{duration.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms",
        { TotalSeconds: < 120 } => $"{duration.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s",
        _ => $"{duration.TotalMinutes.ToString(CultureInfo.InvariantCulture)}m",
    };
}
