using Hotline.Calls;
using Microsoft.Extensions.DependencyInjection;
using Hotline.Tests.Calendar;
using Hotline.Tickets;

namespace Hotline.Tests.Tickets;

/// <summary>The work order as a grain: life cycle, history, and deadlines fired by reminders on fake time.</summary>
public sealed class TicketGrainTests(TicketCluster cluster) : IClassFixture<TicketCluster>, IAsyncLifetime
{
    private static readonly Actor Agent = new("1001", "agent", null);
    private static readonly Actor Dispatcher = new("8001", "dispatcher", null);
    private static readonly Actor Housing = new("7001", "department", "housing");
    private static readonly Actor Hrss = new("7002", "department", "hrss");
    private static readonly Actor Visitor = new("8101", "dispatcher", null);

    public Task InitializeAsync() => cluster.SeedAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static TicketIntake Complaint(string? callId = null) => new()
    {
        Channel = TicketChannel.Phone,
        Kind = TicketKind.Complaint,
        Category = "housing-fund",
        Caller = new Caller("张先生", "13800138000"),
        Summary = "公积金提取被拒",
        Content = "申请提取住房公积金三次被拒，窗口没有说明理由。",
        CallId = callId,
    };

    private Task<TicketSnapshot> RegisterAsync(TicketIntake? intake = null) =>
        cluster.Client.GetGrain<ITicketIntakeGrain>(0).RegisterAsync(intake ?? Complaint(), Agent);

    private ITicketGrain Ticket(string number) => cluster.Client.GetGrain<ITicketGrain>(number);

    [Fact]
    public async Task A_registered_complaint_gets_an_eight_digit_checked_number_and_a_reply_limit_of_fifteen_working_days()
    {
        var ticket = await RegisterAsync();

        Assert.True(TicketNumber.IsValid(ticket.Number), ticket.Number);
        Assert.Equal(TicketStatus.Registered, ticket.Status);
        Assert.Equal("housing", ticket.SuggestedDepartment);
        // Counted on the 2026 calendar from the registration (WorkCalendarTests pin the dates themselves).
        var calendar = China.Calendar2025And2026;
        Assert.Equal(calendar.AddWorkingDays(ticket.CreatedAt, 15), ticket.Deadlines.Reply);
        Assert.Equal(calendar.AddWorkingDays(ticket.CreatedAt, 18), ticket.Deadlines.Finish);
        Assert.Equal(calendar.AtShare(ticket.CreatedAt, ticket.Deadlines.Reply!.Value, 0.8), ticket.Deadlines.AutoUrge);
    }

    [Fact]
    public async Task Numbers_are_unique_across_many_registrations()
    {
        var numbers = await Task.WhenAll(Enumerable.Range(0, 150).Select(_ => RegisterAsync()));
        Assert.Equal(150, numbers.Select(t => t.Number).Distinct().Count());
        Assert.All(numbers, t => Assert.True(TicketNumber.IsValid(t.Number)));
    }

    [Fact]
    public async Task The_whole_life_cycle_is_kept_in_the_history_with_who_and_when()
    {
        var number = (await RegisterAsync()).Number;
        var ticket = Ticket(number);

        await ticket.DispatchAsync("housing", [], null, Dispatcher);
        await ticket.SignAsync(Housing);
        await ticket.ReplyAsync("已联系窗口，重新受理提取申请。", Housing);
        var reopened = await ticket.VisitAsync(Satisfaction.Unsatisfied, "仍未到账", Visitor);
        Assert.Equal(TicketStatus.Reopened, reopened.Status);
        Assert.Equal("housing", reopened.LeadDepartment);
        Assert.Null(reopened.Reply);
        await ticket.ReplyAsync("已到账。", Housing);
        var closed = await ticket.VisitAsync(Satisfaction.Satisfied, null, Visitor);

        Assert.Equal(TicketStatus.Closed, closed.Status);
        Assert.Equal(1, closed.ReopenCount);
        Assert.NotNull(closed.ClosedAt);
        var history = await ticket.GetHistoryAsync();
        Assert.Equal(
            ["registered", "dispatched", "signed", "replied", "visited", "reopened", "replied", "visited", "closed"],
            history.Select(h => h.Action));
        Assert.Equal(["1001", "8001", "7001", "7001", "8101", "8101", "7001", "8101", "8101"], history.Select(h => h.JobNo));
        Assert.Equal(Enumerable.Range(1, history.Count), history.Select(h => h.Sequence));
        Assert.All(history, h => Assert.Equal(cluster.Time.GetUtcNow(), h.At));
    }

