using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using Hotline.Telephony.Media;
using Hotline.Telephony.Sip;

namespace Hotline.Telephony.Tests.EndToEnd;

/// <summary>Answers by the dialled user: "ring" only rings, anything else rings and answers; digits of every
/// call go to <see cref="Digits"/>.</summary>
internal sealed class EndToEndHandler : ISipCallHandler
{
    public Channel<(string CallId, char Digit)> Digits { get; } = Channel.CreateUnbounded<(string, char)>();
    public ConcurrentQueue<CallLeg> Legs { get; } = new();

    public async Task OnIncomingCallAsync(CallLeg leg)
    {
        Legs.Enqueue(leg);
        leg.Media.Digit += d => Digits.Writer.TryWrite((leg.CallId, d));
        await leg.RingAsync();
        if (leg.ToUser != "ring")
        {
            await leg.AnswerAsync();
        }
    }

    public Task<SipRegistrationResult> OnRegisterAsync(SipRegistration registration) =>
        Task.FromResult(SipRegistrationResult.Ok(registration.Expires));
}

/// <summary>Real sipp against an in-process edge with the real media engine, on 127.0.0.1. One class, so the
/// runs do not compete with each other for the two cores.</summary>
public sealed class SippEndToEndTests : IAsyncLifetime
{
    private readonly EndToEndHandler _handler = new();
    private MediaEngine _media = null!;
    private SipEdge _edge = null!;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Sipp.Path), "sipp is not installed (apt-get install sip-tester)");
        _media = new MediaEngine(new MediaEngineOptions { BindAddress = IPAddress.Loopback, PortMin = 36000, PortMax = 37999 });
        _edge = new SipEdge(new SipEdgeOptions { BindAddress = IPAddress.Loopback, Port = 0 }, _media, _handler);
        await _edge.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _edge.DisposeAsync();
        await _media.DisposeAsync();
    }

    private static void AssertAllSucceeded(SippResult r, int calls)
    {
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.True(r.FailedCalls == 0, r.ToString());
        Assert.True(r.SuccessfulCalls == calls, r.ToString());
    }

    [Fact]
    public async Task Sipp_builtin_uac_call_is_answered_and_ended_by_its_bye()
    {
        var r = await Sipp.RunAsync(_edge.LocalEndPoint, "uac", "service", 3, 10, TimeSpan.FromSeconds(15), "-d", "200");
        AssertAllSucceeded(r, 3);
        Assert.Equal(3, _edge.GetStats().CallsAnswered);
        foreach (var leg in _handler.Legs)
        {
            Assert.Equal("bye", (await leg.Ended.WaitAsync(TimeSpan.FromSeconds(5))).Reason);
        }
    }

    [Fact]
    public async Task Sipp_over_tcp_gets_its_responses_on_the_same_connection()
    {
        var r = await Sipp.RunAsync(_edge.LocalEndPoint, "uac", "service", 3, 10, TimeSpan.FromSeconds(15), "-t", "t1", "-d", "200");
        AssertAllSucceeded(r, 3);
    }

    [Fact]
    public async Task Sipp_cancel_before_answer_gets_200_and_487_and_the_leg_ends_cancelled()
    {
        var r = await Sipp.RunAsync(_edge.LocalEndPoint, SippScenarios.Cancel, "ring", 1, 1, TimeSpan.FromSeconds(10));
        AssertAllSucceeded(r, 1);
        Assert.True(_handler.Legs.TryDequeue(out var leg));
        Assert.Equal("cancelled", (await leg.Ended.WaitAsync(TimeSpan.FromSeconds(5))).Reason);
    }

    [Fact]
    public async Task Sipp_that_loses_the_first_ack_gets_the_2xx_again_and_the_call_completes()
    {
        var r = await Sipp.RunAsync(_edge.LocalEndPoint, SippScenarios.LostAck, "service", 1, 1, TimeSpan.FromSeconds(10));
        AssertAllSucceeded(r, 1);
        // At least one 2xx sent again (Timer G); how many before sipp's late ACK lands depends on the machine's load.
        Assert.InRange(_edge.GetStats().Retransmissions, 1, 6);
    }

    [Fact]
    public async Task Sipp_options_probe_gets_200()
    {
        var r = await Sipp.RunAsync(_edge.LocalEndPoint, SippScenarios.Options, "service", 1, 1, TimeSpan.FromSeconds(10));
        AssertAllSucceeded(r, 1);
    }

    [Fact]
    public async Task Malformed_request_gets_400_and_the_edge_still_serves_the_next_call()
    {
        var bad = await Sipp.RunAsync(_edge.LocalEndPoint, SippScenarios.Malformed, "service", 1, 1, TimeSpan.FromSeconds(10));
        AssertAllSucceeded(bad, 1);
        Assert.Equal(1, _edge.GetStats().BadRequestsAnswered);
        var good = await Sipp.RunAsync(_edge.LocalEndPoint, "uac", "service", 1, 1, TimeSpan.FromSeconds(10));
        AssertAllSucceeded(good, 1);
    }

    [Fact]
    public async Task Sipp_info_dtmf_reaches_the_media_streams_digit_event()
    {
        var r = await Sipp.RunAsync(_edge.LocalEndPoint, SippScenarios.InfoDtmf, "service", 1, 1, TimeSpan.FromSeconds(10));
        AssertAllSucceeded(r, 1);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        var (_, digit) = await _handler.Digits.Reader.ReadAsync(cts.Token);
        Assert.Equal('5', digit);
    }

    [RootFact]
    public async Task Sipp_rfc4733_dtmf_from_its_pcap_reaches_the_media_streams_digit_event()
    {
        var r = await Sipp.RunAsync(_edge.LocalEndPoint, SippScenarios.Rfc4733Dtmf, "service", 1, 1, TimeSpan.FromSeconds(10));
        AssertAllSucceeded(r, 1);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        var (_, digit) = await _handler.Digits.Reader.ReadAsync(cts.Token);
        Assert.Equal('1', digit);
    }

    [Fact]
    public async Task Two_hundred_sipp_calls_at_twenty_per_second_all_succeed()
    {
        var r = await Sipp.RunAsync(_edge.LocalEndPoint, "uac", "service", 200, 20, TimeSpan.FromSeconds(30), "-d", "300");
        AssertAllSucceeded(r, 200);
        var stats = _edge.GetStats();
        Assert.Equal(200, stats.CallsAnswered);
        Assert.Equal(0, stats.CallsFailed);
    }
}
