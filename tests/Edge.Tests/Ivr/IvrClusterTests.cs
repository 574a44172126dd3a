using Hotline.Calls;
using Hotline.Ivr;
using Hotline.Queues;
using Hotline.Seats;
using Hotline.Tests.Cluster;
using Hotline.Tests.Tickets;
using Hotline.Tickets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Hotline.Tests.Ivr;

/// <summary>The IVR with real grains: the call's IVR states, the versioned flow, polls, and a dialogue run on <see cref="GrainIvrServices"/>.</summary>
public sealed class IvrClusterTests(TicketCluster cluster) : ClusterTest(cluster), IClassFixture<TicketCluster>, IAsyncLifetime
{
    private const string CallerPhone = "13800138000";
    private static readonly Actor Dispatcher = new("8001", "dispatcher", null);
    private static readonly Actor Housing = new("7001", "department", "housing");

    private readonly RecordingStore _recordings = new();

    public async Task InitializeAsync()
    {
        await cluster.SeedAsync();
        await Queue("general").ConfigureAsync(new QueueConfig { Name = "general" });
        await Queue("english").ConfigureAsync(new QueueConfig { Name = "english", Language = "en" });
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private GrainIvrServices Services() => new(Client, _recordings, new ClusterTime(Time), Options.Create(new IvrOptions()),
        NullLogger<GrainIvrServices>.Instance);

    private async Task<string> NewIvrCallAsync(string? language = null, string from = CallerPhone)
    {
        var id = Cluster.NewId("sim");
        await Call(id).BeginIvrAsync(new CallStart(CallChannel.Simulated, from, "12345", language, null, 0));
        return id;
    }

    [Fact]
    public async Task A_call_handed_to_the_ivr_is_in_the_ivr_state_and_shows_its_node()
    {
        var id = await NewIvrCallAsync();

        await Call(id).SetIvrNodeAsync(3, "self_service");

        var call = await CallBecomesAsync(id, c => c.IvrNode == "self_service", "at self_service");
        Assert.Equal((CallState.Ivr, 3), (call.State, call.IvrFlowVersion));
        Assert.Equal(Time.GetUtcNow(), call.ArrivedAt);
        Assert.Null(call.QueuedAt);
    }

    [Fact]
    public async Task The_agent_choice_moves_the_call_from_the_ivr_to_the_default_queue_with_its_position()
    {
        var id = await NewIvrCallAsync();
        await Call(id).SetIvrNodeAsync(1, "to_agent");

        var queued = await Call(id).EnqueueFromIvrAsync(null, 2);

        Assert.Equal((CallState.Queued, "general", 2, (string?)null), (queued.State, queued.QueueId, queued.Priority, queued.IvrNode));
        var position = await Call(id).GetQueuePositionAsync();
        Assert.NotNull(position);
        Assert.True(position.Position >= 1);
        var retried = await Call(id).EnqueueFromIvrAsync("another-queue", 5); // a retry changes nothing
        Assert.Equal((queued.State, queued.QueueId, queued.QueuedAt, 2), (retried.State, retried.QueueId, retried.QueuedAt, retried.Priority));
    }

    [Fact]
    public async Task An_english_caller_who_chooses_an_agent_waits_in_the_english_queue()
    {
        var id = await NewIvrCallAsync(language: "en");

        var queued = await Call(id).EnqueueFromIvrAsync(null, 0);

        Assert.Equal("english", queued.QueueId);
    }

    [Fact]
    public async Task A_call_still_in_the_ivr_has_no_queue_position()
    {
        Assert.Null(await Call(await NewIvrCallAsync()).GetQueuePositionAsync());
    }

    [Fact]
    public async Task The_ivr_ends_a_call_as_self_service_or_voicemail_and_a_talking_state_is_refused()
    {
        var done = await NewIvrCallAsync();
        var message = await NewIvrCallAsync();
        var odd = await NewIvrCallAsync();

        var ended = await Call(done).EndInIvrAsync("ivr_self_service", CallState.Ended);
        var voicemail = await Call(message).EndInIvrAsync("after_hours_voicemail", CallState.Voicemail);
        var refused = await Assert.ThrowsAsync<DomainException>(() => Call(odd).EndInIvrAsync("x", CallState.Talking));

        Assert.Equal((CallState.Ended, "ivr_self_service"), (ended.State, ended.EndReason));
        Assert.Equal(Time.GetUtcNow(), ended.EndedAt);
        Assert.Equal((CallState.Voicemail, "after_hours_voicemail"), (voicemail.State, voicemail.EndReason));
        Assert.Equal("validation.failed", refused.Code);
        Assert.Equal(CallState.Ivr, (await Call(odd).GetAsync()).State);
    }

    [Fact]
    public async Task A_caller_hanging_up_in_the_ivr_ends_the_call_and_the_ivr_cannot_queue_it_afterwards()
    {
        var id = await NewIvrCallAsync();

        var hungUp = await Call(id).HangupAsync(CallParty.Caller);
        var refused = await Assert.ThrowsAsync<DomainException>(() => Call(id).EnqueueFromIvrAsync(null, 0));

        Assert.Equal((CallState.Ended, "caller_hangup_ivr"), (hungUp.State, hungUp.EndReason));
        Assert.Equal("call.invalid_transition", refused.Code);
        Assert.Equal(hungUp.State, (await Call(id).EndInIvrAsync("ivr_self_service", CallState.Ended)).State); // already over
    }

    [Fact]
    public async Task The_flow_grain_starts_with_the_default_flow_and_keeps_every_version()
    {
        var flows = Client.GetGrain<IIvrFlowGrain>(Cluster.NewId("flow"));
        var first = await flows.GetCurrentAsync();
        var edited = DefaultIvrFlow.Flow with { Name = "带英文欢迎语", Nodes = [.. DefaultIvrFlow.Flow.Nodes.Where(n => n.Id != "poll")] };
        edited = edited with { Nodes = [.. edited.Nodes.Select(n => n.Id == "self_service" ? ((MenuNode)n) with { Choices = [.. ((MenuNode)n).Choices.Where(c => c.Digit != "5")] } : n)] };

        var saved = await flows.SaveAsync(edited, "9000");

        Assert.Equal((1, IvrFlowGrain.SeedAuthor), (first.Number, first.SavedBy));
        Assert.Equal(IvrFlowJson.Write(DefaultIvrFlow.Flow), IvrFlowJson.Write(first.Flow));
        Assert.Empty(saved.Errors);
        Assert.Equal((2, "9000"), (saved.Version!.Number, saved.Version.SavedBy));
        Assert.Equal(2, (await flows.GetCurrentAsync()).Number);
        Assert.Equal(IvrFlowJson.Write(DefaultIvrFlow.Flow), IvrFlowJson.Write((await flows.GetVersionAsync(1))!.Flow));
        Assert.NotNull(first.Flow.Find("poll")); // the version a running call holds is untouched
        Assert.Null((await flows.GetVersionAsync(2))!.Flow.Find("poll"));
        Assert.Null(await flows.GetVersionAsync(3));
        var versions = await flows.GetVersionsAsync();
        Assert.Equal([(1, false), (2, true)], versions.Select(v => (v.Number, v.Current)));
    }

    [Fact]
    public async Task An_invalid_flow_is_refused_with_its_errors_and_saves_no_version()
    {
        var flows = Client.GetGrain<IIvrFlowGrain>(Cluster.NewId("flow"));
        var broken = DefaultIvrFlow.Flow with
        {
            Nodes = [.. DefaultIvrFlow.Flow.Nodes.Select(n => n is CreateTicketNode t ? t with { Category = "no-such-category" } : n)],
        };

        var result = await flows.SaveAsync(broken, "9000");

        Assert.Null(result.Version);
        Assert.Contains(result.Errors, e => e is { NodeId: "complaint_ticket", Field: "category" });
        Assert.Equal(1, (await flows.GetCurrentAsync()).Number);
        Assert.Contains("welcome", (await flows.GetPromptsAsync())["zh"]);
    }

    [Fact]
    public async Task A_poll_counts_each_calls_answer_once_and_keeps_the_count()
    {
        var poll = Client.GetGrain<IPollGrain>(Cluster.NewId("poll"));

        await poll.AnswerAsync("c1", 1);
        await poll.AnswerAsync("c2", 1);
        await poll.AnswerAsync("c3", 3);
        await poll.AnswerAsync("c3", 2); // the same call answers again: its latest choice counts
        var results = await poll.GetResultsAsync();

        Assert.Equal(3, results.Total);
        Assert.Equal(new Dictionary<int, int> { [1] = 2, [2] = 1, [3] = 0 }, results.Counts);
        await Assert.ThrowsAsync<DomainException>(() => poll.AnswerAsync("c4", 0));
    }

    [Fact]
    public async Task A_complaint_recorded_in_the_ivr_becomes_a_linked_order_with_its_recording_and_the_caller_can_query_it()
    {
        var id = await NewIvrCallAsync();
        var flow = await Client.GetGrain<IIvrFlowGrain>(IIvrFlowGrain.Centre).GetCurrentAsync();
        using var hangup = new CancellationTokenSource();
        var caller = new FakeIvrMedia(hangup).Press("2").Press("2").Speak(25).Press("1");

        var outcome = await new IvrInterpreter(PromptList.Embedded).RunAsync(flow, new IvrCallContext(id, CallerPhone, null), caller, Services(), hangup.Token);

        Assert.Equal((IvrOutcomeKind.Ended, "ivr_self_service"), (outcome.Kind, outcome.Reason));
        var number = outcome.TicketNumber!;
        var ticket = await Client.GetGrain<ITicketGrain>(number).GetAsync();
        Assert.Equal((TicketChannel.Ivr, TicketKind.Complaint, TicketStatus.Registered, id, CallerPhone),
            (ticket.Channel, ticket.Kind, ticket.Status, ticket.CallId, ticket.Caller.Phone));
        var kept = Assert.Single(_recordings.Kept);
        Assert.Equal((id, "complaint", number), (kept.CallId, kept.Kind, kept.TicketNumber));
        var call = await Call(id).GetAsync();
        Assert.Equal((CallState.Ended, "ivr_self_service", number), (call.State, call.EndReason, call.TicketNumber));

        var services = Services();
        var accepted = await services.LookUpTicketAsync(number, CallerPhone, default);
        await Client.GetGrain<ITicketGrain>(number).DispatchAsync("housing", [], null, Dispatcher);
        await Client.GetGrain<ITicketGrain>(number).SignAsync(Housing);
        var inProgress = await services.LookUpTicketAsync(number, "+86 138 0013 8000", default);
        await Client.GetGrain<ITicketGrain>(number).ReplyAsync("已责成物业整改。", Housing);
        var replied = await services.LookUpTicketAsync(number, "8613800138000", default);
        var someoneElse = await services.LookUpTicketAsync(number, "13999999999", default);

        Assert.Equal((IvrTicketProgress.Accepted, true), (accepted!.Progress, accepted.CallerIsFiler));
        Assert.Equal(IvrTicketProgress.InProgress, inProgress!.Progress);
        Assert.Equal((IvrTicketProgress.Replied, "已责成物业整改。"), (replied!.Progress, replied.Reply));
        Assert.Equal((IvrTicketProgress.Replied, false, (string?)null), (someoneElse!.Progress, someoneElse.CallerIsFiler, someoneElse.Reply));
        Assert.Null(await services.LookUpTicketAsync(TicketNumber.Format(9_999_998), CallerPhone, default));
    }

    [Fact]
    public async Task A_caller_who_chooses_an_agent_waits_in_the_queue_and_the_dialogue_ends_when_a_seat_takes_the_call()
    {
        var queue = await NewQueueAsync();
        var id = Cluster.NewId("sim");
        await Call(id).BeginIvrAsync(new CallStart(CallChannel.Simulated, CallerPhone, "12345", null, queue, 0));
        var flow = await Client.GetGrain<IIvrFlowGrain>(IIvrFlowGrain.Centre).GetCurrentAsync();
        using var hangup = new CancellationTokenSource();
        var offered = new TaskCompletionSource();
        var caller = new FakeIvrMedia(hangup).Press("1").SilenceUntil(offered.Task);

        var run = Task.Run(() => new IvrInterpreter(PromptList.Embedded).RunAsync(flow, new IvrCallContext(id, CallerPhone, null), caller, Services(), hangup.Token));
        await CallStateBecomesAsync(id, CallState.Queued);
        var seat = await NewSeatAsync(queue);
        await CallOfferedToAsync(id, seat);
        offered.SetResult(); // the next announcement is due: the call no longer waits, so the dialogue stops
        var outcome = await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal((IvrOutcomeKind.Queued, "left_queue"), (outcome.Kind, outcome.Reason));
        Assert.Single(caller.Log, "zh/queue_position_before");
        Assert.DoesNotContain("hangup", caller.Log);
    }

    [Fact]
    public async Task A_caller_who_presses_9_hears_english_and_waits_in_the_english_queue_for_english_speaking_seats()
    {
        var id = await NewIvrCallAsync();
        var flow = await Client.GetGrain<IIvrFlowGrain>(IIvrFlowGrain.Centre).GetCurrentAsync();
        using var hangup = new CancellationTokenSource();
        var offered = new TaskCompletionSource();
        var caller = new FakeIvrMedia(hangup).Press("9").Press("1").SilenceUntil(offered.Task);

        var run = Task.Run(() => new IvrInterpreter(PromptList.Embedded).RunAsync(flow, new IvrCallContext(id, CallerPhone, null), caller, Services(), hangup.Token));
        var queued = await CallStateBecomesAsync(id, CallState.Queued);
        Assert.Equal(("en", "english"), (queued.Language, queued.QueueId));
        var mandarinOnly = await NewSeatAsync("english", languages: ["zh"]);
        var ahead = (await Queue("english").GetAsync()).Waiting.Count; // other tests' English callers wait there too
        var english = new List<string>();
        for (var i = 0; i < ahead; i++) english.Add(await NewSeatAsync("english", languages: ["en"]));
        var offer = await CallBecomesAsync(id, c => c.State == CallState.Offering, "offered to a seat");
        Assert.Contains(offer.SeatJobNo, english);
        Assert.Equal(SeatState.Ready, (await Seat(mandarinOnly).GetAsync()).State);
        offered.SetResult();
        await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["zh/welcome", "zh/for_english", "en/welcome", "en/transfer_to_agent"], caller.Log.Where(l => l.Contains('/')).Take(4));
    }

