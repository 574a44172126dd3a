using System.Text.Json;

namespace Hotline.Api.Surveys;

/// <summary>A survey campaign over a draw: who calls (seats), how many lines, when, how often, and the quotas per stratum.</summary>
public sealed record CampaignRequest(string? Name, long? DrawId, string? QuestionnaireId, int? QuestionnaireVersion, int? Lines,
    List<string>? Seats, string? WindowStart, string? WindowEnd, bool? WorkingDaysOnly, int? MaxAttempts, Dictionary<string, int>? Quotas);

/// <summary>A return-visit campaign (回访): the citizens of work orders a department replied to within a period.</summary>
public sealed record ReturnVisitCampaignRequest(string? Name, string? Department, DateTimeOffset? From, DateTimeOffset? To, int? Lines,
    List<string>? Seats, string? WindowStart, string? WindowEnd, bool? WorkingDaysOnly, int? MaxAttempts);

public sealed record CampaignSummary(long Id, string Name, string Kind, string Status, long? DrawId, string? QuestionnaireId,
    int? QuestionnaireVersion, int Cases, int Attempts, int LinesInUse, DateTimeOffset CreatedAt, string CreatedBy);

public sealed record DispositionCount(string Disposition, string Code, string Label, int Cases);

public sealed record RatesResponse(double ResponseRate1, double ResponseRate2, double CooperationRate1, double RefusalRate1, double ContactRate1);

public sealed record QuotaResponse(string Stratum, int Target, int Completed, double Percent);

public sealed record InterviewerStats(string JobNo, int Calls, int Answered, int Completes, double AverageTalkSeconds);

/// <summary>The supervisor's live view (监控): progress, dispositions, AAPOR rates, quotas, interviewers, lines.</summary>
public sealed record CampaignView(CampaignSummary Campaign, int Lines, IReadOnlyList<string> Seats, string Window, int Interviewing,
    string? Idle, DateTimeOffset? NextWindowOpensAt, IReadOnlyList<DispositionCount> Finals, IReadOnlyList<DispositionCount> Outcomes,
    RatesResponse Rates, IReadOnlyList<QuotaResponse> Quotas, IReadOnlyList<InterviewerStats> Interviewers, int Pending, int Final);

public sealed record CaseResponse(string CaseId, string Number, string Stratum, string? TicketNumber, string Status, int Attempts,
    DateTimeOffset NextDueAt, string? LastOutcome, string? Final, string? JobNo);

public sealed record AttemptResponse(string CaseId, int Attempt, string CallId, string JobNo, DateTimeOffset StartedAt,
    DateTimeOffset? AnsweredAt, DateTimeOffset? EndedAt, string? Outcome, string? Reason);

/// <summary>The work order a return visit is about, as the visitor reads it to the citizen.</summary>
public sealed record VisitTicket(string Number, string Summary, string? Reply, string? Department, string Status, string? Satisfaction);

/// <summary>What the interviewer's screen shows for one answered call.</summary>
public sealed record InterviewView(string CallId, long CampaignId, string CampaignName, string Kind, string CaseStatus, string Number,
    string Stratum, string? CallState, Hotline.Surveys.Questionnaire? Questionnaire, string? QuestionnaireId, int? QuestionnaireVersion,
    Dictionary<string, JsonElement> Answers, string? Disposition, VisitTicket? Ticket, IReadOnlyList<DispositionChoice> Dispositions);

public sealed record DispositionChoice(string Value, string Code, string Label);

public sealed record AnswerRequest(JsonElement Value);

public sealed record DispositionRequest(string? Disposition, DateTimeOffset? AppointmentAt, string? Satisfaction, string? Note);

public sealed record DepartmentSatisfaction(string? Department, int Visited, int Satisfied, int Basically, int Unsatisfied,
    double SatisfactionRate, double SatisfiedRate);
