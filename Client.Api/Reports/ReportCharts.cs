using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace Hotline.Api.Reports;

/// <summary>
/// Simple charts as inline SVG made on the server (no script, no CDN): a trend line over days and horizontal bars by
/// group. They draw the numbers of a <see cref="ReportTable"/>, so a chart never disagrees with the table under it.
/// </summary>
public static class ReportCharts
{
    private const int Width = 720, Height = 220, Left = 48, Right = 12, Top = 16, Bottom = 36;
    private static readonly string[] Colours = ["#2f6fd6", "#d9822b", "#2e9e5b", "#a23bb5"];

    /// <summary>One line per series over the table's rows (in row order), with the row keys as the x labels.</summary>
    public static string Trend(string title, ReportTable table, params (string Column, string Label)[] series)
    {
        var rows = table.Rows;
        var max = Math.Max(1, rows.SelectMany(r => series.Select(s => r.Values.GetValueOrDefault(s.Column) ?? 0)).DefaultIfEmpty(0).Max());
        var plotW = Width - Left - Right;
        var plotH = Height - Top - Bottom;
        double X(int i) => Left + (rows.Count <= 1 ? plotW / 2.0 : plotW * i / (double)(rows.Count - 1));
        double Y(double v) => Top + plotH - plotH * v / max;

        var svg = Open(title, Width, Height);
        Axis(svg, max, plotH);
        for (var s = 0; s < series.Length; s++)
        {
            var points = string.Join(' ', rows.Select((r, i) => $"{N(X(i))},{N(Y(r.Values.GetValueOrDefault(series[s].Column) ?? 0))}"));
            svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{Colours[s % Colours.Length]}\" stroke-width=\"2\" points=\"{points}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + 8 + s * 140}\" y=\"{Height - 4}\" fill=\"{Colours[s % Colours.Length]}\" font-size=\"12\">■ {E(series[s].Label)}</text>");
        }
        var step = Math.Max(1, rows.Count / 8);
        for (var i = 0; i < rows.Count; i += step)
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(X(i))}\" y=\"{Height - Bottom + 14}\" font-size=\"10\" text-anchor=\"middle\" fill=\"#555\">{E(Short(rows[i].Key))}</text>");
        return svg.Append("</svg>").ToString();
    }

    /// <summary>Horizontal bars of one column, largest first, at most <paramref name="top"/>.</summary>
    public static string Bars(string title, ReportTable table, string column, int top = 12, string suffix = "")
    {
        var rows = table.Rows.Where(r => r.Values.GetValueOrDefault(column) is not null)
            .OrderByDescending(r => r.Values[column]).Take(top).ToList();
        const int bar = 18, gap = 6, labelW = 140;
        var height = Top + rows.Count * (bar + gap) + 8;
        var max = Math.Max(1, rows.Select(r => r.Values[column] ?? 0).DefaultIfEmpty(0).Max());
        var svg = Open(title, Width, height);
        for (var i = 0; i < rows.Count; i++)
        {
            var value = rows[i].Values[column] ?? 0;
            var y = Top + i * (bar + gap);
            var w = (Width - labelW - 80) * value / max;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{labelW - 6}\" y=\"{y + 13}\" font-size=\"12\" text-anchor=\"end\" fill=\"#333\">{E(rows[i].Label)}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{labelW}\" y=\"{y}\" width=\"{N(w)}\" height=\"{bar}\" fill=\"{Colours[0]}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(labelW + w + 4)}\" y=\"{y + 13}\" font-size=\"12\" fill=\"#333\">{ReportExport.Number(value)}{suffix}</text>");
        }
        return svg.Append("</svg>").ToString();
    }

    private static StringBuilder Open(string title, int width, int height) => new StringBuilder()
        .Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"100%\" role=\"img\" aria-label=\"{E(title)}\">")
        .Append(CultureInfo.InvariantCulture, $"<title>{E(title)}</title>");

    private static void Axis(StringBuilder svg, double max, int plotH)
    {
        for (var i = 0; i <= 4; i++)
        {
            var y = Top + plotH - plotH * i / 4.0;
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{N(y)}\" y2=\"{N(y)}\" stroke=\"#e3e7ec\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 4}\" y=\"{N(y + 4)}\" font-size=\"10\" text-anchor=\"end\" fill=\"#777\">{ReportExport.Number(Math.Round(max * i / 4, 1))}</text>");
        }
    }

    private static string Short(string key) => key.Length == 10 ? key[5..] : key; // 2026-11-05 → 11-05

    private static string N(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    internal static string E(string text) => Encoder.Encode(text);

    // Chinese stays readable in the markup; only what HTML needs escaped is escaped.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All);
}
