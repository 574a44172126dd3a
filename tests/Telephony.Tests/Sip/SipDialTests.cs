using System.Net;
using System.Text;
using Hotline.Telephony.Sip;
using Microsoft.Extensions.Time.Testing;

namespace Hotline.Telephony.Tests.Sip;

/// <summary>Outbound legs (DialAsync) against a scripted UAS on loopback UDP.</summary>
public sealed class SipDialTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private SipEdge _edge = null!;
    private SipTestPeer _peer = null!;
    private Uri _target = null!;

    public async Task InitializeAsync()
    {
        _edge = new SipEdge(new SipEdgeOptions { BindAddress = IPAddress.Loopback, Port = 0, EnableTcp = false },
            new FakeMediaFactory(), new TestCallHandler(), _time, null);
        await _edge.StartAsync(CancellationToken.None);
        _peer = new SipTestPeer(_edge.LocalEndPoint);
        _target = new Uri($"sip:1001@127.0.0.1:{_peer.Port}");
    }

    public async Task DisposeAsync()
    {
        _peer.Dispose();
        await _edge.DisposeAsync();
    }

    private string Reply(SipMessage request, int status, string reason, string? toTag = "uas-tag", string? body = null)
    {
        var r = SipMessage.Response(status, reason);
        foreach (var via in request.GetAll("Via"))
        {
            r.Add("Via", via);
        }
        r.Add("From", request.From);
        r.Add("To", toTag is null || request.ToTag is not null ? request.To : request.To + ";tag=" + toTag);
        r.Add("Call-ID", request.CallId);
        r.Add("CSeq", request.Get("CSeq")!);
        if (status is > 100 and < 300)
        {
            r.Add("Contact", $"<sip:1001@127.0.0.1:{_peer.Port}>");
        }
        if (body is not null)
        {
            r.Add("Content-Type", "application/sdp");
            r.Body = Encoding.UTF8.GetBytes(SipSamples.Crlf(body));
        }
        return r.ToString();
    }

    [Fact]
    public async Task Answered_dial_sends_ack_starts_media_with_the_answer_and_hangs_up_with_bye()
    {
        var rang = 0;
        var dial = _edge.DialAsync(_target, "12345", () => Interlocked.Increment(ref rang), CancellationToken.None);
        var invite = await _peer.ReceiveAsync();
        Assert.Equal("INVITE", invite.Method);
        Assert.Contains("m=audio 40002 RTP/AVP 0 8 101", invite.BodyText);
        Assert.Contains("c=IN IP4 127.0.0.1", invite.BodyText);
        Assert.Equal("12345", SipHeaderValue.GetUser(invite.From));
        _peer.Send(Reply(invite, 100, "Trying", toTag: null));
        _peer.Send(Reply(invite, 180, "Ringing"));
        var answer = SipTestPeer.SippSdp.Replace("RTP/AVP 0 101", "RTP/AVP 8").Replace("a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000");
        _peer.Send(Reply(invite, 200, "OK", body: answer));
        var ack = await _peer.ReceiveAsync();
        Assert.Equal("ACK", ack.Method);
        Assert.Equal("uas-tag", ack.ToTag);
        Assert.Equal($"sip:1001@127.0.0.1:{_peer.Port}", ack.RequestUri);
        Assert.NotEqual(SipVia.Parse(invite.TopVia)!.Branch, SipVia.Parse(ack.TopVia)!.Branch);

        var leg = await dial.WaitAsync(TimeSpan.FromSeconds(3));
        Assert.Equal(1, rang);
        Assert.Equal(CallLegState.Established, leg.State);
        var media = (FakeLegMedia)leg.LegMedia;
        Assert.Equal(Hotline.Telephony.Media.G711Law.Alaw, media.Format!.Law);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 6000), media.Remote);

        // A retransmitted 200 is ACKed again.
        _peer.Send(Reply(invite, 200, "OK", body: answer));
        Assert.Equal("ACK", (await _peer.ReceiveAsync()).Method);

        await leg.HangupAsync();
        var bye = await _peer.ReceiveAsync();
        Assert.Equal("BYE", bye.Method);
        Assert.Equal(2, bye.CSeq.Number);
        Assert.Equal("hangup", (await leg.Ended).Reason);
    }

    [Fact]
    public async Task Busy_callee_fails_the_dial_with_its_status_and_the_failure_is_acked()
    {
        var dial = _edge.DialAsync(_target, "12345", null, CancellationToken.None);
        var invite = await _peer.ReceiveAsync();
        _peer.Send(Reply(invite, 486, "Busy Here"));
        var ack = await _peer.ReceiveAsync();
        Assert.Equal("ACK", ack.Method);
        Assert.Equal(SipVia.Parse(invite.TopVia)!.Branch, SipVia.Parse(ack.TopVia)!.Branch);
        var ex = await Assert.ThrowsAsync<SipCallFailedException>(() => dial);
        Assert.Equal(486, ex.Status);
    }

    [Fact]
    public async Task Cancelling_a_ringing_dial_sends_cancel_and_ends_on_487()
    {
        using var cts = new CancellationTokenSource();
        var dial = _edge.DialAsync(_target, "12345", cts.Cancel, cts.Token);
        var invite = await _peer.ReceiveAsync();
        _peer.Send(Reply(invite, 180, "Ringing"));
        var cancel = await _peer.ReceiveAsync();
        Assert.Equal("CANCEL", cancel.Method);
        Assert.Equal(SipVia.Parse(invite.TopVia)!.Branch, SipVia.Parse(cancel.TopVia)!.Branch);
        _peer.Send(Reply(cancel, 200, "OK"));
        _peer.Send(Reply(invite, 487, "Request Terminated"));
        Assert.Equal("ACK", (await _peer.ReceiveAsync()).Method);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dial);
    }

    [Fact]
    public async Task Unanswered_invite_is_retransmitted_by_timer_a_and_times_out_with_408_after_64_T1()
    {
        var dial = _edge.DialAsync(_target, "12345", null, CancellationToken.None);
        await _peer.ReceiveAsync();
        foreach (var step in new[] { 500, 1000, 2000, 4000, 8000, 16000 })
        {
            _time.Advance(TimeSpan.FromMilliseconds(step));
            Assert.Equal("INVITE", (await _peer.ReceiveAsync()).Method);
        }
        _time.Advance(TimeSpan.FromMilliseconds(500)); // 32 s in all: Timer B
        var ex = await Assert.ThrowsAsync<SipCallFailedException>(() => dial.WaitAsync(TimeSpan.FromSeconds(3)));
        Assert.Equal(408, ex.Status);
    }
}