    [Fact]
    public async Task A_category_just_added_to_the_catalogue_is_accepted_at_once_and_an_unknown_one_refused()
    {
        await RegisterAsync(); // both silos now hold a copy of the catalogue without the new category
        await RegisterAsync();
        var catalogue = cluster.Client.GetGrain<ICatalogueGrain>(ICatalogueGrain.Centre);
        var current = await catalogue.GetAsync();
        await catalogue.SaveAsync([.. current.Categories, new Category("heating", "供暖", "livelihood", "Heating")],
            [.. current.Rules, new DispatchRule("heating", null, "housing")]);

        var heating = await RegisterAsync(Complaint() with { Category = "heating" });
        var refused = await Assert.ThrowsAsync<DomainException>(() => RegisterAsync(Complaint() with { Category = "no-such-category" }));

        Assert.Equal("housing", heating.SuggestedDepartment);
        Assert.Equal("validation.failed", refused.Code);
        await catalogue.SaveAsync(current.Categories, current.Rules);
    }

    [Fact]
    public async Task A_forbidden_transition_is_refused_naming_the_current_state()
    {
        var number = (await RegisterAsync()).Number;
        var refused = await Assert.ThrowsAsync<DomainException>(() => Ticket(number).SignAsync(Housing));
        Assert.Equal("ticket.invalid_transition", refused.Code);
        Assert.Equal("registered", refused.CurrentState);
        Assert.Equal(409, refused.Status);
    }

    [Fact]
    public async Task Another_department_cannot_act_on_an_order_that_is_not_with_it()
    {
        var number = (await RegisterAsync()).Number;
        await Ticket(number).DispatchAsync("housing", [], null, Dispatcher);
        var refused = await Assert.ThrowsAsync<DomainException>(() => Ticket(number).SignAsync(Hrss));
        Assert.Equal(403, refused.Status);
        Assert.Equal(TicketStatus.Dispatched, (await Ticket(number).GetAsync()).Status);
    }

    [Fact]
    public async Task An_integration_may_register_but_not_resolve_on_the_spot()
    {
        var intake = Complaint() with { ResolvedAnswer = "已解答" };
        var refused = await Assert.ThrowsAsync<DomainException>(() =>
            cluster.Client.GetGrain<ITicketIntakeGrain>(0).RegisterAsync(intake, new Actor("9900", "integration", null)));
        Assert.Equal(403, refused.Status);

        var resolved = await RegisterAsync(intake);
        Assert.Equal(TicketStatus.Resolved, resolved.Status);
        Assert.Equal("已解答", resolved.Answer);
    }

    [Fact]
    public async Task A_duplicate_merges_into_the_surviving_order_which_lists_it()
    {
        var survivor = (await RegisterAsync()).Number;
        var duplicate = (await RegisterAsync()).Number;

        var merged = await Ticket(duplicate).MergeAsync(survivor, Dispatcher);

        Assert.Equal(TicketStatus.Merged, merged.Status);
        Assert.Equal(survivor, merged.MergedInto);
        Assert.Equal([duplicate], (await Ticket(survivor).GetAsync()).MergedNumbers);
    }

    [Fact]
    public async Task A_ticket_registered_during_a_call_is_shown_on_the_call()
    {
        var callId = cluster.NewId("sim");
        var queue = cluster.NewId("queue");
        await cluster.Client.GetGrain<Hotline.Queues.IQueueGrain>(queue).ConfigureAsync(new Hotline.Queues.QueueConfig { Name = queue });
        await cluster.Client.GetGrain<ICallGrain>(callId).StartAsync(new CallStart(CallChannel.Simulated, "13800138000", "12345", null, queue, 0));

        var ticket = await RegisterAsync(Complaint(callId));

        Assert.Equal(ticket.Number, (await cluster.Client.GetGrain<ICallGrain>(callId).GetAsync()).TicketNumber);
        Assert.Equal(callId, ticket.CallId);
    }

