using System.Net;
using Hotline.Telephony.Media;
using Hotline.Telephony.Sdp;
using Hotline.Telephony.Tests.Sip;
using Hotline.Telephony.Sip;

namespace Hotline.Telephony.Tests.Sdp;

public class SdpNegotiatorTests
{
    private static readonly IPAddress Us = IPAddress.Parse("10.0.0.5");

    private static SdpSession BodyOf(string message) => SdpSession.Parse(SipParser.Parse(System.Text.Encoding.UTF8.GetBytes(message)).Message!.BodyText)!;

    [Fact]
    public void Sipp_pcmu_offer_is_answered_with_pcmu_on_payload_type_0()
    {
        var n = new SdpNegotiator(Us, 77).Answer(BodyOf(SipSamples.SippInvite), 20000)!;
        Assert.Equal(new MediaFormat(G711Law.Mulaw, 0, [], 20), n.Format with { TelephoneEventPayloadTypes = [] });
        Assert.Empty(n.Format.TelephoneEventPayloadTypes);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 6000), n.Remote);
        Assert.Contains("m=audio 20000 RTP/AVP 0\r\n", n.Sdp);
        Assert.Contains("c=IN IP4 10.0.0.5\r\n", n.Sdp);
        Assert.True(n.ShouldSend);
    }

    [Fact]
    public void Baresip_offer_keeps_its_order_pcma_first_and_telephone_event_96()
    {
        var n = new SdpNegotiator(Us, 77).Answer(BodyOf(SipSamples.BaresipInvite), 20002)!;
        Assert.Equal(G711Law.Alaw, n.Format.Law);
        Assert.Equal(8, n.Format.PayloadType);
        Assert.Equal([96], n.Format.TelephoneEventPayloadTypes);
        Assert.Contains("m=audio 20002 RTP/AVP 8 96\r\n", n.Sdp);
        Assert.Contains("a=rtpmap:96 telephone-event/8000\r\n", n.Sdp);
        Assert.Contains("a=fmtp:96 0-15\r\n", n.Sdp);
        Assert.Contains("a=ptime:20\r\n", n.Sdp);
        Assert.Contains("a=sendrecv\r\n", n.Sdp);
    }

    [Fact]
    public void Every_offered_telephone_event_payload_type_is_collected()
    {
        var offer = SdpSession.Parse("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\n" +
            "m=audio 4000 RTP/AVP 18 0 101 96\r\na=rtpmap:101 telephone-event/8000\r\na=rtpmap:96 telephone-event/8000\r\na=ptime:30\r\n")!;
        var n = new SdpNegotiator(Us, 1).Answer(offer, 20004)!;
        Assert.Equal(G711Law.Mulaw, n.Format.Law);
        Assert.Equal([101, 96], n.Format.TelephoneEventPayloadTypes);
        Assert.Equal(30, n.Format.PacketTimeMs);
        Assert.Contains("m=audio 20004 RTP/AVP 0 101 96\r\n", n.Sdp);
    }

    [Fact]
    public void No_common_codec_gives_no_answer_for_a_488()
    {
        var offer = SdpSession.Parse("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\n" +
            "m=audio 4000 RTP/AVP 18 9 101\r\na=rtpmap:18 G729/8000\r\na=rtpmap:9 G722/8000\r\na=rtpmap:101 telephone-event/8000\r\n")!;
        Assert.Null(new SdpNegotiator(Us, 1).Answer(offer, 20000));
    }

    [Fact]
    public void Answer_has_the_same_m_lines_in_the_same_order_with_declined_ones_at_port_0()
    {
        var offer = SdpSession.Parse("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\n" +
            "m=video 5000 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\nm=audio 4000 RTP/AVP 8\r\n")!;
        var n = new SdpNegotiator(Us, 1).Answer(offer, 20000)!;
        var mLines = n.Sdp.Split("\r\n").Where(l => l.StartsWith("m=", StringComparison.Ordinal)).ToList();
        Assert.Equal(["m=video 0 RTP/AVP 96", "m=audio 20000 RTP/AVP 8"], mLines);
    }

    [Theory]
    [InlineData("sendonly", "recvonly", false)]
    [InlineData("inactive", "inactive", false)]
    [InlineData("recvonly", "sendonly", true)]
    [InlineData("sendrecv", "sendrecv", true)]
    public void Hold_directions_are_mirrored_and_decide_whether_we_send(string offered, string answered, bool send)
    {
        var offer = SdpSession.Parse($"v=0\r\no=- 1 2 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na={offered}\r\n")!;
        var n = new SdpNegotiator(Us, 1).Answer(offer, 20000)!;
        Assert.Contains($"a={answered}\r\n", n.Sdp);
        Assert.Equal(send, n.ShouldSend);
    }

    [Fact]
    public void Origin_version_is_bumped_on_every_sdp_we_send()
    {
        var negotiator = new SdpNegotiator(Us, 1000);
        var offer = BodyOf(SipSamples.SippInvite);
        var first = negotiator.Answer(offer, 20000)!.Sdp;
        var second = negotiator.Answer(offer, 20000)!.Sdp;
        var third = negotiator.Offer(20000);
        Assert.Contains("o=hotline 1000 1001 IN IP4 10.0.0.5", first);
        Assert.Contains("o=hotline 1000 1002 IN IP4 10.0.0.5", second);
        Assert.Contains("o=hotline 1000 1003 IN IP4 10.0.0.5", third);
    }

    [Fact]
    public void Our_offer_lists_pcmu_pcma_and_telephone_event_101()
    {
        var offer = new SdpNegotiator(Us, 1).Offer(20010);
        Assert.Contains("m=audio 20010 RTP/AVP 0 8 101\r\n", offer);
        Assert.Contains("a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n", offer);
        Assert.Contains("c=IN IP4 10.0.0.5\r\n", offer);
        var parsed = SdpNegotiator.ReadAnswer(SdpSession.Parse(offer)!)!;
        Assert.Equal(G711Law.Mulaw, parsed.Format.Law);
        Assert.Equal([101], parsed.Format.TelephoneEventPayloadTypes);
    }
}
