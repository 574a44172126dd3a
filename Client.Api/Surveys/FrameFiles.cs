using System.Globalization;
using System.Text;
using System.Text.Unicode;
using CsvHelper;
using Hotline.Surveys;
using MiniExcelLibs;

namespace Hotline.Api.Surveys;

/// <summary>An upload that cannot be read as a table at all: refused as a whole, nothing stored.</summary>
public sealed class MalformedImportException(string message, int? line = null) : Exception(message)
{
    public int? Line { get; } = line;
}

/// <summary>
/// Reads a sample-frame upload into text rows: CSV through CsvHelper (UTF-8, or GB18030 as Excel in China saves it),
/// .xlsx through MiniExcel (the first sheet). The first row is the header; line numbers are the ones the user sees.
/// </summary>
public static class FrameFiles
{
    public const string CsvType = "text/csv";
    public const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    static FrameFiles() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static string? FormatOf(string? contentType) => contentType?.Split(';')[0].Trim().ToLowerInvariant() switch
    {
        CsvType or "application/csv" or "text/plain" => "csv",
        XlsxType => "xlsx",
        _ => null,
    };

    public static List<FrameImportRow> Read(string format, byte[] content) => format == "xlsx" ? ReadXlsx(content) : ReadCsv(content);

    public static List<FrameImportRow> ReadCsv(byte[] content)
    {
        var options = new CsvReaderOptions
        {
            MalformedData = CsvMalformedDataHandling.Throw,
            TrackLineNumbers = true,
            TrimWhitespace = true,
        };
        // Excel in China saves CSV as GB18030 (GBK) unless told otherwise: anything that is not valid UTF-8 is read as that.
        using var csv = Utf8.IsValid(content)
            ? CsvReader.Create(content, options)
            : CsvReader.Create(new StreamReader(new MemoryStream(content), Encoding.GetEncoding("GB18030")), options, false);
        try
        {
            var rows = new List<FrameImportRow>();
            Dictionary<string, int>? columns = null;
            while (csv.Read())
            {
                columns ??= Columns(csv.Headers.ToArray());
                if (rows.Count == FrameImportScreen.MaxRows)
                    throw new MalformedImportException($"More than {FrameImportScreen.MaxRows:N0} rows: split the file.", (int)csv.LineNumber);
                rows.Add(Row((int)csv.LineNumber, i => i < csv.FieldCount ? csv.GetString(i) : null, columns));
            }
            if (columns is null)
            {
                if (csv.Headers.Count == 0) throw new MalformedImportException("The file is empty: the first line must be the header.", 1);
                Columns(csv.Headers.ToArray());
            }
            return rows;
        }
        catch (CsvFormatException e)
        {
            var line = e.LineNumber > 0 ? (int)e.LineNumber : (int?)null;
            throw new MalformedImportException($"Not a readable CSV file at line {line}: {e.Message}", line);
        }
    }

    public static List<FrameImportRow> ReadXlsx(byte[] content)
    {
        try
        {
            using var stream = new MemoryStream(content);
            var rows = new List<FrameImportRow>();
            Dictionary<string, int>? columns = null;
            List<string>? keys = null;
            var line = 0;
            foreach (IDictionary<string, object?> cells in stream.Query(useHeaderRow: false, excelType: ExcelType.XLSX))
            {
                line++;
                if (columns is null)
                {
                    keys = cells.Keys.ToList();
                    columns = Columns(keys.Select(k => Cell(cells[k])).ToArray());
                    continue;
                }
                if (cells.Values.All(v => v is null || v is string { Length: 0 })) continue;
                if (rows.Count == FrameImportScreen.MaxRows)
                    throw new MalformedImportException($"More than {FrameImportScreen.MaxRows:N0} rows: split the file.", line);
                rows.Add(Row(line, i => i < keys!.Count && cells.TryGetValue(keys[i], out var v) ? Cell(v) : null, columns));
            }
            if (columns is null) throw new MalformedImportException("The sheet is empty: the first row must be the header.", 1);
            return rows;
        }
        catch (InvalidDataException)
        {
            throw new MalformedImportException("Not an .xlsx workbook.");
        }
    }

    private static Dictionary<string, int> Columns(IReadOnlyList<string?> header)
    {
        var (columns, error) = FrameColumns.Map(header);
        if (error is not null) throw new MalformedImportException(error, 1);
        return columns;
    }

    private static FrameImportRow Row(int line, Func<int, string?> field, Dictionary<string, int> columns)
    {
        string? Get(string column) => columns.TryGetValue(column, out var i) ? field(i) : null;
        return new FrameImportRow(line, Get(FrameColumns.Number), Get(FrameColumns.County), Get(FrameColumns.Department),
            Get(FrameColumns.Category), Get(FrameColumns.Source));
    }

    /// <summary>A cell as text; a number typed into a numeric cell comes back whole (13812345678, not 1.38E+10).</summary>
    private static string? Cell(object? value) => value switch
    {
        null => null,
        string s => s,
        double d when d == Math.Floor(d) && Math.Abs(d) < 1e17 => ((long)d).ToString(CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
