using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;

namespace Hotline.Telephony.Sip;

/// <summary>
/// REGISTER: the host decides (job number, trusted network, expiry), the edge answers and remembers the TCP connection a
/// phone registered over (RFC 5626 flows). A phone behind TCP listens only on the connection it opened: its Contact
/// names an ephemeral port nothing answers on, so a request to it must go back over that same connection (RFC 3261
/// §18.2.2 for responses; RFC 5626 §5.3 for requests to the registered contact).
/// </summary>
public sealed partial class SipEdge
{
    private async Task OnRegisterAsync(ServerTransaction st)
    {
        var req = st.Request;
        var contactValue = req.Get(SipHeaderNames.Contact);
        var expiresText = SipHeaderValue.GetParam(contactValue, "expires") ?? req.Get(SipHeaderNames.Expires);
        var expires = int.TryParse(expiresText, NumberStyles.None, CultureInfo.InvariantCulture, out var e) ? e : 3600;
        var contactUri = contactValue is null or "*" ? SipHeaderValue.GetUri(req.To) : SipHeaderValue.GetUri(contactValue);
        if (!Uri.TryCreate(contactUri, UriKind.Absolute, out var contact))
        {
            Respond(st, 400, "Bad Contact");
            return;
        }
        var registration = new SipRegistration(SipHeaderValue.GetUser(req.To), contact, TimeSpan.FromSeconds(expires),
            st.Source.EndPoint, st.Source.Transport);
        SipRegistrationResult result;
        try
        {
            result = await _handler.OnRegisterAsync(registration);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _log.LogError(ex, "Register handler failed for {User}", MaskNumber(registration.User));
            Respond(st, 500, "Server Internal Error");
            return;
        }
        if (result.Status == 200 && contactValue is not null)
        {
            RememberFlow(contactUri, st.Source, result.GrantedExpires, removeAllOfUser: contactValue == "*");
        }
        Respond(st, result.Status, result.Status == 200 ? "OK" : ReasonFor(result.Status), r =>
        {
            if (result.Status == 200 && contactValue is not null && contactValue != "*")
            {
                r.Add(SipHeaderNames.Contact, $"<{contactUri}>;expires={(int)result.GrantedExpires.TotalSeconds}");
                r.Add(SipHeaderNames.Expires, ((int)result.GrantedExpires.TotalSeconds).ToString(CultureInfo.InvariantCulture));
            }
        });
    }

    /// <summary>RFC 5626 §11: the flow to the registered contact has failed (its connection is closed).</summary>
    public const int FlowFailedStatus = 430;

    private readonly Lock _flowsGate = new();
    private readonly Dictionary<string, SipTcpConnection> _flows = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Null when <paramref name="target"/> can be dialled now; otherwise why not (the phone registered over
    /// TCP and the connection it registered on is closed, or it registered with another edge). A caller can then
    /// give up at once instead of ringing into the void until a timer fires.</summary>
    public string? WhyUnreachable(Uri target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var text = target.OriginalString;
        var destination = Resolve(text);
        if (destination is null)
        {
            return $"the address {text} has no host this edge can resolve";
        }
        return FlowFor(text, destination, out var needsTcp) is null && needsTcp
            ? "the phone registered over TCP and this edge holds no open connection from it (closed, or it registered with another edge); it can be rung once it registers again"
            : null;
    }

    /// <summary>The connection to send a request for <paramref name="target"/> over, or null for UDP.
    /// <paramref name="needsTcp"/> is true when the target can only be reached over TCP (its URI says so, or it
    /// registered over a connection that is now gone).</summary>
    internal SipTcpConnection? FlowFor(string target, IPEndPoint destination, out bool needsTcp)
    {
        var key = FlowKey(target, destination);
        bool registeredOverTcp;
        lock (_flowsGate)
        {
            registeredOverTcp = _flows.TryGetValue(key, out var flow);
            if (flow is { IsOpen: true })
            {
                needsTcp = true;
                return flow;
            }
        }
        needsTcp = registeredOverTcp || IsTcpUri(target);
        // A phone whose Contact is the connection's own source port (no registration needed to find it).
        return needsTcp ? _transport.OpenConnectionFrom(destination) : null;
    }

    /// <summary>After a 200 to a REGISTER: remember (or forget, on expiry 0) the connection it came over.</summary>
    private void RememberFlow(string contactUri, SipSource source, TimeSpan granted, bool removeAllOfUser)
    {
        var user = SipHeaderValue.GetUser(contactUri);
        var contact = removeAllOfUser ? null : Resolve(contactUri); // outside the lock: it may ask DNS
        lock (_flowsGate)
        {
            // A phone that reconnects registers a new ephemeral port: its closed flows go (and all of them on "*").
            foreach (var (key, flow) in _flows.Where(f => f.Key.StartsWith(user + "@", StringComparison.OrdinalIgnoreCase)).ToList())
            {
                if (removeAllOfUser || !flow.IsOpen)
                {
                    _flows.Remove(key);
                }
            }
            if (contact is null)
            {
                return;
            }
            var flowKey = FlowKey(contactUri, contact);
            if (source.Connection is { } connection && granted > TimeSpan.Zero)
            {
                _flows[flowKey] = connection;
                _log.LogDebug("Flow for {Contact} is the TCP connection from {Remote}", flowKey, connection.Remote);
            }
            else
            {
                // Unregistered, or registered again over UDP: the old connection no longer speaks for the contact.
                _flows.Remove(flowKey);
            }
        }
    }

    private static string FlowKey(string uri, IPEndPoint destination) => $"{SipHeaderValue.GetUser(uri)}@{destination}";

    private static bool IsTcpUri(string uri) =>
        SipHeaderValue.GetParam(uri.Contains('<') ? SipHeaderValue.GetUri(uri) : uri, "transport") is { } transport
        && transport.Equals("tcp", StringComparison.OrdinalIgnoreCase);
}
