using System.Globalization;
using System.Text;

namespace Hotline.Telephony.Sip;

/// <summary>One header line as parsed: the canonical name and its (unfolded, trimmed) value.</summary>
internal sealed record SipHeader(string Name, string Value);

/// <summary>
/// A SIP request or response. Multi-value headers (Via, Route, Record-Route, Contact) are held one value per
/// entry, in order, so the top Via is simply the first Via entry.
/// </summary>
internal sealed class SipMessage
{
    public bool IsRequest { get; init; }
    public string Method { get; init; } = "";
    public string RequestUri { get; set; } = "";
    public int StatusCode { get; init; }
    public string ReasonPhrase { get; init; } = "";
    public List<SipHeader> Headers { get; } = [];
    public byte[] Body { get; set; } = [];

    public static SipMessage Request(string method, string uri) => new() { IsRequest = true, Method = method, RequestUri = uri };

    public static SipMessage Response(int status, string reason) => new() { StatusCode = status, ReasonPhrase = reason };

    public string? Get(string name)
    {
        foreach (var h in Headers)
        {
            if (string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return h.Value;
            }
        }
        return null;
    }

    public IEnumerable<string> GetAll(string name) =>
        Headers.Where(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value);

    public SipMessage Add(string name, string value)
    {
        Headers.Add(new SipHeader(name, value));
        return this;
    }

    public void Set(string name, string value)
    {
        var i = Headers.FindIndex(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase));
        if (i < 0)
        {
            Headers.Add(new SipHeader(name, value));
        }
        else
        {
            Headers[i] = new SipHeader(name, value);
            for (var j = Headers.Count - 1; j > i; j--)
            {
                if (string.Equals(Headers[j].Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    Headers.RemoveAt(j);
                }
            }
        }
    }

