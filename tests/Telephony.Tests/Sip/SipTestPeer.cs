using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using Hotline.Telephony.Media;
using Hotline.Telephony.Sip;

namespace Hotline.Telephony.Tests.Sip;

/// <summary>A scripted SIP peer on a UDP socket: sends text messages, receives parsed ones with a timeout.</summary>
internal sealed class SipTestPeer : IDisposable
{
    private readonly UdpClient _udp = new(new IPEndPoint(IPAddress.Loopback, 0));

    public SipTestPeer(IPEndPoint edge) => Edge = edge;

    public IPEndPoint Edge { get; }

    public int Port => ((IPEndPoint)_udp.Client.LocalEndPoint!).Port;

    public void Send(string text) => _udp.Send(Encoding.UTF8.GetBytes(SipSamples.Crlf(text)), Edge);

    public void SendRaw(byte[] data) => _udp.Send(data, Edge);

    public async Task<SipMessage> ReceiveAsync(int timeoutMs = 3000)
    {
        using var cts = new CancellationTokenSource(timeoutMs);
        try
        {
            var r = await _udp.ReceiveAsync(cts.Token);
            var parsed = SipParser.Parse(r.Buffer);
            Assert.True(parsed.Success, parsed.Error);
            return parsed.Message!;
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No SIP message within {timeoutMs} ms");
        }
    }

    /// <summary>Receives until a message matches (skipping e.g. 100 Trying).</summary>
    public async Task<SipMessage> ReceiveAsync(Func<SipMessage, bool> match, int timeoutMs = 3000)
    {
        while (true)
        {
            var m = await ReceiveAsync(timeoutMs);
            if (match(m))
            {
                return m;
            }
        }
    }

    public async Task ExpectNothingAsync(int ms = 150)
    {
        using var cts = new CancellationTokenSource(ms);
        try
        {
            var r = await _udp.ReceiveAsync(cts.Token);
            Assert.Fail("Unexpected message: " + Encoding.UTF8.GetString(r.Buffer));
        }
        catch (OperationCanceledException)
        {
        }
    }

    public string Invite(string callId, string branch, string sdp = SippSdp, int cseq = 1) => $"""
        INVITE sip:service@127.0.0.1:{Edge.Port} SIP/2.0
        Via: SIP/2.0/UDP 127.0.0.1:{Port};branch={branch}
        From: sipp <sip:13800138000@127.0.0.1:{Port}>;tag=peer-tag
        To: service <sip:service@127.0.0.1:{Edge.Port}>
        Call-ID: {callId}
        CSeq: {cseq} INVITE
        Contact: sip:sipp@127.0.0.1:{Port}
        Max-Forwards: 70
        Content-Type: application/sdp
        Content-Length: {Encoding.UTF8.GetByteCount(SipSamples.Crlf(sdp))}

        {sdp}
        """;

    /// <summary>An in-dialog request as sipp's built-in uac sends it: to the ORIGINAL request-URI.</summary>
    public string InDialog(string method, string callId, string toTag, string branch, int cseq, string extraHeaders = "", string body = "", string contentType = "") => $"""
        {method} sip:service@127.0.0.1:{Edge.Port} SIP/2.0
        Via: SIP/2.0/UDP 127.0.0.1:{Port};branch={branch}
        From: sipp <sip:13800138000@127.0.0.1:{Port}>;tag=peer-tag
        To: service <sip:service@127.0.0.1:{Edge.Port}>;tag={toTag}
        Call-ID: {callId}
        CSeq: {cseq} {method}
        Contact: sip:sipp@127.0.0.1:{Port}
        Max-Forwards: 70{extraHeaders}{(contentType.Length > 0 ? "\nContent-Type: " + contentType : "")}
        Content-Length: {Encoding.UTF8.GetByteCount(SipSamples.Crlf(body))}

        {body}
        """;

    public const string SippSdp = """
        v=0
        o=user1 53655765 2353687637 IN IP4 127.0.0.1
        s=-
        c=IN IP4 127.0.0.1
        t=0 0
        m=audio 6000 RTP/AVP 0 101
        a=rtpmap:0 PCMU/8000
        a=rtpmap:101 telephone-event/8000

        """;

    public void Dispose() => _udp.Dispose();
}

internal sealed class FakeLegMedia(int port) : ILegMedia
{
    public MediaStream? Stream => null;
    public IPEndPoint LocalEndPoint { get; } = new(IPAddress.Loopback, port);
    public IPEndPoint? Remote { get; private set; }
    public MediaFormat? Format { get; private set; }
    public int Updates { get; private set; }
    public bool Sending { get; set; } = true;
    public List<char> Digits { get; } = [];
    public bool Disposed { get; private set; }

    public void Start(IPEndPoint remote, MediaFormat format) => (Remote, Format) = (remote, format);

    public void Update(IPEndPoint remote, MediaFormat format)
    {
        (Remote, Format) = (remote, format);
        Updates++;
    }

    public void InjectDigit(char digit)
    {
        lock (Digits)
        {
            Digits.Add(digit);
        }
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }
}

internal sealed class FakeMediaFactory : ILegMediaFactory
{
    private int _next = 40000;

    public void Start()
    {
    }

    public ILegMedia Open() => new FakeLegMedia(Interlocked.Add(ref _next, 2));
}

/// <summary>Hands every inbound leg to the test; REGISTER answers what the test set.</summary>
internal sealed class TestCallHandler : ISipCallHandler
{
    public Channel<CallLeg> Legs { get; } = Channel.CreateUnbounded<CallLeg>();
    public Func<CallLeg, Task>? OnCall { get; set; }
    public List<SipRegistration> Registrations { get; } = [];

    public async Task OnIncomingCallAsync(CallLeg leg)
    {
        await Legs.Writer.WriteAsync(leg);
        if (OnCall is { } f)
        {
            await f(leg);
        }
    }

    public Task<SipRegistrationResult> OnRegisterAsync(SipRegistration registration)
    {
        lock (Registrations)
        {
            Registrations.Add(registration);
        }
        return Task.FromResult(registration.User == "agent1" ? SipRegistrationResult.Ok(TimeSpan.FromSeconds(120)) : SipRegistrationResult.NotFound);
    }

    public async Task<CallLeg> NextLegAsync()
    {
        using var cts = new CancellationTokenSource(3000);
        return await Legs.Reader.ReadAsync(cts.Token);
    }
}
