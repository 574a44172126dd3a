namespace Hotline.Surveys;

/// <summary>What a campaign calls people for: an opinion survey (社情民意调查, 民主评议) or a return visit (回访) about a work order.</summary>
[GenerateSerializer, Alias("hotline.CampaignKind")]
public enum CampaignKind { Survey = 0, ReturnVisit = 1 }

/// <summary>
/// The outcome of one call attempt, and a case's final disposition, after AAPOR's Standard Definitions (telephone
/// surveys). The number in each doc comment is AAPOR's code; the groups feed the response, cooperation, refusal and
/// contact rates (<see cref="Dispositions"/>).
/// </summary>
[GenerateSerializer, Alias("hotline.Disposition")]
public enum Disposition
{
    /// <summary>1.1 完成: complete interview.</summary>
    Complete = 0,
    /// <summary>1.2 部分完成: partial interview (enough answered to count, not all).</summary>
    Partial = 1,
    /// <summary>2.11 拒访: refusal before the interview started.</summary>
    Refusal = 2,
    /// <summary>2.12 中途拒访: break-off, the respondent stopped the interview too early to count as partial.</summary>
    BreakOff = 3,
    /// <summary>2.21 约访: the respondent is not available now; an appointment (预约) was made. Interim: retried at that time.</summary>
    Appointment = 4,
    /// <summary>2.20 非接触: reached the number, never the respondent (e.g. always away).</summary>
    NonContact = 5,
    /// <summary>2.30 其他: eligible but no interview for another reason (language, illness).</summary>
    Other = 6,
    /// <summary>3.12 占线: busy.</summary>
    Busy = 7,
    /// <summary>3.13 无人接听: no answer.</summary>
    NoAnswer = 8,
    /// <summary>3.14 答录机: an answering machine or voicemail.</summary>
    AnsweringMachine = 9,
    /// <summary>3.16 线路问题: technical phone problem (network failure, the call was lost with its silo).</summary>
    TechnicalProblem = 10,
    /// <summary>4.20 传真/数据线: fax or data line.</summary>
    Fax = 11,
    /// <summary>4.30 空号/停机: non-working or disconnected number.</summary>
    InvalidNumber = 12,
    /// <summary>4.70 不符合条件: no eligible respondent at this number.</summary>
    Ineligible = 13,
}

/// <summary>How far a campaign is: set up, dialling, paused by the supervisor, or finished (every case final or quota met).</summary>
[GenerateSerializer, Alias("hotline.CampaignStatus")]
public enum CampaignStatus { Draft = 0, Running = 1, Paused = 2, Finished = 3 }

/// <summary>Where one case (a number to reach, 样本) stands.</summary>
[GenerateSerializer, Alias("hotline.CaseStatus")]
public enum CaseStatus
{
    /// <summary>Waiting for its next attempt (due at its <c>NextDueAt</c>).</summary>
    Pending = 0,
    /// <summary>A call to it is being placed.</summary>
    Dialling = 1,
    /// <summary>The respondent answered; the interviewer is talking and will give the disposition.</summary>
    Interviewing = 2,
    /// <summary>It has its final disposition and is never dialled again.</summary>
    Final = 3,
}

/// <summary>A number the campaign must reach: from a sample draw (survey) or a work order (return visit).</summary>
[GenerateSerializer, Immutable, Alias("hotline.CampaignCase")]
public sealed record CampaignCase(
    [property: Id(0)] string CaseId,
    [property: Id(1)] string Number,
    [property: Id(2)] string Stratum,
    [property: Id(3)] string? County,
    [property: Id(4)] string? Source,
    /// <summary>The work order a return visit is about.</summary>
    [property: Id(5)] string? TicketNumber);

/// <summary>When to try a case again after an interim outcome, and how many attempts it gets in all.</summary>
[GenerateSerializer, Immutable, Alias("hotline.RetryRule")]
public sealed record RetryRule(
    [property: Id(0)] Disposition Outcome,
    [property: Id(1)] TimeSpan Spacing,
    [property: Id(2)] int MaxAttempts);

