using System.Globalization;
using System.Net;
using System.Text;

namespace Hotline.LoadTest.Reporting;

/// <summary>
/// The report as one self-contained HTML page: the same tables as report.md, and charts drawn here as inline SVG
/// (the hotline's network is closed: no CDN, no script, nothing fetched).
/// </summary>
public static class ReportHtml
{
    private const int Width = 640;
    private const int Height = 180;
    private const int Left = 56;
    private const int Bottom = 24;
    private static readonly string[] Colours = ["#1f77b4", "#ff7f0e", "#d62728", "#2ca02c"];

    public static string Render(Report report)
    {
        var h = new StringBuilder();
        h.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
            .Append(E($"{report.Scenario} load report")).Append("</title>\n<style>")
            .Append("body{font:14px system-ui,sans-serif;margin:2em;max-width:1000px;color:#222}")
            .Append("table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px}")
            .Append("td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f4f4f4}")
            .Append(".miss{color:#b00;font-weight:bold}.met{color:#080}svg{background:#fcfcfc;border:1px solid #ddd;margin:4px 0}")
            .Append("</style></head><body>\n");
        h.Append("<h1>").Append(E($"`{report.Scenario}` load report")).Append("</h1>\n<ul>");
        h.Append("<li>Command: <code>").Append(E($"./loadtest.sh {report.Command}")).Append("</code></li>");
        h.Append("<li>Started ").Append(E(report.StartedAt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))).Append(" UTC, took ")
            .Append(E((report.FinishedAt - report.StartedAt).TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture))).Append(" s</li>");
        h.Append("<li>Machine: ").Append(E(report.Machine.Describe())).Append("</li></ul>\n");

        if (report.Targets.Count > 0)
        {
            h.Append("<h2>Targets</h2><table><tr><th>target</th><th>wanted</th><th>measured</th><th>verdict</th></tr>");
            foreach (var t in report.Targets)
                h.Append("<tr><td>").Append(E(t.Name)).Append("</td><td>").Append(E(t.Wanted)).Append("</td><td>").Append(E(t.Measured))
                    .Append("</td><td class=\"").Append(t.Met ? "met" : "miss").Append("\">").Append(E(t.Verdict)).Append("</td></tr>");
            h.Append("</table>\n");
        }

        if (report.Operations.Count > 0)
        {
            h.Append("<h2>Latency per operation (ms)</h2>\n");
            h.Append(PercentileChart(report.Operations));
            h.Append("<table><tr><th>operation</th><th>count</th><th>p50</th><th>p90</th><th>p99</th><th>max</th><th>lost</th></tr>");
            foreach (var (name, op) in report.Operations)
                h.Append("<tr><td>").Append(E(name)).Append("</td>").Append(Num(op.Count)).Append(Num(op.P50)).Append(Num(op.P90))
                    .Append(Num(op.P99)).Append(Num(op.Max)).Append(op.Lost is { } lost ? Num(lost) : "<td></td>").Append("</tr>");
            h.Append("</table>\n");
        }

        if (report.Timeline.Count > 1)
        {
            h.Append("<h2>During the run</h2>\n");
            h.Append(LineChart("arrivals per second (completed operations for closed loops)", report.Timeline, s => s.RatePerSecond));
            h.Append(LineChart("in flight", report.Timeline, s => s.InFlight));
            h.Append(LineChart("p99 so far (ms)", report.Timeline, s => s.P99Ms ?? double.NaN));
            h.Append(LineChart("errors (cumulative)", report.Timeline, s => s.Errors));
        }

        foreach (var table in report.Tables)
        {
            h.Append("<h2>").Append(E(table.Title)).Append("</h2>\n");
            if (table.Description is not null) h.Append("<p>").Append(E(table.Description)).Append("</p>");
            var columns = table.Columns();
            h.Append("<table><tr><th>").Append(E(table.RowHeader)).Append("</th>");
            foreach (var c in columns) h.Append("<th>").Append(E(c)).Append("</th>");
            h.Append("</tr>");
            foreach (var row in table.Rows)
            {
                h.Append("<tr><td>").Append(E(row.Name)).Append("</td>");
                foreach (var c in columns) h.Append(row.Values.TryGetValue(c, out var v) ? Num(v) : "<td></td>");
                h.Append("</tr>");
            }
            h.Append("</table>\n");
        }
        if (report.Parameters.Count > 0)
        {
            h.Append("<h2>Parameters</h2><table>");
            foreach (var (k, v) in report.Parameters) h.Append("<tr><td>").Append(E(k)).Append("</td><td>").Append(E(v)).Append("</td></tr>");
            h.Append("</table>\n");
        }
        if (report.Notes.Count > 0)
        {
            h.Append("<h2>Notes</h2><ul>");
            foreach (var n in report.Notes) h.Append("<li>").Append(E(n)).Append("</li>");
            h.Append("</ul>\n");
        }
        return h.Append("</body></html>\n").ToString();
    }

    /// <summary>Grouped horizontal bars of p50/p90/p99/max per operation on a logarithmic axis (latencies span decades).</summary>
    public static string PercentileChart(IReadOnlyDictionary<string, OperationFigures> operations)
    {
        var ops = operations.Where(o => o.Value.Count > 0).ToList();
        if (ops.Count == 0) return "";
        const int barHeight = 9, groupGap = 12, labelWidth = 170, chartWidth = Width - labelWidth - 60;
        var height = ops.Count * (4 * barHeight + groupGap) + 40;
        var max = ops.Max(o => Math.Max(o.Value.Max, 0.01));
        var min = Math.Max(0.001, ops.Min(o => o.Value.P50 > 0 ? o.Value.P50 : max) / 2);
        var (logMin, logMax) = (Math.Floor(Math.Log10(min)), Math.Ceiling(Math.Log10(max)));
        if (logMax <= logMin) logMax = logMin + 1;
        double X(double v) => labelWidth + (Math.Log10(Math.Max(v, Math.Pow(10, logMin))) - logMin) / (logMax - logMin) * chartWidth;
        var s = new StringBuilder();
        s.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" role=\"img\" aria-label=\"latency percentiles\">");
        for (var d = logMin; d <= logMax; d++)
        {
            var x = X(Math.Pow(10, d));
            s.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x:0.#}\" y1=\"10\" x2=\"{x:0.#}\" y2=\"{height - 25}\" stroke=\"#ddd\"/>");
            s.Append(CultureInfo.InvariantCulture, $"<text x=\"{x:0.#}\" y=\"{height - 10}\" font-size=\"10\" text-anchor=\"middle\">{E(Report.FormatValue(Math.Pow(10, d)))} ms</text>");
        }
        var y = 14;
        foreach (var (name, op) in ops)
        {
            s.Append(CultureInfo.InvariantCulture, $"<text x=\"4\" y=\"{y + 2 * barHeight}\" font-size=\"11\">{E(name)}</text>");
            double[] values = [op.P50, op.P90, op.P99, op.Max];
            string[] labels = ["p50", "p90", "p99", "max"];
            for (var i = 0; i < 4; i++)
            {
                var w = Math.Max(1, X(values[i]) - labelWidth);
                s.Append(CultureInfo.InvariantCulture, $"<rect x=\"{labelWidth}\" y=\"{y}\" width=\"{w:0.#}\" height=\"{barHeight - 1}\" fill=\"{Colours[i]}\"><title>{labels[i]} {E(Report.FormatValue(values[i]))} ms</title></rect>");
                s.Append(CultureInfo.InvariantCulture, $"<text x=\"{labelWidth + w + 3:0.#}\" y=\"{y + barHeight - 2}\" font-size=\"9\">{labels[i]} {E(Report.FormatValue(values[i]))}</text>");
                y += barHeight;
            }
            y += groupGap;
        }
        return s.Append("</svg>\n").ToString();
    }

    /// <summary>One figure over the run's elapsed seconds; gaps (NaN) break the line.</summary>
    public static string LineChart(string title, IReadOnlyList<ProgressSample> samples, Func<ProgressSample, double> value)
    {
        var points = samples.Select(p => (X: p.ElapsedSeconds, Y: value(p))).ToList();
        var finite = points.Where(p => double.IsFinite(p.Y)).ToList();
        if (finite.Count == 0) return "";
        var (xMax, yMax) = (Math.Max(1, points.Max(p => p.X)), Math.Max(1, finite.Max(p => p.Y)));
        yMax = NiceCeiling(yMax);
        var plotWidth = Width - Left - 10;
        var plotHeight = Height - Bottom - 20;
        double Px(double x) => Left + x / xMax * plotWidth;
        double Py(double y) => 20 + plotHeight - y / yMax * plotHeight;
        var s = new StringBuilder();
        s.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" role=\"img\" aria-label=\"{E(title)}\">");
        s.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"13\" font-size=\"12\" font-weight=\"bold\">{E(title)}</text>");
        for (var i = 0; i <= 4; i++)
        {
            var yv = yMax * i / 4;
            var py = Py(yv);
            s.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{py:0.#}\" x2=\"{Width - 10}\" y2=\"{py:0.#}\" stroke=\"#e4e4e4\"/>");
            s.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 4}\" y=\"{py + 3:0.#}\" font-size=\"10\" text-anchor=\"end\">{E(Report.FormatValue(yv))}</text>");
        }
        for (var i = 0; i <= 5; i++)
        {
            var xv = xMax * i / 5;
            s.Append(CultureInfo.InvariantCulture, $"<text x=\"{Px(xv):0.#}\" y=\"{Height - 6}\" font-size=\"10\" text-anchor=\"middle\">{xv:0}s</text>");
        }
        var path = new StringBuilder();
        var pen = false;
        foreach (var (x, yv) in points)
        {
            if (!double.IsFinite(yv))
            {
                pen = false;
                continue;
            }
            path.Append(CultureInfo.InvariantCulture, $"{(pen ? 'L' : 'M')}{Px(x):0.#},{Py(yv):0.#} ");
            pen = true;
        }
        s.Append(CultureInfo.InvariantCulture, $"<path d=\"{path.ToString().TrimEnd()}\" fill=\"none\" stroke=\"{Colours[0]}\" stroke-width=\"1.5\"/>");
        return s.Append("</svg>\n").ToString();
    }

    private static double NiceCeiling(double value)
    {
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var step in new[] { 1, 2, 2.5, 5, 10 })
            if (value <= step * magnitude) return step * magnitude;
        return 10 * magnitude;
    }

    private static string Num(double v) => $"<td class=\"n\">{E(Report.FormatValue(v))}</td>";
    private static string E(string text) => WebUtility.HtmlEncode(text);
}
