using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Hotline.Telephony.Sdp;
using Microsoft.Extensions.Logging;

namespace Hotline.Telephony.Sip;

/// <summary>An outbound leg: our INVITE with an SDP offer, over the connection a TCP phone registered on when there is
/// one; provisional responses; CANCEL only after one (RFC 3261 §9.1); the ACK for the 2xx.</summary>
public sealed partial class CallLeg
{
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
            var cancelled = leg.CancelAsked;
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
        if (leg.CancelAsked)
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
            switch (_dial)
            {
                case DialProgress.Trying:
                    _dial = DialProgress.Proceeding;
                    break;
                case DialProgress.CancelWaitsForProvisional:
                    SendCancelLocked();
                    break;
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
            switch (_dial)
            {
                case DialProgress.Trying:
                    _dial = DialProgress.CancelWaitsForProvisional;
                    break;
                case DialProgress.Proceeding:
                    SendCancelLocked();
                    break;
            }
        }
    }

    private void SendCancelLocked()
    {
        _dial = DialProgress.Cancelled;
        if (_dialTx is null || _dialTx.Completed)
        {
            return; // the final response came first: DialAsync sees CancelAsked and hangs up an answered leg
        }
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

    /// <summary>True once the dialling side asked to cancel, whether or not a CANCEL could be sent.</summary>
    private bool CancelAsked => _dial is DialProgress.CancelWaitsForProvisional or DialProgress.Cancelled;

    /// <summary>Where an outbound INVITE stands. CANCEL may only follow a provisional response (RFC 3261 §9.1), so a
    /// cancellation before one is remembered and sent when it comes.</summary>
    private enum DialProgress
    {
        /// <summary>INVITE sent, nothing back yet.</summary>
        Trying,
        /// <summary>A provisional response came: a CANCEL may be sent.</summary>
        Proceeding,
        /// <summary>Cancelled before any provisional response: the CANCEL goes out with the first one.</summary>
        CancelWaitsForProvisional,
        /// <summary>CANCEL sent, or not needed because the final response came first.</summary>
        Cancelled,
    }
}
