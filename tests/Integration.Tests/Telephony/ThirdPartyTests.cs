using Hotline.Calls;
using Hotline.Seats;

namespace Hotline.Tests.Telephony;

/// <summary>
/// Calls with more than two phones, and an agent holding a call, all real: agents' and the supervisor's baresip phones
/// registered with the edge, outside phones (a citizen, a department's liaison line) listening where the outbound
/// gateway points, a sipp caller. Each phone sends its own steady tone, so who heard whom is read from what each
/// phone decoded and from the call's two-channel recording.
/// </summary>
[Collection(TelephonyCollection.Name)]
public sealed class ThirdPartyTests(TelephonyFixture hotline)
{
    private const int AgentTone = 440;
    private const int OutsideTone = 880;
    private const int SupervisorTone = 660;
    private static readonly TimeSpan Heard = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan NotHeard = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task An_agent_calls_a_citizen_from_the_desk_phone_and_they_hear_each_other()
    {
        await using var phone = await RegisteredPhoneAsync("1011", AgentTone);
        await using var citizen = await Baresip.ListenAsync("13900139000", hotline.GatewayPort, OutsideTone);
        var seat = hotline.Grains.GetGrain<ISeatGrain>("1011");
        await seat.LoginAsync(new SeatLogin(null, [new QueueSkill("general", 3)], ["zh"]));
        await seat.NotReadyAsync("meeting"); // return-visit work, out of the queues

        var call = hotline.Grains.GetGrain<ICallGrain>(CallIds.New("out", TimeProvider.System));
        var dialing = await call.DialOutAsync(new OutboundCall("1011", "13900139000", "return_visit", null));
        Assert.Equal(CallState.Dialing, dialing.State);
        Assert.Equal(SeatState.Reserved, (await seat.GetAsync()).State);

        await Eventually.HoldsAsync(async () => (await call.GetAsync()).State == CallState.Talking, "the citizen answers",
            TimeSpan.FromSeconds(30)).Explained(this, phone, citizen);
        Assert.Equal(SeatState.Talking, (await seat.GetAsync()).State);
        await Eventually.HoldsAsync(() => Task.FromResult(phone.HeardTone(OutsideTone) > Heard && citizen.HeardTone(AgentTone) > Heard),
            "each hears the other for a second").Explained(this, phone, citizen);

        await seat.HangupAsync();
        await seat.WrapUpDoneAsync();

        var ended = await call.GetAsync();
        Assert.Equal(CallState.Ended, ended.State);
        Assert.True(ended.Outbound);
        Assert.Equal("return_visit", ended.Purpose);
        var after = await seat.GetAsync();
        Assert.Equal(SeatState.NotReady, after.State);
        Assert.Equal("meeting", after.Reason); // back to the return-visit work, not into the queues
        var recording = await RecordingAsync(ended.Id);
        Assert.True(CallRecordingFile.ToneDuration(recording, channel: 0, OutsideTone) > Heard, "the recording's citizen channel carries the citizen");
        Assert.True(CallRecordingFile.ToneDuration(recording, channel: 1, AgentTone) > Heard, "the recording's hotline channel carries the agent");
        await seat.LogoutAsync();
    }

    [Fact]
    public async Task A_citizen_who_does_not_answer_fails_the_call_and_frees_the_seat()
    {
        await using var phone = await RegisteredPhoneAsync("1012", AgentTone);
        // Nobody listens at the gateway: the INVITE goes unanswered until the dial gives up.
        var seat = hotline.Grains.GetGrain<ISeatGrain>("1012");
        await seat.LoginAsync(new SeatLogin(null, [new QueueSkill("general", 3)], ["zh"]));
        await seat.NotReadyAsync("meeting");

        var call = hotline.Grains.GetGrain<ICallGrain>(CallIds.New("out", TimeProvider.System));
        await call.DialOutAsync(new OutboundCall("1012", "13900139001", "callback", null));

        await Eventually.HoldsAsync(async () => (await call.GetAsync()).State == CallState.Failed, "the dial gives up",
            TimeSpan.FromSeconds(60)).Explained(this, phone);
        var failed = await call.GetAsync();
        Assert.Contains(failed.EndReason, new[] { "no_answer", "unreachable" });
        // The call is recorded failed first, then lets its seat go.
        await Eventually.HoldsAsync(async () => (await seat.GetAsync()).State == SeatState.NotReady, "the seat is back to not ready");
        await seat.LogoutAsync();
    }

