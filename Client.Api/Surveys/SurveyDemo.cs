using Hotline.Surveys;
using Npgsql;

namespace Hotline.Api.Surveys;

/// <summary>
/// The demo's small evaluation (民主评议): a frame of 240 made-up numbers for the six demo departments over the four
/// sources, one number on the do-not-call list, and the evaluation questionnaire. Seeded once, through the same
/// screening and stores as an import; skipped when the questionnaire is there already or there is no PostgreSQL.
/// </summary>
internal static class SurveyDemo
{
    public const string QuestionnaireId = "demo-evaluation";
    public const string User = "demo";

    private static readonly string[] Counties = ["桥西区", "长安区", "裕华区", "新华区"];

    /// <returns>Whether anything was seeded.</returns>
    public static async Task<bool> SeedAsync(IServiceProvider services, IReadOnlyList<string> departments, CancellationToken ct)
    {
        if (services.GetService<NpgsqlDataSource>() is not { } db) return false;
        var time = services.GetRequiredService<TimeProvider>();
        var questionnaires = new QuestionnaireStore(db, time);
        if (await questionnaires.GetAsync(QuestionnaireId, null, ct) is not null) return false;

        var frames = new SurveyFrameStore(db, time);
        await frames.AddDoNotCallAsync("13700000007", "演示：本人要求不再接受调查", User, ct);
        var frame = await frames.CreateFrameAsync("2026 民主评议演示样本框", "六个演示部门，四类号码各十个", User, ct);
        var rows = new List<FrameImportRow>();
        var n = 0;
        foreach (var department in departments)
            foreach (var source in FrameSources.All)
                for (var i = 0; i < 10; i++, n++)
                    rows.Add(new FrameImportRow(n + 2, $"1370000{n:D4}", Counties[n % Counties.Length], department, null, source));
        var (revision, inFrame, doNotCall, recent) = await frames.ScreeningAsync(frame.Id, 90, ct);
        var preview = new FrameImportScreen(inFrame, doNotCall, recent, null).Screen(rows);
        var saved = await frames.SavePreviewAsync(frame.Id, "manual", "demo", null, 90, revision, preview, User, ct);
        await frames.ConfirmImportAsync(frame.Id, saved.Import.Id, User, ct);

        var questionnaire = Evaluation();
        if (QuestionnaireValidator.Validate(questionnaire) is { Count: > 0 } errors)
            throw new InvalidOperationException($"The demo questionnaire is invalid: {errors[0].Field} {errors[0].Message}");
        await questionnaires.AddVersionAsync(QuestionnaireId, questionnaire, User, ct);
        return true;
    }

    /// <summary>The yearly evaluation's questionnaire for a law-enforcement department, as seed 002 §四 describes one.</summary>
    public static Questionnaire Evaluation() => new()
    {
        Title = "2026 年度民主评议电话调查（执法类）",
        DepartmentKind = "执法类",
        Introduction = "您好，这里是 12345 热线，正在开展年度民主评议电话调查，耽误您两分钟时间。",
        Questions =
        [
            new Question
            {
                Id = "contact", Type = QuestionTypes.Single, Text = "您今年是否与该部门打过交道？", Instruction = "未打过交道的，致谢后结束。",
                Options = [new() { Value = "yes", Label = "是" }, new() { Value = "no", Label = "否", Next = Questionnaire.End }],
            },
            new Question
            {
                Id = "overall", Type = QuestionTypes.Satisfaction3, Text = "您对该部门的总体评价是？", Instruction = "读出三个选项。",
                Options = [new() { Value = "1", Next = "attitude" }, new() { Value = "2", Next = "attitude" }, new() { Value = "3", Next = "why" }],
            },
            new Question { Id = "why", Type = QuestionTypes.Text, Text = "您不满意的主要原因是？", Instruction = "完整记录被访者原话。", MaxLength = 500 },
            new Question { Id = "attitude", Type = QuestionTypes.Scale5, Text = "工作人员的服务态度，1 到 5 分您打几分？" },
            new Question
            {
                Id = "channels", Type = QuestionTypes.Multiple, Text = "您通过哪些方式办理业务？", Required = false,
                Options = [new() { Value = "window", Label = "窗口" }, new() { Value = "online", Label = "网上" }, new() { Value = "phone", Label = "电话" }],
            },
            new Question { Id = "suggestion", Type = QuestionTypes.Text, Text = "您对该部门还有什么意见和建议？", Required = false, MaxLength = 1000 },
        ],
    };
}
