using System.Security.Claims;
using System.Text.Json;
using Hotline.Api.Auth;
using Hotline.Api.Problems;
using Hotline.Api.Surveys;
using Hotline.Surveys;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Hotline.Api.Apis;

/// <summary>
/// Questionnaires (问卷) under <c>/api/surveys</c>: every save is a new immutable version, validated first; export and
/// import as JSON; a sheet of answers checked against the exact version an interview started with.
/// </summary>
public static class SurveyQuestionnairesApi
{
    internal static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/questionnaires", List).WithSummary("Every questionnaire with its latest version");
        api.MapGet("/questionnaires/{id}", Versions).WithSummary("A questionnaire's version numbers");
        api.MapPost("/questionnaires/{id}/versions", Save).RequireAuthorization(Policies.SurveysDesign)
            .WithSummary("Save a questionnaire as its next version, after checking branches, options and scales");
        api.MapGet("/questionnaires/{id}/versions/{version:int}", Get).WithSummary("One version of a questionnaire");
        api.MapGet("/questionnaires/{id}/versions/{version:int}/export", Export).WithSummary("One version as a JSON file to keep or import elsewhere");
        api.MapPost("/questionnaires/import", Import).RequireAuthorization(Policies.SurveysDesign)
            .WithSummary("Import an exported questionnaire file as the next version of its id");
        api.MapPost("/questionnaires/{id}/versions/{version:int}/answers/check", Check)
            .WithSummary("Check a sheet of answers against this version: required answers on the branch taken, types, scales and ranges");
    }

    private static QuestionnaireStore Store(IServiceProvider services) =>
        new(services.GetRequiredService<NpgsqlDataSource>(), services.GetRequiredService<TimeProvider>());

    internal static async Task<Ok<IReadOnlyList<QuestionnaireSummary>>> List(IServiceProvider services, CancellationToken ct) =>
        TypedResults.Ok(await Store(services).ListAsync(ct));

    internal static async Task<Results<Ok<IReadOnlyList<int>>, ProblemHttpResult>> Versions(string id, IServiceProvider services, CancellationToken ct) =>
        await Store(services).VersionsAsync(id, ct) is { Count: > 0 } versions ? TypedResults.Ok(versions) : NotFound(id);

    internal static async Task<Results<Created<QuestionnaireVersion>, ValidationProblem>> Save(
        string id, Questionnaire body, IServiceProvider services, ClaimsPrincipal user, CancellationToken ct)
    {
        if (Invalid(id, body) is { } problem) return problem;
        var saved = await Store(services).AddVersionAsync(id, body, user.JobNo(), ct);
        return TypedResults.Created($"/api/surveys/questionnaires/{id}/versions/{saved.Version}", saved);
    }

    internal static async Task<Results<Ok<QuestionnaireVersion>, ProblemHttpResult>> Get(string id, int version, IServiceProvider services, CancellationToken ct) =>
        await Store(services).GetAsync(id, version, ct) is { } found ? TypedResults.Ok(found) : VersionNotFound(id, version);

    internal static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Export(string id, int version, IServiceProvider services, CancellationToken ct)
    {
        if (await Store(services).GetAsync(id, version, ct) is not { } found) return VersionNotFound(id, version);
        var file = JsonSerializer.SerializeToUtf8Bytes(new QuestionnaireFile(found.Id, found.Version, found.Questionnaire),
            new JsonSerializerOptions(QuestionnaireStore.Json) { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        return TypedResults.File(file, "application/json", $"questionnaire-{id}-v{version}.json");
    }

    internal static async Task<Results<Created<QuestionnaireVersion>, ValidationProblem>> Import(
        QuestionnaireFile body, IServiceProvider services, ClaimsPrincipal user, CancellationToken ct)
    {
        if (body.Questionnaire is null) return ApiProblems.Validation("questionnaire", "Required: the file's questionnaire.");
        if (Invalid(body.Id, body.Questionnaire, "questionnaire.") is { } problem) return problem;
        var saved = await Store(services).AddVersionAsync(body.Id!, body.Questionnaire, user.JobNo(), ct);
        return TypedResults.Created($"/api/surveys/questionnaires/{body.Id}/versions/{saved.Version}", saved);
    }

    internal static async Task<Results<Ok<AnswerCheck>, ValidationProblem, ProblemHttpResult>> Check(
        string id, int version, Dictionary<string, JsonElement> answers, IServiceProvider services, CancellationToken ct)
    {
        if (await Store(services).GetAsync(id, version, ct) is not { } found) return VersionNotFound(id, version);
        var sheet = new Dictionary<string, AnswerValue?>(StringComparer.Ordinal);
        var errors = new List<SurveyFieldError>();
        foreach (var (question, value) in answers)
        {
            var (answer, ok) = ToAnswer(value);
            if (ok) sheet[question] = answer;
            else errors.Add(new SurveyFieldError($"answers.{question}", AnswerSheet.WrongType, "A string, a number, a list of strings or null."));
        }
        errors.AddRange(AnswerSheet.Validate(found.Questionnaire, sheet).Where(e => errors.All(x => x.Field != e.Field)));
        if (errors.Count > 0) return Problem(SurveyProblems.AnswersInvalid, "The answers do not fit this questionnaire version.", errors);
        return TypedResults.Ok(new AnswerCheck(id, version, true));
    }

    internal static (AnswerValue? Answer, bool Ok) ToAnswer(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => (null, true),
        JsonValueKind.String => (new AnswerValue.Text(value.GetString()!), true),
        JsonValueKind.Number when value.TryGetDecimal(out var number) => (new AnswerValue.Number(number), true),
        JsonValueKind.Array when value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) =>
            (new AnswerValue.Choices(value.EnumerateArray().Select(e => e.GetString()!).ToArray()), true),
        _ => (null, false),
    };

    private static ValidationProblem? Invalid(string? id, Questionnaire questionnaire, string prefix = "")
    {
        var errors = new List<SurveyFieldError>();
        if (id is null || !InputRules.Slug().IsMatch(id))
            errors.Add(new SurveyFieldError("id", QuestionnaireValidator.BadId, "1 to 64 of a-z 0-9 -, starting with a letter or digit."));
        errors.AddRange(QuestionnaireValidator.Validate(questionnaire).Select(e => e with { Field = prefix + e.Field }));
        return errors.Count == 0 ? null : Problem(SurveyProblems.QuestionnaireInvalid, "The questionnaire cannot be saved.", errors);
    }

    /// <summary>A 400 whose <c>errors</c> name each field and whose <c>issues</c> add each one's code.</summary>
    internal static ValidationProblem Problem(string code, string detail, IReadOnlyList<SurveyFieldError> errors) =>
        TypedResults.ValidationProblem(
            errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
            detail, title: "Validation failed",
            extensions: new Dictionary<string, object?>
            {
                ["code"] = code,
                ["issues"] = errors.Select(e => new { field = e.Field, code = e.Code, message = e.Message }).ToArray(),
            });

    private static ProblemHttpResult NotFound(string id) =>
        ApiProblems.Problem(StatusCodes.Status404NotFound, SurveyProblems.QuestionnaireNotFound, $"No questionnaire '{id}'.", SurveysApi.Field("id"));

    private static ProblemHttpResult VersionNotFound(string id, int version) =>
        ApiProblems.Problem(StatusCodes.Status404NotFound, SurveyProblems.QuestionnaireVersionNotFound,
            $"Questionnaire '{id}' has no version {version}.", SurveysApi.Field("version"));
}

public sealed record AnswerCheck(string Id, int Version, bool Valid);
