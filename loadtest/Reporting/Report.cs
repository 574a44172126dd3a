using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hotline.LoadTest.Reporting;

/// <summary>
/// What one scenario run measured, written as <c>report.json</c> (for scripts and later comparisons) and
/// <c>report.md</c> (for BENCHMARKS.md and issue notes). Figures live in tables of named rows; column names
/// carry their unit (<c>p99_us</c>, <c>decisions_per_second</c>).
/// </summary>
public sealed class Report
{
    public const string JsonFileName = "report.json";
    public const string MarkdownFileName = "report.md";

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public required string Scenario { get; init; }
    /// <summary>The command line as typed after <c>--</c>, so the run can be repeated.</summary>
    public required string Command { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset FinishedAt { get; set; }
    public required MachineInfo Machine { get; init; }
    /// <summary>Every setting the run used, defaults included.</summary>
    public Dictionary<string, string> Parameters { get; init; } = [];
    public List<ReportTable> Tables { get; init; } = [];
    public List<string> Notes { get; init; } = [];

    public ReportTable AddTable(string title, string rowHeader, string? description = null)
    {
        var table = new ReportTable { Title = title, RowHeader = rowHeader, Description = description };
        Tables.Add(table);
        return table;
    }

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"## `{Scenario}` benchmark\n\n");
        md.Append(CultureInfo.InvariantCulture, $"- Command: `dotnet run --project loadtest -c Release -- {Command}`\n");
        md.Append(CultureInfo.InvariantCulture, $"- Started: {StartedAt:yyyy-MM-dd HH:mm:ss} UTC, took {(FinishedAt - StartedAt).TotalSeconds:0.#} s\n");
        md.Append(CultureInfo.InvariantCulture, $"- Machine: {Machine.Describe()}\n");
        if (Parameters.Count > 0)
            md.Append("- Parameters: ").AppendJoin(", ", Parameters.Select(p => $"{p.Key}={p.Value}")).Append('\n');
        foreach (var table in Tables)
        {
            md.Append(CultureInfo.InvariantCulture, $"\n### {table.Title}\n\n");
            if (table.Description is not null) md.Append(table.Description).Append("\n\n");
            AppendTable(md, table);
        }
        if (Notes.Count > 0)
        {
            md.Append("\n### Notes\n\n");
            foreach (var note in Notes) md.Append("- ").Append(note).Append('\n');
        }
        return md.ToString();
    }

    /// <summary>Writes <c>report.json</c> and <c>report.md</c> into the folder, creating it.</summary>
    public async Task WriteAsync(string directory, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, JsonFileName), ToJson() + "\n", cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(directory, MarkdownFileName), ToMarkdown(), cancellationToken);
    }

    public static string FormatValue(double value) =>
        double.IsNaN(value) ? "–"
        : value == Math.Floor(value) && Math.Abs(value) < 1e15 ? value.ToString("#,0", CultureInfo.InvariantCulture)
        : Math.Abs(value) >= 100 ? value.ToString("#,0.0", CultureInfo.InvariantCulture)
        : value.ToString("0.###", CultureInfo.InvariantCulture);

    private static void AppendTable(StringBuilder md, ReportTable table)
    {
        var columns = table.Columns();
        md.Append("| ").Append(table.RowHeader).Append(" | ").AppendJoin(" | ", columns).Append(" |\n");
        md.Append("|---|").Append(string.Concat(columns.Select(_ => "---:|"))).Append('\n');
        foreach (var row in table.Rows)
        {
            md.Append("| ").Append(row.Name).Append(" | ")
                .AppendJoin(" | ", columns.Select(c => row.Values.TryGetValue(c, out var v) ? FormatValue(v) : ""))
                .Append(" |\n");
        }
    }
}

/// <summary>A titled table: one row per thing measured (a strategy, a latency), one column per figure.</summary>
public sealed class ReportTable
{
    public required string Title { get; init; }
    public string? Description { get; init; }
    /// <summary>Heading of the first column, which holds the row names.</summary>
    public string RowHeader { get; init; } = "";
    public List<ReportRow> Rows { get; init; } = [];

    public ReportRow AddRow(string name)
    {
        var row = new ReportRow { Name = name };
        Rows.Add(row);
        return row;
    }

    /// <summary>The union of the rows' columns, in first-seen order.</summary>
    public IReadOnlyList<string> Columns() => Rows.SelectMany(r => r.Values.Keys).Distinct(StringComparer.Ordinal).ToList();
}

public sealed class ReportRow
{
    public required string Name { get; init; }
    /// <summary>Figures by column name; insertion order is the column order.</summary>
    public Dictionary<string, double> Values { get; init; } = new(StringComparer.Ordinal);

    public ReportRow Set(string column, double value)
    {
        Values[column] = value;
        return this;
    }
}
