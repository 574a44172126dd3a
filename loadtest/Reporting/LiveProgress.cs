using System.Diagnostics;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Hotline.LoadTest.Reporting;

/// <summary>
/// Live figures while work runs (rate, in flight, p99 so far, errors): a refreshing table on a terminal, a line
/// every 5 s otherwise (a log, CI). Samples once a second into the report's timeline for the HTML charts.
/// </summary>
public sealed class LiveProgress(string title, Report report, Func<IReadOnlyList<(string Name, string Value)>> figures, Func<double, ProgressSample> sample, bool recordTimeline = true)
{
    private readonly long _started = Stopwatch.GetTimestamp();
    private long _nextSample;

    public async Task WatchAsync(Task work, string phase)
    {
        if (!AnsiConsole.Profile.Out.IsTerminal)
        {
            var lastLine = Stopwatch.GetTimestamp();
            while (await Task.WhenAny(work, Task.Delay(TimeSpan.FromSeconds(1))) != work)
            {
                Sample();
                if (Stopwatch.GetElapsedTime(lastLine) < TimeSpan.FromSeconds(5)) continue;
                lastLine = Stopwatch.GetTimestamp();
                Console.WriteLine($"[{title} {phase}] {Line()}");
            }
            Sample();
            Console.WriteLine($"[{title} {phase} done] {Line()}");
            return;
        }
        await AnsiConsole.Live(Render(phase)).AutoClear(false).StartAsync(async live =>
        {
            while (await Task.WhenAny(work, Task.Delay(500)) != work)
            {
                Sample();
                live.UpdateTarget(Render(phase));
                live.Refresh();
            }
            Sample();
            live.UpdateTarget(Render(phase + " done"));
            live.Refresh();
        });
    }

    private void Sample()
    {
        var now = Stopwatch.GetTimestamp();
        if (now < _nextSample || !recordTimeline) return;
        _nextSample = now + Stopwatch.Frequency;
        lock (report.Timeline) report.Timeline.Add(sample(Stopwatch.GetElapsedTime(_started).TotalSeconds));
    }

    private string Line() => string.Join("  ", figures().Select(f => $"{f.Name} {f.Value}"));

    private IRenderable Render(string phase)
    {
        var current = figures();
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]{Markup.Escape(title)}[/] — {Markup.Escape(phase)}");
        foreach (var (name, _) in current) table.AddColumn(new TableColumn(Markup.Escape(name)).RightAligned());
        table.AddRow(current.Select(f => Markup.Escape(f.Value)).ToArray());
        return table;
    }
}
