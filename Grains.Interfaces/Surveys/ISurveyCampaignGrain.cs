namespace Hotline.Surveys;

/// <summary>
/// One survey or return-visit campaign (外呼任务), keyed by its id in the read model. The single activation in the
/// cluster holds the campaign's line budget, so the budget holds across silos; it persists each case as dialled before
/// the call is placed, and the call's id is fixed per case and attempt, so a silo's death neither leaks a line nor
/// dials a number twice.
/// </summary>
[Alias("hotline.ISurveyCampaignGrain")]
public interface ISurveyCampaignGrain : IGrainWithIntegerKey
{
    /// <summary>Sets the campaign up with its cases; allowed while it is a draft (replaces what was there).</summary>
    [Alias("Configure")] Task<CampaignSnapshot> ConfigureAsync(CampaignSettings settings, IReadOnlyList<CampaignCase> cases);
    /// <summary>Starts (or resumes) dialling.</summary>
    [Alias("Start")] Task<CampaignSnapshot> StartAsync();
    /// <summary>Stops placing new calls; calls in progress carry on.</summary>
    [Alias("Pause")] Task<CampaignSnapshot> PauseAsync();
    [Alias("Get")] Task<CampaignSnapshot> GetAsync();
    /// <summary>A page of the cases, in the draw's order.</summary>
    [Alias("GetCases")] Task<IReadOnlyList<CaseSnapshot>> GetCasesAsync(int offset, int limit);
    /// <summary>The case a call of this campaign is about, or null.</summary>
    [Alias("GetCaseOfCall")] Task<CaseSnapshot?> GetCaseOfCallAsync(string callId);
    /// <summary>The case this interviewer's seat is dialling or interviewing now, if any (the interviewer's screen finds its call).</summary>
    [Alias("GetOpenCaseOfSeat")] Task<CaseSnapshot?> GetOpenCaseOfSeatAsync(string jobNo);
    /// <summary>The call-attempt record (拨打记录), newest last.</summary>
    [Alias("GetAttempts")] Task<IReadOnlyList<CallAttempt>> GetAttemptsAsync();
    /// <summary>
    /// The interviewer's disposition for an answered call. Throws <c>campaign.not_awaiting</c> when the call's case is
    /// not waiting for one (already disposed, or the call was never answered).
    /// </summary>
    [Alias("Dispose")] Task<CaseSnapshot> DisposeAsync(CaseDisposition disposition);
    /// <summary>One round of the dialler now: follow the calls in flight, then place calls for the free interviewers.</summary>
    [Alias("Tick")] Task<CampaignSnapshot> TickAsync();
}
