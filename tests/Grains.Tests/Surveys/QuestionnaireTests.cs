using Hotline.Surveys;

namespace Hotline.Tests.Surveys;

public class QuestionnaireTests
{
    /// <summary>An evaluation questionnaire: a screening question that ends the interview, a satisfaction scale whose 不满意 asks why.</summary>
    internal static Questionnaire Evaluation() => new()
    {
        Title = "2026年度民主评议电话调查",
        DepartmentKind = "执法类",
        Questions =
        [
            new Question
            {
                Id = "contact", Type = QuestionTypes.Single, Text = "您今年是否与该部门打过交道?",
                Options = [new() { Value = "yes", Label = "是" }, new() { Value = "no", Label = "否", Next = Questionnaire.End }],
            },
            new Question
            {
                Id = "overall", Type = QuestionTypes.Satisfaction3, Text = "您对该部门的总体评价是?", Instruction = "读出三个选项",
                Options = [new() { Value = "1" , Next = "ways" }, new() { Value = "2", Next = "ways" }, new() { Value = "3", Next = "why" }],
            },
            new Question { Id = "why", Type = QuestionTypes.Text, Text = "您不满意的原因是?", MaxLength = 200 },
            new Question
            {
                Id = "ways", Type = QuestionTypes.Multiple, Text = "您通过哪些方式办事?", Required = false,
                Options = [new() { Value = "window", Label = "窗口" }, new() { Value = "online", Label = "网上" }],
            },
            new Question { Id = "visits", Type = QuestionTypes.Number, Text = "今年去过几次?", Min = 0, Max = 99 },
            new Question { Id = "speed", Type = QuestionTypes.Scale5, Text = "办事速度打几分?" },
        ],
    };

    private static Questionnaire With(Func<List<Question>, List<Question>> change) =>
        Evaluation() with { Questions = change(Evaluation().Questions.ToList()) };

    private static IEnumerable<(string, string)> Errors(Questionnaire q) => QuestionnaireValidator.Validate(q).Select(e => (e.Field, e.Code));

    [Fact]
    public void A_well_formed_questionnaire_has_no_errors()
    {
        Assert.Empty(QuestionnaireValidator.Validate(Evaluation()));
    }

    [Fact]
    public void A_branch_to_a_question_that_does_not_exist_is_named_by_question_and_option()
    {
        var q = With(qs => { qs[1] = qs[1] with { Options = [new() { Value = "1", Next = "nowhere" }, new() { Value = "3" }] }; return qs; });
        Assert.Equal([("questions[overall].options[0].next", QuestionnaireValidator.DanglingBranch)], Errors(q));
    }

    [Fact]
    public void A_branch_back_to_an_earlier_question_is_a_loop_so_that_path_never_ends()
    {
        var q = With(qs => { qs[5] = qs[5] with { Next = "overall" }; return qs; });
        Assert.Equal([("questions[speed].next", QuestionnaireValidator.Loop)], Errors(q));
    }

    [Fact]
    public void A_question_no_path_reaches_is_unreachable()
    {
        // why is reached only from 不满意; take that branch away and nothing leads to it.
        var q = With(qs => { qs[1] = qs[1] with { Options = [], Next = "ways" }; return qs; });
        Assert.Equal([("questions[why]", QuestionnaireValidator.Unreachable)], Errors(q));
    }

    [Fact]
    public void Options_must_be_unique_and_scale_values_inside_the_scale()
    {
        var q = With(qs =>
        {
            qs[0] = qs[0] with { Options = [new() { Value = "yes", Label = "是" }, new() { Value = "yes", Label = "是" }] };
            qs[1] = qs[1] with { Options = [new() { Value = "4" }] };
            qs[3] = qs[3] with { Options = [new() { Value = "a", Label = "A", Next = "visits" }, new() { Value = "b", Label = "B" }] };
            qs[4] = qs[4] with { Min = 10, Max = 1 };
            return qs;
        });
        Assert.Equal(
            [("questions[contact].options[1].value", QuestionnaireValidator.DuplicateOption), ("questions[contact].options[1].label", QuestionnaireValidator.DuplicateOption),
             ("questions[overall].options[0].value", QuestionnaireValidator.BadScaleValue), ("questions[ways].options[0].next", QuestionnaireValidator.BadOptions),
             ("questions[visits].max", QuestionnaireValidator.BadRange)],
            Errors(q));
    }

