using System.Security;
using System.Text;

namespace Hotline.Tests.Telephony;

/// <summary>
/// A caller for sipp, written step by step: dial, then key digits (RFC 4733 from sipp's pcaps, or SIP INFO),
/// talk (sipp's A-law speech pcap), wait, hang up. The XML is sipp's scenario language.
/// </summary>
public sealed class SippScenario
{
    private const string PcapFolder = "/usr/share/sip-tester";
    private readonly StringBuilder _steps = new();
    private int _infoSequence;
    private bool _hotlineHangsUp;

    /// <summary>The payload type offered for telephone-event: 101 for sipp's pcaps, 96 for its <c>play_dtmf</c>.</summary>
    public int TelephoneEventPayloadType { get; init; } = 101;

    /// <summary>Seconds of speech in sipp's g711a.pcap.</summary>
    public static readonly TimeSpan SpeechLength = TimeSpan.FromSeconds(7.05);

    public SippScenario Pause(TimeSpan length)
    {
        _steps.AppendLine($"""  <pause milliseconds="{(int)length.TotalMilliseconds}"/>""");
        return this;
    }

    /// <summary>Keys digits as RFC 4733 telephone-events (payload type 101), one pcap per digit, 500 ms apart: a pcap
    /// repeats its SSRC and timestamp, so the same key twice is two presses only after a quiet gap.</summary>
    public SippScenario Dtmf(string digits)
    {
        foreach (var digit in digits)
        {
            var name = digit switch { '#' => "pound", '*' => "star", _ => digit.ToString() };
            _steps.AppendLine($"""  <nop><action><exec play_pcap_audio="{PcapFolder}/dtmf_2833_{name}.pcap"/></action></nop>""");
            _steps.AppendLine("""  <pause milliseconds="500"/>""");
        }
        return this;
    }

    /// <summary>Keys digits as SIP INFO (application/dtmf-relay), each answered 200.</summary>
    public SippScenario InfoDtmf(string digits)
    {
        foreach (var digit in digits)
        {
            var body = $"Signal={digit}\r\nDuration=160\r\n";
            _steps.AppendLine($"""
                  <send>
                    <![CDATA[
                      INFO [next_url] SIP/2.0
                      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                      From: "caller" <sip:[service]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
                      To: <sip:12345@[remote_ip]:[remote_port]>[peer_tag_param]
                      Call-ID: [call_id]
                      CSeq: {10 + ++_infoSequence} INFO
                      [routes]
                      Contact: <sip:[service]@[local_ip]:[local_port]>
                      Max-Forwards: 70
                      Content-Type: application/dtmf-relay
                      Content-Length: [len]

                      {body}
                    ]]>
                  </send>
                  <recv response="200"/>
                  <pause milliseconds="300"/>
                """);
        }
        return this;
    }

    /// <summary>Keys digits with sipp's own RTP stream (<c>play_dtmf</c>: payload type 96, after a lead-in of type 97).</summary>
    public SippScenario PlayDtmf(string digits)
    {
        _steps.AppendLine($"""  <nop><action><exec play_dtmf="{digits}"/></action></nop>""");
        return Pause(TimeSpan.FromMilliseconds(400 * digits.Length + 600));
    }

    /// <summary>The hotline ends the call (the IVR's goodbye): wait for its BYE and answer it, instead of sending ours.</summary>
    public SippScenario HotlineHangsUp()
    {
        _hotlineHangsUp = true;
        return this;
    }

    /// <summary>Plays sipp's A-law speech (7 s) to the hotline, and waits until it is sent.</summary>
    public SippScenario Speak()
    {
        _steps.AppendLine($"""  <nop><action><exec play_pcap_audio="{PcapFolder}/g711a.pcap"/></action></nop>""");
        return Pause(SpeechLength + TimeSpan.FromMilliseconds(200));
    }

    /// <summary>The whole scenario: INVITE (A-law and telephone-event 101 offered), answer, the steps, BYE.</summary>
    public string ToXml(string name)
    {
        var invite = $$"""
            <send retrans="500">
              <![CDATA[
                INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
                Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                From: "caller" <sip:13800138000@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
                To: <sip:[service]@[remote_ip]:[remote_port]>
                Call-ID: [call_id]
                CSeq: 1 INVITE
                Contact: <sip:13800138000@[local_ip]:[local_port]>
                Max-Forwards: 70
                Content-Type: application/sdp
                Content-Length: [len]

                v=0
                o=caller 53655765 2353687637 IN IP[local_ip_type] [local_ip]
                s=-
                c=IN IP[media_ip_type] [media_ip]
                t=0 0
                m=audio [media_port] RTP/AVP 8 {{TelephoneEventPayloadType}}
                a=rtpmap:8 PCMA/8000
                a=rtpmap:{{TelephoneEventPayloadType}} telephone-event/8000
                a=fmtp:{{TelephoneEventPayloadType}} 0-15
                a=ptime:20
              ]]>
            </send>
            <recv response="100" optional="true"/>
            <recv response="180" optional="true"/>
            <recv response="183" optional="true"/>
            <recv response="200" rtd="true" rrs="true"/>
            <send>
              <![CDATA[
                ACK [next_url] SIP/2.0
                Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                From: "caller" <sip:13800138000@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
                To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
                Call-ID: [call_id]
                CSeq: 1 ACK
                [routes]
                Contact: <sip:13800138000@[local_ip]:[local_port]>
                Max-Forwards: 70
                Content-Length: 0
              ]]>
            </send>
            """;
        const string ourBye = """
            <send retrans="500">
              <![CDATA[
                BYE [next_url] SIP/2.0
                Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                From: "caller" <sip:13800138000@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
                To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
                Call-ID: [call_id]
                CSeq: 100 BYE
                [routes]
                Contact: <sip:13800138000@[local_ip]:[local_port]>
                Max-Forwards: 70
                Content-Length: 0
              ]]>
            </send>
            <recv response="200" crlf="true"/>
            """;
        const string theirBye = """
            <recv request="BYE" timeout="90000"/>
            <send>
              <![CDATA[
                SIP/2.0 200 OK
                [last_Via:]
                [last_From:]
                [last_To:]
                [last_Call-ID:]
                [last_CSeq:]
                Content-Length: 0
              ]]>
            </send>
            """;
        var bye = _hotlineHangsUp ? theirBye : ourBye;
        return $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE scenario SYSTEM "sipp.dtd">
            <scenario name="{SecurityElement.Escape(name)}">
            {invite}
            {_steps}
            {bye}
            </scenario>
            """;
    }
}
