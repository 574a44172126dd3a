using Hotline.Calendar;
using Hotline.Calls;
using Hotline.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hotline.Surveys;

/// <summary>
/// A campaign's dialler: every second it follows its calls in flight and places calls for its free interviewers
/// (progressive pacing, within the line budget and the calling window, stopping strata whose quota is met). The
/// decisions are <see cref="CampaignPlan"/>'s; this class persists and places calls through <see cref="ICampaignDialer"/>.
/// Not reentrant: one round at a time, so two rounds never pick the same case. A running campaign keeps a reminder, so
/// when its silo dies the campaign wakes on a survivor within a minute and follows its calls in flight from its state.
/// </summary>
[GrainType("survey-campaign")]
public sealed class SurveyCampaignGrain(
    [PersistentState(GrainStorage.States.Campaign, GrainStorage.Hotline)] IPersistentState<CampaignState> state,
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
    ILogger<SurveyCampaignGrain> logger) : Grain, ISurveyCampaignGrain, IRemindable
{
    private const string KeepDialling = "keep-dialling";
    private static readonly TimeSpan TickPeriod = TimeSpan.FromSeconds(1);
    private ICampaignDialer _dialer = null!;
    private CallingWindow? _window;
    private IGrainTimer? _timer;
    private string? _idle;
    private CampaignPlan Plan => new(state.State);
    private long CampaignId => this.GetPrimaryKeyLong();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _dialer = ServiceProvider.GetService<ICampaignDialer>()
            ?? (SimulatedCampaignDialer.Applies(ServiceProvider) ? new SimulatedCampaignDialer(GrainFactory, time) : new CallGrainCampaignDialer(GrainFactory));
        if (_dialer is SimulatedCampaignDialer) logger.LogInformation("Campaign {CampaignId} dials on the simulated trunk (this silo cannot dial out)", CampaignId);
        // A campaign that was running when its silo died resumes where it is: the cases in flight are followed up first.
        if (state.State.Status == CampaignStatus.Running) StartTimer();
        return Task.CompletedTask;
    }

    public async Task<CampaignSnapshot> ConfigureAsync(CampaignSettings settings, IReadOnlyList<CampaignCase> cases)
    {
        if (state.State.Status != CampaignStatus.Draft)
            throw new DomainException("campaign.not_draft", $"Campaign {CampaignId} has started; its settings and cases are fixed.", Names.Of(state.State.Status));
        var now = time.GetUtcNow();
        state.State.Settings = settings;
        state.State.Cases = cases.Select(c => new CaseState { Case = c, NextDueAt = now }).ToList();
        state.State.Attempts = [];
        state.State.Configured = true;
        await state.WriteStateAsync();
        return Snapshot();
    }

    public async Task<CampaignSnapshot> StartAsync()
    {
        if (!state.State.Configured) throw new DomainException("campaign.not_found", $"Campaign {CampaignId} is not set up.", status: 404);
        if (state.State.Status == CampaignStatus.Finished)
            throw new DomainException("campaign.finished", $"Campaign {CampaignId} is finished.", Names.Of(state.State.Status));
        if (state.State.Status != CampaignStatus.Running)
        {
            state.State.Status = CampaignStatus.Running;
            await state.WriteStateAsync();
            logger.LogInformation("Campaign {CampaignId} starts dialling", CampaignId);
        }
        _window = null; // the work calendar may have changed since
        StartTimer();
        await this.RegisterOrUpdateReminder(KeepDialling, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        return Snapshot();
    }

    public async Task<CampaignSnapshot> PauseAsync()
    {
        if (state.State.Status == CampaignStatus.Running)
        {
            state.State.Status = CampaignStatus.Paused;
            await state.WriteStateAsync();
            logger.LogInformation("Campaign {CampaignId} paused", CampaignId);
        }
        // Calls in flight are still followed up until they end.
        return Snapshot();
    }

    public Task<CampaignSnapshot> GetAsync() => Task.FromResult(Snapshot());

    public Task<IReadOnlyList<CaseSnapshot>> GetCasesAsync(int offset, int limit) =>
        Task.FromResult<IReadOnlyList<CaseSnapshot>>(state.State.Cases.Skip(offset).Take(limit).Select(c => c.Snapshot()).ToArray());

    public Task<CaseSnapshot?> GetCaseOfCallAsync(string callId)
    {
        var caseId = state.State.Attempts.LastOrDefault(a => a.CallId == callId)?.CaseId;
        var c = caseId is null ? null : state.State.Cases.FirstOrDefault(x => x.Case.CaseId == caseId);
        return Task.FromResult(c?.Snapshot());
    }

    public Task<CaseSnapshot?> GetOpenCaseOfSeatAsync(string jobNo) =>
        Task.FromResult(state.State.Cases.FirstOrDefault(c => c.JobNo == jobNo && c.Status is CaseStatus.Dialling or CaseStatus.Interviewing)?.Snapshot());

    public Task<IReadOnlyList<CallAttempt>> GetAttemptsAsync() => Task.FromResult<IReadOnlyList<CallAttempt>>(state.State.Attempts.ToArray());

    public async Task<CaseSnapshot> DisposeAsync(CaseDisposition disposition)
    {
        var plan = Plan;
        // The interviewer may be quicker than the round that notices the answer.
        if (plan.CaseOfCall(disposition.CallId) is { Status: CaseStatus.Dialling })
            await FollowAsync(plan, disposition.CallId, time.GetUtcNow());
        var c = plan.CaseOfCall(disposition.CallId);
        if (c is null || c.Status != CaseStatus.Interviewing || !plan.Dispose(disposition.CallId, disposition.Outcome, disposition.AppointmentAt, time.GetUtcNow()))
            throw new DomainException("campaign.not_awaiting", $"Call {disposition.CallId} is not an answered call of campaign {CampaignId} awaiting its disposition.");
        if (c.JobNo != disposition.JobNo)
            logger.LogInformation("Campaign {CampaignId}: seat {JobNo} gives the disposition of a call taken at {Seat}", CampaignId, disposition.JobNo, c.JobNo);
        if (plan.Finished && state.State.Status == CampaignStatus.Running) state.State.Status = CampaignStatus.Finished;
        await state.WriteStateAsync();
        return c.Snapshot();
    }

    public async Task<CampaignSnapshot> TickAsync()
    {
        var plan = Plan;
        var now = time.GetUtcNow();
        var changed = false;
        foreach (var attempt in plan.OpenAttempts.ToArray())
            changed |= await FollowAsync(plan, attempt.CallId, now);

        if (state.State.Status == CampaignStatus.Running && plan.Finished)
        {
            state.State.Status = CampaignStatus.Finished;
            _idle = "全部样本已有最终结果或配额已满";
            logger.LogInformation("Campaign {CampaignId} finished", CampaignId);
            changed = true;
        }
        if (state.State.Status == CampaignStatus.Running) changed |= await DialAsync(plan, now);
        else if (state.State.Status == CampaignStatus.Paused) _idle = "已暂停";
        if (changed) await state.WriteStateAsync();
        if (state.State.Status != CampaignStatus.Running && plan.LinesInUse == 0) StopTimer();
        return Snapshot();
    }

    /// <summary>The campaign is alive somewhere: dialling resumes here if its silo died, and the reminder goes once nothing is left to follow.</summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != KeepDialling) return;
        if (state.State.Status == CampaignStatus.Running || Plan.LinesInUse > 0)
        {
            StartTimer();
            return;
        }
        if (await this.GetReminder(KeepDialling) is { } reminder) await this.UnregisterReminder(reminder);
    }

    /// <summary>Reads how the case's call went and applies it; true when the case changed.</summary>
    private async Task<bool> FollowAsync(CampaignPlan plan, string callId, DateTimeOffset now)
    {
        var report = await _dialer.ReportAsync(callId);
        switch (report.Progress)
        {
            case CallProgress.NotStarted:
                // Persisted as dialled, but the silo died before the dial reached the call: place it again under the same id.
                if (plan.CaseOfCall(callId) is not { Status: CaseStatus.Dialling } c) return false;
                logger.LogWarning("Campaign {CampaignId}: call {CallId} was never placed; dialling it again", CampaignId, callId);
                var refusal = await _dialer.DialAsync(callId, CallOf(c));
                if (refusal is not null) Revert(c, callId);
                return refusal is not null;
            case CallProgress.Talking:
                return plan.Answered(callId, now);
            case CallProgress.Ended:
                if (report.WasAnswered) plan.Answered(callId, now);
                return plan.CallEnded(callId, report.Reason, now);
            default:
                return false;
        }
    }

    private async Task<bool> DialAsync(CampaignPlan plan, DateTimeOffset now)
    {
        var window = await WindowAsync();
        if (!window.IsOpen(now))
        {
            _idle = $"不在拨打时段内（{state.State.Settings.WindowStart:HH\\:mm}–{state.State.Settings.WindowEnd:HH\\:mm}）";
            return false;
        }
        var busy = state.State.Cases.Where(c => c.Status is CaseStatus.Dialling or CaseStatus.Interviewing).Select(c => c.JobNo).ToHashSet();
        var candidates = state.State.Settings.Seats.Where(s => !busy.Contains(s)).ToArray();
        var free = await Task.WhenAll(candidates.Select(async s => (Seat: s, Free: await _dialer.IsFreeAsync(s))));
        var seats = free.Where(f => f.Free).Select(f => f.Seat).ToArray();
        var lines = plan.LinesToOpen(seats.Length);
        if (lines == 0)
        {
            _idle = seats.Length == 0 ? "没有空闲的访问员" : "线路已全部占用";
            return false;
        }

        var placing = new List<(CaseState Case, string CallId)>();
        for (var i = 0; i < lines && plan.NextDue(now) is { } next; i++)
        {
            var callId = CampaignPlan.CallIdFor(CampaignId, next);
            plan.StartAttempt(next, callId, seats[i], now);
            placing.Add((next, callId));
        }
        if (placing.Count == 0)
        {
            _idle = plan.EarliestDue() is { } due ? $"下一个样本 {due.ToOffset(TimeSpan.FromHours(8)):MM-dd HH:mm} 到期" : "没有可拨打的样本";
            return false;
        }
        _idle = null;
        // Written before any call is placed: whatever happens next, the case is known to be in flight under this call id.
        await state.WriteStateAsync();
        var refusals = await Task.WhenAll(placing.Select(p => _dialer.DialAsync(p.CallId, CallOf(p.Case))));
        for (var i = 0; i < placing.Count; i++)
        {
            if (refusals[i] is not { } refusal) continue;
            Revert(placing[i].Case, placing[i].CallId);
            _idle = $"{refusal.Code}: {refusal.Message}";
            if (!refusal.SeatTaken)
            {
                logger.LogWarning("Campaign {CampaignId} cannot dial ({Code}): paused", CampaignId, refusal.Code);
                state.State.Status = CampaignStatus.Paused;
            }
        }
        return true;
    }

    private OutboundCall CallOf(CaseState c) =>
        new(c.JobNo!, c.Case.Number, state.State.Settings.Kind == CampaignKind.ReturnVisit ? "return_visit" : "survey", c.Case.TicketNumber);

    /// <summary>The dial was never placed: the attempt did not happen.</summary>
    private void Revert(CaseState c, string callId)
    {
        state.State.Attempts.RemoveAll(a => a.CallId == callId);
        c.Attempts--;
        c.CallId = null;
        c.JobNo = null;
        c.Status = CaseStatus.Pending;
    }

    private async Task<CallingWindow> WindowAsync()
    {
        if (_window is null)
        {
            var years = await GrainFactory.GetGrain<IWorkCalendarGrain>(IWorkCalendarGrain.Centre).GetAllAsync();
            _window = CallingWindow.For(state.State.Settings, WorkCalendar.China(years));
        }
        return _window;
    }

    private void StartTimer() =>
        _timer ??= this.RegisterGrainTimer(_ => TickAsync(), new GrainTimerCreationOptions(TickPeriod, TickPeriod));

    private void StopTimer()
    {
        _timer?.Dispose();
        _timer = null;
    }

    private CampaignSnapshot Snapshot()
    {
        var plan = Plan;
        var now = time.GetUtcNow();
        DateTimeOffset? opens = null;
        if (_window is { } w && !w.IsOpen(now)) opens = w.NextOpen(now);
        return new CampaignSnapshot
        {
            Id = CampaignId,
            Status = state.State.Status,
            Settings = state.State.Settings,
            Cases = state.State.Cases.Count,
            Attempts = state.State.Attempts.Count,
            LinesInUse = plan.LinesInUse,
            Interviewing = state.State.Cases.Count(c => c.Status == CaseStatus.Interviewing),
            Finals = state.State.Cases.Where(c => c.Final is not null).GroupBy(c => c.Final!.Value).ToDictionary(g => g.Key, g => g.Count()),
            Outcomes = state.State.Attempts.Where(a => a.Outcome is not null).GroupBy(a => a.Outcome!.Value).ToDictionary(g => g.Key, g => g.Count()),
            Rates = Dispositions.Rates(plan.CaseDispositions()),
            Quotas = plan.QuotaFill(),
            Idle = state.State.Status == CampaignStatus.Running || state.State.Status == CampaignStatus.Paused ? _idle : null,
            NextWindowOpensAt = opens,
        };
    }
}
