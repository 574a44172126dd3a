namespace Hotline.Surveys;

/// <summary>
/// Where a frame's numbers come from (样本框四类号码库, seed 002 §四): lists the evaluated departments supply, the
/// hotline's own callers, enterprise lists (工商/质监/税务) and carrier lists.
/// </summary>
public static class FrameSources
{
    public const string Department = "department";
    public const string Hotline = "hotline";
    public const string Enterprise = "enterprise";
    public const string Carrier = "carrier";

    public static readonly IReadOnlyList<string> All = [Department, Hotline, Enterprise, Carrier];

    /// <summary>The source code for an English code or the Chinese name a spreadsheet uses; null if neither.</summary>
    public static string? Parse(string? text) => text?.Trim() switch
    {
        Department or "部门" or "部门提供" or "被评议部门" => Department,
        Hotline or "热线" or "热线号码" or "12345" => Hotline,
        Enterprise or "企业" or "单位" => Enterprise,
        Carrier or "运营商" => Carrier,
        _ => null,
    };
}

/// <summary>One number of a sample frame (样本框) with the attributes strata and quotas are built on.</summary>
public sealed record FrameUnit(string Number, PhoneKind Kind, string? County, string? Department, string? Category, string Source)
{
    /// <summary>The value of an attribute by its column name (county, department, category, source).</summary>
    public string? Attribute(string name) => name switch
    {
        FrameColumns.County => County,
        FrameColumns.Department => Department,
        FrameColumns.Category => Category,
        FrameColumns.Source => Source,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Not a frame attribute."),
    };
}

/// <summary>One data row of an uploaded file as text; <see cref="Line"/> is the line (CSV) or row (xlsx) the user sees.</summary>
public sealed record FrameImportRow(int Line, string? Number, string? County, string? Department, string? Category, string? Source);

public enum ImportIssueKind
{
    /// <summary>The row cannot be used: a bad number or attribute.</summary>
    Bad,
    /// <summary>The number is already in this file or in the frame.</summary>
    Duplicate,
    /// <summary>A usable number that must not be called: do-not-call list, or surveyed too recently.</summary>
    Excluded,
}

/// <summary>A row that is not imported, with why. <see cref="Number"/> is masked.</summary>
public sealed record ImportIssue(int Line, ImportIssueKind Kind, string Field, string Code, string Reason, string? Number);

/// <summary>What an upload would add to the frame, and every row it would not, before anything is stored.</summary>
public sealed record ImportPreview(int Rows, IReadOnlyList<(int Line, FrameUnit Unit)> Accepted, IReadOnlyList<ImportIssue> Issues)
{
    public int Bad => Issues.Count(i => i.Kind == ImportIssueKind.Bad);
    public int Duplicates => Issues.Count(i => i.Kind == ImportIssueKind.Duplicate);
    public int Excluded => Issues.Count(i => i.Kind == ImportIssueKind.Excluded);
}

/// <summary>The columns of an import file, by English or Chinese header.</summary>
public static class FrameColumns
{
    public const string Number = "number";
    public const string County = "county";
    public const string Department = "department";
    public const string Category = "category";
    public const string Source = "source";

    public static readonly IReadOnlyList<string> Attributes = [County, Department, Category, Source];

    /// <summary>The column a header names, or null for a column the import ignores.</summary>
    public static string? Parse(string? header) => header?.Trim().ToLowerInvariant() switch
    {
        "number" or "phone" or "电话" or "号码" or "电话号码" or "手机" or "联系电话" => Number,
        "county" or "district" or "区县" or "县区" or "县(市)区" or "县（市）区" or "区域" => County,
        "department" or "部门" or "被评议部门" or "被评议单位" or "部门(单位)" => Department,
        "category" or "类别" or "分类" or "类型" => Category,
        "source" or "来源" or "号码来源" => Source,
        _ => null,
    };

    /// <summary>Each known column's index in <paramref name="headers"/>; the number column must be there, each column at most once.</summary>
    public static (Dictionary<string, int> Columns, string? Error) Map(IReadOnlyList<string?> headers)
    {
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < headers.Count; i++)
        {
            if (Parse(headers[i]) is not { } column) continue;
            if (!columns.TryAdd(column, i)) return (columns, $"Two columns are '{column}' (headers {columns[column] + 1} and {i + 1}).");
        }
        return columns.ContainsKey(Number)
            ? (columns, null)
            : (columns, "No number column: the header row needs 'number' (or 电话/号码/电话号码).");
    }
}