    [Fact]
    public async Task A_caller_on_an_english_line_starts_in_english_and_keeps_it_unless_the_flow_changes_it()
    {
        var id = await NewIvrCallAsync(language: "en");

        var chosen = await Call(id).SetLanguageAsync("ZH");
        Assert.Equal("zh", chosen.Language);
        await Call(id).EnqueueFromIvrAsync(null, 0);
        var refused = await Assert.ThrowsAsync<DomainException>(() => Call(id).SetLanguageAsync("en"));
        Assert.Equal(("call.invalid_transition", "queued"), (refused.Code, refused.CurrentState));
    }

    [Fact]
    public async Task Service_hours_follow_the_work_calendar_on_the_test_clock()
    {
        // The cluster clock starts on Monday 23 November 2026, 09:00 Beijing time: a working day, in service hours.
        Assert.True(await Services().IsWorkingTimeAsync(default));
    }

    [Theory]
    [InlineData("13800138000", "13800138000", true)]
    [InlineData("+86 138-0013-8000", "13800138000", true)]
    [InlineData("008613800138000", "13800138000", true)]
    [InlineData("051188886666", "88886666", true)]
    [InlineData("13800138001", "13800138000", false)]
    [InlineData("", "13800138000", false)]
    [InlineData("138000", "13800138000", false)]
    public void A_caller_is_the_filer_when_the_numbers_are_the_same_phone(string caller, string filer, bool same)
    {
        Assert.Equal(same, GrainIvrServices.SamePhone(caller, filer));
    }

    private sealed class ClusterTime(TestClock clock) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => clock.GetUtcNow();
    }

    private sealed class RecordingStore : IRecordingStore
    {
        public List<(IvrRecording Recording, string CallId, string Kind, string? TicketNumber)> Kept { get; } = [];

        public Task KeepAsync(IvrRecording recording, string callId, string kind, string? ticketNumber, CancellationToken cancellationToken)
        {
            lock (Kept) Kept.Add((recording, callId, kind, ticketNumber));
            return Task.CompletedTask;
        }
    }
}
