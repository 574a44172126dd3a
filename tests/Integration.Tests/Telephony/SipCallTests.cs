using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Hotline.Tests.Telephony;

/// <summary>Real SIP callers (sipp) against a real silo's edge: calls, the corner cases peers rely on, and load.</summary>
[Collection(TelephonyCollection.Name)]
public sealed class SipCallTests(TelephonyFixture hotline)
{
    [Fact]
    public async Task A_caller_is_answered_with_the_welcome_and_the_whole_call_is_recorded()
    {
        var scenario = new SippScenario().Pause(TimeSpan.FromSeconds(3)).ToXml("welcome");
        var started = DateTimeOffset.UtcNow;

        var result = await Sipp.RunAsync(hotline.SipTarget, scenario);

        Assert.True(result.ExitCode == 0, result.ToString());
        var callId = await hotline.SipCallSinceAsync(started);
        try
        {
            await Eventually.HoldsAsync(async () => await hotline.Db.ScalarAsync<string>(
                "SELECT state FROM call_records WHERE call_id = $1", callId) == "ended", "the call is recorded as ended");
        }
        catch (Xunit.Sdk.XunitException e)
        {
            var state = await hotline.Db.ScalarAsync<string>("SELECT state || ' (' || coalesce(end_reason, '') || ')' FROM call_records WHERE call_id = $1", callId);
            throw new Xunit.Sdk.XunitException($"{e.Message} Call {callId} is {state}.\n--- silo ---\n{hotline.SiloLogTail()}");
        }
        await Eventually.HoldsAsync(async () => await hotline.Db.ScalarAsync<string>(
            "SELECT path FROM recordings WHERE call_id = $1 AND kind = 'call'", callId) is not null, "the call's recording is listed");
        var path = await hotline.Db.ScalarAsync<string>("SELECT path FROM recordings WHERE call_id = $1 AND kind = 'call'", callId);
        var peaks = CallRecordingFile.ChannelPeaks(Path.Combine(hotline.Recordings, path!));
        Assert.Equal(2, peaks.Length);
        Assert.True(peaks[1] > 1000, $"the welcome is on the hotline's channel (peak {peaks[1]})");
    }

    [Fact]
    public async Task An_options_probe_is_answered_200()
    {
        var result = await Sipp.RunAsync(hotline.SipTarget, SippRawScenarios.OptionsProbe);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task A_caller_who_hangs_up_while_it_rings_gets_487_and_no_call_is_started()
    {
        var result = await Sipp.RunAsync(hotline.SipTarget, SippRawScenarios.CancelWhileRinging);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task A_lost_ack_is_answered_by_the_200_sent_again()
    {
        var before = await SipCounterAsync("retransmissions");

        var result = await Sipp.RunAsync(hotline.SipTarget, SippRawScenarios.LostAck, timeout: TimeSpan.FromSeconds(30));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(await SipCounterAsync("retransmissions") >= before + 2, "the 200 was sent again until the ACK came");
    }

    [Fact]
    public async Task A_malformed_message_is_answered_or_dropped_and_counted_and_the_next_call_is_served()
    {
        var before = await MalformedCountAsync();
        using (var udp = new UdpClient())
        {
            var garbage = Encoding.ASCII.GetBytes("INVITE sip:12345@127.0.0.1 SIP/2.0\r\nVia: nonsense\r\nContent-Length: 99999\r\n\r\nx");
            await udp.SendAsync(garbage, garbage.Length, "127.0.0.1", hotline.SipPort);
            var junk = new byte[] { 0xde, 0xad, 0xbe, 0xef, 0x00, 0x01 };
            await udp.SendAsync(junk, junk.Length, "127.0.0.1", hotline.SipPort);
        }
        await Eventually.HoldsAsync(async () => await MalformedCountAsync() >= before + 2, "both messages are counted");

        var result = await Sipp.RunAsync(hotline.SipTarget, new SippScenario().Pause(TimeSpan.FromSeconds(1)).ToXml("after-garbage"));
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task Two_hundred_calls_at_twenty_a_second_all_succeed()
    {
        var scenario = new SippScenario().Pause(TimeSpan.FromSeconds(2)).ToXml("load");

        var result = await Sipp.RunAsync(hotline.SipTarget, scenario, calls: 200, ratePerSecond: 20, timeout: TimeSpan.FromSeconds(120));

        Assert.True(result.ExitCode == 0 && result.FailedCalls == 0, result.ToString());
        Assert.Equal(200, result.SuccessfulCalls);
    }

    private async Task<long> MalformedCountAsync() =>
        await SipCounterAsync("malformedDropped") + await SipCounterAsync("badRequestsAnswered");

    /// <summary>A counter of the silo's SIP edge, from <c>/telephony/stats</c>.</summary>
    private async Task<long> SipCounterAsync(string name)
    {
        using var http = new HttpClient();
        using var stats = JsonDocument.Parse(await http.GetStringAsync($"{hotline.Silo.Url}/telephony/stats"));
        return stats.RootElement.GetProperty("sip").GetProperty(name).GetInt64();
    }
}
