using System.Net;
using System.Text;
using Hotline.Telephony.Sip;
using Microsoft.Extensions.Time.Testing;

namespace Hotline.Telephony.Tests.Sip;

/// <summary>Transactions and dialogs of a real edge on loopback UDP, with fake time driving every SIP timer.</summary>
public sealed class SipEdgeTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private readonly TestCallHandler _handler = new();
    private SipEdge _edge = null!;
    private SipTestPeer _peer = null!;

    public async Task InitializeAsync()
    {
        var options = new SipEdgeOptions { BindAddress = IPAddress.Loopback, Port = 0, EnableTcp = false };
        _edge = new SipEdge(options, new FakeMediaFactory(), _handler, _time, null);
        await _edge.StartAsync(CancellationToken.None);
        _peer = new SipTestPeer(_edge.LocalEndPoint);
    }

    public async Task DisposeAsync()
    {
        _peer.Dispose();
        await _edge.DisposeAsync();
    }

    /// <summary>Sends and waits until the edge's receive loop has taken the message (handling is synchronous there).</summary>
    private async Task SendAndWaitHandledAsync(string message)
    {
        var before = _edge.GetStats().MessagesReceived;
        _peer.Send(message);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (_edge.GetStats().MessagesReceived == before)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(3), "the edge never received the message");
            await Task.Delay(5);
        }
    }

    private static bool Is(SipMessage m, int status) => !m.IsRequest && m.StatusCode == status;

    /// <summary>INVITE → 100, leg handed to the handler, answered: returns the leg and the 200.</summary>
    private async Task<(CallLeg Leg, SipMessage Ok)> AnsweredCallAsync(string callId, string branch = "z9hG4bK-inv-1")
    {
        _peer.Send(_peer.Invite(callId, branch));
        var trying = await _peer.ReceiveAsync();
        Assert.Equal(100, trying.StatusCode);
        var leg = await _handler.NextLegAsync();
        await leg.AnswerAsync();
        var ok = await _peer.ReceiveAsync(m => Is(m, 200));
        return (leg, ok);
    }

    [Fact]
    public async Task Invite_gets_100_trying_at_once_and_a_retransmitted_invite_gets_the_last_response_again()
    {
        _peer.Send(_peer.Invite("c1", "z9hG4bK-a"));
        Assert.Equal(100, (await _peer.ReceiveAsync()).StatusCode);
        var leg = await _handler.NextLegAsync();
        Assert.Equal("13800138000", leg.FromUser);
        Assert.Equal("service", leg.ToUser);
        await leg.RingAsync();
        var ringing = await _peer.ReceiveAsync();
        Assert.Equal(180, ringing.StatusCode);
        Assert.NotNull(ringing.ToTag);

        _peer.Send(_peer.Invite("c1", "z9hG4bK-a"));
        var again = await _peer.ReceiveAsync();
        Assert.Equal(180, again.StatusCode);
        Assert.Equal(ringing.ToTag, again.ToTag);

        await leg.AnswerAsync();
        var ok = await _peer.ReceiveAsync();
        Assert.Equal(200, ok.StatusCode);
        Assert.Equal(ringing.ToTag, ok.ToTag);
        Assert.Contains($"@127.0.0.1:{_edge.LocalEndPoint.Port}", ok.Get("Contact"));
        Assert.Contains("received=127.0.0.1", ok.TopVia);
        Assert.Contains($"rport={_peer.Port}", ok.TopVia);
        Assert.Equal(1, _handler.Legs.Reader.Count + 1);
    }

    [Fact]
    public async Task Unacked_2xx_is_resent_at_doubling_intervals_capped_at_T2_and_after_64_T1_the_leg_ends_with_bye()
    {
        var (leg, _) = await AnsweredCallAsync("c2");
        var media = (FakeLegMedia)leg.LegMedia;
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 6000), media.Remote);
        Assert.Equal([101], media.Format!.TelephoneEventPayloadTypes);

        // Expected re-sends at 0.5, 1.5, 3.5, 7.5, 11.5, ... s after the first 200 (intervals 0.5, 1, 2, 4, 4, ...).
        var elapsed = TimeSpan.Zero;
        var interval = TimeSpan.FromMilliseconds(500);
        var resent = 0;
        while (elapsed + interval < TimeSpan.FromSeconds(32))
        {
            _time.Advance(interval - TimeSpan.FromMilliseconds(1));
            await _peer.ExpectNothingAsync(30);
            _time.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Equal(200, (await _peer.ReceiveAsync()).StatusCode);
            resent++;
            elapsed += interval;
            interval = interval * 2 > TimeSpan.FromSeconds(4) ? TimeSpan.FromSeconds(4) : interval * 2;
        }
        Assert.Equal(10, resent); // at 0.5 1.5 3.5 7.5 11.5 15.5 19.5 23.5 27.5 31.5 s
        _time.Advance(TimeSpan.FromSeconds(32) - elapsed);
        var bye = await _peer.ReceiveAsync(m => m.IsRequest);
        Assert.Equal("BYE", bye.Method);
        Assert.Equal($"sip:sipp@127.0.0.1:{_peer.Port}", bye.RequestUri);
        var end = await leg.Ended.WaitAsync(TimeSpan.FromSeconds(3));
        Assert.Equal("no ACK", end.Reason);
        Assert.True(media.Disposed);
    }

    [Fact]
    public async Task Ack_and_bye_sent_to_the_original_request_uri_are_matched_by_dialog_headers()
    {
        var (leg, ok) = await AnsweredCallAsync("c3");
        await SendAndWaitHandledAsync(_peer.InDialog("ACK", "c3", ok.ToTag!, "z9hG4bK-ack-new", 1));
        _time.Advance(TimeSpan.FromSeconds(5));
        await _peer.ExpectNothingAsync();
        Assert.Equal(CallLegState.Established, leg.State);

        _peer.Send(_peer.InDialog("BYE", "c3", ok.ToTag!, "z9hG4bK-bye", 2));
        var byeOk = await _peer.ReceiveAsync();
        Assert.Equal(200, byeOk.StatusCode);
        Assert.Equal("BYE", byeOk.CSeq.Method);
        Assert.Equal("bye", (await leg.Ended.WaitAsync(TimeSpan.FromSeconds(3))).Reason);
    }

    [Fact]
    public async Task A_retransmitted_bye_gets_its_200_again_for_32_seconds_then_the_dialog_is_unknown()
    {
        var (_, ok) = await AnsweredCallAsync("c4");
        _peer.Send(_peer.InDialog("ACK", "c4", ok.ToTag!, "z9hG4bK-ack", 1));
        var bye = _peer.InDialog("BYE", "c4", ok.ToTag!, "z9hG4bK-bye4", 2);
        _peer.Send(bye);
        Assert.Equal(200, (await _peer.ReceiveAsync()).StatusCode);
        _time.Advance(TimeSpan.FromSeconds(31));
        _peer.Send(bye);
        Assert.Equal(200, (await _peer.ReceiveAsync()).StatusCode);
        _time.Advance(TimeSpan.FromSeconds(2)); // Timer J (64·T1 = 32 s) has fired
        _peer.Send(bye);
        Assert.Equal(481, (await _peer.ReceiveAsync()).StatusCode);
    }

    [Fact]
    public async Task Request_in_an_unknown_dialog_gets_481()
    {
        _peer.Send(_peer.InDialog("BYE", "nope", "xyz", "z9hG4bK-x", 2));
        Assert.Equal(481, (await _peer.ReceiveAsync()).StatusCode);
    }

    [Fact]
    public async Task Cancel_before_answer_gives_200_to_cancel_and_487_to_the_invite_and_ends_the_leg_cancelled()
    {
        _peer.Send(_peer.Invite("c5", "z9hG4bK-c5"));
        await _peer.ReceiveAsync();
        var leg = await _handler.NextLegAsync();
        await leg.RingAsync();
        await _peer.ReceiveAsync();
        _peer.Send($"""
            CANCEL sip:service@127.0.0.1:{_edge.LocalEndPoint.Port} SIP/2.0
            Via: SIP/2.0/UDP 127.0.0.1:{_peer.Port};branch=z9hG4bK-c5
            From: sipp <sip:13800138000@127.0.0.1:{_peer.Port}>;tag=peer-tag
            To: service <sip:service@127.0.0.1:{_edge.LocalEndPoint.Port}>
            Call-ID: c5
            CSeq: 1 CANCEL
            Max-Forwards: 70
            Content-Length: 0


            """);
        var first = await _peer.ReceiveAsync();
        var second = await _peer.ReceiveAsync();
        var all = new[] { first, second };
        Assert.Contains(all, m => m.StatusCode == 200 && m.CSeq.Method == "CANCEL");
        Assert.Contains(all, m => m.StatusCode == 487 && m.CSeq.Method == "INVITE");
        Assert.Equal("cancelled", (await leg.Ended.WaitAsync(TimeSpan.FromSeconds(3))).Reason);

        // 487 is re-sent (Timer G) until the ACK, which shares the INVITE's branch.
        _time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(487, (await _peer.ReceiveAsync()).StatusCode);
        await SendAndWaitHandledAsync(_peer.InDialog("ACK", "c5", second.ToTag ?? first.ToTag!, "z9hG4bK-c5", 1));
        _time.Advance(TimeSpan.FromSeconds(2));
        await _peer.ExpectNothingAsync();
    }

    [Fact]
    public async Task Options_outside_a_dialog_gets_200_with_allow_and_accept()
    {
        _peer.Send(SipSamples.KamailioOptions.Replace("10.0.0.1:5060", $"127.0.0.1:{_peer.Port}"));
        var ok = await _peer.ReceiveAsync();
        Assert.Equal(200, ok.StatusCode);
        Assert.Contains("INVITE", ok.Get("Allow"));
        Assert.Equal("application/sdp", ok.Get("Accept"));
    }

    [Fact]
    public async Task Malformed_request_with_the_headers_a_response_needs_gets_400_and_garbage_is_counted_as_dropped()
    {
        _peer.Send(SipSamples.SippBye.Replace("CSeq: 2 BYE", "CSeq: 2 INVITE").Replace("127.0.0.1:5061", $"127.0.0.1:{_peer.Port}"));
        Assert.Equal(400, (await _peer.ReceiveAsync()).StatusCode);
        _peer.SendRaw(Encoding.UTF8.GetBytes("\u0001\u0002garbage\r\n\r\n"));
        await _peer.ExpectNothingAsync();
        var stats = _edge.GetStats();
        Assert.Equal(1, stats.BadRequestsAnswered);
        Assert.Equal(1, stats.MalformedDropped);
    }

    [Fact]
    public async Task Info_dtmf_relay_and_application_dtmf_reach_the_media_stream()
    {
        var (leg, ok) = await AnsweredCallAsync("c6");
        _peer.Send(_peer.InDialog("ACK", "c6", ok.ToTag!, "z9hG4bK-ack6", 1));
        _peer.Send(_peer.InDialog("INFO", "c6", ok.ToTag!, "z9hG4bK-i1", 2, body: "Signal=5\nDuration=160\n", contentType: "application/dtmf-relay"));
        Assert.Equal(200, (await _peer.ReceiveAsync()).StatusCode);
        _peer.Send(_peer.InDialog("INFO", "c6", ok.ToTag!, "z9hG4bK-i2", 3, body: "#", contentType: "application/dtmf"));
        Assert.Equal(200, (await _peer.ReceiveAsync()).StatusCode);
        Assert.Equal(['5', '#'], ((FakeLegMedia)leg.LegMedia).Digits);
    }

    [Fact]
    public async Task Reinvite_with_sendonly_stops_sending_and_is_answered_with_a_bumped_origin_version()
    {
        var (leg, ok) = await AnsweredCallAsync("c7");
        _peer.Send(_peer.InDialog("ACK", "c7", ok.ToTag!, "z9hG4bK-ack7", 1));
        var hold = SipTestPeer.SippSdp.Replace("2353687637", "2353687638") + "a=sendonly\n";
        _peer.Send(_peer.InDialog("INVITE", "c7", ok.ToTag!, "z9hG4bK-re7", 2, body: hold, contentType: "application/sdp"));
        var reOk = await _peer.ReceiveAsync(m => Is(m, 200));
        var media = (FakeLegMedia)leg.LegMedia;
        Assert.False(media.Sending);
        Assert.Contains("a=recvonly", reOk.BodyText);
        var v1 = OriginVersion(ok.BodyText);
        var v2 = OriginVersion(reOk.BodyText);
        Assert.Equal(v1 + 1, v2);
        _peer.Send(_peer.InDialog("ACK", "c7", ok.ToTag!, "z9hG4bK-ack7b", 2));

        _peer.Send(_peer.InDialog("INVITE", "c7", ok.ToTag!, "z9hG4bK-re7c", 3, body: SipTestPeer.SippSdp, contentType: "application/sdp"));
        var resume = await _peer.ReceiveAsync(m => Is(m, 200));
        Assert.True(media.Sending);
        Assert.Equal(v2 + 1, OriginVersion(resume.BodyText));
    }

    private static long OriginVersion(string sdp) =>
        long.Parse(sdp.Split("\r\n").First(l => l.StartsWith("o=", StringComparison.Ordinal)).Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Refer_gets_202_then_notify_sipfrag_100_and_200_with_the_replaced_call_id()
    {
        var (leg, ok) = await AnsweredCallAsync("c8");
        _peer.Send(_peer.InDialog("ACK", "c8", ok.ToTag!, "z9hG4bK-ack8", 1));
        TransferRequest? asked = null;
        leg.TransferRequested = t =>
        {
            asked = t;
            return Task.FromResult(true);
        };
        _peer.Send(_peer.InDialog("REFER", "c8", ok.ToTag!, "z9hG4bK-ref8", 2,
            extraHeaders: "\nRefer-To: <sip:1002@127.0.0.1:5080?Replaces=abc%40host%3Bto-tag%3D1%3Bfrom-tag%3D2>"));
        Assert.Equal(202, (await _peer.ReceiveAsync()).StatusCode);
        var n1 = await _peer.ReceiveAsync(m => m.IsRequest);
        Assert.Equal("NOTIFY", n1.Method);
        Assert.StartsWith("message/sipfrag", n1.ContentType);
        Assert.StartsWith("SIP/2.0 100 Trying", n1.BodyText);
        Assert.Equal("refer", n1.Get("Event"));
        _peer.Send(Reply(n1, 200));
        var n2 = await _peer.ReceiveAsync(m => m.IsRequest);
        Assert.StartsWith("SIP/2.0 200 OK", n2.BodyText);
        Assert.StartsWith("terminated", n2.Get("Subscription-State"));
        Assert.Equal(n1.CSeq.Number + 1, n2.CSeq.Number);
        _peer.Send(Reply(n2, 200));
        Assert.Equal("abc@host", asked!.ReplacesCallId);
        Assert.Equal("sip:1002@127.0.0.1:5080", asked.Target.OriginalString);
    }

    private static string Reply(SipMessage request, int status)
    {
        var r = SipMessage.Response(status, "OK");
        foreach (var h in new[] { "Via", "From", "To", "Call-ID", "CSeq" })
        {
            foreach (var v in request.GetAll(h))
            {
                r.Add(h, v);
            }
        }
        return r.ToString();
    }

    [Fact]
    public async Task Register_asks_the_handler_and_answers_200_with_the_granted_expiry()
    {
        _peer.Send(SipSamples.BaresipRegister.Replace("127.0.0.1:5080;branch", $"127.0.0.1:{_peer.Port};branch"));
        var ok = await _peer.ReceiveAsync();
        Assert.Equal(200, ok.StatusCode);
        Assert.Equal("120", SipHeaderValue.GetParam(ok.Get("Contact"), "expires"));
        Assert.Equal("agent1", Assert.Single(_handler.Registrations).User);
    }

    [Fact]
    public async Task Rejected_call_final_response_is_resent_until_the_ack_arrives()
    {
        _peer.Send(_peer.Invite("c9", "z9hG4bK-c9"));
        await _peer.ReceiveAsync();
        var leg = await _handler.NextLegAsync();
        await leg.RejectAsync(486, "Busy Here");
        var busy = await _peer.ReceiveAsync();
        Assert.Equal(486, busy.StatusCode);
        _time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(486, (await _peer.ReceiveAsync()).StatusCode);
        _time.Advance(TimeSpan.FromMilliseconds(1000));
        Assert.Equal(486, (await _peer.ReceiveAsync()).StatusCode);
        await SendAndWaitHandledAsync(_peer.InDialog("ACK", "c9", busy.ToTag!, "z9hG4bK-c9", 1));
        _time.Advance(TimeSpan.FromSeconds(4));
        await _peer.ExpectNothingAsync();
        Assert.Equal(486, (await leg.Ended).SipStatus);
    }

    [Fact]
    public async Task Offer_without_a_common_codec_is_refused_with_488()
    {
        var sdp = SipTestPeer.SippSdp.Replace("RTP/AVP 0 101", "RTP/AVP 18").Replace("a=rtpmap:0 PCMU/8000", "a=rtpmap:18 G729/8000");
        _peer.Send(_peer.Invite("c10", "z9hG4bK-c10", sdp));
        var r = await _peer.ReceiveAsync(m => m.StatusCode >= 200);
        Assert.Equal(488, r.StatusCode);
    }

    [Fact]
    public async Task Record_route_is_echoed_in_18x_and_2xx_and_our_bye_goes_through_the_route_set()
    {
        using var proxy = new SipTestPeer(_edge.LocalEndPoint);
        var invite = _peer.Invite("c11", "z9hG4bK-c11").Replace("Max-Forwards: 70", $"Record-Route: <sip:127.0.0.1:{proxy.Port};lr>\nMax-Forwards: 70");
        _peer.Send(invite);
        await _peer.ReceiveAsync();
        var leg = await _handler.NextLegAsync();
        await leg.RingAsync();
        Assert.Equal($"<sip:127.0.0.1:{proxy.Port};lr>", (await _peer.ReceiveAsync()).Get("Record-Route"));
        await leg.AnswerAsync();
        var ok = await _peer.ReceiveAsync(m => Is(m, 200));
        Assert.Equal($"<sip:127.0.0.1:{proxy.Port};lr>", ok.Get("Record-Route"));
        await SendAndWaitHandledAsync(_peer.InDialog("ACK", "c11", ok.ToTag!, "z9hG4bK-ack11", 1));

        await leg.HangupAsync();
        var bye = await proxy.ReceiveAsync();
        Assert.Equal("BYE", bye.Method);
        Assert.Equal($"sip:sipp@127.0.0.1:{_peer.Port}", bye.RequestUri);
        Assert.Equal($"<sip:127.0.0.1:{proxy.Port};lr>", bye.Get("Route"));
        Assert.Contains($"{_edge.LocalEndPoint.Address}:{_edge.LocalEndPoint.Port}", bye.TopVia);
    }

    [Fact]
    public async Task Our_hold_sends_a_sendonly_reinvite_acks_its_200_and_stops_sending()
    {
        var (leg, ok) = await AnsweredCallAsync("c12");
        await SendAndWaitHandledAsync(_peer.InDialog("ACK", "c12", ok.ToTag!, "z9hG4bK-ack12", 1));
        var hold = leg.HoldAsync(true);
        var reinvite = await _peer.ReceiveAsync(m => m.IsRequest);
        Assert.Equal("INVITE", reinvite.Method);
        Assert.Contains("a=sendonly", reinvite.BodyText);
        Assert.Equal(OriginVersion(ok.BodyText) + 1, OriginVersion(reinvite.BodyText));
        var answer = SipMessage.Response(200, "OK");
        foreach (var h in new[] { "Via", "From", "To", "Call-ID", "CSeq" })
        {
            answer.Add(h, reinvite.Get(h)!);
        }
        answer.Add("Content-Type", "application/sdp");
        answer.Body = Encoding.UTF8.GetBytes(SipSamples.Crlf(SipTestPeer.SippSdp + "a=recvonly\n"));
        _peer.Send(answer.ToString());
        var ack = await _peer.ReceiveAsync(m => m.IsRequest);
        Assert.Equal("ACK", ack.Method);
        Assert.Equal(reinvite.CSeq.Number, ack.CSeq.Number);
        await hold.WaitAsync(TimeSpan.FromSeconds(3));
        Assert.False(((FakeLegMedia)leg.LegMedia).Sending);
    }

    [Fact]
    public async Task Stats_count_invites_answers_and_active_dialogs()
    {
        var (_, ok) = await AnsweredCallAsync("c13");
        var stats = _edge.GetStats();
        Assert.Equal(1, stats.InvitesReceived);
        Assert.Equal(1, stats.CallsAnswered);
        Assert.Equal(1, stats.ActiveDialogs);
        Assert.True(stats.ActiveTransactions >= 1);
        _peer.Send(_peer.InDialog("BYE", "c13", ok.ToTag!, "z9hG4bK-bye13", 2));
        await _peer.ReceiveAsync(m => Is(m, 200) && m.CSeq.Method == "BYE");
        Assert.Equal(0, _edge.GetStats().ActiveDialogs);
    }

    [Fact]
    public async Task Refer_the_host_declines_ends_with_a_603_sipfrag_and_the_call_goes_on()
    {
        var (leg, ok) = await AnsweredCallAsync("c14");
        _peer.Send(_peer.InDialog("ACK", "c14", ok.ToTag!, "z9hG4bK-ack14", 1));
        leg.TransferRequested = _ => Task.FromResult(false);
        _peer.Send(_peer.InDialog("REFER", "c14", ok.ToTag!, "z9hG4bK-ref14", 2, extraHeaders: "\nRefer-To: <sip:1002@127.0.0.1:5080>"));
        Assert.Equal(202, (await _peer.ReceiveAsync()).StatusCode);
        var n1 = await _peer.ReceiveAsync(m => m.IsRequest);
        _peer.Send(Reply(n1, 200));
        var n2 = await _peer.ReceiveAsync(m => m.IsRequest);
        Assert.StartsWith("SIP/2.0 603", n2.BodyText);
        _peer.Send(Reply(n2, 200));
        Assert.Equal(CallLegState.Established, leg.State);
    }

    [Fact]
    public async Task Refer_without_refer_to_is_a_bad_request()
    {
        var (_, ok) = await AnsweredCallAsync("c15");
        _peer.Send(_peer.InDialog("REFER", "c15", ok.ToTag!, "z9hG4bK-ref15", 2));
        Assert.Equal(400, (await _peer.ReceiveAsync(m => !m.IsRequest && m.CSeq.Method == "REFER")).StatusCode);
    }

    [Fact]
    public async Task Invite_without_sdp_gets_our_offer_in_the_200_and_media_starts_with_the_answer_in_the_ack()
    {
        var invite = _peer.Invite("c16", "z9hG4bK-c16", sdp: "").Replace("Content-Type: application/sdp\n", "");
        _peer.Send(invite);
        await _peer.ReceiveAsync();
        var leg = await _handler.NextLegAsync();
        await leg.AnswerAsync();
        var ok = await _peer.ReceiveAsync(m => Is(m, 200));
        Assert.Contains("RTP/AVP 0 8 101", ok.BodyText);
        var media = (FakeLegMedia)leg.LegMedia;
        Assert.Null(media.Format);
        var answer = SipTestPeer.SippSdp.Replace("RTP/AVP 0 101", "RTP/AVP 8").Replace("a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000");
        await SendAndWaitHandledAsync(_peer.InDialog("ACK", "c16", ok.ToTag!, "z9hG4bK-ack16", 1, body: answer, contentType: "application/sdp"));
        Assert.Equal(Hotline.Telephony.Media.G711Law.Alaw, media.Format!.Law);
    }

    [Fact]
    public async Task Multipart_invite_from_a_sip_i_trunk_is_answered_from_its_sdp_part()
    {
        var body = "--b1\ncontent-type: application/sdp\n\n" + SipTestPeer.SippSdp + "--b1\nContent-Type: application/isup;version=itu-t92+\n\nxyz\n--b1--\n";
        var invite = _peer.Invite("c17", "z9hG4bK-c17", sdp: body).Replace("Content-Type: application/sdp", "Content-Type: multipart/mixed;boundary=b1");
        _peer.Send(invite);
        await _peer.ReceiveAsync();
        var leg = await _handler.NextLegAsync();
        await leg.AnswerAsync();
        var ok = await _peer.ReceiveAsync(m => Is(m, 200));
        Assert.Contains("m=audio 40002 RTP/AVP 0 101", ok.BodyText);
    }
}
