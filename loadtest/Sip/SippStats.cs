using System.Globalization;

namespace Hotline.LoadTest.Sip;

/// <summary>The last row of sipp's <c>-trace_stat</c> CSV (semicolon separated), by column name.</summary>
public static class SippStats
{
    public static IReadOnlyDictionary<string, string> LastRow(string csv)
    {
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length < 2) return new Dictionary<string, string>();
        var header = lines[0].Split(';');
        var last = lines[^1].Split(';');
        var row = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < Math.Min(header.Length, last.Length); i++)
            if (header[i].Length > 0) row[header[i]] = last[i];
        return row;
    }

    public static double? Number(IReadOnlyDictionary<string, string> row, string column) =>
        row.TryGetValue(column, out var v) && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;

    /// <summary>sipp's durations look like <c>00:00:01:234000</c> (h:m:s:µs); milliseconds.</summary>
    public static double? Duration(IReadOnlyDictionary<string, string> row, string column)
    {
        if (!row.TryGetValue(column, out var v)) return null;
        var parts = v.Split(':');
        if (parts.Length != 4) return null;
        if (!parts.All(p => long.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))) return null;
        var n = parts.Select(p => long.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        return ((n[0] * 3600 + n[1] * 60 + n[2]) * 1_000_000 + n[3]) / 1000.0;
    }
}
