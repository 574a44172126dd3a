using System.Globalization;
using System.IO.Compression;
using System.Text;
using Hotline.Knowledge;
using MiniExcelLibs;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace Hotline.Api.Knowledge;

/// <summary>One article read from an import file, with where it came from for the report.</summary>
public sealed record ImportedArticle(string Source, int Line, ArticleDraft Draft, IReadOnlyDictionary<string, int> FieldLines);

/// <summary>
/// Import and export of articles: Markdown files with YAML front matter (title, category, departments, tags,
/// validFrom, validUntil, answer; the body below), and an .xlsx list with one article per row (English or Chinese
/// headers). Reading only parses; the API validates every article and creates all of them or none.
/// </summary>
public static class KnowledgeTransfer
{
    /// <summary>Column headers of the .xlsx list, English then the Chinese a hotline's own sheet may use.</summary>
    private static readonly (string Field, string[] Headers)[] Columns =
    [
        ("title", ["title", "标题"]), ("categoryId", ["category", "分类"]), ("departments", ["departments", "部门", "承办部门"]),
        ("tags", ["tags", "标签"]), ("validFrom", ["validFrom", "生效日期"]), ("validUntil", ["validUntil", "失效日期"]),
        ("answer", ["answer", "答复口径", "口径"]), ("body", ["body", "正文"]),
    ];

    private static readonly TimeSpan China = TimeSpan.FromHours(8);

    /// <summary>Reads one Markdown file; problems (bad front matter, bad dates) are added to <paramref name="problems"/>.</summary>
    public static ImportedArticle? ReadMarkdown(string fileName, string text, List<ImportProblem> problems)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        if (lines.Length == 0 || lines[0].Trim() != "---")
        {
            problems.Add(new(fileName, 1, "frontMatter", "The file must start with a '---' line and YAML front matter."));
            return null;
        }
        var end = Array.FindIndex(lines, 1, l => l.Trim() == "---");
        if (end < 0)
        {
            problems.Add(new(fileName, lines.Length, "frontMatter", "The front matter has no closing '---' line."));
            return null;
        }

        Dictionary<string, object?> fields;
        try
        {
            fields = new DeserializerBuilder().Build().Deserialize<Dictionary<string, object?>>(string.Join('\n', lines[1..end])) ?? [];
        }
        catch (YamlException e)
        {
            problems.Add(new(fileName, (int)e.Start.Line + 1, "frontMatter", e.InnerException?.Message ?? e.Message));
            return null;
        }

