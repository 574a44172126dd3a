namespace Hotline.Surveys;

/// <summary>The kinds of question a questionnaire (问卷) can ask.</summary>
public static class QuestionTypes
{
    /// <summary>One option of several (单选).</summary>
    public const string Single = "single";
    /// <summary>Any number of options (多选).</summary>
    public const string Multiple = "multiple";
    /// <summary>满意 (1) / 基本满意 (2) / 不满意 (3), the evaluation's three-level scale.</summary>
    public const string Satisfaction3 = "satisfaction3";
    /// <summary>A 1–5 scale (5 best).</summary>
    public const string Scale5 = "scale5";
    public const string Number = "number";
    /// <summary>Open text: the respondent's opinions and suggestions (意见建议).</summary>
    public const string Text = "text";

    public static readonly IReadOnlyList<string> All = [Single, Multiple, Satisfaction3, Scale5, Number, Text];

    /// <summary>The values a scale allows with their standard labels; empty for a question that is not a scale.</summary>
    public static IReadOnlyList<(int Value, string Label)> Scale(string type) => type switch
    {
        Satisfaction3 => [(1, "满意"), (2, "基本满意"), (3, "不满意")],
        Scale5 => [(1, "1 很不满意"), (2, "2"), (3, "3"), (4, "4"), (5, "5 很满意")],
        _ => [],
    };

    public static bool IsScale(string type) => type is Satisfaction3 or Scale5;

    /// <summary>Whether the answer picks one option, so an option may say where the interview goes next.</summary>
    public static bool Branches(string type) => type is Single or Satisfaction3 or Scale5;
}

/// <summary>An answer option. For a scale the value is the scale's number as text ("1"…); <see cref="Next"/> branches.</summary>
public sealed record QuestionOption
{
    public string Value { get; init; } = "";
    public string Label { get; init; } = "";
    /// <summary>The question asked next when this option is chosen, or <see cref="Questionnaire.End"/>; null: the question's own next.</summary>
    public string? Next { get; init; }
}

public sealed record Question
{
    public string Id { get; init; } = "";
    public string Type { get; init; } = "";
    public string Text { get; init; } = "";
    /// <summary>What the interviewer reads or does (访问员提示), not read to the respondent.</summary>
    public string? Instruction { get; init; }
    public bool Required { get; init; } = true;
    public IReadOnlyList<QuestionOption> Options { get; init; } = [];
    public decimal? Min { get; init; }
    public decimal? Max { get; init; }
    public int? MaxLength { get; init; }
    /// <summary>The question after this one, or <see cref="Questionnaire.End"/>; null: the next in the list (the last one ends).</summary>
    public string? Next { get; init; }
}

/// <summary>One version of a questionnaire, per kind of evaluated department (按部门类别编制问卷). Versions never change once saved.</summary>
public sealed record Questionnaire
{
    /// <summary>The <c>next</c> that ends the interview.</summary>
    public const string End = "end";
    public const int MaxQuestions = 200;
    public const int MaxTextLength = 2000;

    public string Title { get; init; } = "";
    /// <summary>The kind of evaluated department it is written for (e.g. 执法类, 窗口服务类).</summary>
    public string DepartmentKind { get; init; } = "";
    /// <summary>The opening the interviewer reads (开场白).</summary>
    public string? Introduction { get; init; }
    public IReadOnlyList<Question> Questions { get; init; } = [];

    /// <summary>Where the interview goes after <paramref name="index"/> when the answer (if any) picked <paramref name="chosen"/>.</summary>
    public string NextAfter(int index, string? chosen)
    {
        var question = Questions[index];
        if (chosen is not null && QuestionTypes.Branches(question.Type)
            && question.Options.FirstOrDefault(o => o.Value == chosen) is { Next: { } branch })
            return branch;
        return question.Next ?? (index + 1 < Questions.Count ? Questions[index + 1].Id : End);
    }

    /// <summary>Every place the interview can go after question <paramref name="index"/>.</summary>
    public IEnumerable<(string Target, string Field)> Exits(int index)
    {
        var question = Questions[index];
        yield return (NextAfter(index, null), "next");
        if (!QuestionTypes.Branches(question.Type)) yield break;
        for (var o = 0; o < question.Options.Count; o++)
            if (question.Options[o].Next is { } branch) yield return (branch, $"options[{o}].next");
    }
}
