// Over 500 lines: one grain per work order, each command a short method over TicketLifecycle; splitting it would scatter the order's one transaction per command.
using Hotline.Calendar;
using Hotline.Calls;
using Hotline.Common;
using Hotline.Events;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Hotline.Tickets;

/// <summary>
/// One work order, the single writer of its record. The life-cycle rules live in <see cref="TicketLifecycle"/>
/// and the time limits in <see cref="TimeLimitPolicy"/> on the <see cref="WorkCalendar"/>; this class applies
/// them, keeps the history, and stores with every write when its next deadline event is due (automatic
/// urge, scheduled urge, sign and reply limits), which <see cref="DeadlineSweepGrain"/> reads to ask it to
/// handle that event; each event is handled once however often it is asked.
/// </summary>
[GrainType("ticket")]
public sealed class TicketGrain : Grain, ITicketGrain, IRemindable
{
    /// <summary>The per-order reminder of earlier versions; an order still holding one drops it at its next tick.</summary>
    private const string LegacyDeadlineReminder = "deadline";
    private const string SystemJobNo = "system";

    private readonly IPersistentState<TicketRecord> _state;
    private readonly TimeProvider _time;
    private readonly TicketOptions _options;
    private readonly TimeLimitPolicy _limits;
    private readonly ITicketDeadlines _deadlines;
    private readonly TicketReferenceData _reference;
    private readonly ILogger<TicketGrain> _logger;
    private EventPublisher _events = null!;

    public TicketGrain(
        [PersistentState(GrainStorage.States.Ticket, GrainStorage.Tickets)] IPersistentState<TicketRecord> state,
        [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
        IOptions<TicketOptions> options,
        IOptions<TimeLimitPolicy> limits,
        ITicketDeadlines deadlines,
        TicketReferenceData reference,
        ILogger<TicketGrain> logger)
    {
        _state = state;
        _time = time;
        _options = options.Value;
        _limits = limits.Value;
        _deadlines = deadlines;
        _reference = reference;
        _logger = logger;
    }

    private string Number => this.GetPrimaryKeyString();
    private TicketRecord S => _state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _events = EventPublisher.For(this, EventTopics.Tickets, _logger);
        return Task.CompletedTask;
    }

    public async Task<TicketSnapshot> CreateAsync(TicketIntake intake, Actor by)
    {
        if (S.Created)
        {
            if (S.Intake == intake) return Snapshot(); // a retried registration
            throw new DomainException("ticket.exists", $"Work order {Number} already exists.", Names.Of(S.Status));
        }
        if (!TicketNumber.IsValid(Number, _options.NumberLength))
            throw new DomainException("ticket.invalid_number", $"'{Number}' is not a valid work-order number.", status: 400);
        Require(TicketLifecycle.CanCreate(by.Role), "create work orders", by);
        if (intake.ResolvedAnswer is not null)
        {
            var onTheSpot = TicketLifecycle.Decide(TicketStatus.Registered, TicketCommand.ResolveOnSpot, by.Role);
            if (!onTheSpot.Allowed) throw onTheSpot.ToException(Number);
        }
        if (string.IsNullOrWhiteSpace(intake.Summary) || string.IsNullOrWhiteSpace(intake.Content))
            throw new DomainException("validation.failed", "A work order needs a summary and a content.", status: 400);

        var reference = await _reference.GetAsync();
        if (!reference.HasCategory(intake.Category)) reference = await _reference.GetAsync(reread: true);
        if (!reference.HasCategory(intake.Category))
            throw new DomainException("validation.failed", $"Unknown category '{intake.Category}'.", status: 400);

        var now = _time.GetUtcNow();
        S.Created = true;
        S.Intake = intake;
        S.CreatedAt = now;
        S.CreatedBy = by.JobNo;
        S.ClockStartedAt = now;
        S.SuggestedDepartment = reference.Suggest(intake.Category, intake.District);
        Record("registered", by, $"{Names.Of(intake.Kind)} via {Names.Of(intake.Channel)}");
        if (intake.ResolvedAnswer is { } answer)
        {
            S.Status = TicketStatus.Resolved;
            S.ClosedAt = now;
            Record("resolved_on_spot", by, answer);
        }
        else
        {
            S.Status = TicketStatus.Registered;
            S.Deadlines = await ComputeDeadlinesAsync(signFrom: null);
        }
        await SaveAsync("ticket.registered");
        _logger.LogInformation("Work order {TicketNumber} registered by {JobNo} ({Kind}, {Category})", Number, by.JobNo, intake.Kind, intake.Category);
        if (intake.CallId is { } callId) await GrainFactory.GetGrain<ICallGrain>(callId).LinkTicketAsync(Number);
        return Snapshot();
    }