    [Fact]
    public void Ids_types_and_texts_are_checked_question_by_question()
    {
        var q = Evaluation() with
        {
            Title = "",
            Questions = [new Question { Id = "a b", Type = "slider", Text = "x" }, new Question { Id = "q", Type = QuestionTypes.Text, Text = "" }, new Question { Id = "q", Type = QuestionTypes.Text, Text = "y" }],
        };
        Assert.Equal(
            [("title", QuestionnaireValidator.Required), ("questions[#1].id", QuestionnaireValidator.BadId), ("questions[#1].type", QuestionnaireValidator.BadType),
             ("questions[q].text", QuestionnaireValidator.Required), ("questions[q].id", QuestionnaireValidator.DuplicateId)],
            Errors(q));
    }

    private static Dictionary<string, AnswerValue?> Sheet(params (string Id, AnswerValue Value)[] answers) =>
        answers.ToDictionary(a => a.Id, a => (AnswerValue?)a.Value);

    private static IEnumerable<(string, string)> AnswerErrors(Dictionary<string, AnswerValue?> sheet) =>
        AnswerSheet.Validate(Evaluation(), sheet).Select(e => (e.Field, e.Code));

    [Fact]
    public void A_complete_sheet_along_its_branch_is_valid()
    {
        Assert.Empty(AnswerErrors(Sheet(("contact", new AnswerValue.Text("yes")), ("overall", new AnswerValue.Number(3)),
            ("why", new AnswerValue.Text("办事太慢")), ("visits", new AnswerValue.Number(2)), ("speed", new AnswerValue.Number(4)))));
        Assert.Empty(AnswerErrors(Sheet(("contact", new AnswerValue.Text("no")))));
    }

    [Fact]
    public void An_answer_outside_the_scale_is_refused()
    {
        var errors = AnswerSheet.Validate(Evaluation(), Sheet(("contact", new AnswerValue.Text("yes")), ("overall", new AnswerValue.Number(4))));
        Assert.Equal([("answers.overall", AnswerSheet.OutOfScale)], errors.Select(e => (e.Field, e.Code)));
        Assert.Equal([("answers.speed", AnswerSheet.OutOfScale)], AnswerErrors(Sheet(("contact", new AnswerValue.Text("yes")),
            ("overall", new AnswerValue.Number(1)), ("visits", new AnswerValue.Number(2)), ("speed", new AnswerValue.Number(6)))));
        Assert.Contains("1 满意", errors[0].Message);
    }

    [Fact]
    public void Missing_required_answers_wrong_types_and_answers_the_branch_skipped_are_refused()
    {
        Assert.Equal(
            [("answers.ways", AnswerSheet.WrongType), ("answers.visits", AnswerSheet.OutOfRange), ("answers.speed", AnswerSheet.Missing)],
            AnswerErrors(Sheet(("contact", new AnswerValue.Text("yes")), ("overall", new AnswerValue.Number(2)), ("ways", new AnswerValue.Text("window")),
                ("visits", new AnswerValue.Number(120)))));
        Assert.Equal([("answers.overall", AnswerSheet.WrongType)],
            AnswerErrors(Sheet(("contact", new AnswerValue.Text("yes")), ("overall", new AnswerValue.Text("满意")), ("speed", new AnswerValue.Number(5)))));
        Assert.Equal(
            [("answers.mood", AnswerSheet.UnknownQuestion), ("answers.why", AnswerSheet.NotOnPath)],
            AnswerErrors(Sheet(("contact", new AnswerValue.Text("yes")), ("overall", new AnswerValue.Number(1)), ("why", new AnswerValue.Text("?")),
                ("visits", new AnswerValue.Number(1)), ("speed", new AnswerValue.Number(5)), ("mood", new AnswerValue.Text("ok")))));
        Assert.Equal([("answers.contact", AnswerSheet.UnknownOption)], AnswerErrors(Sheet(("contact", new AnswerValue.Text("maybe")))));
    }
}