    public void Remove(string name) => Headers.RemoveAll(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase));

    public string CallId => Get(SipHeaderNames.CallId) ?? "";
    public string From => Get(SipHeaderNames.From) ?? "";
    public string To => Get(SipHeaderNames.To) ?? "";
    public string? TopVia => Get(SipHeaderNames.Via);
    public string? FromTag => SipHeaderValue.GetParam(From, "tag");
    public string? ToTag => SipHeaderValue.GetParam(To, "tag");

    /// <summary>CSeq number and method; (0, "") when absent or unreadable (the parser rejects those).</summary>
    public (long Number, string Method) CSeq => SipHeaderValue.ParseCSeq(Get(SipHeaderNames.CSeq)) ?? (0, "");

    public string? ContentType => Get(SipHeaderNames.ContentType);

    public string BodyText => Encoding.UTF8.GetString(Body);

    public byte[] ToBytes()
    {
        var sb = new StringBuilder(512);
        if (IsRequest)
        {
            sb.Append(Method).Append(' ').Append(RequestUri).Append(" SIP/2.0\r\n");
        }
        else
        {
            sb.Append("SIP/2.0 ").Append(StatusCode.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(ReasonPhrase).Append("\r\n");
        }
        foreach (var h in Headers)
        {
            if (!string.Equals(h.Name, SipHeaderNames.ContentLength, StringComparison.OrdinalIgnoreCase))
            {
                sb.Append(h.Name).Append(": ").Append(h.Value).Append("\r\n");
            }
        }
        sb.Append("Content-Length: ").Append(Body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n\r\n");
        var head = Encoding.UTF8.GetBytes(sb.ToString());
        if (Body.Length == 0)
        {
            return head;
        }
        var all = new byte[head.Length + Body.Length];
        head.CopyTo(all, 0);
        Body.CopyTo(all, head.Length);
        return all;
    }

    public override string ToString() => Encoding.UTF8.GetString(ToBytes());
}

internal static class SipHeaderNames
{
    public const string Via = "Via";
    public const string From = "From";
    public const string To = "To";
    public const string CallId = "Call-ID";
    public const string CSeq = "CSeq";
    public const string Contact = "Contact";
    public const string ContentLength = "Content-Length";
    public const string ContentType = "Content-Type";
    public const string MaxForwards = "Max-Forwards";
    public const string Route = "Route";
    public const string RecordRoute = "Record-Route";
    public const string Allow = "Allow";
    public const string Accept = "Accept";
    public const string Expires = "Expires";
    public const string UserAgent = "User-Agent";
    public const string Event = "Event";
    public const string ReferTo = "Refer-To";
    public const string SubscriptionState = "Subscription-State";
    public const string Supported = "Supported";

    private static readonly Dictionary<string, string> Canonical = new(StringComparer.OrdinalIgnoreCase)
    {
        ["v"] = Via, ["via"] = Via,
        ["f"] = From, ["from"] = From,
        ["t"] = To, ["to"] = To,
        ["i"] = CallId, ["call-id"] = CallId,
        ["m"] = Contact, ["contact"] = Contact,
        ["l"] = ContentLength, ["content-length"] = ContentLength,
        ["c"] = ContentType, ["content-type"] = ContentType,
        ["k"] = Supported, ["supported"] = Supported,
        ["s"] = "Subject", ["subject"] = "Subject",
        ["o"] = Event, ["event"] = Event,
        ["r"] = ReferTo, ["refer-to"] = ReferTo,
        ["b"] = "Referred-By", ["referred-by"] = "Referred-By",
        ["e"] = "Content-Encoding",
        ["cseq"] = CSeq,
        ["max-forwards"] = MaxForwards,
        ["route"] = Route,
        ["record-route"] = RecordRoute,
        ["allow"] = Allow,
        ["accept"] = Accept,
        ["expires"] = Expires,
        ["user-agent"] = UserAgent,
        ["subscription-state"] = SubscriptionState,
    };

    /// <summary>Headers whose comma-separated values are separate entries (RFC 3261 §7.3.1).</summary>
    private static readonly HashSet<string> MultiValue = new(StringComparer.OrdinalIgnoreCase) { Via, Route, RecordRoute, Contact };

    public static string Canonicalize(string name) => Canonical.TryGetValue(name, out var c) ? c : name;

    public static bool IsMultiValue(string canonicalName) => MultiValue.Contains(canonicalName);
}

/// <summary>Reading parts of header values without throwing.</summary>
internal static class SipHeaderValue
{
    /// <summary>A parameter of the header (outside any &lt;...&gt;), e.g. tag, branch, expires. "" for a flag.</summary>
    public static string? GetParam(string? value, string name)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        var start = ParamsStart(value);
        if (start < 0)
        {
            return null;
        }
        foreach (var part in SplitOutsideQuotes(value[start..], ';'))
        {
            var p = part.Trim();
            var eq = p.IndexOf('=');
            var key = eq < 0 ? p : p[..eq].Trim();
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return eq < 0 ? "" : p[(eq + 1)..].Trim().Trim('"');
            }
        }
        return null;
    }

    /// <summary>Index of the first ';' that starts header parameters (after the &gt; if the address is bracketed).</summary>
    private static int ParamsStart(string value)
    {
        var close = value.IndexOf('>');
        var from = 0;
        if (value.Contains('<'))
        {
            if (close < 0)
            {
                return -1;
            }
            from = close + 1;
        }
        else
        {
            // An unbracketed quoted display name is not allowed, but skip quotes anyway.
            var inQuote = false;
            for (var i = 0; i < value.Length; i++)
            {
                if (value[i] == '"')
                {
                    inQuote = !inQuote;
                }
                else if (value[i] == ';' && !inQuote)
                {
                    return i + 1;
                }
            }
            return -1;
        }
        var semi = value.IndexOf(';', from);
        return semi < 0 ? -1 : semi + 1;
    }

    /// <summary>The URI of a name-addr or addr-spec ("Bob" &lt;sip:b@h;lr&gt;;tag=1 → sip:b@h;lr).</summary>
    public static string GetUri(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }
        var open = value.IndexOf('<');
        if (open >= 0)
        {
            var close = value.IndexOf('>', open);
            return close < 0 ? value[(open + 1)..].Trim() : value[(open + 1)..close].Trim();
        }
        var semi = value.IndexOf(';');
        return (semi < 0 ? value : value[..semi]).Trim();
    }

    public static string WithParam(string value, string name, string? paramValue) =>
        paramValue is null ? $"{value};{name}" : $"{value};{name}={paramValue}";

    public static (long Number, string Method)? ParseCSeq(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        var parts = value.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > uint.MaxValue)
        {
            return null;
        }
        return (n, parts[1]);
    }

    /// <summary>Splits on <paramref name="sep"/> outside quotes and angle brackets.</summary>
    public static List<string> SplitOutsideQuotes(string value, char sep)
    {
        var result = new List<string>();
        var inQuote = false;
        var depth = 0;
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var ch = value[i];
            if (ch == '"' && (i == 0 || value[i - 1] != '\\'))
            {
                inQuote = !inQuote;
            }
            else if (!inQuote && ch == '<')
            {
                depth++;
            }
            else if (!inQuote && ch == '>' && depth > 0)
            {
                depth--;
            }
            else if (!inQuote && depth == 0 && ch == sep)
            {
                result.Add(value[start..i]);
                start = i + 1;
            }
        }
        result.Add(value[start..]);
        return result;
    }

    /// <summary>User part of a SIP URI in a header value or a bare URI ("" if none).</summary>
    public static string GetUser(string? value)
    {
        // A bare URI's user part may carry ';' parameters (sip:1380;phone-context=x@host): read up to '@'.
        var uri = value is null ? "" : value.Contains('<') ? GetUri(value) : value.Trim();
        var colon = uri.IndexOf(':');
        var at = uri.IndexOf('@');
        if (colon < 0 || at < colon)
        {
            return "";
        }
        var user = uri[(colon + 1)..at];
        var semi = user.IndexOf(';');
        var pw = user.IndexOf(':');
        var cut = semi >= 0 ? semi : pw;
        return cut >= 0 ? user[..cut] : user;
    }
}