    [Fact]
    public async Task A_three_way_call_brings_a_department_in_and_everyone_hears_everyone()
    {
        await using var phone = await RegisteredPhoneAsync("1013", AgentTone);
        await using var department = await Baresip.ListenAsync("20000001", hotline.GatewayPort, OutsideTone); // 住建局's liaison line
        var (seat, caller) = await CallerTalkingToAsync("1013");

        var callId = (await seat.GetAsync()).CallId!;
        var call = hotline.Grains.GetGrain<ICallGrain>(callId);
        var dialing = await call.AddPartyAsync("1013", ParticipantRole.Conference, new TransferTarget(TransferTargetKind.Department, "housing", false));
        Assert.Equal("住建局", dialing.Participant!.Target.Label);
        await Eventually.HoldsAsync(async () => (await call.GetAsync()).Participant is { Connected: true }, "the department answers")
            .Explained(this, phone, department);
        await Eventually.HoldsAsync(() => Task.FromResult(department.HeardTone(AgentTone) > Heard && phone.HeardTone(OutsideTone) > Heard),
            "the department and the agent hear each other").Explained(this, phone, department);

        await call.DropPartyAsync("1013");
        Assert.Null((await call.GetAsync()).Participant);
        await seat.HangupAsync();
        var result = await caller;

        Assert.True(result.ExitCode == 0, $"{result}\n--- silo ---\n{hotline.SiloLogTail()}");
        var recording = await RecordingAsync(callId);
        Assert.True(CallRecordingFile.ToneDuration(recording, channel: 1, OutsideTone) > Heard, "the caller heard the department");
        Assert.True(CallRecordingFile.ToneDuration(recording, channel: 1, AgentTone) > Heard, "the caller heard the agent");
        await seat.WrapUpDoneAsync();
        await seat.LogoutAsync(); // out of the shared queue, so no later test's caller rings this test's phone
    }

    [Fact]
    public async Task A_supervisor_monitors_unheard_then_whispers_to_the_agent_alone()
    {
        await using var phone = await RegisteredPhoneAsync("1014", AgentTone);
        await using var supervisorPhone = await RegisteredPhoneAsync("9001", SupervisorTone);
        var (seat, caller) = await CallerTalkingToAsync("1014");
        var callId = (await seat.GetAsync()).CallId!;
        var call = hotline.Grains.GetGrain<ICallGrain>(callId);

        await call.SuperviseAsync("9001", ParticipantRole.Monitor);
        await Eventually.HoldsAsync(() => Task.FromResult(supervisorPhone.HeardTone(AgentTone) > Heard), "the supervisor hears the agent")
            .Explained(this, phone, supervisorPhone);
        Assert.True(phone.HeardTone(SupervisorTone) < NotHeard, $"the agent did not hear the monitoring supervisor ({phone.HeardTone(SupervisorTone)})");

        await call.SuperviseAsync("9001", ParticipantRole.Whisper);
        Assert.Equal(ParticipantRole.Whisper, (await call.GetAsync()).Participant!.Role);
        await Eventually.HoldsAsync(() => Task.FromResult(phone.HeardTone(SupervisorTone) > Heard), "the agent hears the whisper")
            .Explained(this, phone, supervisorPhone);

        await seat.HangupAsync();
        var result = await caller;
        Assert.True(result.ExitCode == 0, $"{result}\n--- silo ---\n{hotline.SiloLogTail()}");
        var recording = await RecordingAsync(callId);
        var callerHeardSupervisor = CallRecordingFile.ToneDuration(recording, channel: 1, SupervisorTone);
        Assert.True(callerHeardSupervisor < NotHeard, $"the caller never heard the supervisor ({callerHeardSupervisor})");
        Assert.True(CallRecordingFile.ToneDuration(recording, channel: 1, AgentTone) > Heard, "the caller heard the agent");
        await seat.WrapUpDoneAsync();
        await seat.LogoutAsync(); // out of the shared queue, so no later test's caller rings this test's phone
    }

