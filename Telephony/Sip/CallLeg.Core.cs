using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
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
    private IPEndPoint _remoteEndPoint;
    private SipTcpConnection? _connection;
    private string _remoteTag = "";
    private string _localUri = "";
    private string _remoteUri = "";
    private string _remoteTarget = "";
    private List<string> _routeSet = [];
    private long _localCSeq;
    private ServerTransaction? _inviteTx;
    private ServerTransaction? _pendingInvite;
    private SdpSession? _remoteOffer;
    private bool _awaitingAnswerInAck;
    private bool _mediaStarted;
    private byte[]? _ackBytes;
    private IPEndPoint? _ackDestination;
    private ClientTransaction? _dialTx;
    private bool _gotProvisional;
    private bool _cancelRequested;
    private bool _cancelSent;

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

    // ---------- inbound: ring, answer, reject ----------

    private SipMessage DialogResponse(ServerTransaction st, int status, string reason)
    {
        var r = _edge.BuildResponse(st.Request, st.Source, status, reason, _localTag);
        if (st.Request.Method == "INVITE" && status is > 100 and < 300)
        {
            // Proxies that Record-Route expect to see their route echoed in 18x/2xx (RFC 3261 §12.1.1).
            foreach (var rr in st.Request.GetAll(SipHeaderNames.RecordRoute))
            {
                r.Add(SipHeaderNames.RecordRoute, rr);
            }
            r.Add(SipHeaderNames.Contact, _edge.ContactHeader(_toUser.Length > 0 ? _toUser : "hotline", _connection));
            r.Add(SipHeaderNames.Allow, SipEdge.AllowedMethods);
        }
        return r;
    }

    private Task Ring()
    {
        lock (_edge.Sync)
        {
            if (_state is not (CallLegState.Incoming or CallLegState.Ringing) || _inviteTx is null || _inviteTx.IsFinal)
            {
                return Task.CompletedTask;
            }
            _state = CallLegState.Ringing;
            _edge.RespondLocked(_inviteTx, 180, "Ringing", prepared: DialogResponse(_inviteTx, 180, "Ringing"));
        }
        return Task.CompletedTask;
    }

    private Task Answer()
    {
        SdpNegotiation? negotiation = null;
        SipMessage? ok = null;
        lock (_edge.Sync)
        {
            if (_state == CallLegState.Ended)
            {
                return Task.CompletedTask;
            }
            if (_direction != CallLegDirection.Inbound || _inviteTx is null || _state is not (CallLegState.Incoming or CallLegState.Ringing))
            {
                throw new InvalidOperationException($"Cannot answer a {_direction} leg in state {_state}");
            }
            string body;
            if (_remoteOffer is null)
            {
                // Offerless INVITE: our offer goes in the 200, the answer comes in the ACK.
                body = _sdp.Offer(_media.LocalEndPoint.Port);
                _awaitingAnswerInAck = true;
            }
            else
            {
                negotiation = _sdp.Answer(_remoteOffer, _media.LocalEndPoint.Port);
                if (negotiation is null)
                {
                    _edge.RespondLocked(_inviteTx, 488, "Not Acceptable Here", prepared: DialogResponse(_inviteTx, 488, "Not Acceptable Here"));
                    body = "";
                }
                else
                {
                    body = negotiation.Sdp;
                }
            }
            if (body.Length > 0)
            {
                ok = DialogResponse(_inviteTx, 200, "OK");
                ok.Add(SipHeaderNames.ContentType, "application/sdp");
                ok.Body = Encoding.UTF8.GetBytes(body);
                // Established from here on: a CANCEL racing the answer no longer turns into a 487.
                _state = CallLegState.Established;
                _pendingInvite = _inviteTx;
            }
        }
        if (ok is null)
        {
            _edge.CountFailed();
            End("no common codec", 488);
            throw new SipCallFailedException(488, "Not Acceptable Here");
        }
        // Media first, so the stream is ready when the peer's ACK and first RTP arrive.
        if (negotiation is not null)
        {
            ApplyMedia(negotiation);
        }
        lock (_edge.Sync)
        {
            if (_state == CallLegState.Established)
            {
                _edge.RespondLocked(_inviteTx, 200, "OK", prepared: ok);
            }
        }
        _edge.CountAnswered();
        _edge.Log.LogInformation("Answered Call-ID {CallId}", _callId);
        return Task.CompletedTask;
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

    private Task Reject(int status, string reason)
    {
        lock (_edge.Sync)
        {
            if (_inviteTx is null || _inviteTx.IsFinal || _state is not (CallLegState.Incoming or CallLegState.Ringing))
            {
                return Task.CompletedTask;
            }
            _edge.RespondLocked(_inviteTx, status, reason, prepared: DialogResponse(_inviteTx, status, reason));
        }
        End("rejected", status);
        return Task.CompletedTask;
    }

    private async Task Hangup()
    {
        switch (_state)
        {
            case CallLegState.Incoming:
            case CallLegState.Ringing:
                await Reject(487, "Request Terminated");
                break;
            case CallLegState.Dialing:
                RequestCancel();
                break;
            case CallLegState.Established:
                SendBye();
                End("hangup");
                break;
        }
    }

    private void SendBye()
    {
        lock (_edge.Sync)
        {
            var (bye, dest) = BuildInDialogRequest("BYE");
            _edge.SendRequest(bye, dest, _connection);
        }
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
            _pendingInvite?.Retransmit?.Cancel();
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

    // ---------- what the edge routes to the dialog ----------

    internal void OnCancelled(ServerTransaction inviteTx)
    {
        lock (_edge.Sync)
        {
            if (inviteTx.IsFinal || _state is not (CallLegState.Incoming or CallLegState.Ringing))
            {
                return;
            }
            _edge.RespondLocked(inviteTx, 487, "Request Terminated", prepared: DialogResponse(inviteTx, 487, "Request Terminated"));
        }
        End("cancelled", 487);
    }

    internal void OnAck(SipMessage ack)
    {
        SdpNegotiation? late = null;
        lock (_edge.Sync)
        {
            if (_pendingInvite is not { } pending || pending.Request.CSeq.Number != ack.CSeq.Number)
            {
                return;
            }
            _edge.Confirm2xx(pending);
            _pendingInvite = null;
            if (_awaitingAnswerInAck && ReadOffer(ack) is { } answer)
            {
                _awaitingAnswerInAck = false;
                late = SdpNegotiator.ReadAnswer(answer);
            }
        }
        if (late is not null)
        {
            ApplyMedia(late);
        }
    }

    internal void OnAckTimeout(ServerTransaction st)
    {
        if (_state != CallLegState.Established)
        {
            return;
        }
        _edge.Log.LogWarning("No ACK for the 2xx of Call-ID {CallId} within 64*T1: BYE", _callId);
        _edge.CountFailed();
        SendBye();
        End("no ACK", 408);
    }

    internal void OnInDialogRequest(ServerTransaction st)
    {
        var req = st.Request;
        switch (req.Method)
        {
            case "BYE":
                lock (_edge.Sync)
                {
                    if (_inviteTx is { IsFinal: false } early)
                    {
                        _edge.RespondLocked(early, 487, "Request Terminated", prepared: DialogResponse(early, 487, "Request Terminated"));
                    }
                }
                // Ended before the 200 leaves: whoever sees the 200 sees the leg gone.
                End("bye");
                _edge.Respond(st, 200, "OK", prepared: DialogResponse(st, 200, "OK"));
                break;
            case "INVITE":
                OnReinvite(st);
                break;
            case "INFO":
                OnInfo(st);
                break;
            case "REFER":
                OnRefer(st);
                break;
            case "OPTIONS":
                _edge.Respond(st, 200, "OK", r =>
                {
                    r.Add(SipHeaderNames.Allow, SipEdge.AllowedMethods);
                    r.Add(SipHeaderNames.Accept, "application/sdp");
                }, _localTag);
                break;
            case "NOTIFY":
                _edge.Respond(st, 200, "OK", toTag: _localTag);
                break;
            default:
                _edge.Respond(st, 501, "Not Implemented", r => r.Add(SipHeaderNames.Allow, SipEdge.AllowedMethods), _localTag);
                break;
        }
    }

    private void OnReinvite(ServerTransaction st)
    {
        var req = st.Request;
        SdpNegotiation? negotiation = null;
        SipMessage ok;
        lock (_edge.Sync)
        {
            if (_state != CallLegState.Established)
            {
                _edge.RespondLocked(st, 491, "Request Pending", toTag: _localTag);
                return;
            }
            var contact = SipHeaderValue.GetUri(req.Get(SipHeaderNames.Contact));
            if (contact.Length > 0)
            {
                _remoteTarget = contact; // a re-INVITE is a target refresh
            }
            var offer = ReadOffer(req);
            string body;
            if (offer is null)
            {
                body = _sdp.Offer(_media.LocalEndPoint.Port);
                _awaitingAnswerInAck = true;
            }
            else
            {
                negotiation = _sdp.Answer(offer, _media.LocalEndPoint.Port);
                if (negotiation is null)
                {
                    _edge.RespondLocked(st, 488, "Not Acceptable Here", toTag: _localTag);
                    return;
                }
                body = negotiation.Sdp;
            }
            ok = DialogResponse(st, 200, "OK");
            ok.Add(SipHeaderNames.ContentType, "application/sdp");
            ok.Body = Encoding.UTF8.GetBytes(body);
            _pendingInvite = st;
            st.Leg = this;
        }
        // Hold takes effect before the peer hears our 200.
        if (negotiation is not null)
        {
            _edge.Log.LogInformation("re-INVITE on Call-ID {CallId}: peer direction {Direction}", _callId, negotiation.RemoteDirection);
            ApplyMedia(negotiation);
        }
        _edge.Respond(st, 200, "OK", prepared: ok);
    }

    private void OnInfo(ServerTransaction st)
    {
        var req = st.Request;
        var type = req.ContentType ?? "";
        char? digit = null;
        if (type.StartsWith("application/dtmf-relay", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var line in req.BodyText.Split('\n'))
            {
                var eq = line.IndexOf('=');
                if (eq > 0 && line[..eq].Trim().Equals("Signal", StringComparison.OrdinalIgnoreCase))
                {
                    digit = ToDigit(line[(eq + 1)..].Trim());
                }
            }
        }
        else if (type.StartsWith("application/dtmf", StringComparison.OrdinalIgnoreCase))
        {
            digit = ToDigit(req.BodyText.Trim());
        }
        // The digit is delivered before the 200 goes out, so a peer that saw the 200 knows it arrived.
        if (digit is { } d && _state == CallLegState.Established)
        {
            _media.InjectDigit(d);
        }
        _edge.Respond(st, 200, "OK", toTag: _localTag);
    }

    internal static char? ToDigit(string s)
    {
        if (s.Length == 1 && "0123456789*#ABCDabcd".Contains(s[0]))
        {
            return char.ToUpperInvariant(s[0]);
        }
        // RFC 4733 event numbers: 10 is *, 11 is #, 12-15 are A-D.
        return int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 10 and <= 15
            ? "*#ABCD"[n - 10]
            : null;
    }

    private void OnRefer(ServerTransaction st)
    {
        var referTo = st.Request.Get(SipHeaderNames.ReferTo);
        var request = referTo is null ? null : ParseReferTo(referTo);
        if (request is null)
        {
            _edge.Respond(st, 400, "Bad Refer-To", toTag: _localTag);
            return;
        }
        _edge.Respond(st, 202, "Accepted", toTag: _localTag);
        _ = Task.Run(async () =>
        {
            await NotifyAsync("SIP/2.0 100 Trying", "active;expires=60");
            var accepted = false;
            try
            {
                accepted = TransferRequested is { } decide && await decide(request);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                _edge.Log.LogError(ex, "Transfer handler failed for Call-ID {CallId}", _callId);
            }
            await NotifyAsync(accepted ? "SIP/2.0 200 OK" : "SIP/2.0 603 Declined", "terminated;reason=noresource");
        });
    }

    /// <summary>Refer-To: &lt;sip:1002@host?Replaces=callid%3Bto-tag%3Dx%3Bfrom-tag%3Dy&gt; → target and replaced Call-ID.</summary>
    internal static TransferRequest? ParseReferTo(string referTo)
    {
        var uri = SipHeaderValue.GetUri(referTo);
        string? replaces = null;
        var q = uri.IndexOf('?');
        if (q >= 0)
        {
            foreach (var header in uri[(q + 1)..].Split('&'))
            {
                var eq = header.IndexOf('=');
                if (eq > 0 && header[..eq].Equals("Replaces", StringComparison.OrdinalIgnoreCase))
                {
                    var value = Uri.UnescapeDataString(header[(eq + 1)..]);
                    var semi = value.IndexOf(';');
                    replaces = semi < 0 ? value : value[..semi];
                }
            }
            uri = uri[..q];
        }
        return Uri.TryCreate(uri, UriKind.Absolute, out var target) ? new TransferRequest(target, replaces) : null;
    }

    private async Task NotifyAsync(string sipfrag, string subscriptionState)
    {
        ClientTransaction ct;
        lock (_edge.Sync)
        {
            if (_state != CallLegState.Established)
            {
                return;
            }
            var (notify, dest) = BuildInDialogRequest("NOTIFY");
            notify.Add(SipHeaderNames.Event, "refer");
            notify.Add(SipHeaderNames.SubscriptionState, subscriptionState);
            notify.Add(SipHeaderNames.ContentType, "message/sipfrag;version=2.0");
            notify.Body = Encoding.UTF8.GetBytes(sipfrag + "\r\n");
            ct = _edge.SendRequest(notify, dest, _connection);
        }
        await ct.Final.Task;
    }

    // ---------- requests we send inside the dialog ----------

    /// <summary>An in-dialog request to the remote target through the route set (loose routing). Call under the lock.</summary>
    private (SipMessage Request, IPEndPoint Destination) BuildInDialogRequest(string method, long? cseq = null)
    {
        var r = SipMessage.Request(method, _remoteTarget);
        r.Add(SipHeaderNames.Via, _edge.Via(SipEdge.NewBranch(), _connection));
        r.Add(SipHeaderNames.MaxForwards, "70");
        r.Add(SipHeaderNames.From, _localUri);
        r.Add(SipHeaderNames.To, _remoteUri);
        r.Add(SipHeaderNames.CallId, _callId);
        r.Add(SipHeaderNames.CSeq, $"{(cseq ?? ++_localCSeq).ToString(CultureInfo.InvariantCulture)} {method}");
        foreach (var route in _routeSet)
        {
            r.Add(SipHeaderNames.Route, route);
        }
        if (method is "INVITE" or "NOTIFY" or "REFER")
        {
            r.Add(SipHeaderNames.Contact, _edge.ContactHeader(_direction == CallLegDirection.Inbound ? _toUser : _fromUser, _connection));
        }
        r.Add(SipHeaderNames.UserAgent, _edge.Options.UserAgent);
        var nextHop = _routeSet.Count > 0 ? SipHeaderValue.GetUri(_routeSet[0]) : _remoteTarget;
        return (r, SipEdge.Resolve(nextHop) ?? _remoteEndPoint);
    }

    private async Task Hold(bool onHold)
    {
        ClientTransaction ct;
        lock (_edge.Sync)
        {
            if (_state != CallLegState.Established)
            {
                throw new InvalidOperationException($"Cannot hold a leg in state {_state}");
            }
            var (invite, dest) = BuildInDialogRequest("INVITE");
            invite.Add(SipHeaderNames.ContentType, "application/sdp");
            invite.Body = Encoding.UTF8.GetBytes(_sdp.Offer(_media.LocalEndPoint.Port, onHold ? SdpDirection.SendOnly : SdpDirection.SendRecv));
            ct = _edge.SendRequest(invite, dest, _connection, on2xxRetransmission: _ => ResendAck());
        }
        var final = await ct.Final.Task;
        if (final.StatusCode >= 300)
        {
            throw new SipCallFailedException(final.StatusCode, final.ReasonPhrase);
        }
        SendAck(ct.Request.CSeq.Number);
        _media.Sending = !onHold;
    }

    private void SendAck(long cseq)
    {
        lock (_edge.Sync)
        {
            var (ack, dest) = BuildInDialogRequest("ACK", cseq);
            _ackBytes = ack.ToBytes();
            _ackDestination = dest;
            _edge.Send(_ackBytes, dest, _connection);
        }
    }

    private void ResendAck()
    {
        lock (_edge.Sync)
        {
            if (_ackBytes is not null && _ackDestination is not null)
            {
                _edge.Send(_ackBytes, _ackDestination, _connection);
            }
        }
    }

    // ---------- outbound ----------

    internal static async Task<CallLeg> DialAsync(SipEdge edge, Uri target, string fromUser, Action? onRinging, CancellationToken cancellationToken)
    {
        var targetText = target.OriginalString;
        var destination = SipEdge.Resolve(targetText) ?? throw new SipCallFailedException(416, "Unsupported URI Scheme or unresolvable host");
        var connection = edge.FlowFor(targetText, destination, out var needsTcp);
        if (connection is null && needsTcp)
        {
            // A UDP INVITE to a TCP phone's ephemeral port would ring nothing until Timer B: say so now.
            edge.Log.LogWarning("Cannot ring {Target}: it registered over TCP and this edge holds no open connection from it", SipEdge.MaskNumber(SipHeaderValue.GetUser(targetText)));
            edge.CountFailed();
            throw new SipCallFailedException(SipEdge.FlowFailedStatus, "Flow Failed");
        }
        if (connection is not null)
        {
            destination = connection.Remote;
        }
        ILegMedia media;
        try
        {
            media = edge.OpenMedia();
        }
        catch (InvalidOperationException ex)
        {
            throw new SipCallFailedException(503, "No RTP port: " + ex.Message);
        }
        var callId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)) + "@" + edge.Advertised;
        var leg = new CallLeg(edge, media, callId, CallLegDirection.Outbound, fromUser, SipHeaderValue.GetUser(targetText),
            destination, CallLegState.Dialing)
        {
            _remoteTarget = targetText,
            _remoteUri = $"<{targetText}>",
            _connection = connection,
        };
        leg._localUri = $"<sip:{fromUser}@{edge.Advertised}>;tag={leg._localTag}";
        ClientTransaction ct;
        lock (edge.Sync)
        {
            leg._localCSeq = 1;
            var invite = SipMessage.Request("INVITE", targetText);
            invite.Add(SipHeaderNames.Via, edge.Via(SipEdge.NewBranch(), connection));
            invite.Add(SipHeaderNames.MaxForwards, "70");
            invite.Add(SipHeaderNames.From, leg._localUri);
            invite.Add(SipHeaderNames.To, leg._remoteUri);
            invite.Add(SipHeaderNames.CallId, callId);
            invite.Add(SipHeaderNames.CSeq, "1 INVITE");
            invite.Add(SipHeaderNames.Contact, edge.ContactHeader(fromUser, connection));
            invite.Add(SipHeaderNames.Allow, SipEdge.AllowedMethods);
            invite.Add(SipHeaderNames.UserAgent, edge.Options.UserAgent);
            invite.Add(SipHeaderNames.ContentType, "application/sdp");
            invite.Body = Encoding.UTF8.GetBytes(leg._sdp.Offer(media.LocalEndPoint.Port));
            ct = edge.SendRequest(invite, destination, connection, r => leg.OnDialProvisional(r, onRinging), _ => leg.ResendAck());
            leg._dialTx = ct;
        }
        edge.Log.LogInformation("INVITE Call-ID {CallId} to {Target}", callId, SipEdge.MaskNumber(leg._toUser));
        SipMessage final;
        using (cancellationToken.Register(leg.RequestCancel))
        {
            final = await ct.Final.Task;
        }
        if (final.StatusCode >= 300)
        {
            var cancelled = leg._cancelRequested;
            leg.End(cancelled ? "cancelled" : "failed", final.StatusCode);
            if (cancelled)
            {
                throw new OperationCanceledException("Dial cancelled", cancellationToken);
            }
            edge.CountFailed();
            throw new SipCallFailedException(final.StatusCode, final.ReasonPhrase);
        }
        SdpNegotiation? negotiation;
        lock (edge.Sync)
        {
            leg._remoteTag = final.ToTag ?? "";
            leg._remoteUri = final.To;
            var contact = SipHeaderValue.GetUri(final.Get(SipHeaderNames.Contact));
            if (contact.Length > 0)
            {
                leg._remoteTarget = contact;
            }
            // A UAC's route set is the 2xx's Record-Route in reverse (RFC 3261 §12.1.2).
            leg._routeSet = final.GetAll(SipHeaderNames.RecordRoute).Reverse().ToList();
            leg._state = CallLegState.Established;
            edge.RegisterDialog(leg);
            var answer = ReadOffer(final);
            negotiation = answer is null ? null : SdpNegotiator.ReadAnswer(answer);
        }
        leg.SendAck(1);
        if (leg._cancelRequested)
        {
            leg.SendBye();
            leg.End("cancelled");
            throw new OperationCanceledException("Dial cancelled", cancellationToken);
        }
        if (negotiation is null)
        {
            leg.SendBye();
            leg.End("no common codec", 488);
            edge.CountFailed();
            throw new SipCallFailedException(488, "Not Acceptable Here");
        }
        leg.ApplyMedia(negotiation);
        edge.CountAnswered();
        return leg;
    }

    private void OnDialProvisional(SipMessage response, Action? onRinging)
    {
        lock (_edge.Sync)
        {
            _gotProvisional = true;
            if (_cancelRequested)
            {
                SendCancelLocked();
            }
        }
        if (response.StatusCode is 180 or 183)
        {
            onRinging?.Invoke();
        }
    }

    /// <summary>CANCEL may only follow a provisional response (RFC 3261 §9.1); until then it is only remembered.</summary>
    private void RequestCancel()
    {
        lock (_edge.Sync)
        {
            if (_state != CallLegState.Dialing)
            {
                return;
            }
            _cancelRequested = true;
            if (_gotProvisional)
            {
                SendCancelLocked();
            }
        }
    }

    private void SendCancelLocked()
    {
        if (_cancelSent || _dialTx is null || _dialTx.Completed)
        {
            return;
        }
        _cancelSent = true;
        var invite = _dialTx.Request;
        var cancel = SipMessage.Request("CANCEL", invite.RequestUri);
        cancel.Add(SipHeaderNames.Via, invite.TopVia ?? "");
        cancel.Add(SipHeaderNames.MaxForwards, "70");
        cancel.Add(SipHeaderNames.From, invite.From);
        cancel.Add(SipHeaderNames.To, invite.To);
        cancel.Add(SipHeaderNames.CallId, invite.CallId);
        cancel.Add(SipHeaderNames.CSeq, $"{invite.CSeq.Number.ToString(CultureInfo.InvariantCulture)} CANCEL");
        foreach (var route in invite.GetAll(SipHeaderNames.Route))
        {
            cancel.Add(SipHeaderNames.Route, route);
        }
        _edge.SendRequest(cancel, _dialTx.Destination, _dialTx.Connection);
    }
}
