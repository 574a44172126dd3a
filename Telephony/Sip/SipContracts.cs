// CONTRACT between the SIP layer and the silo's edge host. The SIP helper owns the bodies (and may add
// members); signatures here are what the silo codes against: change them only with notice.
using System.Net;
using Hotline.Telephony.Media;

namespace Hotline.Telephony.Sip;

public sealed class SipEdgeOptions
{
    /// <summary>Where the SIP sockets bind (UDP and TCP on the same port).</summary>
    public IPAddress BindAddress { get; set; } = IPAddress.Any;
    public int Port { get; set; } = 5060;
    public bool EnableTcp { get; set; } = true;
    /// <summary>The address peers reach this edge at, written into Via, Contact and SDP; never 0.0.0.0.
    /// Null: the bind address if it is specific, else the machine's first non-loopback IPv4 address.</summary>
    public IPAddress? AdvertisedAddress { get; set; }
    public string UserAgent { get; set; } = "hotline-12345";
    /// <summary>RFC 3261 T1 (500 ms), T2 (4 s); tests may shorten them.</summary>
    public TimeSpan T1 { get; set; } = TimeSpan.FromMilliseconds(500);
    public TimeSpan T2 { get; set; } = TimeSpan.FromSeconds(4);
}

/// <summary>What the edge counts; exported by the silo on /metrics.</summary>
public sealed record SipEdgeStats(
    long MessagesReceived,
    long MalformedDropped,
    long BadRequestsAnswered,
    long Retransmissions,
    int ActiveTransactions,
    int ActiveDialogs,
    long InvitesReceived,
    long CallsAnswered,
    long CallsFailed);

/// <summary>An agent phone's REGISTER: the user part of the address of record (the job number) and its contact.</summary>
public sealed record SipRegistration(string User, Uri Contact, TimeSpan Expires, IPEndPoint Source, string Transport);

/// <summary>The answer to a REGISTER: 200 (with the expiry granted) or a refusal status.</summary>
public sealed record SipRegistrationResult(int Status, TimeSpan GrantedExpires)
{
    public static SipRegistrationResult Ok(TimeSpan expires) => new(200, expires);
    public static SipRegistrationResult NotFound => new(404, TimeSpan.Zero);
}

/// <summary>What the host decides for calls and registrations. Called on the edge's threads; return quickly
/// (long work belongs in a task the host owns).</summary>
public interface ISipCallHandler
{
    /// <summary>A new inbound INVITE (100 Trying is already sent). The host answers, rejects or lets it ring.</summary>
    Task OnIncomingCallAsync(CallLeg leg);

    /// <summary>A REGISTER from a phone (Expires 0 = unregister).</summary>
    Task<SipRegistrationResult> OnRegisterAsync(SipRegistration registration);
}

public enum CallLegState { Incoming, Ringing, Dialing, Established, Ended }

public enum CallLegDirection { Inbound, Outbound }

/// <summary>Why a leg ended: who hung up or what failed.</summary>
public sealed record CallLegEnd(string Reason, int? SipStatus = null);

/// <summary>A blind (Refer-To only) or attended (Refer-To with Replaces) transfer a phone asked for with REFER.</summary>
public sealed record TransferRequest(Uri Target, string? ReplacesCallId);

/// <summary>The SIP edge: UDP (and TCP) transport, transactions, dialogs, and the call legs on top.</summary>
public sealed partial class SipEdge : IAsyncDisposable
{
    public SipEdge(SipEdgeOptions options, MediaEngine media, ISipCallHandler handler, TimeProvider? time = null,
        Microsoft.Extensions.Logging.ILoggerFactory? loggers = null) : this(options, new MediaEngineLegMediaFactory(media), handler, time, loggers)
    {
    }

    /// <summary>Binds the sockets; throws with a clear message if the port is taken.</summary>
    public Task StartAsync(CancellationToken cancellationToken) => StartCore(cancellationToken);

    /// <summary>The UDP endpoint actually bound (port 0 in options picks a free one; tests use that).</summary>
    public IPEndPoint LocalEndPoint => _transport.LocalEndPoint;

    public SipEdgeStats GetStats() => Stats();

    /// <summary>An outbound call (to an agent's phone, a department's number, a callback): INVITE with our SDP
    /// offer. Completes when answered (ACK sent, media started). Cancelling sends CANCEL. A final failure
    /// throws <see cref="SipCallFailedException"/> with the status.</summary>
    /// <param name="target">Request-URI, e.g. sip:1001@10.0.0.5:5080.</param>
    /// <param name="fromUser">User part of our From (the hotline number, or the caller's number shown to the agent).</param>
    /// <param name="onRinging">Called on 180/183.</param>
    public Task<CallLeg> DialAsync(Uri target, string fromUser, Action? onRinging, CancellationToken cancellationToken) =>
        DialCore(target, fromUser, onRinging, cancellationToken);

    public ValueTask DisposeAsync() => DisposeCore();
}

public sealed class SipCallFailedException(int status, string reason) : Exception($"SIP {status} {reason}")
{
    public int Status { get; } = status;
    public string Reason { get; } = reason;
}

/// <summary>
/// One SIP call leg (one dialog) with its media stream. Inbound legs start <see cref="CallLegState.Incoming"/>;
/// the host rings, answers or rejects them.
/// </summary>
public sealed partial class CallLeg
{
    /// <summary>The SIP Call-ID.</summary>
    public string CallId => _callId;
    public CallLegDirection Direction => _direction;
    public CallLegState State => _state;
    /// <summary>User part of From (the caller's number for inbound legs).</summary>
    public string FromUser => _fromUser;
    /// <summary>User part of To / the request-URI (the dialled number for inbound legs).</summary>
    public string ToUser => _toUser;
    public IPEndPoint RemoteEndPoint => _remoteEndPoint;

    /// <summary>The leg's RTP stream (allocated when the leg is created; started on answer/ACK).</summary>
    public MediaStream Media => MediaOrThrow;

    /// <summary>Sends 180 Ringing (inbound only).</summary>
    public Task RingAsync() => Ring();

    /// <summary>Answers with 200 and our SDP answer; completes when the 200 is sent (ACK is awaited in the
    /// background; no ACK within 64·T1 ends the leg with BYE). Throws <see cref="SipCallFailedException"/> 488
    /// (and answers 488) if no codec fits.</summary>
    public Task AnswerAsync() => Answer();

    /// <summary>Rejects an inbound leg that is not answered yet (e.g. 486, 503).</summary>
    public Task RejectAsync(int status, string reason) => Reject(status, reason);

    /// <summary>Ends the leg from our side: BYE if established, CANCEL if dialing, 487 if still incoming. Idempotent.</summary>
    public Task HangupAsync() => Hangup();

    /// <summary>Puts the peer on hold (re-INVITE a=sendonly) or resumes (a=sendrecv).</summary>
    public Task HoldAsync(bool onHold) => Hold(onHold);

    /// <summary>Completes once when the leg ends, by either side or by failure.</summary>
    public Task<CallLegEnd> Ended => _ended.Task;

    /// <summary>The peer sent REFER. Return true to accept (202, then NOTIFY sipfrag 100/200 as the host
    /// reports through the returned progress), false for 603.</summary>
    public Func<TransferRequest, Task<bool>>? TransferRequested { get; set; }
}
