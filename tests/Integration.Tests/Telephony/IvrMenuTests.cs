using Hotline.Ivr;
using Hotline.Tickets;

namespace Hotline.Tests.Telephony;

/// <summary>
/// Callers navigate the seed's voice menu on a real silo with each way a phone sends digits: RFC 4733 from sipp's
/// pcaps (payload type 101), sipp's own play_dtmf (payload type 96) and SIP INFO.
/// </summary>
[Collection(TelephonyCollection.Name)]
public sealed class IvrMenuTests(TelephonyFixture hotline)
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1.5);

    [Fact]
    public async Task Pressing_2_then_2_records_a_complaint_that_becomes_a_ticket_with_its_recording()
    {
        await using var events = await hotline.TapEventsAsync();
        var started = DateTimeOffset.UtcNow;
        var scenario = new SippScenario()
            .Pause(Settle).Dtmf("2")                                                // welcome: self-service (barge-in)
            .Pause(Settle).Dtmf("2")                                                // self-service: complaint
            .Pause(PromptLength.Sum("complaint_intro", "beep") + TimeSpan.FromSeconds(0.7))
            .Speak().Dtmf("#")                                                      // the message, ended with #
            .Pause(Settle).Dtmf("1")                                                // 1: confirm
            .HotlineHangsUp()                                                       // the number is read, then goodbye
            .ToXml("complaint");

        var result = await Sipp.RunAsync(hotline.SipTarget, scenario, timeout: TimeSpan.FromSeconds(150));

        Assert.True(result.ExitCode == 0, $"{result}\n--- silo ---\n{hotline.SiloLogTail()}");
        var callId = await hotline.SipCallSinceAsync(started);
        var number = await hotline.Db.ScalarAsync<string>(
            "SELECT number FROM tickets WHERE channel = 'ivr' AND call_id = $1", callId);
        Assert.NotNull(number);
        Assert.True(TicketNumber.IsWellFormed(number!));
        Assert.Equal("13800138000", await hotline.Db.ScalarAsync<string>("SELECT caller_phone FROM tickets WHERE number = $1", number!));
        var message = await hotline.Db.ScalarAsync<string>(
            "SELECT path FROM recordings WHERE kind = 'complaint' AND ticket_number = $1", number!);
        Assert.NotNull(message);
        var peaks = CallRecordingFile.ChannelPeaks(Path.Combine(hotline.Recordings, message!));
        Assert.True(peaks[0] > 1000, $"the complaint recording holds the caller's voice (peak {peaks[0]})");
        Assert.Equal(["welcome", "self_service", "complaint_record", "complaint_ticket", "goodbye"], events.IvrPath(callId));
    }

    [Fact]
    public async Task Pressing_2_then_3_and_keying_a_number_hears_its_status_after_a_mistyped_check_digit_is_caught()
    {
        var ticket = await hotline.Grains.GetGrain<ITicketIntakeGrain>(0).RegisterAsync(new TicketIntake
        {
            Channel = TicketChannel.Phone,
            Kind = TicketKind.Complaint,
            Category = "livelihood",
            Caller = new Caller("王先生", "13800138000"),
            Summary = "小区路灯不亮",
            Content = "幸福小区3号楼前路灯坏了一个月。",
        }, new Actor("1001", "agent", null));
        var number = ticket.Number;
        var mistyped = number[..^1] + (char)('0' + (number[^1] - '0' + 1) % 10);
        await using var events = await hotline.TapEventsAsync();
        var started = DateTimeOffset.UtcNow;
        var readBack = PromptLength.Of("query_you_entered") + number.Aggregate(TimeSpan.Zero, (t, d) => t + PromptLength.Of($"digit_{d}"));
        var scenario = new SippScenario()
            .Pause(Settle).Dtmf("2")
            .Pause(Settle).Dtmf("3")
            .Pause(Settle).Dtmf(mistyped)                                           // a wrong check digit...
            .Pause(PromptLength.Of("query_number_invalid") + Settle).Dtmf(number)   // ...is caught; the right one
            .Pause(readBack + PromptLength.Of("query_confirm") * 0.5).Dtmf("1")      // heard back: 1 confirms
            .HotlineHangsUp()                                                       // status, then goodbye
            .ToXml("query");

        var result = await Sipp.RunAsync(hotline.SipTarget, scenario, timeout: TimeSpan.FromSeconds(150));

        var callId = await hotline.SipCallSinceAsync(started);
        Assert.True(result.ExitCode == 0, $"{result}\n--- IVR path: {string.Join(" > ", events.IvrPath(callId))}\n--- silo ---\n{hotline.SiloLogTail()}");
        Assert.Equal("ivr_self_service", await hotline.Db.ScalarAsync<string>("SELECT end_reason FROM call_records WHERE call_id = $1", callId));
        Assert.Equal(["welcome", "self_service", "ticket_query", "goodbye"], events.IvrPath(callId));
    }

    [Fact]
    public async Task The_menu_follows_digits_sent_as_sip_info()
    {
        await using var events = await hotline.TapEventsAsync();
        var started = DateTimeOffset.UtcNow;
        var scenario = new SippScenario()
            .Pause(Settle).InfoDtmf("2")
            .Pause(Settle).InfoDtmf("4")                                            // automatic consultation
            .Pause(Settle).InfoDtmf("1")                                            // office hours
            .Pause(Settle)
            .ToXml("info");

        var result = await Sipp.RunAsync(hotline.SipTarget, scenario);

        Assert.True(result.ExitCode == 0, $"{result}\n--- silo ---\n{hotline.SiloLogTail()}");
        var callId = await hotline.SipCallSinceAsync(started);
        await Eventually.HoldsAsync(() => Task.FromResult(events.IvrPath(callId).Contains("info_hours")), "the caller reaches the office hours");
        Assert.Equal(["welcome", "self_service", "consult_menu", "info_hours"], events.IvrPath(callId).Take(4));
    }

    [Fact]
    public async Task The_opinion_poll_counts_a_choice_keyed_with_sipps_play_dtmf_on_payload_type_96()
    {
        var poll = hotline.Grains.GetGrain<IPollGrain>("service-satisfaction");
        var before = (await poll.GetResultsAsync()).Counts.GetValueOrDefault(1);
        var scenario = new SippScenario { TelephoneEventPayloadType = 96 }
            .Pause(Settle).PlayDtmf("2")
            .Pause(Settle).PlayDtmf("5")                                            // opinion poll
            .Pause(Settle).PlayDtmf("1")                                            // choice 1
            .HotlineHangsUp()
            .ToXml("poll");

        var result = await Sipp.RunAsync(hotline.SipTarget, scenario, timeout: TimeSpan.FromSeconds(120));

        Assert.True(result.ExitCode == 0, $"{result}\n--- silo ---\n{hotline.SiloLogTail()}");
        Assert.Equal(before + 1, (await poll.GetResultsAsync()).Counts.GetValueOrDefault(1));
    }
}