/// <summary>
/// Screens an upload row by row (导入校验): every number normalised, attributes checked, numbers de-duplicated within the
/// file and against the frame's other sources, and the do-not-call list and the recent-contact rule applied. Stores
/// nothing: the caller keeps the preview until the user confirms it.
/// </summary>
public sealed class FrameImportScreen(
    IReadOnlySet<string> inFrame, IReadOnlySet<string> doNotCall, IReadOnlySet<string> recentlyContacted, string? defaultSource)
{
    public const int MaxAttributeLength = 64;
    public const int MaxRows = 2_000_000;

    public const string DuplicateInFile = "import.duplicate_in_file";
    public const string DuplicateInFrame = "import.duplicate_in_frame";
    public const string OnDoNotCallList = "import.do_not_call";
    public const string RecentlyContacted = "import.recently_contacted";
    public const string BadSource = "import.bad_source";
    public const string TooLong = "import.too_long";

    public ImportPreview Screen(IEnumerable<FrameImportRow> rows)
    {
        var accepted = new List<(int, FrameUnit)>();
        var issues = new List<ImportIssue>();
        var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
        var count = 0;
        foreach (var row in rows)
        {
            count++;
            var (unit, issue) = Check(row, firstLine);
            if (issue is not null) issues.Add(issue);
            else accepted.Add((row.Line, unit!));
        }
        return new ImportPreview(count, accepted, issues);
    }

    private (FrameUnit?, ImportIssue?) Check(FrameImportRow row, Dictionary<string, int> firstLine)
    {
        var (phone, rejection) = PhoneNumbers.Normalise(row.Number);
        if (rejection is not null)
            return (null, new ImportIssue(row.Line, ImportIssueKind.Bad, FrameColumns.Number, rejection.Code, rejection.Reason, MaskRaw(row.Number)));

        var source = defaultSource;
        if (!string.IsNullOrWhiteSpace(row.Source))
        {
            source = FrameSources.Parse(row.Source);
            if (source is null)
                return (null, Bad(row, FrameColumns.Source, BadSource,
                    $"Unknown source '{Clip(row.Source)}': one of {string.Join(", ", FrameSources.All)} (部门/热线/企业/运营商)."));
        }
        if (source is null)
            return (null, Bad(row, FrameColumns.Source, BadSource, "No source: give the column, or the import's source."));
        foreach (var (field, value) in new[] { (FrameColumns.County, row.County), (FrameColumns.Department, row.Department), (FrameColumns.Category, row.Category) })
            if (value is { Length: > MaxAttributeLength })
                return (null, Bad(row, field, TooLong, $"At most {MaxAttributeLength} characters."));

        var number = phone!.Value.Number;
        var masked = PhoneNumbers.Mask(number);
        if (!firstLine.TryAdd(number, row.Line))
            return (null, new ImportIssue(row.Line, ImportIssueKind.Duplicate, FrameColumns.Number, DuplicateInFile,
                $"Same number as line {firstLine[number]}.", masked));
        if (inFrame.Contains(number))
            return (null, new ImportIssue(row.Line, ImportIssueKind.Duplicate, FrameColumns.Number, DuplicateInFrame,
                "Already in the frame from an earlier import.", masked));
        if (doNotCall.Contains(number))
            return (null, new ImportIssue(row.Line, ImportIssueKind.Excluded, FrameColumns.Number, OnDoNotCallList,
                "On the do-not-call list (免打扰).", masked));
        if (recentlyContacted.Contains(number))
            return (null, new ImportIssue(row.Line, ImportIssueKind.Excluded, FrameColumns.Number, RecentlyContacted,
                "Contacted by a survey within the rest period.", masked));

        return (new FrameUnit(number, phone.Value.Kind, Trim(row.County), Trim(row.Department), Trim(row.Category), source), null);
    }

    private static ImportIssue Bad(FrameImportRow row, string field, string code, string reason) =>
        new(row.Line, ImportIssueKind.Bad, field, code, reason, MaskRaw(row.Number));

    private static string? Trim(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string Clip(string value) => value.Length <= 20 ? value : value[..20] + "…";

    private static string? MaskRaw(string? raw) => string.IsNullOrWhiteSpace(raw) ? null : PhoneNumbers.Mask(raw.Trim());
}
