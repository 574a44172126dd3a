using System.Text;
using Microsoft.Extensions.Logging;

namespace Hotline.Telephony.Sip;

/// <summary>A phone's REFER (blind or attended transfer): 202, then NOTIFY sipfrag as the host reports progress.</summary>
public sealed partial class CallLeg
{
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
}
