using Hotline.Surveys;

namespace Hotline.Tests.Surveys;

public class FrameImportScreenTests
{
    private static readonly HashSet<string> None = [];

    private static FrameImportRow Row(int line, string? number, string? source = null, string? department = "gongan") =>
        new(line, number, "桥西区", department, "执法类", source);

    [Fact]
    public void Good_rows_become_units_with_the_import_source_unless_the_row_names_its_own()
    {
        var preview = new FrameImportScreen(None, None, None, FrameSources.Department)
            .Screen([Row(2, "138 1234 5678"), Row(3, "0311-86001234", "运营商")]);

        Assert.Equal(2, preview.Rows);
        Assert.Empty(preview.Issues);
        Assert.Equal([(2, new FrameUnit("13812345678", PhoneKind.Mobile, "桥西区", "gongan", "执法类", FrameSources.Department)),
                      (3, new FrameUnit("031186001234", PhoneKind.Landline, "桥西区", "gongan", "执法类", FrameSources.Carrier))],
            preview.Accepted);
    }

    [Fact]
    public void Every_bad_row_is_reported_with_its_line_field_and_reason()
    {
        var preview = new FrameImportScreen(None, None, None, null)
            .Screen([Row(2, "12345", "hotline"), Row(3, "13812345678", "weibo"), Row(4, "13812345679"), Row(5, "13812345670", "hotline", new string('x', 65))]);

        Assert.Empty(preview.Accepted);
        Assert.Equal(
            [(2, "number", PhoneNumbers.ServiceNumber), (3, "source", FrameImportScreen.BadSource), (4, "source", FrameImportScreen.BadSource),
             (5, "department", FrameImportScreen.TooLong)],
            preview.Issues.Select(i => (i.Line, i.Field, i.Code)));
        Assert.All(preview.Issues, i => Assert.Equal(ImportIssueKind.Bad, i.Kind));
        Assert.Equal(4, preview.Bad);
    }

    [Fact]
    public void A_number_twice_in_the_file_or_already_in_the_frame_is_a_duplicate_naming_the_first_line()
    {
        var preview = new FrameImportScreen(new HashSet<string> { "13900000000" }, None, None, FrameSources.Hotline)
            .Screen([Row(2, "13812345678"), Row(3, "+86 138-1234-5678"), Row(4, "139 0000 0000")]);

        Assert.Single(preview.Accepted);
        Assert.Equal([(3, FrameImportScreen.DuplicateInFile, "Same number as line 2."), (4, FrameImportScreen.DuplicateInFrame, "Already in the frame from an earlier import.")],
            preview.Issues.Select(i => (i.Line, i.Code, i.Reason)));
        Assert.Equal(2, preview.Duplicates);
        Assert.Equal("138****5678", preview.Issues[0].Number);
    }

    [Fact]
    public void Do_not_call_and_recently_surveyed_numbers_are_excluded_with_their_reason()
    {
        var preview = new FrameImportScreen(None, new HashSet<string> { "13812345678" }, new HashSet<string> { "13912345678" }, FrameSources.Hotline)
            .Screen([Row(2, "13812345678"), Row(3, "13912345678"), Row(4, "13712345678")]);

        Assert.Equal(["13712345678"], preview.Accepted.Select(a => a.Unit.Number));
        Assert.Equal([(2, FrameImportScreen.OnDoNotCallList), (3, FrameImportScreen.RecentlyContacted)], preview.Issues.Select(i => (i.Line, i.Code)));
        Assert.Equal(2, preview.Excluded);
    }

    [Fact]
    public void Headers_map_in_English_or_Chinese_and_the_number_column_is_required()
    {
        var (columns, error) = FrameColumns.Map(["电话号码", "区县", "被评议部门", "备注", "来源"]);
        Assert.Null(error);
        Assert.Equal(new Dictionary<string, int> { ["number"] = 0, ["county"] = 1, ["department"] = 2, ["source"] = 4 }, columns);

        Assert.NotNull(FrameColumns.Map(["county", "department"]).Error);
        Assert.NotNull(FrameColumns.Map(["number", "phone"]).Error);
    }
}