    public Task<TicketSnapshot> GetAsync()
    {
        EnsureExists();
        return Task.FromResult(Snapshot());
    }

    public Task<IReadOnlyList<TicketHistoryEntry>> GetHistoryAsync()
    {
        EnsureExists();
        return Task.FromResult<IReadOnlyList<TicketHistoryEntry>>(S.History.ToList());
    }

    public async Task<TicketSnapshot> DispatchAsync(string lead, IReadOnlyList<string> co, string? note, Actor by)
    {
        var next = Decide(TicketCommand.Dispatch, by);
        var departments = co.Prepend(lead).ToList();
        if (co.Contains(lead) || departments.Distinct().Count() != departments.Count)
            throw new DomainException("validation.failed", "The lead department cannot also co-handle, and no department may appear twice.", status: 400);
        foreach (var id in departments) await GrainFactory.GetGrain<Departments.IDepartmentGrain>(id).GetAsync(); // 404 for an unknown one

        S.Status = next;
        S.LeadDepartment = lead;
        S.CoDepartments = co.ToList();
        S.Deadlines = await ComputeDeadlinesAsync(signFrom: _time.GetUtcNow());
        var route = co.Count == 0 ? $"lead {lead}" : $"lead {lead}; co {string.Join(", ", co)}";
        Record("dispatched", by, note is null ? route : $"{route}; {note}");
        await SaveAsync("ticket.dispatched");
        return Snapshot();
    }

    public async Task<TicketSnapshot> SignAsync(Actor by)
    {
        var next = Decide(TicketCommand.Sign, by);
        S.Status = next;
        Record("signed", by, null);
        await SaveAsync("ticket.signed");
        return Snapshot();
    }

    public async Task<TicketSnapshot> ReturnAsync(string reason, Actor by)
    {
        var next = Decide(TicketCommand.Return, by);
        RequireText(reason, "reason");
        Record("returned", by, reason);
        S.Status = next;
        S.ReturnCount++;
        S.LeadDepartment = null;
        S.CoDepartments = [];
        S.PendingExtension = null;
        S.Deadlines = S.Deadlines with { Sign = null };
        await SaveAsync("ticket.returned");
        return Snapshot();
    }

    public async Task<TicketSnapshot> RequestExtensionAsync(int workingDays, string reason, Actor by)
    {
        var next = Decide(TicketCommand.RequestExtension, by);
        RequireText(reason, "reason");
        if (workingDays is < 1 or > 60)
            throw new DomainException("validation.failed", "An extension is 1 to 60 working days.", status: 400);
        S.Status = next;
        S.PendingExtension = new ExtensionRequest(workingDays, reason, by.JobNo, _time.GetUtcNow());
        Record("extension_requested", by, $"{workingDays} working days: {reason}");
        await SaveAsync("ticket.extension_requested");
        return Snapshot();
    }

    public async Task<TicketSnapshot> ApproveExtensionAsync(string? note, Actor by)
    {
        var next = Decide(TicketCommand.ApproveExtension, by);
        var request = S.PendingExtension ?? throw NoPendingExtension();
        S.Status = next;
        S.PendingExtension = null;
        S.ExtensionDays += request.WorkingDays;
        S.Overdue = false;
        S.Deadlines = await ComputeDeadlinesAsync(signFrom: null);
        Record("extension_approved", by, note ?? $"{request.WorkingDays} working days");
        await SaveAsync("ticket.extension_approved");
        return Snapshot();
    }

    public async Task<TicketSnapshot> RejectExtensionAsync(string? note, Actor by)
    {
        var next = Decide(TicketCommand.RejectExtension, by);
        _ = S.PendingExtension ?? throw NoPendingExtension();
        S.Status = next;
        S.PendingExtension = null;
        Record("extension_rejected", by, note);
        await SaveAsync("ticket.extension_rejected");
        return Snapshot();
    }

