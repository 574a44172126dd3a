using System.Text;
using Hotline.Telephony.Sdp;
using Microsoft.Extensions.Logging;

namespace Hotline.Telephony.Sip;

/// <summary>An inbound leg before and at its answer: 180, 200 with our SDP answer (or our offer, when the INVITE had
/// none), a rejection, CANCEL, and the ACK that confirms a 2xx (or its absence after 64·T1).</summary>
public sealed partial class CallLeg
{
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
                _awaitedAck = new AwaitedAck(_inviteTx, CarriesAnswer: _remoteOffer is null);
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
            if (_awaitedAck is not { } awaited || awaited.Invite.Request.CSeq.Number != ack.CSeq.Number)
            {
                return;
            }
            _edge.Confirm2xx(awaited.Invite);
            _awaitedAck = null;
            if (awaited.CarriesAnswer && ReadOffer(ack) is { } answer)
            {
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

    /// <summary>An INVITE (the first or a re-INVITE) we answered with a 2xx that awaits its ACK; when our 2xx carried
    /// the offer (the INVITE had none), the ACK carries the answer.</summary>
    private sealed record AwaitedAck(ServerTransaction Invite, bool CarriesAnswer);
}
