using System.Text.RegularExpressions;

namespace Hotline.Surveys;

/// <summary>One fault of a questionnaire or of an answer sheet: the field (by question id) and what is wrong.</summary>
public sealed record SurveyFieldError(string Field, string Code, string Message);

/// <summary>
/// Checks a questionnaire before it is saved: ids, texts, options unique, scale values valid, no branch to a question
/// that does not exist, no loop (so every path ends), every question reachable from the first.
/// Fields are named by question id: <c>questions[q3].options[1].next</c>.
/// </summary>
public static partial class QuestionnaireValidator
{
    public const string Required = "questionnaire.required";
    public const string TooLong = "questionnaire.too_long";
    public const string BadId = "questionnaire.bad_id";
    public const string DuplicateId = "questionnaire.duplicate_id";
    public const string BadType = "questionnaire.bad_type";
    public const string BadOptions = "questionnaire.bad_options";
    public const string DuplicateOption = "questionnaire.duplicate_option";
    public const string BadScaleValue = "questionnaire.bad_scale_value";
    public const string BadRange = "questionnaire.bad_range";
    public const string DanglingBranch = "questionnaire.dangling_branch";
    public const string Loop = "questionnaire.loop";
    public const string Unreachable = "questionnaire.unreachable";

    [GeneratedRegex("^[A-Za-z0-9_-]{1,32}$")]
    private static partial Regex IdPattern();

    public static IReadOnlyList<SurveyFieldError> Validate(Questionnaire q)
    {
        var errors = new List<SurveyFieldError>();
        void Add(string field, string code, string message) => errors.Add(new SurveyFieldError(field, code, message));

        Text(q.Title, "title", 100, true);
        Text(q.DepartmentKind, "departmentKind", 64, true);
        Text(q.Introduction, "introduction", Questionnaire.MaxTextLength, false);
        if (q.Questions.Count == 0) Add("questions", Required, "At least one question.");
        if (q.Questions.Count > Questionnaire.MaxQuestions) Add("questions", TooLong, $"At most {Questionnaire.MaxQuestions} questions.");

        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < q.Questions.Count; i++)
        {
            var question = q.Questions[i];
            var at = Name(question, i);
            if (!IdPattern().IsMatch(question.Id ?? "") || question.Id == Questionnaire.End)
                Add($"{at}.id", BadId, "1 to 32 of A-Z a-z 0-9 _ -, and not 'end'.");
            else if (!ids.TryAdd(question.Id!, i))
                Add($"{at}.id", DuplicateId, $"Question {ids[question.Id!] + 1} has the same id.");
            Text(question.Text, $"{at}.text", 500, true);
            Text(question.Instruction, $"{at}.instruction", 500, false);
            if (!QuestionTypes.All.Contains(question.Type ?? "")) Add($"{at}.type", BadType, $"One of {string.Join(", ", QuestionTypes.All)}.");
            else CheckKind(question, at);
        }
        if (errors.Count > 0) return errors; // the paths only make sense over well-formed questions

        for (var i = 0; i < q.Questions.Count; i++)
            foreach (var (target, field) in q.Exits(i))
                if (target != Questionnaire.End && !ids.ContainsKey(target))
                    Add($"{Name(q.Questions[i], i)}.{field}", DanglingBranch, $"No question '{target}': name a question id or 'end'.");
        if (errors.Count > 0) return errors;

        // Depth-first from the first question: an edge back to a question on the current path is a loop
        // (that path never ends); a question never visited cannot be reached.
        var state = new int[q.Questions.Count]; // 0 unseen, 1 on the path, 2 done
        Visit(0);
        for (var i = 0; i < q.Questions.Count; i++)
            if (state[i] == 0) Add(Name(q.Questions[i], i), Unreachable, "No path from the first question leads here.");
        return errors;

        void Visit(int i)
        {
            state[i] = 1;
            foreach (var (target, field) in q.Exits(i))
            {
                if (target == Questionnaire.End) continue;
                var j = ids[target];
                if (state[j] == 1) Add($"{Name(q.Questions[i], i)}.{field}", Loop, $"Goes back to '{target}': that path never ends.");
                else if (state[j] == 0) Visit(j);
            }
            state[i] = 2;
        }

        void Text(string? value, string field, int max, bool required)
        {
            if (string.IsNullOrWhiteSpace(value)) { if (required) Add(field, Required, "Required."); }
            else if (value.Length > max) Add(field, TooLong, $"At most {max} characters.");
        }

        void CheckKind(Question question, string at)
        {
            var scale = QuestionTypes.Scale(question.Type);
            switch (question.Type)
            {
                case QuestionTypes.Single or QuestionTypes.Multiple when question.Options.Count < 2:
                    Add($"{at}.options", BadOptions, "A choice needs at least two options.");
                    break;
                case QuestionTypes.Number or QuestionTypes.Text when question.Options.Count > 0:
                    Add($"{at}.options", BadOptions, $"A {question.Type} question has no options.");
                    break;
            }
            var values = new Dictionary<string, int>(StringComparer.Ordinal);
            var labels = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var o = 0; o < question.Options.Count; o++)
            {
                var option = question.Options[o];
                var field = $"{at}.options[{o}]";
                if (string.IsNullOrWhiteSpace(option.Value)) Add($"{field}.value", Required, "Required.");
                else if (option.Value.Length > 32) Add($"{field}.value", TooLong, "At most 32 characters.");
                else if (!values.TryAdd(option.Value, o)) Add($"{field}.value", DuplicateOption, $"Same value as option {values[option.Value] + 1}.");
                if (scale.Count > 0 && !string.IsNullOrWhiteSpace(option.Value) && !scale.Any(s => s.Value.ToString() == option.Value))
                    Add($"{field}.value", BadScaleValue, $"A {question.Type} option is one of {string.Join(", ", scale.Select(s => s.Value))}.");
                if (scale.Count == 0 && string.IsNullOrWhiteSpace(option.Label)) Add($"{field}.label", Required, "Required.");
                else if (option.Label is { Length: > 100 }) Add($"{field}.label", TooLong, "At most 100 characters.");
                else if (!string.IsNullOrWhiteSpace(option.Label) && !labels.TryAdd(option.Label, o))
                    Add($"{field}.label", DuplicateOption, $"Same label as option {labels[option.Label] + 1}.");
                if (option.Next is not null && !QuestionTypes.Branches(question.Type))
                    Add($"{field}.next", BadOptions, "Only a question with one answer branches by option; use the question's next.");
            }
            if (question.Min is { } min && question.Max is { } max && min > max) Add($"{at}.max", BadRange, "Must not be below min.");
            if ((question.Min ?? question.Max) is not null && question.Type != QuestionTypes.Number)
                Add($"{at}.min", BadRange, "Only a number question has a range.");
            if (question.MaxLength is { } length && (question.Type != QuestionTypes.Text || length is < 1 or > Questionnaire.MaxTextLength))
                Add($"{at}.maxLength", BadRange, $"Only for text, 1 to {Questionnaire.MaxTextLength}.");
        }
    }

    /// <summary>How errors name a question: by its id when it has a usable one, else by its position.</summary>
    public static string Name(Question question, int index) =>
        IdPattern().IsMatch(question.Id ?? "") ? $"questions[{question.Id}]" : $"questions[#{index + 1}]";
}
