using System.Globalization;
using System.Text;

namespace Hotline.Telephony.Sip;

/// <summary>
/// The outcome of parsing one datagram or stream frame. Exactly one of <see cref="Message"/> and
/// <see cref="Error"/> is set. When a request is bad but carries the headers a response needs
/// (Via, From, To, Call-ID, CSeq), <see cref="Answerable"/> holds them so the edge can say 400.
/// </summary>
internal sealed record SipParseResult(SipMessage? Message, string? Error, SipMessage? Answerable)
{
    public bool Success => Message is not null;

    public static SipParseResult Ok(SipMessage m) => new(m, null, null);

    public static SipParseResult Fail(string error, SipMessage? answerable = null) => new(null, error, answerable);
}

/// <summary>Parses SIP messages. Never throws on bad input: every failure is a <see cref="SipParseResult"/>.</summary>
internal static class SipParser
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <param name="datagram">A whole UDP datagram or one TCP frame.</param>
    /// <param name="requireFullBody">UDP: a body shorter than Content-Length is an error (the datagram was cut).</param>
    public static SipParseResult Parse(ReadOnlySpan<byte> datagram, bool requireFullBody = true)
    {
        if (datagram.IsEmpty)
        {
            return SipParseResult.Fail("empty");
        }
        var headerEnd = FindHeaderEnd(datagram, out var sepLen);
        ReadOnlySpan<byte> headBytes;
        ReadOnlySpan<byte> body;
        if (headerEnd < 0)
        {
            // No blank line: all headers, no body (tolerated, as many stacks do for keep-alives and cut packets).
            headBytes = datagram;
            body = [];
        }
        else
        {
            headBytes = datagram[..headerEnd];
            body = datagram[(headerEnd + sepLen)..];
        }
        var head = Utf8.GetString(headBytes);
        var lines = SplitLines(head);
        // RFC 3261 §7.5: tolerate leading empty lines before the start line.
        var first = 0;
        while (first < lines.Count && lines[first].Length == 0)
        {
            first++;
        }
        if (first >= lines.Count)
        {
            return SipParseResult.Fail("no start line");
        }
        var startLine = lines[first];
        var startError = ParseStartLine(startLine, out var message);

        var headerTarget = message ?? SipMessage.Request("?", "");
        var headerError = ParseHeaders(lines, first + 1, headerTarget);
        var missing = MissingMandatory(headerTarget);
        var looksLikeRequest = !startLine.StartsWith("SIP/", StringComparison.OrdinalIgnoreCase);
        SipMessage? answerable = looksLikeRequest && missing is null && headerError is null ? headerTarget : null;

        if (startError is not null)
        {
            return SipParseResult.Fail(startError, answerable);
        }
        if (headerError is not null)
        {
            // A header we could not read at all: answerable only if the mandatory ones still made it.
            return SipParseResult.Fail(headerError, looksLikeRequest && missing is null ? headerTarget : null);
        }
        if (missing is not null)
        {
            return SipParseResult.Fail($"missing {missing}");
        }
        var msg = message!;
        var cseq = SipHeaderValue.ParseCSeq(msg.Get(SipHeaderNames.CSeq));
        if (cseq is null)
        {
            return SipParseResult.Fail("bad CSeq");
        }
        if (msg.IsRequest && !string.Equals(cseq.Value.Method, msg.Method, StringComparison.Ordinal) &&
            !(msg.Method == "ACK" && cseq.Value.Method == "INVITE") && !(msg.Method == "CANCEL" && cseq.Value.Method == "INVITE"))
        {
            return SipParseResult.Fail("CSeq method does not match", msg);
        }
        if (SipVia.Parse(msg.TopVia) is null)
        {
            return SipParseResult.Fail("bad Via", null);
        }

        var clText = msg.Get(SipHeaderNames.ContentLength);
        if (clText is not null)
        {
            if (!int.TryParse(clText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var cl) || cl < 0)
            {
                return SipParseResult.Fail("bad Content-Length", msg);
            }
            if (cl > body.Length)
            {
                if (requireFullBody)
                {
                    return SipParseResult.Fail("body shorter than Content-Length", msg);
                }
                cl = body.Length;
            }
            body = body[..cl];
        }
        msg.Body = body.ToArray();
        return SipParseResult.Ok(msg);
    }

    /// <summary>For TCP framing: the length of the first whole message in <paramref name="buffer"/>, 0 if more
    /// bytes are needed, -1 if the stream cannot be framed (no or bad Content-Length).</summary>
    public static int FrameLength(ReadOnlySpan<byte> buffer)
    {
        // Leading CRLFs (keep-alives) are the caller's to drop first: see SkipKeepAlive.
        var headerEnd = FindHeaderEnd(buffer, out var sepLen);
        if (headerEnd < 0)
        {
            return buffer.Length > 65536 ? -1 : 0;
        }
        var head = Utf8.GetString(buffer[..headerEnd]);
        var cl = -1;
        foreach (var line in SplitLines(head))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                continue;
            }
            var name = SipHeaderNames.Canonicalize(line[..colon].Trim());
            if (name == SipHeaderNames.ContentLength &&
                int.TryParse(line[(colon + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                cl = n;
            }
        }
        if (cl < 0)
        {
            return -1;
        }
        var total = headerEnd + sepLen + cl;
        return buffer.Length >= total ? total : 0;
    }

    /// <summary>How many leading CR/LF bytes (RFC 5626 keep-alives) to drop before framing.</summary>
    public static int SkipKeepAlive(ReadOnlySpan<byte> buffer)
    {
        var skip = 0;
        while (skip < buffer.Length && buffer[skip] is (byte)'\r' or (byte)'\n')
        {
            skip++;
        }
        return skip;
    }

    private static int FindHeaderEnd(ReadOnlySpan<byte> data, out int sepLen)
    {
        var crlf = data.IndexOf("\r\n\r\n"u8);
        var lf = data.IndexOf("\n\n"u8);
        if (crlf >= 0 && (lf < 0 || crlf <= lf))
        {
            sepLen = 4;
            return crlf;
        }
        sepLen = 2;
        return lf;
    }

    private static List<string> SplitLines(string head)
    {
        var lines = new List<string>();
        foreach (var raw in head.Split('\n'))
        {
            lines.Add(raw.EndsWith('\r') ? raw[..^1] : raw);
        }
        return lines;
    }

    private static string? ParseStartLine(string line, out SipMessage? message)
    {
        message = null;
        if (line.StartsWith("SIP/", StringComparison.OrdinalIgnoreCase))
        {
            var parts = line.Split(' ', 3);
            if (parts.Length < 2 || !parts[0].Equals("SIP/2.0", StringComparison.OrdinalIgnoreCase))
            {
                return "bad status line";
            }
            if (parts[1].Length != 3 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var code) || code < 100 || code > 699)
            {
                return "bad status code";
            }
            message = SipMessage.Response(code, parts.Length > 2 ? parts[2] : "");
            return null;
        }
        var req = line.Split(' ');
        if (req.Length != 3 || req[0].Length == 0 || req[1].Length == 0 || !req[2].Equals("SIP/2.0", StringComparison.OrdinalIgnoreCase))
        {
            return "bad request line";
        }
        foreach (var ch in req[0])
        {
            if (!char.IsAsciiLetterOrDigit(ch) && ch is not ('-' or '.' or '!' or '%' or '*' or '_' or '+' or '`' or '\'' or '~'))
            {
                return "bad method";
            }
        }
        if (!req[1].Contains(':'))
        {
            return "bad request-URI";
        }
        message = SipMessage.Request(req[0], req[1]);
        return null;
    }

    private static string? ParseHeaders(List<string> lines, int from, SipMessage target)
    {
        string? pendingName = null;
        StringBuilder? pendingValue = null;
        string? error = null;

        void Flush()
        {
            if (pendingName is null)
            {
                return;
            }
            var value = pendingValue!.ToString().Trim();
            if (SipHeaderNames.IsMultiValue(pendingName) && value != "*")
            {
                foreach (var part in SipHeaderValue.SplitOutsideQuotes(value, ','))
                {
                    var p = part.Trim();
                    if (p.Length > 0)
                    {
                        target.Add(pendingName, p);
                    }
                }
            }
            else
            {
                target.Add(pendingName, value);
            }
            pendingName = null;
        }

        for (var i = from; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line.Length == 0)
            {
                continue;
            }
            if (line[0] is ' ' or '\t')
            {
                // Folded continuation line (RFC 3261 §7.3.1).
                if (pendingName is null)
                {
                    error ??= "continuation without header";
                    continue;
                }
                pendingValue!.Append(' ').Append(line.Trim());
                continue;
            }
            Flush();
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                error ??= "header without colon";
                continue;
            }
            var name = line[..colon].Trim();
            if (name.Length == 0 || name.Any(c => c <= ' ' || c >= 127))
            {
                error ??= "bad header name";
                continue;
            }
            pendingName = SipHeaderNames.Canonicalize(name);
            pendingValue = new StringBuilder(line[(colon + 1)..]);
        }
        Flush();
        return error;
    }

    private static string? MissingMandatory(SipMessage m)
    {
        foreach (var name in (ReadOnlySpan<string>)[SipHeaderNames.Via, SipHeaderNames.From, SipHeaderNames.To, SipHeaderNames.CallId, SipHeaderNames.CSeq])
        {
            if (string.IsNullOrWhiteSpace(m.Get(name)))
            {
                return name;
            }
        }
        return SipHeaderValue.ParseCSeq(m.Get(SipHeaderNames.CSeq)) is null ? SipHeaderNames.CSeq : null;
    }
}