        var fieldLines = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 1; i < end; i++)
        {
            var colon = lines[i].IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && !char.IsWhiteSpace(lines[i][0])) fieldLines[Field(lines[i][..colon].Trim())] = i + 1;
        }
        var values = fields.ToDictionary(f => Field(f.Key), f => f.Value, StringComparer.Ordinal);
        var body = string.Join('\n', lines[(end + 1)..]).Trim();
        var draft = Draft(values, body, fileName, fieldLines, problems);
        return new ImportedArticle(fileName, 1, draft, fieldLines);
    }

    /// <summary>Reads an .xlsx list: the first row names the columns, every other non-empty row is an article.</summary>
    public static IReadOnlyList<ImportedArticle> ReadXlsx(string fileName, Stream content, List<ImportProblem> problems)
    {
        var articles = new List<ImportedArticle>();
        List<IDictionary<string, object?>> rows;
        try
        {
            using var buffer = new MemoryStream();
            content.CopyTo(buffer);
            buffer.Position = 0;
            rows = MiniExcel.Query(buffer, useHeaderRow: true, excelType: ExcelType.XLSX).Cast<IDictionary<string, object?>>().ToList();
        }
        catch (Exception e) when (e is InvalidDataException or InvalidOperationException or IOException or NotSupportedException or System.Xml.XmlException)
        {
            problems.Add(new(fileName, 1, "file", "Not a readable .xlsx workbook."));
            return articles;
        }

        for (var i = 0; i < rows.Count; i++)
        {
            var line = i + 2;
            var values = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var (header, value) in rows[i])
                if (value is not null && !(value is string s && string.IsNullOrWhiteSpace(s))) values[Field(header)] = value;
            if (values.Count == 0) continue;
            var fieldLines = Columns.ToDictionary(c => c.Field, _ => line, StringComparer.Ordinal);
            var body = values.TryGetValue("body", out var b) ? Convert.ToString(b, CultureInfo.InvariantCulture) : null;
            articles.Add(new ImportedArticle(fileName, line, Draft(values, body, fileName, fieldLines, problems, line), fieldLines));
        }
        if (articles.Count == 0 && problems.Count == 0) problems.Add(new(fileName, 1, "file", "The sheet holds no article."));
        return articles;
    }

    /// <summary>A zip of one Markdown file per article, readable by <see cref="ReadMarkdown"/>.</summary>
    public static byte[] WriteMarkdownZip(IReadOnlyList<ArticleResponse> articles)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            var serializer = new SerializerBuilder().Build();
            foreach (var a in articles)
            {
                var front = new Dictionary<string, object?>
                {
                    ["id"] = a.Id,
                    ["title"] = a.Title,
                    ["category"] = a.CategoryId,
                    ["departments"] = a.Departments,
                    ["tags"] = a.Tags,
                    ["validFrom"] = a.ValidFrom?.ToString("O", CultureInfo.InvariantCulture),
                    ["validUntil"] = a.ValidUntil?.ToString("O", CultureInfo.InvariantCulture),
                    ["answer"] = a.Answer,
                };
                var entry = zip.CreateEntry($"{a.Id}.md");
                using var writer = new StreamWriter(entry.Open(), new UTF8Encoding(false));
                writer.Write("---\n" + serializer.Serialize(front) + "---\n\n" + a.Body + "\n");
            }
        }
        return buffer.ToArray();
    }

    /// <summary>An .xlsx list of the articles, one row each, readable by <see cref="ReadXlsx"/>.</summary>
    public static byte[] WriteXlsx(IReadOnlyList<ArticleResponse> articles)
    {
        var rows = articles.Select(a => new Dictionary<string, object?>
        {
            ["id"] = a.Id,
            ["title"] = a.Title,
            ["category"] = a.CategoryId,
            ["departments"] = string.Join(';', a.Departments),
            ["tags"] = string.Join(';', a.Tags),
            ["validFrom"] = a.ValidFrom?.ToString("O", CultureInfo.InvariantCulture),
            ["validUntil"] = a.ValidUntil?.ToString("O", CultureInfo.InvariantCulture),
            ["answer"] = a.Answer,
            ["body"] = a.Body,
            ["status"] = a.Status,
            ["version"] = a.Version,
        }).ToList();
        using var buffer = new MemoryStream();
        buffer.SaveAs(rows, excelType: ExcelType.XLSX);
        return buffer.ToArray();
    }

    private static string Field(string header)
    {
        foreach (var (field, headers) in Columns)
            if (headers.Contains(header.Trim(), StringComparer.OrdinalIgnoreCase)) return field;
        return header.Trim();
    }

    private static ArticleDraft Draft(Dictionary<string, object?> values, string? body, string source, Dictionary<string, int> fieldLines,
        List<ImportProblem> problems, int line = 1)
    {
        string? Text(string field) => values.TryGetValue(field, out var v) && v is not null ? Convert.ToString(v, CultureInfo.InvariantCulture)?.Trim() : null;
        IReadOnlyList<string> List(string field) => values.TryGetValue(field, out var v) ? v switch
        {
            null => [],
            IEnumerable<object?> items when v is not string => items.Select(i => Convert.ToString(i, CultureInfo.InvariantCulture)?.Trim() ?? "").ToList(),
            _ => (Convert.ToString(v, CultureInfo.InvariantCulture) ?? "").Split([';', '；', ',', '，'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        } : [];
        DateTimeOffset? Date(string field)
        {
            if (!values.TryGetValue(field, out var v) || v is null) return null;
            if (v is DateTime dt) return new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Unspecified), China);
            var text = Convert.ToString(v, CultureInfo.InvariantCulture)?.Trim();
            if (string.IsNullOrEmpty(text)) return null;
            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                return new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), China);
            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)) return at;
            problems.Add(new(source, fieldLines.GetValueOrDefault(field, line), field, $"'{text}' is not a date (yyyy-MM-dd or ISO 8601)."));
            return null;
        }

        return new ArticleDraft(Text("title"), Text("categoryId"), Text("answer"), body, List("departments"), List("tags"),
            Date("validFrom"), Date("validUntil"), []);
    }
}
