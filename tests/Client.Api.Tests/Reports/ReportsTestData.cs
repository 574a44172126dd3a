using System.IO.Compression;
using System.Xml.Linq;
using Npgsql;

namespace Hotline.Tests.Reports;

/// <summary>
/// Hand-made calls and work orders written straight into the read model (the rows the grains' storage writes), so the
/// reports can be checked against figures computed by hand; and an .xlsx reader that shares no code with the writer.
/// </summary>
internal static class ReportsTestData
{
    public static readonly TimeSpan China = TimeSpan.FromHours(8);
    public static readonly DateTimeOffset Nine = new(2025, 3, 10, 9, 0, 0, China);

    public static async Task CallAsync(NpgsqlDataSource db, string id, string state, DateTimeOffset arrived, DateTimeOffset? queued,
        DateTimeOffset? answered, DateTimeOffset? ended, DateTimeOffset? wrapped, string? queue = "general", string? seat = "1001")
    {
        await using var command = db.CreateCommand("""
            INSERT INTO call_records (call_id, etag, state, channel, queue_id, seat_job_no, arrived_at, queued_at, answered_at, ended_at,
                wrapup_ended_at, payload)
            VALUES ($1, 1, $2, 'simulated', $3, $4, $5, $6, $7, $8, $9, '{}')
            """);
        foreach (var value in new object?[] { id, state, queue, answered is null ? null : seat, arrived, queued, answered, ended, wrapped })
            command.Parameters.Add(new NpgsqlParameter { Value = Utc(value) });
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A call queued a minute after <see cref="Nine"/> plus <paramref name="after"/> s, as in the KPI classes' unit test.</summary>
    public static Task QueuedCallAsync(NpgsqlDataSource db, string id, string state, double after, double? wait, double? talk = null,
        double? wrap = null, double? abandonAfter = null)
    {
        var arrived = Nine.AddSeconds(after);
        var queued = arrived.AddSeconds(60);
        DateTimeOffset? answered = wait is { } w ? queued.AddSeconds(w) : null;
        DateTimeOffset? ended = answered is { } a ? a.AddSeconds(talk ?? 0) : abandonAfter is { } x ? queued.AddSeconds(x) : null;
        DateTimeOffset? wrapped = wrap is { } r && ended is { } e ? e.AddSeconds(r) : null;
        return CallAsync(db, id, state, arrived, queued, answered, ended, wrapped);
    }

    public sealed record Order(
        string Number, string Status, string Kind = "help", string Channel = "phone", string? Department = "housing",
        string Category = "housing-fund", string? District = "历下区", string Summary = "小区停水", double? SignLate = -1,
        double? ReplyLate = -1, double? CloseLate = -1, bool Overdue = false, int Returns = 0, int Reopens = 0, int Urges = 0,
        bool Supervised = false, int Extensions = 0, string? Satisfaction = "satisfied", DateTimeOffset? Created = null);

    /// <summary>Writes the order's row and the history lines the reports read (signed, extension_approved).</summary>
    public static async Task OrderAsync(NpgsqlDataSource db, Order o)
    {
        var created = o.Created ?? Nine.AddHours(1);
        var hasLimits = o.Department is not null;
        DateTimeOffset? signDue = hasLimits ? created.AddDays(1) : null, replyDue = hasLimits ? created.AddDays(10) : null,
            finishDue = hasLimits ? created.AddDays(13) : null;
        DateTimeOffset? replied = replyDue is { } rd && o.ReplyLate is { } rl && o.Status is "replied" or "closed" ? rd.AddHours(rl) : null;
        DateTimeOffset? closed = finishDue is { } fd && o.CloseLate is { } cl && o.Status == "closed" ? fd.AddHours(cl) : null;
        await using var command = db.CreateCommand("""
            INSERT INTO tickets (number, etag, status, kind, channel, category, summary, content, district, lead_department, created_at,
                created_by, updated_at, sign_due, reply_due, finish_due, replied_at, closed_at, overdue, supervised, urge_count,
                return_count, reopen_count, satisfaction, search, payload)
            VALUES ($1, 1, $2, $3, $4, $5, $6, $6, $7, $8, $9, '1001', $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, ''::tsvector, '{}')
            """);
        foreach (var value in new object?[]
        {
            o.Number, o.Status, o.Kind, o.Channel, o.Category, o.Summary, o.District, o.Department, created, signDue, replyDue, finishDue,
            replied, closed, o.Overdue, o.Supervised, o.Urges, o.Returns, o.Reopens, o.Satisfaction,
        })
            command.Parameters.Add(new NpgsqlParameter { Value = Utc(value) });
        await command.ExecuteNonQueryAsync();

        var sequence = 1;
        await HistoryAsync(db, o.Number, sequence++, created, "registered");
        if (signDue is { } sd && o.SignLate is { } sl) await HistoryAsync(db, o.Number, sequence++, sd.AddHours(sl), "signed");
        for (var i = 0; i < o.Extensions; i++) await HistoryAsync(db, o.Number, sequence++, created.AddDays(2), "extension_approved");
    }

    private static async Task HistoryAsync(NpgsqlDataSource db, string number, int sequence, DateTimeOffset at, string action)
    {
        await using var command = db.CreateCommand(
            "INSERT INTO ticket_history (number, sequence, at, job_no, role, action) VALUES ($1, $2, $3, '7001', 'department', $4)");
        command.Parameters.AddWithValue(number);
        command.Parameters.AddWithValue(sequence);
        command.Parameters.AddWithValue(at.ToUniversalTime());
        command.Parameters.AddWithValue(action);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Npgsql writes timestamptz from UTC offsets only.</summary>
    private static object Utc(object? value) => value switch
    {
        null => DBNull.Value,
        DateTimeOffset at => at.ToUniversalTime(),
        _ => value,
    };

    /// <summary>
    /// Every sheet of an .xlsx as rows of cell texts, read with the BCL's zip and XML classes only (shared strings,
    /// inline strings and numbers), independent of the spreadsheet package that wrote it.
    /// </summary>
    public static Dictionary<string, List<List<string>>> ReadXlsx(byte[] content)
    {
        using var zip = new ZipArchive(new MemoryStream(content), ZipArchiveMode.Read);
        XNamespace main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
        XNamespace rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
        XDocument Load(string path) => XDocument.Load(zip.GetEntry(path)!.Open());
        var shared = zip.GetEntry("xl/sharedStrings.xml") is null ? [] :
            Load("xl/sharedStrings.xml").Root!.Elements(main + "si").Select(si => string.Concat(si.Descendants(main + "t").Select(t => t.Value))).ToList();
        var targets = Load("xl/_rels/workbook.xml.rels").Root!.Elements()
            .ToDictionary(r => (string)r.Attribute("Id")!, r => ((string)r.Attribute("Target")!).TrimStart('/'));
        var sheets = new Dictionary<string, List<List<string>>>(StringComparer.Ordinal);
        foreach (var sheet in Load("xl/workbook.xml").Root!.Descendants(main + "sheet"))
        {
            var target = targets[(string)sheet.Attribute(rel + "id")!];
            var path = target.StartsWith("xl/", StringComparison.Ordinal) ? target : "xl/" + target;
            var rows = new List<List<string>>();
            foreach (var row in Load(path).Root!.Descendants(main + "row"))
            {
                var cells = new List<string>();
                foreach (var c in row.Elements(main + "c"))
                {
                    var column = ColumnIndex((string?)c.Attribute("r")) ?? cells.Count;
                    while (cells.Count < column) cells.Add("");
                    cells.Add((string?)c.Attribute("t") switch
                    {
                        "s" => shared[int.Parse(c.Element(main + "v")!.Value, System.Globalization.CultureInfo.InvariantCulture)],
                        "inlineStr" => string.Concat(c.Descendants(main + "t").Select(t => t.Value)),
                        _ => c.Element(main + "v")?.Value ?? "",
                    });
                }
                rows.Add(cells);
            }
            sheets[(string)sheet.Attribute("name")!] = rows;
        }
        return sheets;
    }

    /// <summary>The zero-based column of a cell reference ("C5" → 2).</summary>
    private static int? ColumnIndex(string? reference)
    {
        if (string.IsNullOrEmpty(reference)) return null;
        var index = 0;
        foreach (var ch in reference.TakeWhile(char.IsLetter)) index = index * 26 + (char.ToUpperInvariant(ch) - 'A' + 1);
        return index - 1;
    }
}