    [Fact]
    public async Task An_approved_extension_moves_the_reply_limit_by_that_many_working_days()
    {
        var number = (await RegisterAsync()).Number;
        var ticket = Ticket(number);
        await ticket.DispatchAsync("housing", [], null, Dispatcher);
        await ticket.SignAsync(Housing);
        await ticket.RequestExtensionAsync(5, "需现场核查", Housing);
        await Assert.ThrowsAsync<DomainException>(() => ticket.RequestExtensionAsync(3, "again", Housing));

        var extended = await ticket.ApproveExtensionAsync(null, Dispatcher);

        Assert.Null(extended.PendingExtension);
        Assert.Equal(China.Calendar2025And2026.AddWorkingDays(extended.CreatedAt, 15 + 5), extended.Deadlines.Reply);
    }

    [Fact]
    public async Task The_order_is_urged_automatically_at_eighty_percent_of_its_limit_and_flagged_overdue_after_it_once_each()
    {
        var registered = await RegisterAsync();
        var ticket = Ticket(registered.Number);
        await ticket.DispatchAsync("housing", [], null, Dispatcher);
        await ticket.SignAsync(Housing);
        var autoUrge = registered.Deadlines.AutoUrge!.Value;
        var reply = registered.Deadlines.Reply!.Value;
        Assert.Equal(autoUrge, NextDeadline(ticket));

        // A tick before the time changes nothing.
        await TickAsync(ticket);
        Assert.Equal(0, (await ticket.GetAsync()).UrgeCount);

        await cluster.Time.AdvanceAsync(autoUrge - cluster.Time.GetUtcNow() + TimeSpan.FromSeconds(1));
        await TickAsync(ticket);
        await TickAsync(ticket); // reminder ticks may repeat
        var urged = await ticket.GetAsync();
        Assert.Equal(1, urged.UrgeCount);
        Assert.False(urged.Overdue);
        Assert.Equal(reply, NextDeadline(ticket)); // the sweep will ask again at the next event

        await cluster.Time.AdvanceAsync(reply - cluster.Time.GetUtcNow() + TimeSpan.FromSeconds(1));
        await TickAsync(ticket);
        await TickAsync(ticket);
        var overdue = await ticket.GetAsync();
        Assert.True(overdue.Overdue);
        Assert.True(overdue.Supervised);

        var history = await ticket.GetHistoryAsync();
        Assert.Single(history, h => h.Action == "auto_urged");
        Assert.Single(history, h => h.Action == "overdue");
        Assert.Equal(1, overdue.UrgeCount);
    }

    [Fact]
    public async Task An_operator_set_urge_time_urges_once_when_it_comes()
    {
        var ticket = Ticket((await RegisterAsync()).Number);
        await ticket.DispatchAsync("housing", [], null, Dispatcher);
        var at = cluster.Time.GetUtcNow() + TimeSpan.FromHours(2);
        await ticket.ScheduleUrgeAsync(at, "请今天内签收", Dispatcher);
        Assert.Equal(at, NextDeadline(ticket));

        await cluster.Time.AdvanceAsync(TimeSpan.FromHours(2) + TimeSpan.FromSeconds(1));
        await TickAsync(ticket);
        await TickAsync(ticket);

        var history = await ticket.GetHistoryAsync();
        Assert.Single(history, h => h.Action == "urged" && h.JobNo == "system");
    }

