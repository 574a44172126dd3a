using System.Text.Json;
using Hotline.LoadTest.Reporting;

namespace Hotline.Tests;

public sealed class ReportTests
{
    private static Report Sample()
    {
        var report = new Report
        {
            Scenario = "route",
            Command = "route --strategy random",
            StartedAt = new DateTimeOffset(2026, 11, 23, 9, 30, 0, TimeSpan.Zero),
            FinishedAt = new DateTimeOffset(2026, 11, 23, 9, 30, 12, TimeSpan.Zero),
            Machine = new MachineInfo
            {
                ProcessorCount = 2,
                MemoryGib = 23.5,
                Os = "Debian GNU/Linux 12",
                Kernel = "6.1.0",
                Runtime = ".NET 10.0.0",
                Gc = "server",
                Commit = "abc1234",
                UncommittedChanges = true,
            },
            Parameters = new() { ["seats"] = "10000", ["strategies"] = "random" },
        };
        var table = report.AddTable("Routing decision in steady state", "strategy", "µs per decision.");
        table.AddRow("random").Set("decisions_per_second", 250_000).Set("p50_us", 1.5).Set("p99_us", 12.25);
        table.AddRow("longest_idle").Set("decisions_per_second", 300_000).Set("p50_us", 1.25);
        report.Notes.Add("A note.");
        return report;
    }

    [Fact]
    public void Json_has_the_run_the_machine_the_parameters_and_named_rows_of_figures()
    {
        using var json = JsonDocument.Parse(Sample().ToJson());
        var root = json.RootElement;

        Assert.Equal("route", root.GetProperty("scenario").GetString());
        Assert.Equal("route --strategy random", root.GetProperty("command").GetString());
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 9, 30, 0, TimeSpan.Zero), root.GetProperty("started_at").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.String, root.GetProperty("finished_at").ValueKind);

        var machine = root.GetProperty("machine");
        Assert.Equal(2, machine.GetProperty("processor_count").GetInt32());
        Assert.Equal(23.5, machine.GetProperty("memory_gib").GetDouble());
        Assert.Equal("6.1.0", machine.GetProperty("kernel").GetString());
        Assert.Equal(".NET 10.0.0", machine.GetProperty("runtime").GetString());
        Assert.Equal("abc1234", machine.GetProperty("commit").GetString());
        Assert.True(machine.GetProperty("uncommitted_changes").GetBoolean());

        Assert.Equal("10000", root.GetProperty("parameters").GetProperty("seats").GetString());

        var table = Assert.Single(root.GetProperty("tables").EnumerateArray());
        Assert.Equal("Routing decision in steady state", table.GetProperty("title").GetString());
        Assert.Equal("strategy", table.GetProperty("row_header").GetString());
        var rows = table.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(["random", "longest_idle"], rows.Select(r => r.GetProperty("name").GetString()));
        var values = rows[0].GetProperty("values");
        Assert.Equal(250_000, values.GetProperty("decisions_per_second").GetDouble());
        Assert.Equal(12.25, values.GetProperty("p99_us").GetDouble());
        Assert.Equal(["A note."], root.GetProperty("notes").EnumerateArray().Select(n => n.GetString()));
    }

    [Fact]
    public void Column_names_keep_their_spelling_in_json()
    {
        using var json = JsonDocument.Parse(Sample().ToJson());
        var values = json.RootElement.GetProperty("tables")[0].GetProperty("rows")[0].GetProperty("values");

        Assert.Equal(["decisions_per_second", "p50_us", "p99_us"], values.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Markdown_has_the_command_to_repeat_the_run_and_a_table_with_every_column()
    {
        var markdown = Sample().ToMarkdown();

        Assert.Contains("`dotnet run --project loadtest -c Release -- route --strategy random`", markdown);
        Assert.Contains("commit abc1234 + uncommitted changes", markdown);
        Assert.Contains("| strategy | decisions_per_second | p50_us | p99_us |", markdown);
        Assert.Contains("| random | 250,000 | 1.5 | 12.25 |", markdown);
        // A row without a column leaves the cell empty rather than shifting the others.
        Assert.Contains("| longest_idle | 300,000 | 1.25 |  |", markdown);
        Assert.Contains("- A note.", markdown);
    }

    [Fact]
    public async Task Writing_a_report_creates_report_json_and_report_md()
    {
        var directory = Path.Combine(Path.GetTempPath(), "loadtest-report-" + Guid.NewGuid().ToString("N"));
        try
        {
            await Sample().WriteAsync(directory);

            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(directory, "report.json")));
            Assert.Equal("route", json.RootElement.GetProperty("scenario").GetString());
            Assert.StartsWith("## `route` benchmark", await File.ReadAllTextAsync(Path.Combine(directory, "report.md")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Latency_rows_carry_count_percentiles_max_and_mean_in_the_chosen_unit()
    {
        var latency = new Latency("us", 3_600_000_000);
        foreach (var us in new long[] { 1000, 2000, 3000, 4000 }) latency.Record(us);

        var row = latency.AddTo(new ReportRow { Name = "grain" }, "ms", 1000);

        Assert.Equal(["count", "p50_ms", "p90_ms", "p99_ms", "max_ms", "mean_ms"], row.Values.Keys);
        Assert.Equal(4, row.Values["count"]);
        Assert.Equal(2, row.Values["p50_ms"], 2);
        Assert.Equal(4, row.Values["max_ms"], 2);
    }

    [Fact]
    public void An_empty_latency_adds_only_its_count_so_json_never_holds_nan()
    {
        var row = new Latency("us", 1000).AddTo(new ReportRow { Name = "grain" }, "ms", 1000);

        Assert.Equal(new Dictionary<string, double> { ["count"] = 0 }, row.Values);
    }
}
