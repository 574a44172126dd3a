namespace Hotline.Tests.Telephony;

/// <summary>sipp scenarios for the SIP corner cases: a probe, a caller who gives up while it rings, a lost ACK.</summary>
public static class SippRawScenarios
{
    private const string Offer = """
        v=0
        o=caller 1 1 IN IP[local_ip_type] [local_ip]
        s=-
        c=IN IP[media_ip_type] [media_ip]
        t=0 0
        m=audio [media_port] RTP/AVP 0 101
        a=rtpmap:0 PCMU/8000
        a=rtpmap:101 telephone-event/8000
        """;

    private static string Headers(string method, int cseq, bool inDialog) => $"""
        Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
        From: <sip:13900139000@[local_ip]:[local_port]>;tag=[pid]SIPpTag01[call_number]
        To: <sip:[service]@[remote_ip]:[remote_port]>{(inDialog ? "[peer_tag_param]" : "")}
        Call-ID: [call_id]
        CSeq: {cseq} {method}
        Contact: <sip:13900139000@[local_ip]:[local_port]>
        Max-Forwards: 70
        """;

    private static string Wrap(string name, string body) => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE scenario SYSTEM "sipp.dtd">
        <scenario name="{name}">
        {body}
        </scenario>
        """;

    /// <summary>A load balancer's probe: OPTIONS outside any dialog must get 200.</summary>
    public static string OptionsProbe => Wrap("options", $"""
        <send retrans="500"><![CDATA[
        OPTIONS sip:[service]@[remote_ip]:[remote_port] SIP/2.0
        {Headers("OPTIONS", 1, false)}
        Accept: application/sdp
        Content-Length: 0

        ]]></send>
        <recv response="200"/>
        """);

    /// <summary>The caller hangs up while it rings: 200 for the CANCEL, 487 for the INVITE, which the caller ACKs.</summary>
    public static string CancelWhileRinging => Wrap("cancel", $"""
        <send retrans="500"><![CDATA[
        INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
        {Headers("INVITE", 1, false)}
        Content-Type: application/sdp
        Content-Length: [len]

        {Offer}
        ]]></send>
        <recv response="100" optional="true"/>
        <recv response="180"/>
        <!-- CANCEL and the ACK of the 487 belong to the INVITE's transaction: its branch, message 0. -->
        <send><![CDATA[
        CANCEL sip:[service]@[remote_ip]:[remote_port] SIP/2.0
        Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch-3]
        From: <sip:13900139000@[local_ip]:[local_port]>;tag=[pid]SIPpTag01[call_number]
        To: <sip:[service]@[remote_ip]:[remote_port]>
        Call-ID: [call_id]
        CSeq: 1 CANCEL
        Max-Forwards: 70
        Content-Length: 0

        ]]></send>
        <recv response="200"/>
        <recv response="487"/>
        <send><![CDATA[
        ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
        Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch-6]
        From: <sip:13900139000@[local_ip]:[local_port]>;tag=[pid]SIPpTag01[call_number]
        To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
        Call-ID: [call_id]
        CSeq: 1 ACK
        Max-Forwards: 70
        Content-Length: 0

        ]]></send>
        """);

    /// <summary>An INVITE the edge refuses with <paramref name="status"/> (e.g. 503 from a draining silo), which the caller ACKs.</summary>
    public static string InviteRefused(int status) => Wrap("refused", $"""
        <send retrans="500"><![CDATA[
        INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
        {Headers("INVITE", 1, false)}
        Content-Type: application/sdp
        Content-Length: [len]

        {Offer}
        ]]></send>
        <recv response="100" optional="true"/>
        <recv response="{status}"/>
        <!-- The ACK of a refusal belongs to the INVITE's transaction: its branch, message 0. -->
        <send><![CDATA[
        ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
        Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch-3]
        From: <sip:13900139000@[local_ip]:[local_port]>;tag=[pid]SIPpTag01[call_number]
        To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
        Call-ID: [call_id]
        CSeq: 1 ACK
        Max-Forwards: 70
        Content-Length: 0

        ]]></send>
        """);

    /// <summary>The first ACK is "lost": the caller stays silent through two re-sent 200s (0.5 s and 1.5 s) before it
    /// acknowledges; sipp absorbs the retransmissions itself, so the edge's counter shows them.</summary>
    public static string LostAck => Wrap("lost-ack", $"""
        <send retrans="500"><![CDATA[
        INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
        {Headers("INVITE", 1, false)}
        Content-Type: application/sdp
        Content-Length: [len]

        {Offer}
        ]]></send>
        <recv response="100" optional="true"/>
        <recv response="180" optional="true"/>
        <recv response="200"/>
        <pause milliseconds="1700"/>
        <send><![CDATA[
        ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
        {Headers("ACK", 1, true)}
        Content-Length: 0

        ]]></send>
        <pause milliseconds="1000"/>
        <send retrans="500"><![CDATA[
        BYE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
        {Headers("BYE", 2, true)}
        Content-Length: 0

        ]]></send>
        <recv response="200" crlf="true"/>
        """);
}