    [Fact]
    public async Task A_blind_transfer_to_a_department_connects_the_caller_to_it_and_frees_the_agent()
    {
        await using var phone = await RegisteredPhoneAsync("1015", AgentTone);
        await using var department = await Baresip.ListenAsync("20000003", hotline.GatewayPort, OutsideTone); // 教育局
        // This caller hangs up by itself, after talking to the department for a while.
        var (seat, caller) = await CallerTalkingToAsync("1015", hangsUpAfter: TimeSpan.FromSeconds(25));
        var callId = (await seat.GetAsync()).CallId!;
        var call = hotline.Grains.GetGrain<ICallGrain>(callId);

        await seat.TransferAsync(new TransferTarget(TransferTargetKind.Department, "education", Attended: false));
        Assert.Equal(SeatState.Wrapup, (await seat.GetAsync()).State); // free at once, as with any blind transfer

        await Eventually.HoldsAsync(async () => (await call.GetAsync()) is { State: CallState.Ended, EndReason: "transferred_out" },
            "the department answers and the hotline's part is over").Explained(this, phone, department);
        // The caller and the department stay connected through the edge until the caller hangs up.
        var result = await caller;
        Assert.True(result.ExitCode == 0, $"{result}\n--- silo ---\n{hotline.SiloLogTail()}");
        var recording = await RecordingAsync(callId);
        Assert.True(CallRecordingFile.ToneDuration(recording, channel: 1, OutsideTone) > Heard, "the caller heard the department");
        Assert.True(department.HeardTone(AgentTone) < NotHeard, "the agent had left before the department answered");
        await seat.WrapUpDoneAsync();
        await seat.LogoutAsync(); // out of the shared queue, so no later test's caller rings this test's phone
    }

    [Fact]
    public async Task An_attended_transfer_consults_a_colleague_then_hands_the_caller_to_their_phone()
    {
        const int ColleagueTone = 550;
        await using var phone = await RegisteredPhoneAsync("1017", AgentTone);
        await using var colleaguePhone = await RegisteredPhoneAsync("1018", ColleagueTone);
        await hotline.Grains.GetGrain<Queues.IQueueGrain>("transfer-desk").ConfigureAsync(new Queues.QueueConfig { Name = "转接台" });
        var colleague = hotline.Grains.GetGrain<ISeatGrain>("1018");
        await colleague.LoginAsync(new SeatLogin(null, [new QueueSkill("transfer-desk", 3)], ["zh"])); // a queue no caller reaches
        await colleague.ReadyAsync();
        var (seat, caller) = await CallerTalkingToAsync("1017");
        var callId = (await seat.GetAsync()).CallId!;
        var call = hotline.Grains.GetGrain<ICallGrain>(callId);

        await seat.TransferAsync(new TransferTarget(TransferTargetKind.Seat, "1018", Attended: true));
        await Eventually.HoldsAsync(async () => (await call.GetAsync()).Participant is { Role: ParticipantRole.Consultation, Connected: true },
            "the colleague's phone answers the consultation").Explained(this, phone, colleaguePhone);
        await Eventually.HoldsAsync(() => Task.FromResult(phone.HeardTone(ColleagueTone) > Heard && colleaguePhone.HeardTone(AgentTone) > Heard),
            "the agent and the colleague talk").Explained(this, phone, colleaguePhone);

        var handedOver = await call.CompleteTransferAsync("1017");
        Assert.Equal("1018", handedOver.SeatJobNo);
        Assert.Equal(SeatState.Talking, (await colleague.GetAsync()).State);
        Assert.Equal(SeatState.Wrapup, (await seat.GetAsync()).State);
        var before = CallRecordingFile.ToneDuration(await LiveRecordingAsync(callId), channel: 1, ColleagueTone);
        await Eventually.HoldsAsync(async () => CallRecordingFile.ToneDuration(await LiveRecordingAsync(callId), channel: 1, ColleagueTone) > before + Heard,
            "the caller hears the colleague").Explained(this, phone, colleaguePhone);

        await colleague.HangupAsync();
        var result = await caller;
        Assert.True(result.ExitCode == 0, $"{result}\n--- silo ---\n{hotline.SiloLogTail()}");
        Assert.Equal(CallState.Wrapup, (await call.GetAsync()).State);
        await colleague.WrapUpDoneAsync();
        await colleague.LogoutAsync();
        await seat.WrapUpDoneAsync();
        await seat.LogoutAsync();
    }

