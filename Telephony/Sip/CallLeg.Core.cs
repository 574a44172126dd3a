using System.Net;
using System.Security.Cryptography;
using Hotline.Telephony.Media;
using Hotline.Telephony.Sdp;
using Microsoft.Extensions.Logging;

namespace Hotline.Telephony.Sip;

/// <summary>
/// The dialog (RFC 3261 §12) behind a call leg: tags, route set, remote target, CSeq spaces, the pending INVITE
/// that awaits its ACK, and the media stream it drives. Mutable state is guarded by the edge's lock.
/// </summary>
public sealed partial class CallLeg
{
    private readonly SipEdge _edge;
    private readonly ILegMedia _media;
    private readonly SdpNegotiator _sdp;
    private readonly TaskCompletionSource<CallLegEnd> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _callId;
    private readonly CallLegDirection _direction;
    private readonly string _fromUser;
    private readonly string _toUser;
    private readonly string _localTag;
    private volatile CallLegState _state;

    // The dialog (RFC 3261 §12): where its requests go, over which connection, with which tags, URIs, routes, CSeq.
    private IPEndPoint _remoteEndPoint;
    private SipTcpConnection? _connection;
    private string _remoteTag = "";
    private string _localUri = "";
    private string _remoteUri = "";
    private string _remoteTarget = "";
    private List<string> _routeSet = [];
    private long _localCSeq;

    // Inbound: the INVITE we ring, answer or reject, its offer, and a 2xx of ours that awaits its ACK.
    private ServerTransaction? _inviteTx;
    private SdpSession? _remoteOffer;
    private AwaitedAck? _awaitedAck;

    // Outbound: our INVITE's transaction and how far it got; our last ACK, sent again for a retransmitted 2xx.
    private ClientTransaction? _dialTx;
    private DialProgress _dial;
    private byte[]? _ackBytes;
    private IPEndPoint? _ackDestination;

    // Media: started by the first answer, updated by later ones (re-INVITEs).
    private bool _mediaStarted;

    private CallLeg(SipEdge edge, ILegMedia media, string callId, CallLegDirection direction, string fromUser, string toUser,
        IPEndPoint remote, CallLegState state)
    {
        _edge = edge;
        _media = media;
        _callId = callId;
        _direction = direction;
        _fromUser = fromUser;
        _toUser = toUser;
        _remoteEndPoint = remote;
        _state = state;
        _localTag = SipEdge.NewTag();
        _sdp = new SdpNegotiator(edge.Advertised, RandomNumberGenerator.GetInt32(1, int.MaxValue));
    }

    internal string DialogKey => SipEdge.DialogKey(_callId, _localTag, _remoteTag);

    internal string LocalTag => _localTag;

    private Media.MediaStream MediaOrThrow => _media.Stream ?? throw new InvalidOperationException("This edge runs without a media engine");

    internal ILegMedia LegMedia => _media;

    internal static CallLeg Inbound(SipEdge edge, ServerTransaction st, ILegMedia media)
    {
        var req = st.Request;
        var toUser = SipHeaderValue.GetUser(req.RequestUri);
        var leg = new CallLeg(edge, media, req.CallId, CallLegDirection.Inbound, SipHeaderValue.GetUser(req.From),
            toUser.Length > 0 ? toUser : SipHeaderValue.GetUser(req.To), st.Source.EndPoint, CallLegState.Incoming)
        {
            _connection = st.Source.Connection,
            _remoteTag = req.FromTag ?? "",
            _remoteUri = req.From,
            _routeSet = req.GetAll(SipHeaderNames.RecordRoute).ToList(),
            _inviteTx = st,
            _remoteOffer = ReadOffer(req),
        };
        leg._localUri = SipHeaderValue.WithParam(req.To, "tag", leg._localTag);
        var contact = SipHeaderValue.GetUri(req.Get(SipHeaderNames.Contact));
        leg._remoteTarget = contact.Length > 0 ? contact : req.RequestUri;
        return leg;
    }

    internal static SdpSession? ReadOffer(SipMessage m)
    {
        if (m.Body.Length == 0)
        {
            return null;
        }
        var type = m.ContentType ?? "application/sdp";
        if (type.StartsWith("application/sdp", StringComparison.OrdinalIgnoreCase))
        {
            return SdpSession.Parse(m.BodyText);
        }
        // Carrier trunks (SIP-I) send multipart/mixed with the SDP next to an ISUP part.
        return type.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase) && SdpPartOf(m.BodyText, type) is { } sdp
            ? SdpSession.Parse(sdp)
            : null;
    }

    private static string? SdpPartOf(string body, string contentType)
    {
        var semi = contentType.IndexOf(';');
        var boundary = semi < 0 ? null : SipHeaderValue.GetParam("x" + contentType[semi..], "boundary");
        if (string.IsNullOrEmpty(boundary))
        {
            return null;
        }
        foreach (var part in body.Split("--" + boundary))
        {
            var split = part.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (split > 0 && part[..split].Contains("application/sdp", StringComparison.OrdinalIgnoreCase))
            {
                return part[(split + 4)..];
            }
        }
        return null;
    }

    private void ApplyMedia(SdpNegotiation n)
    {
        var remote = n.Remote ?? new IPEndPoint(_remoteEndPoint.Address, 0);
        bool started;
        lock (_edge.Sync)
        {
            started = _mediaStarted;
            _mediaStarted = true;
        }
        if (started)
        {
            _media.Update(remote, n.Format);
        }
        else
        {
            _media.Start(remote, n.Format);
        }
        _media.Sending = n.ShouldSend;
    }

    internal void End(string reason, int? status = null)
    {
        lock (_edge.Sync)
        {
            if (_state == CallLegState.Ended)
            {
                return;
            }
            _state = CallLegState.Ended;
            _awaitedAck?.Invite.Retransmit?.Cancel();
        }
        _edge.RemoveDialog(this);
        _edge.Log.LogInformation("Call-ID {CallId} ended: {Reason} {Status}", _callId, reason, status);
        _ = DisposeMediaAsync();
        _ended.TrySetResult(new CallLegEnd(reason, status));
    }

    private async Task DisposeMediaAsync()
    {
        try
        {
            await _media.DisposeAsync();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _edge.Log.LogWarning(ex, "Closing media of Call-ID {CallId} failed", _callId);
        }
    }
}
