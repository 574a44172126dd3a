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
    public const string HtmlFileName = "report.html";

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
    /// <summary>Latency per operation in milliseconds, by operation name (<c>enqueue_to_offer</c>, <c>ticket_create</c>).</summary>
    public Dictionary<string, OperationFigures> Operations { get; init; } = new(StringComparer.Ordinal);
    /// <summary>The live figures as sampled during the run, once a second; the HTML page draws them.</summary>
    public List<ProgressSample> Timeline { get; init; } = [];
    /// <summary>The issue's targets this run can speak to, each met or missed by how much.</summary>
    public List<TargetCheck> Targets { get; init; } = [];

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
        if (Operations.Count > 0)
        {
            md.Append("\n### Operations (ms)\n\n| operation | count | p50 | p90 | p99 | max | lost |\n|---|---:|---:|---:|---:|---:|---:|\n");
            foreach (var (name, op) in Operations)
                md.Append(CultureInfo.InvariantCulture, $"| {name} | {FormatValue(op.Count)} | {FormatValue(op.P50)} | {FormatValue(op.P90)} | {FormatValue(op.P99)} | {FormatValue(op.Max)} | {(op.Lost is { } lost ? FormatValue(lost) : "")} |\n");
        }
        if (Targets.Count > 0)
        {
            md.Append("\n### Targets\n\n| target | wanted | measured | verdict |\n|---|---|---|---|\n");
            foreach (var t in Targets) md.Append(CultureInfo.InvariantCulture, $"| {t.Name} | {t.Wanted} | {t.Measured} | {t.Verdict} |\n");
        }
        if (Notes.Count > 0)
        {
            md.Append("\n### Notes\n\n");
            foreach (var note in Notes) md.Append("- ").Append(note).Append('\n');
        }
        return md.ToString();
    }

    /// <summary>Writes <c>report.json</c>, <c>report.md</c> and <c>report.html</c> into the folder, creating it.</summary>
    public async Task WriteAsync(string directory, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, JsonFileName), ToJson() + "\n", cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(directory, MarkdownFileName), ToMarkdown(), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(directory, HtmlFileName), ReportHtml.Render(this), cancellationToken);
    }

    /// <summary>Adds a latency (recorded in µs) as an operation in milliseconds.</summary>
    public OperationFigures AddOperation(string name, Latency latencyUs, int? lost = null)
    {
        var op = OperationFigures.From(latencyUs, 1000) with { Lost = lost };
        Operations[name] = op;
        return op;
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

/// <summary>One operation's latency in milliseconds; <see cref="Lost"/> only for calls.</summary>
public sealed record OperationFigures
{
    public long Count { get; init; }
    public double P50 { get; init; }
    public double P90 { get; init; }
    public double P99 { get; init; }
    public double Max { get; init; }
    /// <summary>Calls that entered and never ended in a recorded state.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Lost { get; init; }

    public static OperationFigures From(Latency latency, double scale) => latency.Count == 0
        ? new OperationFigures()
        : new OperationFigures
        {
            Count = latency.Count,
            P50 = Math.Round(latency.Percentile(50) / scale, 3),
            P90 = Math.Round(latency.Percentile(90) / scale, 3),
            P99 = Math.Round(latency.Percentile(99) / scale, 3),
            Max = Math.Round(latency.Max / scale, 3),
        };
}

/// <summary>The live figures at one moment of the run.</summary>
public sealed record ProgressSample(double ElapsedSeconds, double RatePerSecond, long InFlight, double? P99Ms, long Errors);

/// <summary>A target from the issue, what this run measured and whether (by how much) it missed.</summary>
public sealed record TargetCheck(string Name, string Wanted, string Measured, bool Met, string Verdict);
