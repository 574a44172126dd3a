using System.Globalization;
using System.Text;
using MiniExcelLibs;

namespace Hotline.Api.Reports;

/// <summary>
/// Writes a report's tables as .xlsx (one sheet per table) or CSV (the tables one after another, each under its title
/// line). Both print the values of <see cref="ReportTable"/> as they are, so the files equal the page.
/// </summary>
public static class ReportExport
{
    public const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    public const string CsvType = "text/csv; charset=utf-8";

    public static byte[] Xlsx(ReportResult report)
    {
        var sheets = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var table in report.Tables)
        {
            var name = SheetName(table.Title, sheets.Keys);
            sheets[name] = Lines(table).Select(line =>
            {
                var row = new Dictionary<string, object?>(StringComparer.Ordinal) { [table.KeyLabel] = line.Label };
                foreach (var column in table.Columns) row[Header(column)] = line.Values.GetValueOrDefault(column.Key);
                return row;
            }).ToList();
        }
        using var buffer = new MemoryStream();
        buffer.SaveAs(sheets, excelType: ExcelType.XLSX);
        return buffer.ToArray();
    }

    /// <summary>RFC 4180 CSV in UTF-8 with a byte-order mark (so Excel in China opens it as UTF-8), CRLF line ends.</summary>
    public static byte[] Csv(ReportResult report)
    {
        var text = new StringBuilder();
        void Line(IEnumerable<string> fields) => text.Append(string.Join(',', fields.Select(Quote))).Append("\r\n");
        Line([$"{report.Title} {report.From}~{report.To}"]);
        foreach (var table in report.Tables)
        {
            Line([]);
            Line([table.Title]);
            Line([table.KeyLabel, .. table.Columns.Select(Header)]);
            foreach (var line in Lines(table)) Line([line.Label, .. table.Columns.Select(c => Number(line.Values.GetValueOrDefault(c.Key)))]);
        }
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    private static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\r', '\n']) < 0 ? field : $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    /// <summary>The header a file shows: percentages say so, since the cells hold 93.45 for 93.45 %.</summary>
    public static string Header(ReportColumn column) => column.Unit == ColumnUnit.Percent ? $"{column.Label}(%)" : column.Label;

    /// <summary>A value as the page prints it (no thousands separator in files), empty when there is none.</summary>
    public static string Number(double? value) => value is { } v ? v.ToString("0.##", CultureInfo.InvariantCulture) : "";

    private static IEnumerable<ReportRow> Lines(ReportTable table) => table.Total is { } total ? [.. table.Rows, total] : table.Rows;

    // Excel sheet names: at most 31 characters, none of : \ / ? * [ ], unique.
    private static string SheetName(string title, IEnumerable<string> taken)
    {
        var clean = new string(title.Where(c => ":\\/?*[]".IndexOf(c) < 0).ToArray());
        if (clean.Length > 28) clean = clean[..28];
        var name = clean;
        for (var i = 2; taken.Contains(name); i++) name = $"{clean}{i}";
        return name;
    }
}
