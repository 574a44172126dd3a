using Microsoft.Extensions.Logging;

namespace Hotline.Telephony.Sip;

/// <summary>The dialog table (RFC 3261 §12): a new INVITE becomes an inbound leg handed to the host; in-dialog requests
/// and ACKs find their leg by Call-ID and tags, never by request-URI.</summary>
public sealed partial class SipEdge
{
    private void OnNewInvite(ServerTransaction st)
    {
        var offer = CallLeg.ReadOffer(st.Request);
        if (st.Request.Body.Length > 0 && (offer is null || !offer.Media.Any(m => m.Port != 0 && Sdp.SdpNegotiator.PickFormat(m) is not null)))
        {
            // Refused before the host sees it: there is nothing it could answer with.
            Respond(st, 488, "Not Acceptable Here", toTag: NewTag());
            CountFailed();
            return;
        }
        ILegMedia media;
        try
        {
            media = _media.Open();
        }
        catch (InvalidOperationException ex)
        {
            _log.LogWarning("No RTP port for Call-ID {CallId}: {Error}", st.Request.CallId, ex.Message);
            Respond(st, 503, "Service Unavailable");
            CountFailed();
            return;
        }
        var leg = CallLeg.Inbound(this, st, media);
        lock (_sync)
        {
            st.Leg = leg;
            _dialogs[leg.DialogKey] = leg;
        }
        _log.LogInformation("INVITE Call-ID {CallId} from {Caller} to {Called}", leg.CallId, MaskNumber(leg.FromUser), MaskNumber(leg.ToUser));
        _ = Task.Run(async () =>
        {
            try
            {
                await _handler.OnIncomingCallAsync(leg);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                _log.LogError(ex, "Call handler failed for Call-ID {CallId}", leg.CallId);
                if (leg.State is CallLegState.Incoming or CallLegState.Ringing)
                {
                    await leg.RejectAsync(500, "Server Internal Error");
                }
            }
        });
    }

    internal static string DialogKey(string callId, string localTag, string remoteTag) => $"{callId}|{localTag}|{remoteTag}";

    internal void RegisterDialog(CallLeg leg)
    {
        lock (_sync)
        {
            _dialogs[leg.DialogKey] = leg;
        }
    }

    internal void RemoveDialog(CallLeg leg)
    {
        lock (_sync)
        {
            if (_dialogs.TryGetValue(leg.DialogKey, out var current) && current == leg)
            {
                _dialogs.Remove(leg.DialogKey);
            }
        }
    }

    internal Task<CallLeg> DialCore(Uri target, string fromUser, Action? onRinging, CancellationToken cancellationToken) =>
        CallLeg.DialAsync(this, target, fromUser, onRinging, cancellationToken);
}
