using Spectre.Console;

namespace Hotline.LoadTest.Reporting;

/// <summary>Shows report tables on the console the way report.md shows them.</summary>
public static class ConsoleTables
{
    public static void Show(ReportTable source)
    {
        var table = new Table().Title($"[bold]{Markup.Escape(source.Title)}[/]").Border(TableBorder.Rounded);
        table.AddColumn(Markup.Escape(source.RowHeader));
        var columns = source.Columns();
        foreach (var column in columns) table.AddColumn(new TableColumn(Markup.Escape(column)).RightAligned());
        foreach (var row in source.Rows)
        {
            table.AddRow([Markup.Escape(row.Name),
                .. columns.Select(c => row.Values.TryGetValue(c, out var v) ? Report.FormatValue(v) : "")]);
        }
        AnsiConsole.Write(table);
    }
}