    [Fact]
    public async Task A_caller_who_asks_for_a_callback_is_called_back_when_an_agent_takes_the_task()
    {
        await using var phone = await RegisteredPhoneAsync("1019", AgentTone);
        // The sipp caller's number: the callback reaches it through the gateway.
        await using var citizen = await Baresip.ListenAsync("13800138000", hotline.GatewayPort, OutsideTone);
        var started = DateTimeOffset.UtcNow;
        var scenario = new SippScenario()
            .Pause(TimeSpan.FromSeconds(1.5)).Dtmf("1")               // an agent, please; nobody is ready
            .Pause(PromptLength.Of("transfer_to_agent") + TimeSpan.FromSeconds(1)).Dtmf("*") // call me back instead
            .HotlineHangsUp()                                          // after "we will call you back"
            .ToXml("callback");

        var result = await Sipp.RunAsync(hotline.SipTarget, scenario, timeout: TimeSpan.FromSeconds(90));

        Assert.True(result.ExitCode == 0, $"{result}\n--- silo ---\n{hotline.SiloLogTail()}");
        var callId = await hotline.SipCallSinceAsync(started);
        var call = hotline.Grains.GetGrain<ICallGrain>(callId);
        Assert.Equal(CallState.CallbackWaiting, (await call.GetAsync()).State);

        var seat = hotline.Grains.GetGrain<ISeatGrain>("1019");
        await seat.LoginAsync(new SeatLogin(null, [new QueueSkill("general", 3)], ["zh"]));
        await seat.ReadyAsync();
        await Eventually.HoldsAsync(async () => (await seat.GetAsync()).CallId == callId, "the task is offered").Explained(this, phone, citizen);
        await seat.AnswerAsync();
        await Eventually.HoldsAsync(async () => (await call.GetAsync()).State == CallState.Talking, "the citizen answers the callback",
            TimeSpan.FromSeconds(30)).Explained(this, phone, citizen);
        await Eventually.HoldsAsync(() => Task.FromResult(phone.HeardTone(OutsideTone) > Heard && citizen.HeardTone(AgentTone) > Heard),
            "the agent and the citizen hear each other").Explained(this, phone, citizen);

        var talking = await call.GetAsync();
        Assert.True(talking.IsCallback);
        Assert.Equal("callback", talking.Purpose);
        await seat.HangupAsync();
        await seat.WrapUpDoneAsync();
        await seat.LogoutAsync();
        Assert.Equal(CallState.Ended, (await call.GetAsync()).State);
    }

