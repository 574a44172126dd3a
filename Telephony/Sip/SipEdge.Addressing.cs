using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Hotline.Telephony.Sip;

/// <summary>What the edge writes about itself and reads about others: branches and tags, Via and Contact, a SIP URI's
/// host as an endpoint, status reason phrases, and callers' numbers masked for logs.</summary>
public sealed partial class SipEdge
{
    internal static string NewBranch() => "z9hG4bK" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    internal static string NewTag() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));

    internal string Via(string branch, SipTcpConnection? connection) =>
        $"SIP/2.0/{(connection is null ? "UDP" : "TCP")} {HostPort()};branch={branch};rport";

    internal string HostPort() =>
        _advertised.AddressFamily == AddressFamily.InterNetworkV6
            ? $"[{_advertised}]:{ListenPort.ToString(CultureInfo.InvariantCulture)}"
            : $"{_advertised}:{ListenPort.ToString(CultureInfo.InvariantCulture)}";

    internal string ContactHeader(string user, SipTcpConnection? connection) =>
        $"<sip:{user}@{HostPort()}{(connection is null ? "" : ";transport=tcp")}>";

    /// <summary>A SIP URI's host and port as an endpoint (IP literals, else a DNS lookup).</summary>
    internal static IPEndPoint? Resolve(string uri)
    {
        var u = SipHeaderValue.GetUri(uri);
        var colon = u.IndexOf(':');
        if (colon < 0)
        {
            return null;
        }
        var rest = u[(colon + 1)..];
        var at = rest.IndexOf('@');
        if (at >= 0)
        {
            rest = rest[(at + 1)..];
        }
        var cut = rest.IndexOfAny([';', '?', '>']);
        if (cut >= 0)
        {
            rest = rest[..cut];
        }
        string host;
        var port = 5060;
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']');
            if (close < 0)
            {
                return null;
            }
            host = rest[1..close];
            if (rest.Length > close + 2 && !int.TryParse(rest[(close + 2)..], NumberStyles.None, CultureInfo.InvariantCulture, out port))
            {
                return null;
            }
        }
        else
        {
            var pc = rest.LastIndexOf(':');
            host = pc < 0 ? rest : rest[..pc];
            if (pc >= 0 && !int.TryParse(rest[(pc + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port))
            {
                return null;
            }
        }
        if (port is <= 0 or > 65535)
        {
            return null;
        }
        if (IPAddress.TryParse(host, out var ip))
        {
            return new IPEndPoint(ip, port);
        }
        try
        {
            var addrs = Dns.GetHostAddresses(host);
            var v4 = addrs.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addrs.FirstOrDefault();
            return v4 is null ? null : new IPEndPoint(v4, port);
        }
        catch (SocketException)
        {
            return null;
        }
    }

    /// <summary>A caller's number for logs: all but the last four digits masked.</summary>
    internal static string MaskNumber(string number) =>
        number.Length <= 4 ? new string('*', number.Length) : new string('*', number.Length - 4) + number[^4..];

    internal static string ReasonFor(int status) => status switch
    {
        180 => "Ringing",
        200 => "OK",
        202 => "Accepted",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        430 => "Flow Failed",
        480 => "Temporarily Unavailable",
        481 => "Call/Transaction Does Not Exist",
        486 => "Busy Here",
        487 => "Request Terminated",
        488 => "Not Acceptable Here",
        500 => "Server Internal Error",
        503 => "Service Unavailable",
        603 => "Decline",
        _ => "Unknown",
    };
}
