namespace Hotline.Telephony.Tests.Sip;

/// <summary>Messages as real peers send them (sipp 3.6 built-in uac, baresip 1.0, Kamailio 5.6 dispatcher).</summary>
internal static class SipSamples
{
    public static string Crlf(string s) => s.Replace("\r\n", "\n").Replace("\n", "\r\n");

    public static readonly string SippInvite = Crlf("""
        INVITE sip:service@127.0.0.1:5060 SIP/2.0
        Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-4242-1-0
        From: sipp <sip:sipp@127.0.0.1:5061>;tag=4242SIPpTag001
        To: service <sip:service@127.0.0.1:5060>
        Call-ID: 1-4242@127.0.0.1
        CSeq: 1 INVITE
        Contact: sip:sipp@127.0.0.1:5061
        Max-Forwards: 70
        Subject: Performance Test
        Content-Type: application/sdp
        Content-Length:   129

        v=0
        o=user1 53655765 2353687637 IN IP4 127.0.0.1
        s=-
        c=IN IP4 127.0.0.1
        t=0 0
        m=audio 6000 RTP/AVP 0
        a=rtpmap:0 PCMU/8000

        """);

    public static readonly string SippAck = Crlf("""
        ACK sip:service@127.0.0.1:5060 SIP/2.0
        Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-4242-1-5
        From: sipp <sip:sipp@127.0.0.1:5061>;tag=4242SIPpTag001
        To: service <sip:service@127.0.0.1:5060>;tag=abc123
        Call-ID: 1-4242@127.0.0.1
        CSeq: 1 ACK
        Contact: sip:sipp@127.0.0.1:5061
        Max-Forwards: 70
        Subject: Performance Test
        Content-Length: 0


        """);

    public static readonly string SippBye = Crlf("""
        BYE sip:service@127.0.0.1:5060 SIP/2.0
        Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-4242-1-7
        From: sipp <sip:sipp@127.0.0.1:5061>;tag=4242SIPpTag001
        To: service <sip:service@127.0.0.1:5060>;tag=abc123
        Call-ID: 1-4242@127.0.0.1
        CSeq: 2 BYE
        Contact: sip:sipp@127.0.0.1:5061
        Max-Forwards: 70
        Subject: Performance Test
        Content-Length: 0


        """);

    public static readonly string BaresipRegister = Crlf("""
        REGISTER sip:127.0.0.1 SIP/2.0
        Via: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bK1f0a8f5d2b6c4e3a;rport
        Contact: <sip:agent1-0x55d3@127.0.0.1:5080>;expires=3600
        Max-Forwards: 70
        To: <sip:agent1@127.0.0.1>
        From: <sip:agent1@127.0.0.1>;tag=c1b2a3d4e5f6
        Call-ID: 8f1d2c3b4a596877
        CSeq: 33001 REGISTER
        User-Agent: baresip v1.0.0 (x86_64/linux)
        Allow: INVITE,ACK,BYE,CANCEL,OPTIONS,NOTIFY,SUBSCRIBE,INFO,MESSAGE,UPDATE
        Supported: replaces,norefersub
        Content-Length: 0


        """);

    public static readonly string BaresipInvite = Crlf("""
        INVITE sip:12345@127.0.0.1:5060 SIP/2.0
        Via: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bK9a8b7c6d5e4f3a2b;rport
        Contact: <sip:agent1-0x55d3@127.0.0.1:5080>
        Max-Forwards: 70
        To: <sip:12345@127.0.0.1:5060>
        From: "Agent One" <sip:agent1@127.0.0.1>;tag=7e6d5c4b3a29
        Call-ID: 0a1b2c3d4e5f6a7b
        CSeq: 2049 INVITE
        User-Agent: baresip v1.0.0 (x86_64/linux)
        Allow: INVITE,ACK,BYE,CANCEL,OPTIONS,NOTIFY,SUBSCRIBE,INFO,MESSAGE,UPDATE
        Supported: replaces,norefersub
        Content-Type: application/sdp
        Content-Length: 250

        v=0
        o=- 1234567890 1234567890 IN IP4 127.0.0.1
        s=-
        c=IN IP4 127.0.0.1
        t=0 0
        m=audio 10000 RTP/AVP 8 0 96
        b=AS:64
        a=rtpmap:8 PCMA/8000
        a=rtpmap:0 PCMU/8000
        a=rtpmap:96 telephone-event/8000
        a=fmtp:96 0-15
        a=ptime:20
        a=sendrecv
        a=rtcp-mux

        """);

    public static readonly string KamailioOptions = Crlf("""
        OPTIONS sip:127.0.0.1:5060 SIP/2.0
        Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK3c4d.8a1b5e6f000000000000000000000000.0
        To: <sip:127.0.0.1:5060>
        From: <sip:dispatcher@localhost>;tag=2c3d4e5f6a7b8c9d-1a2b
        CSeq: 10 OPTIONS
        Call-ID: 6d3c2b1a0f9e8d7c-1a2b@10.0.0.1
        Max-Forwards: 70
        Content-Length: 0
        User-Agent: kamailio (5.6.3 (x86_64/linux))


        """);

    public static IEnumerable<string> All => [SippInvite, SippAck, SippBye, BaresipRegister, BaresipInvite, KamailioOptions];
}