/// <summary>A parsed Via value: SIP/2.0/UDP host:port;branch=...;rport;received=...</summary>
internal sealed record SipVia(string Transport, string Host, int? Port, string? Branch)
{
    public static SipVia? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        var v = value.Trim();
        var slash2 = v.IndexOf('/', v.IndexOf('/') + 1);
        if (slash2 < 0)
        {
            return null;
        }
        var rest = v[(slash2 + 1)..].TrimStart();
        var sp = rest.IndexOfAny([' ', '\t']);
        if (sp <= 0)
        {
            return null;
        }
        var transport = rest[..sp].Trim().ToUpperInvariant();
        var sentBy = rest[(sp + 1)..].TrimStart();
        var semi = sentBy.IndexOf(';');
        var hostPort = (semi < 0 ? sentBy : sentBy[..semi]).Trim();
        if (hostPort.Length == 0)
        {
            return null;
        }
        string host = hostPort;
        int? port = null;
        if (hostPort.StartsWith('['))
        {
            var close = hostPort.IndexOf(']');
            if (close < 0)
            {
                return null;
            }
            host = hostPort[..(close + 1)];
            if (close + 2 < hostPort.Length && hostPort[close + 1] == ':' &&
                int.TryParse(hostPort[(close + 2)..], NumberStyles.None, CultureInfo.InvariantCulture, out var p6))
            {
                port = p6;
            }
        }
        else
        {
            var colon = hostPort.LastIndexOf(':');
            if (colon > 0)
            {
                host = hostPort[..colon];
                if (!int.TryParse(hostPort[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p > 65535)
                {
                    return null;
                }
                port = p;
            }
        }
        return new SipVia(transport, host, port, SipHeaderValue.GetParam("x" + sentBy[(semi < 0 ? sentBy.Length : semi)..], "branch"));
    }
}