    [Fact]
    public async Task The_agents_phone_transfers_the_call_to_a_colleagues_seat_with_its_own_transfer_key()
    {
        const int ColleagueTone = 550;
        await using var phone = await RegisteredPhoneAsync("1020", AgentTone);
        await using var colleaguePhone = await RegisteredPhoneAsync("1021", ColleagueTone);
        await hotline.Grains.GetGrain<Queues.IQueueGrain>("transfer-desk").ConfigureAsync(new Queues.QueueConfig { Name = "转接台" });
        var colleague = hotline.Grains.GetGrain<ISeatGrain>("1021");
        await colleague.LoginAsync(new SeatLogin(null, [new QueueSkill("transfer-desk", 3)], ["zh"]));
        await colleague.ReadyAsync();
        var (seat, caller) = await CallerTalkingToAsync("1020");
        var callId = (await seat.GetAsync()).CallId!;

        // The phone sends REFER to the edge; the edge asks the call grain for a blind transfer to seat 1021.
        await phone.CommandAsync("transfer", $"sip:1021@127.0.0.1:{hotline.SipPort}");

        await Eventually.HoldsAsync(async () => (await colleague.GetAsync()).State == SeatState.Talking, "the colleague's phone takes the call")
            .Explained(this, phone, colleaguePhone);
        Assert.Equal("1021", (await hotline.Grains.GetGrain<ICallGrain>(callId).GetAsync()).SeatJobNo);
        Assert.NotEqual(SeatState.Talking, (await seat.GetAsync()).State);
        await Eventually.HoldsAsync(async () => CallRecordingFile.ToneDuration(await LiveRecordingAsync(callId), channel: 1, ColleagueTone) > Heard,
            "the caller hears the colleague").Explained(this, phone, colleaguePhone);

        await colleague.HangupAsync();
        var result = await caller;
        Assert.True(result.ExitCode == 0, $"{result}\n--- silo ---\n{hotline.SiloLogTail()}");
        await colleague.WrapUpDoneAsync();
        await colleague.LogoutAsync();
        if ((await seat.GetAsync()).State == SeatState.Wrapup) await seat.WrapUpDoneAsync();
        await seat.LogoutAsync();
    }

    /// <summary>The hold music with no <c>waiting_music</c> prompt installed: the ringback cadence, 425 Hz one second in five.</summary>
    private const int HoldMusicTone = 425;
    private const int HoldingAgentTone = 1000; // far from 425 Hz, so a 50 ms window tells them apart

    [Fact]
    public async Task An_agent_holds_the_caller_hears_the_hold_music_and_after_resuming_hears_the_agent_again()
    {
        await using var phone = await RegisteredPhoneAsync("1022", HoldingAgentTone);
        var (seat, caller) = await CallerTalkingToAsync("1022");
        var callId = (await seat.GetAsync()).CallId!;
        var live = await LiveRecordingAsync(callId);
        await Eventually.HoldsAsync(() => Task.FromResult(CallRecordingFile.ToneDuration(live, channel: 1, HoldingAgentTone) > Heard),
            "the caller hears the agent").Explained(this, phone);

        await seat.HoldAsync(true);
        Assert.True((await hotline.Grains.GetGrain<ICallGrain>(callId).GetAsync()).OnHold);
        // Two bursts of the cadence: the music loops for as long as the hold lasts.
        await Eventually.HoldsAsync(() => Task.FromResult(Segments(live).Count(t => t == HoldMusicTone) >= 2),
            "the caller hears the hold music twice", TimeSpan.FromSeconds(20)).Explained(this, phone);
        await seat.HoldAsync(false);
        await Eventually.HoldsAsync(() => Task.FromResult(Segments(live).SkipWhile(t => t != HoldMusicTone).Contains(HoldingAgentTone)),
            "the caller hears the agent again after the music").Explained(this, phone);

        await seat.HangupAsync();
        var result = await caller;
        Assert.True(result.ExitCode == 0, $"{result}\n--- silo ---\n{hotline.SiloLogTail()}");
        // What the caller heard, in order: the agent, then only music (and its pauses) while held, then the agent again.
        var heard = Segments(await RecordingAsync(callId));
        int firstMusic = heard.IndexOf(HoldMusicTone), lastMusic = heard.LastIndexOf(HoldMusicTone);
        Assert.True(heard.IndexOf(HoldingAgentTone) is >= 0 and var agent && agent < firstMusic, $"agent before music: {string.Join(",", heard)}");
        Assert.DoesNotContain(HoldingAgentTone, heard.GetRange(firstMusic, lastMusic - firstMusic + 1));
        Assert.Contains(HoldingAgentTone, heard.Skip(lastMusic));
        await seat.WrapUpDoneAsync();
        await seat.LogoutAsync(); // out of the shared queue, so no later test's caller rings this test's phone
    }

