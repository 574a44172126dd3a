namespace Hotline.Surveys;

/// <summary>A campaign's durable state: its settings, its cases and every call attempt (拨打记录).</summary>
[GenerateSerializer, Alias("hotline.CampaignState")]
public sealed class CampaignState
{
    [Id(0)] public CampaignStatus Status { get; set; }
    [Id(1)] public CampaignSettings Settings { get; set; } = new();
    [Id(2)] public List<CaseState> Cases { get; set; } = [];
    [Id(3)] public List<CallAttempt> Attempts { get; set; } = [];
    [Id(4)] public bool Configured { get; set; }
}

/// <summary>Where one case stands; <see cref="CallId"/> is its call in flight or awaiting the interviewer's disposition.</summary>
[GenerateSerializer, Alias("hotline.CaseState")]
public sealed class CaseState
{
    [Id(0)] public required CampaignCase Case { get; init; }
    [Id(1)] public CaseStatus Status { get; set; }
    [Id(2)] public int Attempts { get; set; }
    [Id(3)] public DateTimeOffset NextDueAt { get; set; }
    [Id(4)] public Disposition? LastOutcome { get; set; }
    [Id(5)] public Disposition? Final { get; set; }
    [Id(6)] public string? CallId { get; set; }
    [Id(7)] public string? JobNo { get; set; }

    public CaseSnapshot Snapshot() => new(Case, Status, Attempts, NextDueAt, LastOutcome, Final, CallId, JobNo);
}
