using System.Security.Claims;
using System.Text.Json;
using Hotline.Api.Auth;
using Hotline.Api.Cluster;
using Hotline.Api.Problems;
using Hotline.Api.Surveys;
using Hotline.Calls;
using Hotline.Seats;
using Hotline.Surveys;
using Hotline.Tickets;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Hotline.Api.Apis;

/// <summary>
/// The interviewer's side (访问员) under <c>/api/surveys/interviews</c>: the answered call's respondent and questionnaire,
/// answers saved one question at a time as they are given, and the disposition that ends the case's attempt. For a
/// return visit the satisfaction goes back onto the work order (unsatisfied reopens it).
/// </summary>
public static class SurveyInterviewsApi
{
    internal static void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/surveys/interviews").WithTags("Survey campaigns").RequireAuthorization(Policies.SurveysInterview)
            .AddEndpointFilter<RequireSurveyDatabaseFilter>().AddEndpointFilter<RequireClusterFilter>();
        api.MapGet("/current", Current).WithSummary("The campaign call at my seat now, with the respondent, the questionnaire and the answers so far");
        api.MapGet("/{callId}", Get).WithSummary("One interview: respondent, questionnaire version, answers, disposition");
        api.MapPut("/{callId}/answers/{questionId}", Answer).WithSummary("Save one answer as it is given (null clears it); checked against the question");
        api.MapPost("/{callId}/disposition", Dispose)
            .WithSummary("End the case's attempt with an AAPOR disposition (a complete needs a valid sheet; an appointment a time; a return visit's complete a satisfaction)");
    }

    private sealed record Context(CampaignStore.Row Campaign, CaseSnapshot Case, string CallId);

    private static readonly string[] Satisfactions = ["satisfied", "basically", "unsatisfied"];

    internal static async Task<Results<Ok<InterviewView>, ProblemHttpResult>> Current(IServiceProvider services, ClaimsPrincipal user, CancellationToken ct)
    {
        var cluster = services.GetRequiredService<IClusterClient>();
        var seat = await cluster.GetGrain<ISeatGrain>(user.JobNo()).GetAsync();
        if (seat.CallId is { } callId && CampaignOf(callId) is not null) return await Get(callId, services, user, ct);
        // A call on the simulated trunk holds no seat: ask the campaigns still going which case is at this seat.
        foreach (var row in await SurveyCampaignsApi.Store(services).ListAsync(ct))
        {
            var grain = SurveyCampaignsApi.Grain(services, row.Id);
            if ((await grain.GetAsync()).Status is CampaignStatus.Draft or CampaignStatus.Finished) continue;
            if (await grain.GetOpenCaseOfSeatAsync(user.JobNo()) is { CallId: { } open, Status: CaseStatus.Interviewing }) return await Get(open, services, user, ct);
        }
        return ApiProblems.Problem(StatusCodes.Status404NotFound, CampaignProblems.InterviewNotFound, "No answered campaign call at your seat now.");
    }

    internal static async Task<Results<Ok<InterviewView>, ProblemHttpResult>> Get(string callId, IServiceProvider services, ClaimsPrincipal user, CancellationToken ct)
    {
        var (context, problem) = await LoadAsync(callId, services, user, ct);
        if (problem is not null) return problem;
        return TypedResults.Ok(await ViewAsync(context!, services, ct));
    }

    internal static async Task<Results<Ok<InterviewView>, ValidationProblem, ProblemHttpResult>> Answer(
        string callId, string questionId, AnswerRequest body, IServiceProvider services, ClaimsPrincipal user, CancellationToken ct)
    {
        var (context, problem) = await LoadAsync(callId, services, user, ct);
        if (problem is not null) return problem;
        var c = context!;
        if (c.Case.Status != CaseStatus.Interviewing || c.Case.CallId != callId) return Closed(callId);
        var questionnaire = await QuestionnaireAsync(c.Campaign, services, ct);
        var question = questionnaire?.Questions.FirstOrDefault(q => q.Id == questionId);
        if (question is null)
            return ApiProblems.Problem(StatusCodes.Status404NotFound, SurveyProblems.QuestionnaireNotFound, $"The questionnaire has no question '{questionId}'.", SurveysApi.Field("questionId"));
        var (answer, ok) = SurveyQuestionnairesApi.ToAnswer(body.Value);
        var field = $"answers.{questionId}";
        if (!ok) return SurveyQuestionnairesApi.Problem(SurveyProblems.AnswersInvalid, "The answer does not fit the question.",
            [new SurveyFieldError(field, AnswerSheet.WrongType, "A string, a number, a list of strings or null.")]);
        if (answer is not null)
        {
            // The question checked alone: whether it is required, or on the path, is judged on the whole sheet at the end.
            var alone = questionnaire! with { Questions = [question with { Required = false, Next = Questionnaire.End, Options = question.Options.Select(o => o with { Next = null }).ToArray() }] };
            var errors = AnswerSheet.Validate(alone, new Dictionary<string, AnswerValue?> { [questionId] = answer });
            if (errors.Count > 0) return SurveyQuestionnairesApi.Problem(SurveyProblems.AnswersInvalid, "The answer does not fit the question.", errors);
        }
        var store = SurveyCampaignsApi.Store(services);
        await store.OpenInterviewAsync(callId, c.Campaign.Id, c.Case, c.Campaign.QuestionnaireId, c.Campaign.QuestionnaireVersion, ct);
        if (!await store.SaveAnswerAsync(callId, questionId, body.Value, ct)) return Closed(callId);
        return TypedResults.Ok(await ViewAsync(c, services, ct));
    }

    internal static async Task<Results<Ok<InterviewView>, ValidationProblem, ProblemHttpResult>> Dispose(
        string callId, DispositionRequest body, IServiceProvider services, ClaimsPrincipal user, CancellationToken ct)
    {
        var (context, problem) = await LoadAsync(callId, services, user, ct);
        if (problem is not null) return problem;
        var c = context!;
        var outcome = Dispositions.AfterContact.Where(d => Names.Of(d) == body.Disposition).Cast<Disposition?>().FirstOrDefault();
        var errors = new FieldErrors();
        if (outcome is null) errors.Add("disposition", $"One of {string.Join(", ", Dispositions.AfterContact.Select(d => Names.Of(d)))}.");
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        if (outcome == Disposition.Appointment)
            errors.Check(body.AppointmentAt is { } at && at > now && at < now.AddDays(60), "appointmentAt", "Required for an appointment: a time within the next 60 days.");
        var visit = c.Campaign.Kind == "return_visit";
        if (visit && outcome == Disposition.Complete)
            errors.Check(Satisfactions.Contains(body.Satisfaction), "satisfaction", $"Required for a completed return visit: one of {string.Join(", ", Satisfactions)}.");
        errors.Check(body.Note is not { Length: > 1000 }, "note", "At most 1000 characters.");
        if (errors.TryGetProblem(out var invalid)) return invalid;
        if (c.Case.Status != CaseStatus.Interviewing || c.Case.CallId != callId) return Closed(callId);

        var store = SurveyCampaignsApi.Store(services);
        var interview = await store.OpenInterviewAsync(callId, c.Campaign.Id, c.Case, c.Campaign.QuestionnaireId, c.Campaign.QuestionnaireVersion, ct);
        if (outcome == Disposition.Complete && await QuestionnaireAsync(c.Campaign, services, ct) is { } questionnaire)
        {
            var sheet = interview.Answers.ToDictionary(a => a.Key, a => SurveyQuestionnairesApi.ToAnswer(a.Value).Answer, StringComparer.Ordinal);
            var sheetErrors = AnswerSheet.Validate(questionnaire, sheet);
            if (sheetErrors.Count > 0)
                return SurveyQuestionnairesApi.Problem(SurveyProblems.AnswersInvalid, "The interview is not complete: answer or correct these questions first.", sheetErrors);
        }

        if (visit && outcome == Disposition.Complete && c.Case.Case.TicketNumber is { } number)
        {
            if (!user.IsInRole(Roles.Dispatcher) && !user.IsInRole(Roles.Supervisor) && !user.IsInRole(Roles.Admin))
                return ApiProblems.Forbidden("Only the visit desk (dispatchers), supervisors and admins record a return visit on a work order.");
            var ticket = services.GetRequiredService<IClusterClient>().GetGrain<ITicketGrain>(number);
            var order = await ticket.GetAsync();
            if (order.Status != TicketStatus.Replied)
                return ApiProblems.Problem(StatusCodes.Status409Conflict, CampaignProblems.TicketNotAwaitingVisit,
                    $"Work order {number} is {Names.Of(order.Status)}, no longer waiting for its return visit.", SurveysApi.Field("satisfaction"));
            var satisfaction = body.Satisfaction switch { "satisfied" => Satisfaction.Satisfied, "basically" => Satisfaction.Basically, _ => Satisfaction.Unsatisfied };
            await ticket.VisitAsync(satisfaction, body.Note, user.ActorFor(TicketCommand.Visit));
            await store.RecordVisitAsync(number, c.Campaign.Id, callId, order.LeadDepartment, body.Satisfaction!, user.JobNo(), ct);
        }

        await SurveyCampaignsApi.Grain(services, c.Campaign.Id).DisposeAsync(new CaseDisposition(callId, outcome!.Value, body.AppointmentAt, user.JobNo()));
        await store.SetDispositionAsync(callId, Names.Of(outcome.Value), ct);
        if (c.Campaign.Kind == "survey" && Dispositions.Group(outcome.Value) is DispositionGroup.Interview or DispositionGroup.EligibleNonInterview)
            await store.RecordContactAsync(c.Case.Case.Number, c.Campaign.Id, ct);
        return TypedResults.Ok(await ViewAsync(c with { Case = (await SurveyCampaignsApi.Grain(services, c.Campaign.Id).GetCaseOfCallAsync(callId))! }, services, ct));
    }

    /// <summary>The campaign id in a campaign call's id (<c>svy-{campaign}-{case}-{attempt}</c>), or null for any other call.</summary>
    internal static long? CampaignOf(string callId)
    {
        var parts = callId.Split('-');
        return parts is ["svy", var id, _, _] && long.TryParse(id, out var campaign) ? campaign : null;
    }

    private static async Task<(Context?, ProblemHttpResult?)> LoadAsync(string callId, IServiceProvider services, ClaimsPrincipal user, CancellationToken ct)
    {
        var notFound = ApiProblems.Problem(StatusCodes.Status404NotFound, CampaignProblems.InterviewNotFound, $"No campaign call '{callId}'.", SurveysApi.Field("callId"));
        if (CampaignOf(callId) is not { } id || await SurveyCampaignsApi.Store(services).GetAsync(id, ct) is not { } row) return (null, notFound);
        if (await SurveyCampaignsApi.Grain(services, id).GetCaseOfCallAsync(callId) is not { } c) return (null, notFound);
        var attempt = (await SurveyCampaignsApi.Grain(services, id).GetAttemptsAsync()).LastOrDefault(a => a.CallId == callId);
        var oversees = user.IsInRole(Roles.Supervisor) || user.IsInRole(Roles.Admin) || user.IsInRole(Roles.SurveyLead);
        if (attempt?.JobNo != user.JobNo() && !oversees)
            return (null, ApiProblems.Problem(StatusCodes.Status403Forbidden, CampaignProblems.NotYourInterview, $"Call {callId} was taken at another seat."));
        return (new Context(row, c, callId), null);
    }

    private static async Task<Questionnaire?> QuestionnaireAsync(CampaignStore.Row campaign, IServiceProvider services, CancellationToken ct)
    {
        if (campaign.QuestionnaireId is null) return null;
        var store = new QuestionnaireStore(services.GetRequiredService<NpgsqlDataSource>(), services.GetRequiredService<TimeProvider>());
        return (await store.GetAsync(campaign.QuestionnaireId, campaign.QuestionnaireVersion, ct))?.Questionnaire;
    }

    private static async Task<InterviewView> ViewAsync(Context c, IServiceProvider services, CancellationToken ct)
    {
        var interview = await SurveyCampaignsApi.Store(services).FindInterviewAsync(c.CallId, ct);
        var cluster = services.GetRequiredService<IClusterClient>();
        string? callState = null;
        try
        {
            callState = Names.Of((await cluster.GetGrain<ICallGrain>(c.CallId).GetAsync()).State);
        }
        catch (DomainException e) when (e.Code == ProblemCodes.CallNotFound)
        {
            // The dial never reached the call (the campaign places it again); the interview has no call state to show.
        }
        VisitTicket? ticket = null;
        if (c.Case.Case.TicketNumber is { } number)
        {
            var order = await cluster.GetGrain<ITicketGrain>(number).GetAsync();
            ticket = new VisitTicket(order.Number, order.Summary, order.Reply, order.LeadDepartment, Names.Of(order.Status),
                order.Satisfaction is { } s ? Names.Of(s) : null);
        }
        var open = c.Case.Status == CaseStatus.Interviewing && c.Case.CallId == c.CallId;
        return new InterviewView(c.CallId, c.Campaign.Id, c.Campaign.Name, c.Campaign.Kind, open ? "interviewing" : Names.Of(c.Case.Status),
            c.Case.Case.Number, c.Case.Case.Stratum, callState, await QuestionnaireAsync(c.Campaign, services, ct),
            c.Campaign.QuestionnaireId, c.Campaign.QuestionnaireVersion, interview?.Answers ?? [], interview?.Disposition, ticket,
            Dispositions.AfterContact.Select(d => new DispositionChoice(Names.Of(d), Dispositions.Code(d), Dispositions.Label(d))).ToArray());
    }

    private static ProblemHttpResult Closed(string callId) =>
        ApiProblems.Problem(StatusCodes.Status409Conflict, CampaignProblems.InterviewClosed, $"The interview of call {callId} is over; its answers are fixed.");
}