    /// <summary>What the caller's channel carried, one entry per stretch of the agent's voice or the hold music (at
    /// least 200 ms, so a window at a switch-over does not count as hearing; a pause between two bursts of music splits them).</summary>
    private static List<int> Segments(string recording)
    {
        var segments = new List<int>();
        var timeline = CallRecordingFile.ToneTimeline(recording, channel: 1, HoldingAgentTone, HoldMusicTone);
        for (var start = 0; start < timeline.Length;)
        {
            var end = start;
            while (end < timeline.Length && timeline[end] == timeline[start]) end++;
            if (timeline[start] != 0 && end - start >= 4) segments.Add(timeline[start]);
            start = end;
        }
        return segments;
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private async Task<Baresip> RegisteredPhoneAsync(string jobNo, int toneHz)
    {
        var phone = await Baresip.StartAsync(jobNo, hotline.SipPort, toneHz);
        await Eventually.HoldsAsync(async () => await hotline.Grains.GetGrain<IPhoneRegistrationGrain>(jobNo).GetAsync() is not null,
            $"the phone of {jobNo} registers").Explained(this, phone);
        return phone;
    }

    /// <summary>A sipp caller presses 1 and is answered by the seat's auto-answering phone; sipp waits for the hotline's
    /// BYE, or hangs up itself after <paramref name="hangsUpAfter"/>.</summary>
    private async Task<(ISeatGrain Seat, Task<SippResult> Caller)> CallerTalkingToAsync(string jobNo, TimeSpan? hangsUpAfter = null)
    {
        var seat = hotline.Grains.GetGrain<ISeatGrain>(jobNo);
        await seat.LoginAsync(new SeatLogin(null, [new QueueSkill("general", 3)], ["zh"]));
        await seat.ReadyAsync();
        var steps = new SippScenario().Pause(TimeSpan.FromSeconds(1.5)).Dtmf("1");
        var scenario = (hangsUpAfter is { } after ? steps.Pause(after) : steps.HotlineHangsUp()).ToXml("third-party");
        var caller = Sipp.RunAsync(hotline.SipTarget, scenario, timeout: TimeSpan.FromSeconds(120));
        await Eventually.HoldsAsync(async () => (await seat.GetAsync()).State == SeatState.Talking, $"the caller reaches {jobNo}",
            TimeSpan.FromSeconds(45)).Explained(this);
        return (seat, caller);
    }

    /// <summary>The whole-call recording of a call still in progress (the file grows while the call lasts).</summary>
    private async Task<string> LiveRecordingAsync(string callId)
    {
        string? file = null;
        await Eventually.HoldsAsync(() => Task.FromResult((file = Directory.EnumerateFiles(hotline.Recordings, $"*{callId}*call*.wav", SearchOption.AllDirectories)
            .FirstOrDefault()) is not null), "the call's recording file exists");
        return file!;
    }

    private async Task<string> RecordingAsync(string callId)
    {
        string? path = null;
        await Eventually.HoldsAsync(async () => (path = await hotline.Db.ScalarAsync<string>(
            "SELECT path FROM recordings WHERE call_id = $1 AND kind = 'call'", callId)) is not null, "the call's recording is listed");
        return Path.Combine(hotline.Recordings, path!);
    }

    internal string Explain(params Baresip[] phones) =>
        string.Join("", phones.Select((p, i) => $"\n--- phone {i + 1} ---\n{p.Output}")) + $"\n--- silo ---\n{hotline.SiloLogTail()}";
}

internal static class ExplainedWaits
{
    /// <summary>A wait that, when it times out, says what the phones and the silo were doing.</summary>
    public static async Task Explained(this Task wait, ThirdPartyTests test, params Baresip[] phones)
    {
        try
        {
            await wait;
        }
        catch (Xunit.Sdk.XunitException e)
        {
            throw new Xunit.Sdk.XunitException(e.Message + test.Explain(phones));
        }
    }
}
