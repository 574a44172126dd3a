using System.Globalization;
using System.Net;
using System.Text;
using Hotline.Telephony.Sdp;
using Microsoft.Extensions.Logging;

namespace Hotline.Telephony.Sip;

/// <summary>Inside an established dialog: requests the peer sends (BYE, re-INVITE, INFO DTMF, OPTIONS, NOTIFY) and
/// those we send (BYE, hold/resume re-INVITE, ACK), routed through the route set to the remote target.</summary>
public sealed partial class CallLeg
{
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
            _awaitedAck = new AwaitedAck(st, CarriesAnswer: offer is null);
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
}
