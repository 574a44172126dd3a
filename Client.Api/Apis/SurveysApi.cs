using System.Security.Claims;
using Hotline.Api.Auth;
using Hotline.Api.Problems;
using Hotline.Api.Surveys;
using Hotline.Surveys;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Hotline.Api.Apis;

/// <summary>
/// Surveys (社情民意调查, 民主评议) under <c>/api/surveys</c>: sample frames and their two-step imports, the do-not-call
/// list; draws (<see cref="SurveyDrawsApi"/>) and questionnaires (<see cref="SurveyQuestionnairesApi"/>) beside them.
/// Survey leads and admins change things; supervisors and auditors read.
/// </summary>
public static class SurveysApi
{
    public const long MaxUploadBytes = 256L * 1024 * 1024;
    public const int DefaultRecentDays = 90;

    public static RouteGroupBuilder MapSurveysApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/surveys").WithTags("Surveys").RequireAuthorization(Policies.SurveysRead)
            .AddEndpointFilter<RequireSurveyDatabaseFilter>();
        api.MapGet("/frames", ListFrames).WithSummary("Every sample frame (样本框) with its number of units");
        api.MapPost("/frames", CreateFrame).RequireAuthorization(Policies.SurveysDesign).WithSummary("Create an empty sample frame");
        api.MapGet("/frames/{frameId:long}", GetFrame).WithSummary("A frame: units by source, department and county, and its imports");
        api.MapPost("/frames/{frameId:long}/imports", Upload).RequireAuthorization(Policies.SurveysDesign)
            .Accepts<byte[]>(FrameFiles.CsvType, FrameFiles.XlsxType)
            .WithSummary("Upload a CSV or .xlsx list (columns number, county, department, category, source): screened and kept as a preview; nothing enters the frame until confirmed");
        api.MapPost("/frames/{frameId:long}/imports/callers", ImportCallers).RequireAuthorization(Policies.SurveysDesign)
            .WithSummary("Preview the callers of matching work orders (department, category, kind, county, period) as hotline-source numbers");
        api.MapGet("/frames/{frameId:long}/imports/{importId:long}", GetImport).WithSummary("An import's report: counts and the rows not taken, with line and reason");
        api.MapPost("/frames/{frameId:long}/imports/{importId:long}/confirm", Confirm).RequireAuthorization(Policies.SurveysDesign)
            .WithSummary("Put a previewed import into the frame, all or nothing");
        api.MapPost("/frames/{frameId:long}/imports/{importId:long}/discard", Discard).RequireAuthorization(Policies.SurveysDesign)
            .WithSummary("Drop a previewed import");
        api.MapPost("/frames/{frameId:long}/units", AddUnit).RequireAuthorization(Policies.SurveysDesign)
            .WithSummary("Add one number to a frame; refused if it is bad, already there or on the do-not-call list");
        api.MapGet("/do-not-call", ListDoNotCall).WithSummary("The do-not-call list (免打扰), newest first");
        api.MapPost("/do-not-call", AddDoNotCall).RequireAuthorization(Policies.SurveysDesign).WithSummary("Put a number on the do-not-call list");
        api.MapDelete("/do-not-call/{number}", RemoveDoNotCall).RequireAuthorization(Policies.SurveysDesign).WithSummary("Take a number off the do-not-call list");
        SurveyDrawsApi.Map(api);
        SurveyQuestionnairesApi.Map(api);
        return api;
    }

    internal static SurveyFrameStore Frames(IServiceProvider services) =>
        new(services.GetRequiredService<NpgsqlDataSource>(), services.GetRequiredService<TimeProvider>());

    internal static async Task<Ok<IReadOnlyList<FrameSummary>>> ListFrames(IServiceProvider services, CancellationToken ct) =>
        TypedResults.Ok(await Frames(services).ListFramesAsync(ct));

    internal static async Task<Results<Created<FrameSummary>, ValidationProblem>> CreateFrame(FrameRequest body, IServiceProvider services, ClaimsPrincipal user, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var name = TicketIntakeValidation.Required(body.Name, "name", 100, errors);
        errors.Check(body.Description is not { Length: > 1000 }, "description", "At most 1000 characters.");
        if (errors.TryGetProblem(out var problem)) return problem;
        var frame = await Frames(services).CreateFrameAsync(name!, TicketIntakeValidation.Trimmed(body.Description), user.JobNo(), ct);
        return TypedResults.Created($"/api/surveys/frames/{frame.Id}", frame);
    }

    internal static async Task<Results<Ok<FrameDetail>, ProblemHttpResult>> GetFrame(long frameId, IServiceProvider services, CancellationToken ct) =>
        await Frames(services).GetFrameAsync(frameId, ct) is { } frame ? TypedResults.Ok(frame) : FrameNotFound(frameId);

    internal static async Task<Results<Created<ImportPreviewResponse>, ValidationProblem, ProblemHttpResult>> Upload(
        long frameId, string? source, int? recentDays, string? fileName, HttpContext http, ClaimsPrincipal user, CancellationToken ct)
    {
        // The route's Accepts metadata refuses other types before this; a request without any type still arrives.
        if (FrameFiles.FormatOf(http.Request.ContentType) is not { } format)
            return ApiProblems.Problem(StatusCodes.Status415UnsupportedMediaType, SurveyProblems.ImportFormat,
                $"Send the file as {FrameFiles.CsvType} or {FrameFiles.XlsxType}.", Field("file"));
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = MaxUploadBytes;
        var content = new MemoryStream();
        await http.Request.Body.CopyToAsync(content, ct);
        return await UploadAsync(frameId, source, recentDays, fileName, format, content.ToArray(), http.RequestServices, user, ct);
    }

    /// <summary>Screens an uploaded file and keeps its preview: the route's work after reading the body, and the screen's upload.</summary>
    internal static async Task<Results<Created<ImportPreviewResponse>, ValidationProblem, ProblemHttpResult>> UploadAsync(long frameId, string? source,
        int? recentDays, string? fileName, string format, byte[] content, IServiceProvider services, ClaimsPrincipal user, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var defaultSource = CheckSource(source, errors);
        errors.Range(recentDays, 0, 3650, "recentDays");
        errors.Check(fileName is not { Length: > 200 }, "fileName", "At most 200 characters.");
        if (errors.TryGetProblem(out var problem)) return problem;
        if (content.Length > MaxUploadBytes)
            return ApiProblems.Problem(StatusCodes.Status413PayloadTooLarge, SurveyProblems.ImportMalformed, "The file is larger than 256 MB.", Field("file"));
        var store = Frames(services);
        if (await store.FindFrameAsync(frameId, ct) is null) return FrameNotFound(frameId);

        List<FrameImportRow> rows;
        try
        {
            rows = FrameFiles.Read(format, content);
        }
        catch (MalformedImportException e)
        {
            return Malformed(e.Message, e.Line);
        }
        if (rows.Count == 0) return Malformed("The file has a header but no rows.", 1);
        return await PreviewAsync(store, frameId, format, fileName, defaultSource, recentDays ?? DefaultRecentDays, rows, user, ct);
    }

    internal static async Task<Results<Created<ImportPreviewResponse>, ValidationProblem, ProblemHttpResult>> ImportCallers(
        long frameId, CallerImportRequest body, IServiceProvider services, ClaimsPrincipal user, CancellationToken ct)
    {
        var errors = new FieldErrors();
        errors.Range(body.RecentDays, 0, 3650, "recentDays");
        errors.Check(body.From is null || body.To is null || body.From < body.To, "to", "Must be after from.");
        errors.Check(body.Department is not null || body.Category is not null || body.Kind is not null || body.From is not null,
            "department", "Name at least a department, category, kind or period: the whole caller history is not a frame.");
        if (errors.TryGetProblem(out var problem)) return problem;
        var store = Frames(services);
        if (await store.FindFrameAsync(frameId, ct) is null) return FrameNotFound(frameId);
        var rows = await store.CallerRowsAsync(body, ct);
        return await PreviewAsync(store, frameId, "callers", null, FrameSources.Hotline, body.RecentDays ?? DefaultRecentDays, rows, user, ct);
    }

    private static async Task<Created<ImportPreviewResponse>> PreviewAsync(SurveyFrameStore store, long frameId, string format, string? fileName,
        string? defaultSource, int recentDays, List<FrameImportRow> rows, ClaimsPrincipal user, CancellationToken ct)
    {
        var (revision, inFrame, doNotCall, recent) = await store.ScreeningAsync(frameId, recentDays, ct);
        var preview = new FrameImportScreen(inFrame, doNotCall, recent, defaultSource).Screen(rows);
        var saved = await store.SavePreviewAsync(frameId, format, fileName, defaultSource, recentDays, revision, preview, user.JobNo(), ct);
        return TypedResults.Created($"/api/surveys/frames/{frameId}/imports/{saved.Import.Id}", saved);
    }

    internal static async Task<Results<Ok<ImportPreviewResponse>, ProblemHttpResult>> GetImport(long frameId, long importId, IServiceProvider services, CancellationToken ct) =>
        await Frames(services).GetImportAsync(frameId, importId, ct) is { } import ? TypedResults.Ok(import) : ImportNotFound(importId);

    internal static async Task<Results<Ok<ImportConfirmation>, ProblemHttpResult>> Confirm(long frameId, long importId, IServiceProvider services, ClaimsPrincipal user, CancellationToken ct)
    {
        var (outcome, confirmation) = await Frames(services).ConfirmImportAsync(frameId, importId, user.JobNo(), ct);
        return outcome switch
        {
            ConfirmOutcome.Confirmed => TypedResults.Ok(confirmation!),
            ConfirmOutcome.NotPending => NotPending(importId),
            ConfirmOutcome.Stale => ApiProblems.Problem(StatusCodes.Status409Conflict, SurveyProblems.ImportStale,
                "The frame has changed since this preview (another import was confirmed): upload the file again for a current report.", Field("importId")),
            _ => ImportNotFound(importId),
        };
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> Discard(long frameId, long importId, IServiceProvider services, ClaimsPrincipal user, CancellationToken ct) =>
        await Frames(services).DiscardImportAsync(frameId, importId, user.JobNo(), ct) switch
        {
            ConfirmOutcome.Confirmed => TypedResults.NoContent(),
            ConfirmOutcome.NotPending => NotPending(importId),
            _ => ImportNotFound(importId),
        };

    internal static async Task<Results<Created<ImportConfirmation>, ValidationProblem, ProblemHttpResult>> AddUnit(
        long frameId, FrameUnitRequest body, IServiceProvider services, ClaimsPrincipal user, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var source = CheckSource(body.Source, errors) ?? FrameSources.Department;
        if (errors.TryGetProblem(out var problem)) return problem;
        var store = Frames(services);
        if (await store.FindFrameAsync(frameId, ct) is null) return FrameNotFound(frameId);
        var row = new FrameImportRow(1, body.Number, body.County, body.Department, body.Category, source);
        var (revision, inFrame, doNotCall, _) = await store.ScreeningAsync(frameId, 0, ct);
        var preview = new FrameImportScreen(inFrame, doNotCall, new HashSet<string>(), source).Screen([row]);
        if (preview.Issues is [var issue])
            return issue.Code switch
            {
                FrameImportScreen.OnDoNotCallList => ApiProblems.Problem(StatusCodes.Status409Conflict, SurveyProblems.DoNotCall,
                    "This number is on the do-not-call list: it is never added to a frame.", Field("number")),
                FrameImportScreen.DuplicateInFrame => ApiProblems.Problem(StatusCodes.Status409Conflict, SurveyProblems.UnitExists,
                    "This number is in the frame already.", Field("number")),
                _ => ApiProblems.Validation(issue.Field, issue.Reason),
            };
        var saved = await store.SavePreviewAsync(frameId, "manual", null, source, 0, revision, preview, user.JobNo(), ct);
        var (outcome, confirmation) = await store.ConfirmImportAsync(frameId, saved.Import.Id, user.JobNo(), ct);
        return outcome == ConfirmOutcome.Confirmed
            ? TypedResults.Created($"/api/surveys/frames/{frameId}/imports/{saved.Import.Id}", confirmation!)
            : ApiProblems.Problem(StatusCodes.Status409Conflict, SurveyProblems.ImportStale, "The frame changed meanwhile; try again.", Field("number"));
    }

    internal static async Task<Ok<IReadOnlyList<DoNotCallEntry>>> ListDoNotCall(int? limit, IServiceProvider services, CancellationToken ct) =>
        TypedResults.Ok(await Frames(services).ListDoNotCallAsync(Math.Clamp(limit ?? 500, 1, 5000), ct));

    internal static async Task<Results<Created<DoNotCallEntry>, Ok<DoNotCallEntry>, ValidationProblem>> AddDoNotCall(
        DoNotCallRequest body, IServiceProvider services, ClaimsPrincipal user, TimeProvider time, CancellationToken ct)
    {
        var (phone, rejection) = PhoneNumbers.Normalise(body.Number);
        if (rejection is not null) return ApiProblems.Validation("number", rejection.Reason);
        var errors = new FieldErrors().Check(body.Reason is not { Length: > 200 }, "reason", "At most 200 characters.");
        if (errors.TryGetProblem(out var problem)) return problem;
        var number = phone!.Value.Number;
        var entry = new DoNotCallEntry(number, TicketIntakeValidation.Trimmed(body.Reason), time.GetUtcNow(), user.JobNo());
        return await Frames(services).AddDoNotCallAsync(number, entry.Reason, user.JobNo(), ct)
            ? TypedResults.Created($"/api/surveys/do-not-call/{number}", entry)
            : TypedResults.Ok(entry);
    }

    internal static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> RemoveDoNotCall(string number, IServiceProvider services, CancellationToken ct)
    {
        var (phone, rejection) = PhoneNumbers.Normalise(number);
        if (rejection is not null) return ApiProblems.Validation("number", rejection.Reason);
        return await Frames(services).RemoveDoNotCallAsync(phone!.Value.Number, ct)
            ? TypedResults.NoContent()
            : ApiProblems.NotFound(SurveyProblems.NotOnDoNotCall, "That number is not on the do-not-call list.");
    }

    private static string? CheckSource(string? source, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(source)) return null;
        var parsed = FrameSources.Parse(source);
        errors.Check(parsed is not null, "source", $"One of {string.Join(", ", FrameSources.All)}.");
        return parsed;
    }

    internal static Dictionary<string, object?> Field(string field) => new() { ["field"] = field };

    private static ProblemHttpResult Malformed(string detail, int? line) =>
        ApiProblems.Problem(StatusCodes.Status400BadRequest, SurveyProblems.ImportMalformed, detail,
            new Dictionary<string, object?> { ["field"] = "file", ["line"] = line });

    internal static ProblemHttpResult FrameNotFound(long id) =>
        ApiProblems.Problem(StatusCodes.Status404NotFound, SurveyProblems.FrameNotFound, $"No sample frame {id}.", Field("frameId"));

    private static ProblemHttpResult ImportNotFound(long id) =>
        ApiProblems.Problem(StatusCodes.Status404NotFound, SurveyProblems.ImportNotFound, $"No import {id} in this frame.", Field("importId"));

    private static ProblemHttpResult NotPending(long id) =>
        ApiProblems.Problem(StatusCodes.Status409Conflict, SurveyProblems.ImportNotPending, $"Import {id} is already confirmed or discarded.", Field("importId"));
}

