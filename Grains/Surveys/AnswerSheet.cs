namespace Hotline.Surveys;

/// <summary>An answer as given: text or an option value, a number (also a scale's value), or several option values.</summary>
public abstract record AnswerValue
{
    public sealed record Text(string Value) : AnswerValue;
    public sealed record Number(decimal Value) : AnswerValue;
    public sealed record Choices(IReadOnlyList<string> Values) : AnswerValue;
}

/// <summary>
/// Checks a respondent's answers against the questionnaire version the interview started with: the path through the
/// branches is followed from the first question, every required question on it must be answered with a value of the
/// right type inside the scale or range, and nothing may be answered that the branches skipped.
/// </summary>
public static class AnswerSheet
{
    public const string Missing = "answer.required";
    public const string WrongType = "answer.wrong_type";
    public const string OutOfScale = "answer.out_of_scale";
    public const string UnknownOption = "answer.unknown_option";
    public const string OutOfRange = "answer.out_of_range";
    public const string TooLong = "answer.too_long";
    public const string NotOnPath = "answer.not_on_path";
    public const string UnknownQuestion = "answer.unknown_question";

    /// <summary>
    /// The faults, each named <c>answers.{questionId}</c>; none means the sheet is complete and valid. A bad answer to a
    /// question that branches ends the check there, since the path beyond it is unknown.
    /// </summary>
    public static IReadOnlyList<SurveyFieldError> Validate(Questionnaire q, IReadOnlyDictionary<string, AnswerValue?> answers)
    {
        var errors = new List<SurveyFieldError>();
        var index = q.Questions.Select((question, i) => (question.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        foreach (var id in answers.Keys.Where(id => !index.ContainsKey(id)).Order(StringComparer.Ordinal))
            errors.Add(new SurveyFieldError($"answers.{id}", UnknownQuestion, $"The questionnaire has no question '{id}'."));

        var visited = new HashSet<string>(StringComparer.Ordinal);
        var at = q.Questions.Count > 0 ? 0 : -1;
        var pathKnown = true;
        while (at >= 0 && visited.Add(q.Questions[at].Id))
        {
            var question = q.Questions[at];
            var field = $"answers.{question.Id}";
            string? chosen = null;
            if (!answers.TryGetValue(question.Id, out var answer) || answer is null)
            {
                if (question.Required) errors.Add(new SurveyFieldError(field, Missing, "Required on this path."));
            }
            else if (Check(question, answer) is { } error)
            {
                errors.Add(new SurveyFieldError(field, error.Code, error.Message));
                // Where a branching question goes after a bad answer is unknown: judge nothing beyond it.
                if (question.Options.Any(o => o.Next is not null))
                {
                    pathKnown = false;
                    break;
                }
            }
            else chosen = answer switch { AnswerValue.Text t => t.Value, AnswerValue.Number n => n.Value.ToString(), _ => null };

            var next = q.NextAfter(at, chosen);
            at = next == Questionnaire.End || !index.TryGetValue(next, out var j) ? -1 : j;
        }

        foreach (var (id, value) in answers)
            if (pathKnown && value is not null && index.ContainsKey(id) && !visited.Contains(id))
                errors.Add(new SurveyFieldError($"answers.{id}", NotOnPath, "The branches skip this question for these answers."));
        return errors;
    }

    private static (string Code, string Message)? Check(Question question, AnswerValue answer)
    {
        switch (question.Type)
        {
            case QuestionTypes.Single:
                if (answer is not AnswerValue.Text choice) return (WrongType, "One option value (a string).");
                return question.Options.Any(o => o.Value == choice.Value) ? null : (UnknownOption, $"'{choice.Value}' is not an option.");
            case QuestionTypes.Multiple:
                if (answer is not AnswerValue.Choices many) return (WrongType, "A list of option values.");
                if (question.Required && many.Values.Count == 0) return (Missing, "Choose at least one option.");
                if (many.Values.Distinct(StringComparer.Ordinal).Count() != many.Values.Count) return (WrongType, "An option is listed twice.");
                var unknown = many.Values.FirstOrDefault(v => !question.Options.Any(o => o.Value == v));
                return unknown is null ? null : (UnknownOption, $"'{unknown}' is not an option.");
            case QuestionTypes.Satisfaction3 or QuestionTypes.Scale5:
                var scale = QuestionTypes.Scale(question.Type);
                if (answer is not AnswerValue.Number point) return (WrongType, $"A number, one of {string.Join(", ", scale.Select(s => s.Value))}.");
                return scale.Any(s => s.Value == point.Value)
                    ? null
                    : (OutOfScale, $"{point.Value} is outside the scale: one of {string.Join(", ", scale.Select(s => $"{s.Value} {s.Label}"))}.");
            case QuestionTypes.Number:
                if (answer is not AnswerValue.Number number) return (WrongType, "A number.");
                if (question.Min is { } min && number.Value < min) return (OutOfRange, $"At least {min}.");
                if (question.Max is { } max && number.Value > max) return (OutOfRange, $"At most {max}.");
                return null;
            case QuestionTypes.Text:
                if (answer is not AnswerValue.Text text) return (WrongType, "Text.");
                if (question.Required && string.IsNullOrWhiteSpace(text.Value)) return (Missing, "Required on this path.");
                var limit = question.MaxLength ?? Questionnaire.MaxTextLength;
                return text.Value.Length > limit ? (TooLong, $"At most {limit} characters.") : null;
            default:
                return (WrongType, $"Question type '{question.Type}' is unknown.");
        }
    }
}