/// <summary>A campaign's settings: lines, interviewers, the calling window, retries and quotas.</summary>
[GenerateSerializer, Immutable, Alias("hotline.CampaignSettings")]
public sealed record CampaignSettings
{
    [Id(0)] public string Name { get; init; } = "";
    [Id(1)] public CampaignKind Kind { get; init; }
    /// <summary>Outbound lines the campaign may hold at once across the whole cluster (the 12340 line: 60).</summary>
    [Id(2)] public int Lines { get; init; } = 60;
    /// <summary>The interviewer seats (工号) that take the campaign's calls.</summary>
    [Id(3)] public IReadOnlyList<string> Seats { get; init; } = [];
    /// <summary>Start of the daily calling window, Beijing time (default 09:00).</summary>
    [Id(4)] public TimeOnly WindowStart { get; init; } = new(9, 0);
    /// <summary>End of the daily calling window, Beijing time (default 21:00); no call starts at or after it.</summary>
    [Id(5)] public TimeOnly WindowEnd { get; init; } = new(21, 0);
    /// <summary>Call on working days of the work calendar only (default), or every day.</summary>
    [Id(6)] public bool WorkingDaysOnly { get; init; } = true;
    /// <summary>Retry rules by outcome; outcomes without a rule are final at once.</summary>
    [Id(7)] public IReadOnlyList<RetryRule> Retries { get; init; } = [];
    /// <summary>Valid completes needed per stratum; a stratum is no longer dialled once met.</summary>
    [Id(8)] public IReadOnlyDictionary<string, int> Quotas { get; init; } = new Dictionary<string, int>();
    [Id(9)] public string? QuestionnaireId { get; init; }
    [Id(10)] public int? QuestionnaireVersion { get; init; }
}

/// <summary>One call attempt (拨打记录) of a case.</summary>
[GenerateSerializer, Immutable, Alias("hotline.CallAttempt")]
public sealed record CallAttempt(
    [property: Id(0)] string CaseId,
    [property: Id(1)] int Attempt,
    [property: Id(2)] string CallId,
    [property: Id(3)] string JobNo,
    [property: Id(4)] DateTimeOffset StartedAt,
    [property: Id(5)] DateTimeOffset? AnsweredAt,
    [property: Id(6)] DateTimeOffset? EndedAt,
    [property: Id(7)] Disposition? Outcome,
    /// <summary>What the network or the call said (no_answer, busy, lost_with_silo…), for the record.</summary>
    [property: Id(8)] string? Reason);

/// <summary>A case as the campaign sees it now.</summary>
[GenerateSerializer, Immutable, Alias("hotline.CaseSnapshot")]
public sealed record CaseSnapshot(
    [property: Id(0)] CampaignCase Case,
    [property: Id(1)] CaseStatus Status,
    [property: Id(2)] int Attempts,
    [property: Id(3)] DateTimeOffset NextDueAt,
    [property: Id(4)] Disposition? LastOutcome,
    [property: Id(5)] Disposition? Final,
    [property: Id(6)] string? CallId,
    [property: Id(7)] string? JobNo);

/// <summary>A campaign's figures for the supervisor: dispositions, AAPOR rates, quotas, lines in use.</summary>
[GenerateSerializer, Immutable, Alias("hotline.CampaignSnapshot")]
public sealed record CampaignSnapshot
{
    [Id(0)] public long Id { get; init; }
    [Id(1)] public CampaignStatus Status { get; init; }
    [Id(2)] public CampaignSettings Settings { get; init; } = new();
    [Id(3)] public int Cases { get; init; }
    [Id(4)] public int Attempts { get; init; }
    [Id(5)] public int LinesInUse { get; init; }
    [Id(6)] public int Interviewing { get; init; }
    /// <summary>Cases by final disposition (AAPOR), and by latest outcome for cases still open.</summary>
    [Id(7)] public IReadOnlyDictionary<Disposition, int> Finals { get; init; } = new Dictionary<Disposition, int>();
    [Id(8)] public IReadOnlyDictionary<Disposition, int> Outcomes { get; init; } = new Dictionary<Disposition, int>();
    [Id(9)] public AaporRates Rates { get; init; } = new(0, 0, 0, 0, 0, 0);
    [Id(10)] public IReadOnlyList<QuotaFill> Quotas { get; init; } = [];
    /// <summary>Why nothing is dialled now, if nothing is: outside the calling window, no free interviewer, all lines busy…</summary>
    [Id(11)] public string? Idle { get; init; }
    [Id(12)] public DateTimeOffset? NextWindowOpensAt { get; init; }
}

/// <summary>AAPOR rates over the cases' dispositions (final, or latest outcome for open cases), as fractions 0–1.</summary>
[GenerateSerializer, Immutable, Alias("hotline.AaporRates")]
public sealed record AaporRates(
    [property: Id(0)] double ResponseRate1,
    [property: Id(1)] double ResponseRate2,
    [property: Id(2)] double CooperationRate1,
    [property: Id(3)] double RefusalRate1,
    [property: Id(4)] double ContactRate1,
    [property: Id(5)] int Eligible);

[GenerateSerializer, Immutable, Alias("hotline.QuotaFill")]
public sealed record QuotaFill([property: Id(0)] string Stratum, [property: Id(1)] int Target, [property: Id(2)] int Completed);

/// <summary>The interviewer's disposition when the call ends (or an appointment time the respondent named).</summary>
[GenerateSerializer, Immutable, Alias("hotline.CaseDisposition")]
public sealed record CaseDisposition(
    [property: Id(0)] string CallId,
    [property: Id(1)] Disposition Outcome,
    [property: Id(2)] DateTimeOffset? AppointmentAt,
    [property: Id(3)] string JobNo);
