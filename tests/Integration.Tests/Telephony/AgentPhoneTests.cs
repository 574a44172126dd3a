using Hotline.Seats;

namespace Hotline.Tests.Telephony;

/// <summary>A caller who presses 1 is queued, offered to a ready seat, rung on the agent's registered softphone
/// (baresip, or linphonec over UDP and over TCP, answering by itself), and the two hear each other.</summary>
[Collection(TelephonyCollection.Name)]
public sealed class AgentPhoneTests(TelephonyFixture hotline)
{
    [Fact]
    public async Task A_caller_who_presses_1_reaches_the_agents_phone_and_they_hear_each_other()
    {
        await using var phone = await Baresip.StartAsync("1001", hotline.SipPort);
        try
        {
            await Eventually.HoldsAsync(async () => await hotline.Grains.GetGrain<IPhoneRegistrationGrain>("1001").GetAsync() is not null,
                "the agent's phone registers");
        }
        catch (Xunit.Sdk.XunitException e)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}\n--- phone ---\n{phone.Output}\n--- silo ---\n{hotline.SiloLogTail()}");
        }
        var seat = hotline.Grains.GetGrain<ISeatGrain>("1001");
        await seat.LoginAsync(new SeatLogin(null, [new QueueSkill("general", 3)], ["zh"]));
        await seat.ReadyAsync();
        var started = DateTimeOffset.UtcNow;
        var scenario = new SippScenario()
            .Pause(TimeSpan.FromSeconds(1.5)).Dtmf("1")                             // welcome: an agent
            .Pause(PromptLength.Of("transfer_to_agent") + TimeSpan.FromSeconds(3))  // queued, offered, the phone answers
            .Speak()                                                                // caller and agent talk
            .ToXml("agent");

        var result = await Sipp.RunAsync(hotline.SipTarget, scenario, timeout: TimeSpan.FromSeconds(90));

        var callId = await hotline.SipCallSinceAsync(started);
        Assert.True(result.ExitCode == 0, $"{result}\n--- silo ---\n{hotline.SiloLogTail()}\n--- phone ---\n{phone.Output}");
        Assert.Equal("1001", await hotline.Db.ScalarAsync<string>("SELECT seat_job_no FROM call_records WHERE call_id = $1", callId));
        Assert.NotNull(await hotline.Db.ScalarAsync<DateTime?>("SELECT answered_at FROM call_records WHERE call_id = $1", callId));

        // The agent heard the caller...
        Assert.True(phone.HeardPeak() > 1000, $"the phone heard the caller (peak {phone.HeardPeak()})");
        // ...and the caller heard the agent: the recording's hotline channel carries the phone's steady tone at the end,
        // where the waiting tone would be silent four seconds out of five.
        await Eventually.HoldsAsync(async () => await hotline.Db.ScalarAsync<string>(
            "SELECT path FROM recordings WHERE call_id = $1 AND kind = 'call'", callId) is not null, "the call's recording is listed");
        var path = Path.Combine(hotline.Recordings, (await hotline.Db.ScalarAsync<string>(
            "SELECT path FROM recordings WHERE call_id = $1 AND kind = 'call'", callId))!);
        var quietest = CallRecordingFile.QuietestWindow(path, channel: 1, last: TimeSpan.FromSeconds(4), window: TimeSpan.FromMilliseconds(200));
        Assert.True(quietest > 1000, $"the agent was heard through the last four seconds (quietest 200 ms window peaked at {quietest})");
        Assert.True(CallRecordingFile.ChannelPeaks(path)[0] > 1000, "the caller's channel carries the caller");
        await seat.WrapUpDoneAsync();
        await seat.LogoutAsync(); // out of the shared queue, so no later test's caller rings this test's phone
    }

    private const int LinphoneTone = 700;

    [Theory]
    [InlineData("udp", "1002")]
    [InlineData("tcp", "1003")]
    public async Task A_caller_reaches_a_Linphone_agent_registered_over_UDP_or_TCP_and_they_hear_each_other(string transport, string jobNo)
    {
        await using var phone = await Linphone.StartAsync(jobNo, hotline.SipPort, transport, LinphoneTone);
        PhoneRegistration? registration = null;
        await Explained(Eventually.HoldsAsync(async () => (registration = await hotline.Grains.GetGrain<IPhoneRegistrationGrain>(jobNo).GetAsync()) is not null,
            "the agent's phone registers"), phone);
        Assert.Equal(transport, registration!.Transport, ignoreCase: true);
        var seat = hotline.Grains.GetGrain<ISeatGrain>(jobNo);
        await seat.LoginAsync(new SeatLogin(null, [new QueueSkill("general", 3)], ["zh"]));
        await seat.ReadyAsync();
        var started = DateTimeOffset.UtcNow;
        var scenario = new SippScenario()
            .Pause(TimeSpan.FromSeconds(1.5)).Dtmf("1")                             // welcome: an agent
            .Pause(PromptLength.Of("transfer_to_agent") + TimeSpan.FromSeconds(3))  // queued, offered, the phone answers
            .Speak()                                                                // caller and agent talk
            .ToXml("linphone-" + transport);

        var result = await Sipp.RunAsync(hotline.SipTarget, scenario, timeout: TimeSpan.FromSeconds(90));

        var callId = await hotline.SipCallSinceAsync(started);
        Assert.True(result.ExitCode == 0, $"{result}\n--- silo ---\n{hotline.SiloLogTail()}\n--- phone ---\n{phone.Output}");
        Assert.Equal(jobNo, await hotline.Db.ScalarAsync<string>("SELECT seat_job_no FROM call_records WHERE call_id = $1", callId));
        Assert.NotNull(await hotline.Db.ScalarAsync<DateTime?>("SELECT answered_at FROM call_records WHERE call_id = $1", callId));
        Assert.True(phone.HeardPeak() > 1000, $"the phone heard the caller (peak {phone.HeardPeak()})\n--- phone ---\n{phone.Output}");
        string? path = null;
        await Eventually.HoldsAsync(async () => (path = await hotline.Db.ScalarAsync<string>(
            "SELECT path FROM recordings WHERE call_id = $1 AND kind = 'call'", callId)) is not null, "the call's recording is listed");
        var heardAgent = CallRecordingFile.ToneDuration(Path.Combine(hotline.Recordings, path!), channel: 1, LinphoneTone);
        Assert.True(heardAgent > TimeSpan.FromSeconds(3), $"the caller heard the agent's voice for {heardAgent}");
        await seat.WrapUpDoneAsync();
        await seat.LogoutAsync();
    }

    private async Task Explained(Task wait, Linphone phone)
    {
        try
        {
            await wait;
        }
        catch (Xunit.Sdk.XunitException e)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}\n--- phone ---\n{phone.Output}\n--- silo ---\n{hotline.SiloLogTail()}");
        }
    }
}
