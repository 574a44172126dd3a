using System.Globalization;
using System.Security.Claims;
using Hotline.Api.Auth;
using Hotline.Api.Cluster;
using Hotline.Api.Problems;
using Hotline.Api.Surveys;
using Hotline.Surveys;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Hotline.Api.Apis;

/// <summary>
/// Campaigns (外呼任务) under <c>/api/surveys/campaigns</c>: a survey over a draw, dialled by the campaign grain through
/// the interviewers' seats, with the supervisor's live view; the interviewer's routes are <see cref="SurveyInterviewsApi"/>;
/// return-visit campaigns and department satisfaction under <c>/api/return-visits</c>.
/// </summary>
public static class SurveyCampaignsApi
{
    public const int MaxSeats = 1000;
    public const int MaxLines = 2000;

    public static IEndpointRouteBuilder MapSurveyCampaignsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/surveys/campaigns").WithTags("Survey campaigns").RequireAuthorization(Policies.CampaignsRead)
            .AddEndpointFilter<RequireSurveyDatabaseFilter>().AddEndpointFilter<RequireClusterFilter>();
        api.MapGet("", List).WithSummary("Every campaign with its status and progress");
        api.MapPost("", Create).RequireAuthorization(Policies.SurveysDesign)
            .WithSummary("Set up a survey campaign over a draw: questionnaire version, lines, interviewer seats, calling window, attempts, quotas per stratum");
        api.MapGet("/{id:long}", Get).WithSummary("The live view: dispositions (AAPOR), response/cooperation/refusal/contact rates, quota fill, interviewers, lines in use");
        api.MapPost("/{id:long}/start", Start).RequireAuthorization(Policies.CampaignsRun).WithSummary("Start or resume dialling");
        api.MapPost("/{id:long}/pause", Pause).RequireAuthorization(Policies.CampaignsRun).WithSummary("Stop placing new calls; calls in progress carry on");
        api.MapGet("/{id:long}/cases", Cases).WithSummary("A page of the campaign's cases (numbers masked) with status, attempts and outcome");
        api.MapGet("/{id:long}/attempts", Attempts).WithSummary("The call-attempt record (拨打记录), newest first");
        SurveyInterviewsApi.Map(app);
        ReturnVisitsApi.Map(app);
        return app;
    }

    internal static CampaignStore Store(IServiceProvider services) =>
        new(services.GetRequiredService<NpgsqlDataSource>(), services.GetRequiredService<TimeProvider>());

    internal static ISurveyCampaignGrain Grain(IServiceProvider services, long id) =>
        services.GetRequiredService<IClusterClient>().GetGrain<ISurveyCampaignGrain>(id);

    internal static async Task<Ok<IReadOnlyList<CampaignSummary>>> List(IServiceProvider services, CancellationToken ct)
    {
        var rows = await Store(services).ListAsync(ct);
        var summaries = await Task.WhenAll(rows.Select(async r => Summary(r, await Grain(services, r.Id).GetAsync())));
        return TypedResults.Ok<IReadOnlyList<CampaignSummary>>(summaries);
    }

    internal static async Task<Results<Created<CampaignView>, ValidationProblem, ProblemHttpResult>> Create(
        CampaignRequest body, IServiceProvider services, ClaimsPrincipal user, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var name = TicketIntakeValidation.Required(body.Name, "name", 100, errors);
        errors.Check(body.DrawId is not null, "drawId", "Required: the draw whose numbers are called.");
        errors.Check(!string.IsNullOrWhiteSpace(body.QuestionnaireId), "questionnaireId", "Required.");
        var settings = Settings(body.Lines, body.Seats, body.WindowStart, body.WindowEnd, body.WorkingDaysOnly, body.MaxAttempts, errors);
        if (errors.TryGetProblem(out var problem)) return problem;

        var draws = new SurveyDrawStore(services.GetRequiredService<NpgsqlDataSource>(), services.GetRequiredService<TimeProvider>());
        if (await draws.GetAsync(body.DrawId!.Value, ct) is not { } draw)
            return ApiProblems.Problem(StatusCodes.Status404NotFound, SurveyProblems.DrawNotFound, $"No draw {body.DrawId}.", SurveysApi.Field("drawId"));
        var questionnaires = new QuestionnaireStore(services.GetRequiredService<NpgsqlDataSource>(), services.GetRequiredService<TimeProvider>());
        if (await questionnaires.GetAsync(body.QuestionnaireId!, body.QuestionnaireVersion, ct) is not { } version)
            return ApiProblems.Problem(StatusCodes.Status404NotFound, SurveyProblems.QuestionnaireVersionNotFound,
                $"No questionnaire '{body.QuestionnaireId}'{(body.QuestionnaireVersion is { } v ? $" version {v}" : "")}.", SurveysApi.Field("questionnaireVersion"));
        var quotas = body.Quotas ?? [];
        foreach (var (stratum, target) in quotas)
        {
            if (draw.Strata.All(s => s.Stratum != stratum)) errors.Add($"quotas.{stratum}", "The draw has no such stratum.");
            else errors.Check(target is >= 0 and <= 1_000_000, $"quotas.{stratum}", "Between 0 and 1000000.");
        }
        if (errors.TryGetProblem(out problem)) return problem;

        var cases = await Store(services).DrawCasesAsync(draw.Id, ct);
        settings = settings! with
        {
            Name = name!,
            Kind = CampaignKind.Survey,
            Quotas = quotas,
            QuestionnaireId = version.Id,
            QuestionnaireVersion = version.Version,
        };
        var id = await Store(services).CreateAsync(name!, "survey", draw.Id, version.Id, version.Version, null, null, null, user.JobNo(), ct);
        return await ConfigureAsync(services, id, settings, cases, ct);
    }

    /// <summary>Sets the new campaign's grain up; if the cluster refuses, the row goes too, so a refusal leaves nothing behind.</summary>
    internal static async Task<Results<Created<CampaignView>, ValidationProblem, ProblemHttpResult>> ConfigureAsync(
        IServiceProvider services, long id, CampaignSettings settings, IReadOnlyList<CampaignCase> cases, CancellationToken ct)
    {
        try
        {
            await Grain(services, id).ConfigureAsync(settings, cases);
        }
        catch
        {
            await Store(services).DeleteAsync(id, CancellationToken.None);
            throw;
        }
        return TypedResults.Created($"/api/surveys/campaigns/{id}", (await ViewAsync(services, id, ct))!);
    }

    /// <summary>The settings every campaign kind shares, checked; null when a field is bad (the errors say which).</summary>
    internal static CampaignSettings? Settings(int? lines, List<string>? seats, string? windowStart, string? windowEnd, bool? workingDaysOnly,
        int? maxAttempts, FieldErrors errors)
    {
        errors.Range(lines, 1, MaxLines, "lines");
        errors.Range(maxAttempts, 1, 20, "maxAttempts");
        var jobNos = seats ?? [];
        errors.Check(jobNos.Count is > 0 and <= MaxSeats, "seats", $"1 to {MaxSeats} interviewer job numbers.");
        for (var i = 0; i < jobNos.Count; i++)
            if (!InputRules.JobNo().IsMatch(jobNos[i] ?? "")) errors.Add($"seats[{i}]", "Not a job number.");
        errors.Check(jobNos.Distinct().Count() == jobNos.Count, "seats", "A seat is listed twice.");
        var start = Time(windowStart, new TimeOnly(9, 0), "windowStart", errors);
        var end = Time(windowEnd, new TimeOnly(21, 0), "windowEnd", errors);
        if (start is not null && end is not null) errors.Check(start < end, "windowEnd", "After the window's start.");
        if (errors.Any) return null;
        var attempts = maxAttempts ?? 5;
        return new CampaignSettings
        {
            Lines = lines ?? 60,
            Seats = jobNos,
            WindowStart = start!.Value,
            WindowEnd = end!.Value,
            WorkingDaysOnly = workingDaysOnly ?? true,
            Retries = Dispositions.DefaultRetries.Select(r => r with { MaxAttempts = r.Outcome == Disposition.Appointment ? attempts + 1 : attempts }).ToArray(),
        };
    }

    private static TimeOnly? Time(string? value, TimeOnly fallback, string field, FieldErrors errors)
    {
        if (value is null) return fallback;
        if (TimeOnly.TryParseExact(value, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)) return time;
        errors.Add(field, "A time of day, HH:mm (Beijing time).");
        return null;
    }

    internal static async Task<Results<Ok<CampaignView>, ProblemHttpResult>> Get(long id, IServiceProvider services, CancellationToken ct) =>
        await ViewAsync(services, id, ct) is { } view ? TypedResults.Ok(view) : NotFound(id);

    internal static async Task<Results<Ok<CampaignView>, ProblemHttpResult>> Start(long id, IServiceProvider services, CancellationToken ct)
    {
        if (await Store(services).GetAsync(id, ct) is null) return NotFound(id);
        await Grain(services, id).StartAsync();
        return TypedResults.Ok((await ViewAsync(services, id, ct))!);
    }

    internal static async Task<Results<Ok<CampaignView>, ProblemHttpResult>> Pause(long id, IServiceProvider services, CancellationToken ct)
    {
        if (await Store(services).GetAsync(id, ct) is null) return NotFound(id);
        await Grain(services, id).PauseAsync();
        return TypedResults.Ok((await ViewAsync(services, id, ct))!);
    }

    internal static async Task<Results<Ok<IReadOnlyList<CaseResponse>>, ProblemHttpResult>> Cases(long id, int? offset, int? limit, IServiceProvider services, CancellationToken ct)
    {
        if (await Store(services).GetAsync(id, ct) is null) return NotFound(id);
        var cases = await Grain(services, id).GetCasesAsync(Math.Max(0, offset ?? 0), Math.Clamp(limit ?? 200, 1, 5000));
        return TypedResults.Ok<IReadOnlyList<CaseResponse>>(cases.Select(c => new CaseResponse(c.Case.CaseId, PhoneNumbers.Mask(c.Case.Number), c.Case.Stratum,
            c.Case.TicketNumber, Names.Of(c.Status), c.Attempts, c.NextDueAt, Name(c.LastOutcome), Name(c.Final), c.JobNo)).ToArray());
    }

    internal static async Task<Results<Ok<IReadOnlyList<AttemptResponse>>, ProblemHttpResult>> Attempts(long id, IServiceProvider services, CancellationToken ct)
    {
        if (await Store(services).GetAsync(id, ct) is null) return NotFound(id);
        var attempts = await Grain(services, id).GetAttemptsAsync();
        return TypedResults.Ok<IReadOnlyList<AttemptResponse>>(attempts.Reverse().Select(a => new AttemptResponse(a.CaseId, a.Attempt, a.CallId, a.JobNo,
            a.StartedAt, a.AnsweredAt, a.EndedAt, Name(a.Outcome), a.Reason)).ToArray());
    }

    internal static async Task<CampaignView?> ViewAsync(IServiceProvider services, long id, CancellationToken ct)
    {
        if (await Store(services).GetAsync(id, ct) is not { } row) return null;
        var grain = Grain(services, id);
        var snapshot = await grain.GetAsync();
        var attempts = await grain.GetAttemptsAsync();
        var s = snapshot.Settings;
        var interviewers = attempts.GroupBy(a => a.JobNo).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var talks = g.Where(a => a.AnsweredAt is not null && a.EndedAt is not null).Select(a => (a.EndedAt!.Value - a.AnsweredAt!.Value).TotalSeconds).ToArray();
            return new InterviewerStats(g.Key, g.Count(), g.Count(a => a.AnsweredAt is not null), g.Count(a => a.Outcome == Disposition.Complete),
                talks.Length == 0 ? 0 : Math.Round(talks.Average(), 1));
        }).ToArray();
        var finals = snapshot.Finals.Values.Sum();
        return new CampaignView(Summary(row, snapshot), s.Lines, s.Seats, $"{s.WindowStart:HH\\:mm}–{s.WindowEnd:HH\\:mm}{(s.WorkingDaysOnly ? "（工作日）" : "（每天）")}",
            snapshot.Interviewing, snapshot.Idle, snapshot.NextWindowOpensAt, Counts(snapshot.Finals), Counts(snapshot.Outcomes),
            new RatesResponse(snapshot.Rates.ResponseRate1, snapshot.Rates.ResponseRate2, snapshot.Rates.CooperationRate1, snapshot.Rates.RefusalRate1, snapshot.Rates.ContactRate1),
            snapshot.Quotas.Select(q => new QuotaResponse(q.Stratum, q.Target, q.Completed, q.Target <= 0 ? 100 : Math.Min(100, 100.0 * q.Completed / q.Target))).ToArray(),
            interviewers, snapshot.Cases - finals, finals);
    }

    private static IReadOnlyList<DispositionCount> Counts(IReadOnlyDictionary<Disposition, int> counts) =>
        counts.OrderBy(c => Dispositions.Code(c.Key), StringComparer.Ordinal)
            .Select(c => new DispositionCount(Names.Of(c.Key), Dispositions.Code(c.Key), Dispositions.Label(c.Key), c.Value)).ToArray();

    private static CampaignSummary Summary(CampaignStore.Row row, CampaignSnapshot snapshot) =>
        new(row.Id, row.Name, row.Kind, Names.Of(snapshot.Status), row.DrawId, row.QuestionnaireId, row.QuestionnaireVersion, snapshot.Cases,
            snapshot.Attempts, snapshot.LinesInUse, row.CreatedAt, row.CreatedBy);

    internal static string? Name(Disposition? d) => d is { } value ? Names.Of(value) : null;

    internal static ProblemHttpResult NotFound(long id) =>
        ApiProblems.Problem(StatusCodes.Status404NotFound, CampaignProblems.CampaignNotFound, $"No campaign {id}.", SurveysApi.Field("id"));
}

public static class CampaignProblems
{
    public const string CampaignNotFound = "campaign.not_found";
    public const string InterviewNotFound = "interview.not_found";
    public const string NotYourInterview = "interview.not_yours";
    public const string InterviewClosed = "interview.closed";
    public const string BadDisposition = "interview.bad_disposition";
    public const string TicketNotAwaitingVisit = "return_visit.ticket_not_awaiting";
}