    public async Task<TicketSnapshot> ReplyAsync(string text, Actor by)
    {
        var next = Decide(TicketCommand.Reply, by);
        RequireText(text, "text");
        S.Status = next;
        S.Reply = text;
        S.RepliedAt = _time.GetUtcNow();
        S.PendingExtension = null;
        Record("replied", by, text);
        await SaveAsync("ticket.replied");
        return Snapshot();
    }

    public async Task<TicketSnapshot> UrgeAsync(string? note, Actor by)
    {
        Decide(TicketCommand.Urge, by);
        S.UrgeCount++;
        Record("urged", by, note);
        await SaveAsync("ticket.urged");
        return Snapshot();
    }

    public async Task<TicketSnapshot> ScheduleUrgeAsync(DateTimeOffset at, string? note, Actor by)
    {
        Decide(TicketCommand.ScheduleUrge, by);
        if (at <= _time.GetUtcNow())
            throw new DomainException("validation.failed", "The urge time must be in the future.", status: 400);
        S.Deadlines = S.Deadlines with { ScheduledUrge = at };
        Record("urge_scheduled", by, $"{at:O}" + (note is null ? "" : $": {note}"));
        await SaveAsync("ticket.urge_scheduled");
        return Snapshot();
    }

    public async Task<TicketSnapshot> SuperviseAsync(string? note, Actor by)
    {
        Decide(TicketCommand.Supervise, by);
        S.Supervised = true;
        Record("supervised", by, note);
        await SaveAsync("ticket.supervised");
        return Snapshot();
    }

    public async Task<TicketSnapshot> VisitAsync(Satisfaction satisfaction, string? note, Actor by)
    {
        var next = Decide(satisfaction == Satisfaction.Unsatisfied ? TicketCommand.VisitUnsatisfied : TicketCommand.Visit, by);
        S.Satisfaction = satisfaction;
        Record("visited", by, $"{Names.Of(satisfaction)}" + (note is null ? "" : $": {note}"));
        if (next == TicketStatus.Reopened)
        {
            Reopen(by, note ?? "unsatisfied at the return visit");
            S.Deadlines = await ComputeDeadlinesAsync(signFrom: null);
        }
        else
        {
            S.Status = next;
            if (next == TicketStatus.Closed) Close(by);
        }
        await SaveAsync(next == TicketStatus.Reopened ? "ticket.reopened" : "ticket.visited");
        return Snapshot();
    }

    public async Task<TicketSnapshot> ReopenAsync(string reason, Actor by)
    {
        Decide(TicketCommand.Reopen, by);
        RequireText(reason, "reason");
        Reopen(by, reason);
        S.Deadlines = await ComputeDeadlinesAsync(signFrom: null);
        await SaveAsync("ticket.reopened");
        return Snapshot();
    }

    public async Task<TicketSnapshot> CloseAsync(Actor by)
    {
        var next = Decide(TicketCommand.Close, by);
        S.Status = next;
        Close(by);
        await SaveAsync("ticket.closed");
        return Snapshot();
    }

    public async Task<TicketSnapshot> MergeAsync(string into, Actor by)
    {
        var next = Decide(TicketCommand.Merge, by);
        if (into == Number) throw new DomainException("validation.failed", "A work order cannot be merged into itself.", status: 400);
        await GrainFactory.GetGrain<ITicketGrain>(into).AbsorbAsync(Number, by);
        S.Status = next;
        S.MergedInto = into;
        Record("merged_into", by, into);
        await SaveAsync("ticket.merged");
        return Snapshot();
    }

    public async Task<TicketSnapshot> AbsorbAsync(string mergedNumber, Actor by)
    {
        EnsureExists();
        Decide(TicketCommand.Absorb, by);
        if (!S.MergedNumbers.Contains(mergedNumber))
        {
            S.MergedNumbers.Add(mergedNumber);
            Record("absorbed", by, mergedNumber);
            await SaveAsync("ticket.absorbed");
        }
        return Snapshot();
    }

    // ---- deadlines ----------------------------------------------------------------------------------

