using System.Text;
using Hotline.Telephony.Sip;

namespace Hotline.Telephony.Tests.Sip;

public class SipParserTests
{
    private static SipParseResult Parse(string text, bool udp = true) => SipParser.Parse(Encoding.UTF8.GetBytes(text), udp);

    [Fact]
    public void Sipp_invite_parses_with_its_sdp_body()
    {
        var r = Parse(SipSamples.SippInvite);
        Assert.True(r.Success, r.Error);
        var m = r.Message!;
        Assert.True(m.IsRequest);
        Assert.Equal("INVITE", m.Method);
        Assert.Equal("sip:service@127.0.0.1:5060", m.RequestUri);
        Assert.Equal("1-4242@127.0.0.1", m.CallId);
        Assert.Equal((1L, "INVITE"), m.CSeq);
        Assert.Equal("4242SIPpTag001", m.FromTag);
        Assert.Null(m.ToTag);
        Assert.Equal(129, m.Body.Length);
        Assert.Equal("z9hG4bK-4242-1-0", SipVia.Parse(m.TopVia)!.Branch);
    }

    [Fact]
    public void Every_real_peer_sample_parses()
    {
        foreach (var sample in SipSamples.All)
        {
            var r = Parse(sample);
            Assert.True(r.Success, r.Error + "\n" + sample);
        }
    }

    [Fact]
    public void Compact_and_lower_case_header_names_map_to_canonical_names()
    {
        var text = SipSamples.Crlf("""
            OPTIONS sip:a@b SIP/2.0
            v: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKx1
            f: <sip:x@y>;tag=1
            t: <sip:a@b>
            i: abc
            cseq: 7 OPTIONS
            m: <sip:x@10.0.0.1>
            k: replaces
            l: 0


            """);
        var m = Parse(text).Message!;
        Assert.Equal("abc", m.CallId);
        Assert.Equal("1", m.FromTag);
        Assert.Equal("<sip:x@10.0.0.1>", m.Get("Contact"));
        Assert.Equal("replaces", m.Get("Supported"));
        Assert.Equal((7L, "OPTIONS"), m.CSeq);
    }

    [Fact]
    public void One_via_line_with_several_values_becomes_several_vias_in_order()
    {
        var text = SipSamples.SippBye.Replace("Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-4242-1-7",
            "Via: SIP/2.0/UDP 10.1.1.1:5060;branch=z9hG4bKproxy;lr, SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-4242-1-7");
        var m = Parse(text).Message!;
        var vias = m.GetAll("Via").ToList();
        Assert.Equal(2, vias.Count);
        Assert.Equal("z9hG4bKproxy", SipVia.Parse(vias[0])!.Branch);
        Assert.Equal("z9hG4bK-4242-1-7", SipVia.Parse(vias[1])!.Branch);
    }

    [Fact]
    public void Parameters_inside_angle_brackets_belong_to_the_uri_not_the_header()
    {
        const string value = "\"A, B\" <sip:a@b;tag=inner;lr>;tag=outer;expires=60";
        Assert.Equal("outer", SipHeaderValue.GetParam(value, "tag"));
        Assert.Equal("60", SipHeaderValue.GetParam(value, "expires"));
        Assert.Equal("sip:a@b;tag=inner;lr", SipHeaderValue.GetUri(value));
        Assert.Null(SipHeaderValue.GetParam("<sip:a@b;lr>", "lr"));
    }

    [Fact]
    public void Folded_header_lines_are_joined()
    {
        var text = SipSamples.SippBye.Replace("Subject: Performance Test", "Subject: Performance\r\n  Test");
        Assert.Equal("Performance Test", Parse(text).Message!.Get("Subject"));
    }

    [Fact]
    public void Udp_body_shorter_than_content_length_is_a_bad_request_that_can_be_answered()
    {
        var text = SipSamples.SippInvite.Replace("Content-Length:   129", "Content-Length: 400");
        var r = Parse(text);
        Assert.False(r.Success);
        Assert.NotNull(r.Answerable);
        Assert.Equal("1-4242@127.0.0.1", r.Answerable!.CallId);
    }

    [Fact]
    public void Body_longer_than_content_length_is_cut_to_content_length()
    {
        var text = SipSamples.SippInvite.Replace("Content-Length:   129", "Content-Length: 10");
        Assert.Equal(10, Parse(text).Message!.Body.Length);
    }

    [Fact]
    public void Request_without_call_id_cannot_be_answered()
    {
        var text = SipSamples.SippBye.Replace("Call-ID: 1-4242@127.0.0.1\r\n", "");
        var r = Parse(text);
        Assert.False(r.Success);
        Assert.Null(r.Answerable);
    }

    [Fact]
    public void Garbage_request_line_with_good_headers_is_answerable()
    {
        var text = SipSamples.SippBye.Replace("BYE sip:service@127.0.0.1:5060 SIP/2.0", "BYE  SIP/3.0");
        var r = Parse(text);
        Assert.False(r.Success);
        Assert.NotNull(r.Answerable);
    }

    [Fact]
    public void Responses_parse_status_and_reason()
    {
        var text = SipSamples.Crlf("""
            SIP/2.0 180 Ringing
            Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKx1;received=10.0.0.9;rport=5070
            From: <sip:x@y>;tag=1
            To: <sip:a@b>;tag=2
            Call-ID: abc
            CSeq: 1 INVITE
            Content-Length: 0


            """);
        var m = Parse(text).Message!;
        Assert.False(m.IsRequest);
        Assert.Equal(180, m.StatusCode);
        Assert.Equal("Ringing", m.ReasonPhrase);
        Assert.Equal("2", m.ToTag);
    }

    [Fact]
    public void Serialized_message_parses_back_to_the_same_headers_and_body()
    {
        var m = Parse(SipSamples.BaresipInvite).Message!;
        var again = SipParser.Parse(m.ToBytes()).Message!;
        Assert.Equal(m.Headers, again.Headers);
        Assert.Equal(m.Body, again.Body);
        Assert.Equal(m.RequestUri, again.RequestUri);
    }

    [Fact]
    public void Tcp_framing_uses_content_length_and_waits_for_the_whole_body()
    {
        var bytes = Encoding.UTF8.GetBytes(SipSamples.SippInvite + SipSamples.SippBye);
        var first = SipParser.FrameLength(bytes);
        Assert.Equal(Encoding.UTF8.GetByteCount(SipSamples.SippInvite), first);
        Assert.Equal(0, SipParser.FrameLength(bytes.AsSpan(0, first - 5)));
        Assert.Equal(-1, SipParser.FrameLength(Encoding.UTF8.GetBytes("OPTIONS sip:a SIP/2.0\r\nVia: x\r\n\r\n")));
    }

    [Fact]
    public void User_part_is_read_from_name_addr_and_bare_uri()
    {
        Assert.Equal("agent1", SipHeaderValue.GetUser("\"Agent One\" <sip:agent1@127.0.0.1>;tag=7"));
        Assert.Equal("13800138000", SipHeaderValue.GetUser("sip:13800138000;phone-context=x@10.0.0.1:5060"));
        Assert.Equal("", SipHeaderValue.GetUser("<sip:127.0.0.1:5060>"));
    }
}
