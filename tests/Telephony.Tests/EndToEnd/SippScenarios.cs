namespace Hotline.Telephony.Tests.EndToEnd;

/// <summary>sipp scenarios for what the built-in ones do not cover.</summary>
internal static class SippScenarios
{
    private const string Head = """<?xml version="1.0" encoding="ISO-8859-1" ?><scenario name="hotline">""";

    private const string Invite = """
          <send retrans="500">
            <![CDATA[
              INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
              Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=z9hG4bK-inv-[call_number]-[pid]
              From: sipp <sip:13800138000@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
              To: [service] <sip:[service]@[remote_ip]:[remote_port]>
              Call-ID: [call_id]
              CSeq: 1 INVITE
              Contact: sip:sipp@[local_ip]:[local_port]
              Max-Forwards: 70
              Content-Type: application/sdp
              Content-Length: [len]

              v=0
              o=user1 53655765 2353687637 IN IP[local_ip_type] [local_ip]
              s=-
              c=IN IP[media_ip_type] [media_ip]
              t=0 0
              m=audio [media_port] RTP/AVP 0 101
              a=rtpmap:0 PCMU/8000
              a=rtpmap:101 telephone-event/8000
              a=fmtp:101 0-15

            ]]>
          </send>
        """;

    private static string InDialog(string method, int cseq, string extra = "", string body = "") => $"""
          <send{(method is "ACK" ? "" : " retrans=\"500\"")}>
            <![CDATA[
              {method} sip:[service]@[remote_ip]:[remote_port] SIP/2.0
              Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
              From: sipp <sip:13800138000@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
              To: [service] <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
              Call-ID: [call_id]
              CSeq: {cseq} {method}
              Contact: sip:sipp@[local_ip]:[local_port]
              Max-Forwards: 70{extra}
              Content-Length: [len]

              {body}
            ]]>
          </send>
        """;

    private const string Answered = """
          <recv response="100" optional="true"/>
          <recv response="180" optional="true"/>
          <recv response="200" rtd="true"/>
        """;

    private const string ByeAndEnd = """
          <send retrans="500">
            <![CDATA[
              BYE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
              Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
              From: sipp <sip:13800138000@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
              To: [service] <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
              Call-ID: [call_id]
              CSeq: 3 BYE
              Max-Forwards: 70
              Content-Length: 0

            ]]>
          </send>
          <recv response="200"/>
        </scenario>
        """;

    /// <summary>INVITE, 100/180, CANCEL (same branch) → 200 to the CANCEL and 487 to the INVITE, ACK.</summary>
    public static readonly string Cancel = Head + Invite + """
          <recv response="100" optional="true"/>
          <recv response="180"/>
          <send>
            <![CDATA[
              CANCEL sip:[service]@[remote_ip]:[remote_port] SIP/2.0
              Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=z9hG4bK-inv-[call_number]-[pid]
              From: sipp <sip:13800138000@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
              To: [service] <sip:[service]@[remote_ip]:[remote_port]>
              Call-ID: [call_id]
              CSeq: 1 CANCEL
              Max-Forwards: 70
              Content-Length: 0

            ]]>
          </send>
          <recv response="200"/>
          <recv response="487"/>
          <send>
            <![CDATA[
              ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
              Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=z9hG4bK-inv-[call_number]-[pid]
              From: sipp <sip:13800138000@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
              To: [service] <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
              Call-ID: [call_id]
              CSeq: 1 ACK
              Max-Forwards: 70
              Content-Length: 0

            ]]>
          </send>
        </scenario>
        """;

    /// <summary>The first 200 is "lost" (not ACKed): sipp waits through two re-sent 200s (at 0.5 s and 1.5 s; it
    /// counts them in its Retrans column) and ACKs only then.</summary>
    public static readonly string LostAck = Head + Invite + Answered + """
          <pause milliseconds="1700"/>
        """ + InDialog("ACK", 1) + """
          <pause milliseconds="200"/>
        """ + ByeAndEnd;

    /// <summary>A load balancer's probe.</summary>
    public static readonly string Options = Head + """
          <send retrans="500">
            <![CDATA[
              OPTIONS sip:[remote_ip]:[remote_port] SIP/2.0
              Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
              From: <sip:dispatcher@[local_ip]:[local_port]>;tag=[pid]probe[call_number]
              To: <sip:[remote_ip]:[remote_port]>
              Call-ID: [call_id]
              CSeq: 10 OPTIONS
              Max-Forwards: 70
              Content-Length: 0

            ]]>
          </send>
          <recv response="200"/>
        </scenario>
        """;

    /// <summary>A request whose body is shorter than its Content-Length (a cut datagram): answered 400.</summary>
    public static readonly string Malformed = Head + """
          <send>
            <![CDATA[
              MESSAGE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
              Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
              From: <sip:x@[local_ip]:[local_port]>;tag=[pid]bad[call_number]
              To: <sip:[service]@[remote_ip]:[remote_port]>
              Call-ID: [call_id]
              CSeq: 1 MESSAGE
              Max-Forwards: 70
              Content-Length: 9999

              short
            ]]>
          </send>
          <recv response="400"/>
        </scenario>
        """;

    /// <summary>A call that sends digit 5 as SIP INFO (application/dtmf-relay).</summary>
    public static readonly string InfoDtmf = Head + Invite + Answered + InDialog("ACK", 1) + """
          <pause milliseconds="200"/>
        """ + InDialog("INFO", 2, "\n      Content-Type: application/dtmf-relay", "Signal=5\nDuration=160") + """
          <recv response="200"/>
          <pause milliseconds="200"/>
        """ + ByeAndEnd;

    /// <summary>A call that sends digit 1 as RFC 4733 events from sipp's pcap (raw socket: root only).</summary>
    public static readonly string Rfc4733Dtmf = Head + Invite + Answered + InDialog("ACK", 1) + """
          <nop>
            <action>
              <exec play_pcap_audio="/usr/share/sip-tester/dtmf_2833_1.pcap"/>
            </action>
          </nop>
          <pause milliseconds="1500"/>
        """ + ByeAndEnd;
}
