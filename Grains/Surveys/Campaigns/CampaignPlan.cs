namespace Hotline.Surveys;

/// <summary>
/// The campaign's decisions over its cases, as a plain class over <see cref="CampaignState"/>: which case to dial
/// next, how many lines to open for the interviewers free, what an outcome does to a case (retry after the rule's
/// spacing, or final), quota fill per stratum. The grain persists the state and places the calls; time comes in.
/// </summary>
public sealed class CampaignPlan(CampaignState state)
{
    public CampaignState State => state;
    private CampaignSettings Settings => state.Settings;

    /// <summary>Lines held now: attempts whose call has not ended.</summary>
    public int LinesInUse => state.Attempts.Count(a => a.EndedAt is null);

    /// <summary>Progressive pacing: one line per free interviewer, never beyond the campaign's line budget.</summary>
    public int LinesToOpen(int freeInterviewers) => Math.Max(0, Math.Min(Settings.Lines - LinesInUse, freeInterviewers));

    public IReadOnlyList<QuotaFill> QuotaFill()
    {
        var completes = state.Cases.Where(c => c.Final is { } f && Dispositions.CountsForQuota(f))
            .GroupBy(c => c.Case.Stratum).ToDictionary(g => g.Key, g => g.Count());
        return Settings.Quotas.OrderBy(q => q.Key, StringComparer.Ordinal)
            .Select(q => new QuotaFill(q.Key, q.Value, completes.GetValueOrDefault(q.Key))).ToArray();
    }

    /// <summary>A stratum is dialled until its quota of valid completes is met; a stratum without a quota always is.</summary>
    public bool StratumOpen(string stratum, IReadOnlyList<QuotaFill> fill) =>
        !fill.Any(q => q.Stratum == stratum && q.Completed >= q.Target);

    /// <summary>The case to dial now: pending, due, in an open stratum; the longest due first, then the draw's order.</summary>
    public CaseState? NextDue(DateTimeOffset now)
    {
        var fill = QuotaFill();
        CaseState? best = null;
        foreach (var c in state.Cases)
            if (c.Status == CaseStatus.Pending && c.NextDueAt <= now && (best is null || c.NextDueAt < best.NextDueAt) && StratumOpen(c.Case.Stratum, fill))
                best = c;
        return best;
    }

    /// <summary>When the next pending case of an open stratum falls due; null when none is left to dial.</summary>
    public DateTimeOffset? EarliestDue()
    {
        var fill = QuotaFill();
        return state.Cases.Where(c => c.Status == CaseStatus.Pending && StratumOpen(c.Case.Stratum, fill))
            .Select(c => (DateTimeOffset?)c.NextDueAt).Min();
    }

    /// <summary>Done: nothing in flight or awaiting a disposition, and nothing left to dial (every case final or its quota met).</summary>
    public bool Finished => state.Cases.All(c => c.Status is CaseStatus.Final or CaseStatus.Pending) && EarliestDue() is null;

    /// <summary>The call id of the case's next attempt: the same case and attempt always give the same call, so a retried dial is one call.</summary>
    public static string CallIdFor(long campaignId, CaseState c) => $"svy-{campaignId}-{c.Case.CaseId}-{c.Attempts + 1}";

    public CallAttempt StartAttempt(CaseState c, string callId, string jobNo, DateTimeOffset now)
    {
        if (c.Status != CaseStatus.Pending) throw new InvalidOperationException($"Case {c.Case.CaseId} is {c.Status}, not pending.");
        c.Status = CaseStatus.Dialling;
        c.Attempts++;
        c.CallId = callId;
        c.JobNo = jobNo;
        var attempt = new CallAttempt(c.Case.CaseId, c.Attempts, callId, jobNo, now, null, null, null, null);
        state.Attempts.Add(attempt);
        return attempt;
    }

    public CaseState? CaseOfCall(string callId) => state.Cases.FirstOrDefault(c => c.CallId == callId);

    /// <summary>Attempts whose call has not ended: each holds a line until it does.</summary>
    public IEnumerable<CallAttempt> OpenAttempts => state.Attempts.Where(a => a.EndedAt is null);

    /// <summary>The respondent answered: the interviewer talks, and gives the disposition at the end.</summary>
    public bool Answered(string callId, DateTimeOffset now)
    {
        if (state.Attempts.FindLastIndex(a => a.CallId == callId) is var i && (i < 0 || state.Attempts[i].AnsweredAt is not null)) return false;
        UpdateAttempt(callId, a => a with { AnsweredAt = now });
        if (CaseOfCall(callId) is { Status: CaseStatus.Dialling } c) c.Status = CaseStatus.Interviewing;
        return true;
    }

    /// <summary>
    /// The call is over and its line free. Never answered: the network's reason is the outcome. Answered: the case
    /// waits for the interviewer's disposition, unless it has it already.
    /// </summary>
    public bool CallEnded(string callId, string? reason, DateTimeOffset now)
    {
        if (state.Attempts.LastOrDefault(a => a.CallId == callId) is not { EndedAt: null }) return false;
        UpdateAttempt(callId, a => a with { EndedAt = now, Reason = a.Reason ?? reason });
        if (CaseOfCall(callId) is { Status: CaseStatus.Dialling } c) Apply(c, Dispositions.FromDialFailure(reason), null, now);
        return true;
    }

    /// <summary>The interviewer's disposition for the case of this call; false when the call is not awaiting one.</summary>
    public bool Dispose(string callId, Disposition outcome, DateTimeOffset? appointmentAt, DateTimeOffset now)
    {
        if (CaseOfCall(callId) is not { Status: CaseStatus.Interviewing } c) return false;
        Apply(c, outcome, appointmentAt, now);
        return true;
    }

    /// <summary>The outcome of the case's latest attempt: retried after the rule's spacing (or at the appointment) while attempts are left, otherwise final.</summary>
    public void Apply(CaseState c, Disposition outcome, DateTimeOffset? appointmentAt, DateTimeOffset now)
    {
        var callId = c.CallId;
        if (callId is not null) UpdateAttempt(callId, a => a with { Outcome = outcome });
        c.LastOutcome = outcome;
        c.CallId = null;
        var rule = Settings.Retries.FirstOrDefault(r => r.Outcome == outcome);
        if (rule is not null && c.Attempts < rule.MaxAttempts)
        {
            c.Status = CaseStatus.Pending;
            c.NextDueAt = outcome == Disposition.Appointment && appointmentAt is { } at && at > now ? at : now + rule.Spacing;
        }
        else
        {
            c.Status = CaseStatus.Final;
            c.Final = outcome;
        }
    }

    /// <summary>Each case counted once: its final disposition, or its latest outcome while still open (never-dialled cases are left out).</summary>
    public IEnumerable<Disposition> CaseDispositions() =>
        state.Cases.Select(c => c.Final ?? c.LastOutcome).OfType<Disposition>();

    private void UpdateAttempt(string callId, Func<CallAttempt, CallAttempt> change)
    {
        var i = state.Attempts.FindLastIndex(a => a.CallId == callId);
        if (i >= 0) state.Attempts[i] = change(state.Attempts[i]);
    }
}
