using System.Globalization;
using System.Net;
using System.Text;

namespace Hotline.Telephony.Sdp;

internal enum SdpDirection { SendRecv, SendOnly, RecvOnly, Inactive }

/// <summary>One m= section as offered or answered.</summary>
internal sealed class SdpMedia
{
    public string Type { get; set; } = "audio";
    public int Port { get; set; }
    public string Protocol { get; set; } = "RTP/AVP";
    /// <summary>Format tokens in the m= line's order (payload type numbers for RTP).</summary>
    public List<string> Formats { get; } = [];
    /// <summary>a=rtpmap: payload type → "encoding/clock[/channels]".</summary>
    public Dictionary<int, string> RtpMaps { get; } = [];
    public Dictionary<int, string> Fmtps { get; } = [];
    public string? ConnectionAddress { get; set; }
    public int? PacketTimeMs { get; set; }
    public SdpDirection? Direction { get; set; }

    /// <summary>The encoding name of a payload type: the rtpmap, or the static RFC 3551 name for 0 and 8.</summary>
    public string? EncodingOf(int pt)
    {
        if (RtpMaps.TryGetValue(pt, out var map))
        {
            return map;
        }
        return pt switch { 0 => "PCMU/8000", 8 => "PCMA/8000", _ => null };
    }
}

/// <summary>An SDP session description (RFC 4566), the subset telephony needs.</summary>
internal sealed class SdpSession
{
    public string Origin { get; set; } = "";
    public string? ConnectionAddress { get; set; }
    public SdpDirection? Direction { get; set; }
    public List<SdpMedia> Media { get; } = [];

    /// <summary>Parses SDP; null if it has no m= line or is unreadable. Never throws.</summary>
    public static SdpSession? Parse(string text)
    {
        var session = new SdpSession();
        SdpMedia? current = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length < 2 || line[1] != '=')
            {
                continue;
            }
            var value = line[2..];
            switch (line[0])
            {
                case 'o':
                    session.Origin = value;
                    break;
                case 'c':
                    var addr = ParseConnection(value);
                    if (current is null)
                    {
                        session.ConnectionAddress = addr;
                    }
                    else
                    {
                        current.ConnectionAddress = addr;
                    }
                    break;
                case 'm':
                    var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (parts.Length < 3)
                    {
                        return null;
                    }
                    var portText = parts[1];
                    var slash = portText.IndexOf('/');
                    if (slash >= 0)
                    {
                        portText = portText[..slash];
                    }
                    if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
                    {
                        return null;
                    }
                    current = new SdpMedia { Type = parts[0], Port = port, Protocol = parts[2] };
                    current.Formats.AddRange(parts.Skip(3));
                    session.Media.Add(current);
                    break;
                case 'a':
                    ParseAttribute(value, session, current);
                    break;
            }
        }
        return session.Media.Count == 0 ? null : session;
    }

    private static string? ParseConnection(string value)
    {
        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 3)
        {
            return null;
        }
        var addr = parts[2];
        var slash = addr.IndexOf('/');
        return slash >= 0 ? addr[..slash] : addr;
    }

    private static void ParseAttribute(string value, SdpSession session, SdpMedia? media)
    {
        var colon = value.IndexOf(':');
        var name = colon < 0 ? value.Trim() : value[..colon].Trim();
        var arg = colon < 0 ? "" : value[(colon + 1)..].Trim();
        SdpDirection? dir = name.ToLowerInvariant() switch
        {
            "sendrecv" => SdpDirection.SendRecv,
            "sendonly" => SdpDirection.SendOnly,
            "recvonly" => SdpDirection.RecvOnly,
            "inactive" => SdpDirection.Inactive,
            _ => null,
        };
        if (dir is not null)
        {
            if (media is null)
            {
                session.Direction = dir;
            }
            else
            {
                media.Direction = dir;
            }
            return;
        }
        if (media is null)
        {
            return;
        }
        switch (name.ToLowerInvariant())
        {
            case "rtpmap":
            case "fmtp":
                var sp = arg.IndexOf(' ');
                if (sp > 0 && int.TryParse(arg[..sp], NumberStyles.None, CultureInfo.InvariantCulture, out var pt))
                {
                    (name.Equals("rtpmap", StringComparison.OrdinalIgnoreCase) ? media.RtpMaps : media.Fmtps)[pt] = arg[(sp + 1)..].Trim();
                }
                break;
            case "ptime":
                if (int.TryParse(arg, NumberStyles.None, CultureInfo.InvariantCulture, out var ptime) && ptime is > 0 and <= 200)
                {
                    media.PacketTimeMs = ptime;
                }
                break;
        }
    }

    /// <summary>The remote media address of a section (its c=, else the session's).</summary>
    public IPEndPoint? EndPointOf(SdpMedia media)
    {
        var addr = media.ConnectionAddress ?? ConnectionAddress;
        return addr is not null && IPAddress.TryParse(addr, out var ip) ? new IPEndPoint(ip, media.Port) : null;
    }

    public SdpDirection DirectionOf(SdpMedia media) => media.Direction ?? Direction ?? SdpDirection.SendRecv;
}