/// <summary>The stable codes of survey refusals.</summary>
public static class SurveyProblems
{
    public const string DatabaseRequired = "survey.database_required";
    public const string FrameNotFound = "survey.frame_not_found";
    public const string ImportNotFound = "survey.import_not_found";
    public const string ImportFormat = "survey.import_format";
    public const string ImportMalformed = "survey.import_malformed";
    public const string ImportNotPending = "survey.import_not_pending";
    public const string ImportStale = "survey.import_stale";
    public const string DoNotCall = "survey.do_not_call";
    public const string NotOnDoNotCall = "survey.not_on_do_not_call";
    public const string UnitExists = "survey.unit_exists";
    public const string DrawNotFound = "survey.draw_not_found";
    public const string StratumNotFound = "survey.stratum_not_found";
    public const string QuestionnaireNotFound = "survey.questionnaire_not_found";
    public const string QuestionnaireVersionNotFound = "survey.questionnaire_version_not_found";
    public const string QuestionnaireInvalid = "survey.questionnaire_invalid";
    public const string AnswersInvalid = "survey.answers_invalid";
}

/// <summary>Surveys live in PostgreSQL: in the in-memory development mode their routes say so instead of failing.</summary>
internal sealed class RequireSurveyDatabaseFilter : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        context.HttpContext.RequestServices.GetService<NpgsqlDataSource>() is not null
            ? next(context)
            : ValueTask.FromResult<object?>(ApiProblems.Problem(StatusCodes.Status503ServiceUnavailable, SurveyProblems.DatabaseRequired,
                "Surveys need PostgreSQL; the in-memory development mode has none."));
}