    [Fact]
    public async Task The_deadline_sweep_asks_each_due_order_once_per_event_and_leaves_the_others_alone()
    {
        var sweep = cluster.Client.GetGrain<IDeadlineSweepGrain>(0);
        var due = Ticket((await RegisterAsync()).Number);
        await due.DispatchAsync("housing", [], null, Dispatcher);
        await due.SignAsync(Housing);
        var autoUrge = (await due.GetAsync()).Deadlines.AutoUrge!.Value;
        var reply = (await due.GetAsync()).Deadlines.Reply!.Value;
        await cluster.Time.AdvanceAsync(autoUrge - cluster.Time.GetUtcNow() + TimeSpan.FromSeconds(1));
        var later = Ticket((await RegisterAsync()).Number); // registered now: nothing due for days

        Assert.True(await sweep.SweepAsync() >= 1);
        await sweep.SweepAsync(); // sweeps may repeat (a reminder tick can be delivered twice)

        var urged = await due.GetAsync();
        Assert.Equal(1, urged.UrgeCount);
        Assert.Single(await due.GetHistoryAsync(), h => h.Action == "auto_urged");
        Assert.Equal(reply, NextDeadline(due));
        Assert.Equal(0, (await later.GetAsync()).UrgeCount);
        Assert.Empty(await RemindersAsync(due));
        Assert.Empty(await RemindersAsync(later));
    }

    [Fact]
    public async Task The_cluster_keeps_one_sweep_reminder_however_often_a_silo_starts_it()
    {
        var sweep = cluster.Client.GetGrain<IDeadlineSweepGrain>(0);
        await sweep.StartAsync();
        await sweep.StartAsync();

        var reminders = await RemindersAsync(sweep);
        Assert.Equal("deadline-sweep", Assert.Single(reminders).ReminderName);
        Assert.Equal(TimeSpan.FromMinutes(1), reminders[0].Period);
    }

    [Fact]
    public async Task An_order_still_holding_a_reminder_of_earlier_versions_drops_it_at_its_next_tick_and_is_swept_from_then_on()
    {
        var ticket = Ticket((await RegisterAsync()).Number);
        await ticket.DispatchAsync("housing", [], null, Dispatcher);
        var sign = (await ticket.GetAsync()).Deadlines.Sign!.Value;
        cluster.Deadlines.Stored(ticket.GetPrimaryKeyString(), null); // stored before next_due_at existed
        await ReminderTable().UpsertRow(new ReminderEntry
        {
            GrainId = ticket.GetGrainId(),
            ReminderName = "deadline",
            StartAt = DateTime.UtcNow.AddDays(1),
            Period = TimeSpan.FromMinutes(10),
        });

        await TickAsync(ticket);

        Assert.Empty(await RemindersAsync(ticket));
        Assert.Equal(sign, NextDeadline(ticket));
    }

    [Fact]
    public async Task A_closed_order_keeps_no_reminder()
    {
        var ticket = Ticket((await RegisterAsync()).Number);
        await ticket.DispatchAsync("housing", [], null, Dispatcher);
        await ticket.SignAsync(Housing);
        await ticket.ReplyAsync("已办理", Housing);
        await ticket.VisitAsync(Satisfaction.Basically, null, Visitor);
        Assert.Null(NextDeadline(ticket));
        Assert.Empty(await RemindersAsync(ticket));
    }

    /// <summary>Asks the order to handle its due deadline events, as the deadline sweep (or a reminder of earlier versions) does.</summary>
    private static Task TickAsync(ITicketGrain ticket) =>
        ticket.AsReference<IRemindable>().ReceiveReminder("deadline", new TickStatus(DateTime.UtcNow, TimeSpan.FromMinutes(10), DateTime.UtcNow));

    /// <summary>When the deadline sweep will next ask the order (what the read model's next_due_at holds); null: never.</summary>
    private DateTimeOffset? NextDeadline(ITicketGrain ticket) => cluster.Deadlines.NextDue(ticket.GetPrimaryKeyString());

    private IReminderTable ReminderTable() =>
        ((Orleans.TestingHost.InProcessSiloHandle)cluster.Cluster.Silos[0]).SiloHost.Services.GetRequiredService<IReminderTable>();

    private async Task<IList<ReminderEntry>> RemindersAsync(IAddressable grain) =>
        (await ReminderTable().ReadRows(grain.GetGrainId())).Reminders;

    private static async Task<T> Eventually<T>(Func<Task<T>> probe, Func<T, bool> condition, string what)
    {
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        T last;
        do
        {
            last = await probe();
            if (condition(last)) return last;
            await Task.Delay(10);
        }
        while (stopwatch.Elapsed < TimeSpan.FromSeconds(10));
        Assert.Fail($"Timed out waiting for {what}; last seen: {last}");
        return last;
    }
}