    /// <summary>A tick of the per-order reminder of earlier versions: handles what is due, then drops the reminder.</summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        await CheckDeadlinesAsync();
        if (reminderName == LegacyDeadlineReminder && await this.GetReminder(LegacyDeadlineReminder) is { } legacy)
        {
            if (S.Created) await SaveNextDueAsync(); // stored before 0006, the record has no next_due_at yet
            await this.UnregisterReminder(legacy);
        }
    }

    public async Task CheckDeadlinesAsync()
    {
        if (!S.Created) return;
        var now = _time.GetUtcNow();
        var changed = false;
        if (IsOpen(S.Status))
        {
            var d = S.Deadlines;
            if (d.AutoUrge is { } autoUrge && now >= autoUrge && IsWithDepartmentOrCentre(S.Status) && Handle($"auto-urge@{autoUrge:O}"))
            {
                S.UrgeCount++;
                Record("auto_urged", SystemActor, $"{(int)(_limits.AutoUrgeShare * 100)}% of the time limit has passed");
                changed = true;
            }
            if (d.ScheduledUrge is { } scheduled && now >= scheduled && Handle($"scheduled-urge@{scheduled:O}"))
            {
                S.UrgeCount++;
                Record("urged", SystemActor, "scheduled urge (定时催办)");
                changed = true;
            }
            if (d.Sign is { } sign && now >= sign && S.Status == TicketStatus.Dispatched && Handle($"sign-overdue@{sign:O}"))
            {
                S.UrgeCount++;
                Record("sign_overdue", SystemActor, $"not signed by {sign:O}");
                changed = true;
            }
            var limit = S.Status == TicketStatus.Replied ? d.Finish : d.Reply;
            if (limit is { } due && now >= due && Handle($"overdue@{due:O}"))
            {
                S.Overdue = true;
                S.Supervised = true;
                Record("overdue", SystemActor, $"time limit {due:O} passed; escalated for supervision (督办)");
                _logger.LogWarning("Work order {TicketNumber} is overdue (limit {Due})", Number, due);
                changed = true;
            }
        }
        if (changed) await SaveAsync(S.Overdue ? "ticket.overdue" : "ticket.urged");
        else if (S.NextDueAt != NextDue()) await SaveNextDueAsync();
    }

    private async Task<TicketDeadlines> ComputeDeadlinesAsync(DateTimeOffset? signFrom)
    {
        var calendar = (await _reference.GetAsync()).Calendar;
        var intake = S.Intake!;
        var computed = _limits.Compute(intake.Kind, intake.Category, S.ClockStartedAt ?? S.CreatedAt, S.ExtensionDays, calendar);
        return computed with
        {
            Sign = signFrom is { } from ? _limits.SignDeadline(intake.Kind, intake.Category, from, calendar) : S.Deadlines.Sign,
            ScheduledUrge = S.Deadlines.ScheduledUrge,
        };
    }

    /// <summary>The next deadline event still to handle; null for a finished order or one with none left.</summary>
    private DateTimeOffset? NextDue() => IsOpen(S.Status) ? NextEvent() : null;

    private DateTimeOffset? NextEvent()
    {
        var d = S.Deadlines;
        var candidates = new List<(DateTimeOffset? At, string Key)>
        {
            (IsWithDepartmentOrCentre(S.Status) ? d.AutoUrge : null, $"auto-urge@{d.AutoUrge:O}"),
            (d.ScheduledUrge, $"scheduled-urge@{d.ScheduledUrge:O}"),
            (S.Status == TicketStatus.Dispatched ? d.Sign : null, $"sign-overdue@{d.Sign:O}"),
            (S.Status == TicketStatus.Replied ? d.Finish : d.Reply, $"overdue@{(S.Status == TicketStatus.Replied ? d.Finish : d.Reply):O}"),
        };
        return candidates.Where(c => c.At is not null && !S.HandledEvents.Contains(c.Key)).Select(c => c.At).Min();
    }

    private bool Handle(string eventKey) => S.HandledEvents.Add(eventKey);

    // ---- internals ----------------------------------------------------------------------------------

    private static Actor SystemActor => new(SystemJobNo, "system", null);

    private static bool IsOpen(TicketStatus status) => TicketLifecycle.IsOpen(status);

    /// <summary>Still waiting for the department's answer (the automatic urge only makes sense then).</summary>
    private static bool IsWithDepartmentOrCentre(TicketStatus status) => status is not TicketStatus.Replied && IsOpen(status);

    private void Reopen(Actor by, string reason)
    {
        S.Status = TicketStatus.Reopened;
        S.ReopenCount++;
        S.ClockStartedAt = _time.GetUtcNow();
        S.ExtensionDays = 0;
        S.Overdue = false;
        S.Reply = null;
        S.RepliedAt = null;
        Record("reopened", by, reason);
    }

    private void Close(Actor by)
    {
        S.ClosedAt = _time.GetUtcNow();
        Record("closed", by, null);
    }

    private TicketStatus Decide(TicketCommand command, Actor by)
    {
        EnsureExists();
        var decision = TicketLifecycle.Decide(new TicketFacts(S.Status, S.LeadDepartment, S.PendingExtension is not null), command, by);
        return decision.Allowed ? decision.Next : throw decision.ToException(Number);
    }

    private static void Require(bool allowed, string what, Actor by)
    {
        if (!allowed) throw new DomainException("auth.forbidden", $"The role '{by.Role}' may not {what}.", status: 403);
    }

    private static void RequireText(string? text, string field)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw new DomainException("validation.failed", $"'{field}' must not be empty.", status: 400);
    }

    private DomainException NoPendingExtension() =>
        new("ticket.no_extension_pending", $"Work order {Number} has no extension request waiting.", Names.Of(S.Status));

    private void EnsureExists()
    {
        if (!S.Created) throw new DomainException("ticket.not_found", $"Work order {Number} does not exist.", status: 404);
    }

    private void Record(string action, Actor by, string? note)
    {
        var now = _time.GetUtcNow();
        S.History.Add(new TicketHistoryEntry(S.History.Count + 1, now, by.JobNo, by.Role, action, note, by.DepartmentId));
        S.UpdatedAt = now;
    }

    private async Task SaveAsync(string eventType)
    {
        S.Version++;
        await WriteAsync();
        var snapshot = Snapshot();
        _events.Publish(eventType, Number, snapshot.UpdatedAt, snapshot);
    }

    /// <summary>
    /// Stores a corrected next deadline only (nothing visible changed, so no version and no event): an order
    /// asked early, or one migrated from a per-order reminder, so the sweep finds it at the right time.
    /// </summary>
    private Task SaveNextDueAsync() => WriteAsync();

    /// <summary>Writes the record, with the next deadline event the sweep will read, in one storage write.</summary>
    private async Task WriteAsync()
    {
        S.NextDueAt = NextDue();
        try
        {
            await _state.WriteStateAsync();
        }
        catch
        {
            // What is in memory is no longer what is stored: start again from the stored record next time.
            DeactivateOnIdle();
            throw;
        }
        _deadlines.Stored(Number, S.NextDueAt);
    }

    private TicketSnapshot Snapshot()
    {
        var intake = S.Intake!;
        return new TicketSnapshot
        {
            Number = Number,
            Status = S.Status,
            Kind = intake.Kind,
            Channel = intake.Channel,
            Category = intake.Category,
            Caller = intake.Caller,
            Summary = intake.Summary,
            Content = intake.Content,
            Address = intake.Address,
            Location = intake.Location,
            District = intake.District,
            CallId = intake.CallId,
            CreatedAt = S.CreatedAt,
            CreatedBy = S.CreatedBy,
            LeadDepartment = S.LeadDepartment,
            CoDepartments = S.CoDepartments.ToList(),
            SuggestedDepartment = S.SuggestedDepartment,
            Deadlines = S.Deadlines,
            Overdue = S.Overdue,
            Supervised = S.Supervised,
            UrgeCount = S.UrgeCount,
            Answer = intake.ResolvedAnswer,
            Reply = S.Reply,
            RepliedAt = S.RepliedAt,
            Satisfaction = S.Satisfaction,
            ReturnCount = S.ReturnCount,
            ReopenCount = S.ReopenCount,
            MergedInto = S.MergedInto,
            MergedNumbers = S.MergedNumbers.ToList(),
            PendingExtension = S.PendingExtension,
            ClosedAt = S.ClosedAt,
            UpdatedAt = S.UpdatedAt,
            Version = S.Version,
        };
    }
}
