using System.Globalization;
using System.Net;
using System.Text;
using Hotline.Telephony.Media;

namespace Hotline.Telephony.Sdp;

/// <summary>What offer/answer settled: the format for the media stream, where to send, and whether to send.</summary>
internal sealed record SdpNegotiation(MediaFormat Format, IPEndPoint? Remote, SdpDirection RemoteDirection, string Sdp)
{
    /// <summary>The peer wants to hear us unless it put us on hold (sendonly/inactive) or used the old c=0.0.0.0 hold.</summary>
    public bool ShouldSend =>
        RemoteDirection is SdpDirection.SendRecv or SdpDirection.RecvOnly &&
        Remote is not null && !Remote.Address.Equals(IPAddress.Any) && Remote.Port != 0;
}

/// <summary>
/// Our side of SDP for one call leg: the origin (session id and a version bumped on every SDP we send),
/// the answer to an offer, and our own offer for outbound calls and re-INVITEs.
/// </summary>
internal sealed class SdpNegotiator(IPAddress advertised, long sessionId)
{
    private readonly long _sessionId = sessionId;
    private long _version = sessionId;

    public long Version => Interlocked.Read(ref _version);

    /// <summary>Answers an offer: same m-lines in the same order; the first audio section with PCMU or PCMA (in the
    /// offer's order) is accepted with the offer's payload-type numbers and every telephone-event type offered;
    /// the rest get port 0. Null: no codec fits (answer 488).</summary>
    public SdpNegotiation? Answer(SdpSession offer, int localRtpPort, SdpDirection? ourDirection = null)
    {
        MediaFormat? format = null;
        SdpMedia? chosen = null;
        var sb = new StringBuilder();
        Header(sb);
        foreach (var m in offer.Media)
        {
            if (chosen is null && m.Type.Equals("audio", StringComparison.OrdinalIgnoreCase) && m.Port != 0 &&
                m.Protocol.StartsWith("RTP/", StringComparison.OrdinalIgnoreCase) && PickFormat(m) is { } f)
            {
                chosen = m;
                format = f;
                var pts = new List<int> { f.PayloadType };
                pts.AddRange(f.TelephoneEventPayloadTypes);
                sb.Append(CultureInfo.InvariantCulture, $"m=audio {localRtpPort} {m.Protocol} {string.Join(' ', pts)}\r\n");
                sb.Append(CultureInfo.InvariantCulture, $"a=rtpmap:{f.PayloadType} {(f.Law == G711Law.Mulaw ? "PCMU" : "PCMA")}/8000\r\n");
                foreach (var te in f.TelephoneEventPayloadTypes)
                {
                    sb.Append(CultureInfo.InvariantCulture, $"a=rtpmap:{te} telephone-event/8000\r\n");
                    sb.Append(CultureInfo.InvariantCulture, $"a=fmtp:{te} {(m.Fmtps.TryGetValue(te, out var fmtp) ? fmtp : "0-16")}\r\n");
                }
                if (m.PacketTimeMs is { } ptime)
                {
                    sb.Append(CultureInfo.InvariantCulture, $"a=ptime:{ptime}\r\n");
                }
                var remoteDir = offer.DirectionOf(m);
                var dir = ourDirection ?? remoteDir switch
                {
                    SdpDirection.SendOnly => SdpDirection.RecvOnly,
                    SdpDirection.RecvOnly => SdpDirection.SendOnly,
                    SdpDirection.Inactive => SdpDirection.Inactive,
                    _ => SdpDirection.SendRecv,
                };
                sb.Append("a=").Append(DirectionText(dir)).Append("\r\n");
            }
            else
            {
                // Declined streams keep their place and formats (RFC 3264 §6) with port 0.
                sb.Append(CultureInfo.InvariantCulture, $"m={m.Type} 0 {m.Protocol} {string.Join(' ', m.Formats.DefaultIfEmpty("0"))}\r\n");
            }
        }
        if (chosen is null || format is null)
        {
            return null;
        }
        return new SdpNegotiation(format, offer.EndPointOf(chosen), offer.DirectionOf(chosen), sb.ToString());
    }

    /// <summary>Our offer: PCMU, PCMA and telephone-event 101 (0-16), 20 ms.</summary>
    public string Offer(int localRtpPort, SdpDirection direction = SdpDirection.SendRecv)
    {
        var sb = new StringBuilder();
        Header(sb);
        sb.Append(CultureInfo.InvariantCulture, $"m=audio {localRtpPort} RTP/AVP 0 8 101\r\n");
        sb.Append("a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\n");
        sb.Append("a=").Append(DirectionText(direction)).Append("\r\n");
        return sb.ToString();
    }

    /// <summary>Reads the peer's answer to our offer. Null if it accepted no codec.</summary>
    public static SdpNegotiation? ReadAnswer(SdpSession answer)
    {
        foreach (var m in answer.Media)
        {
            if (m.Type.Equals("audio", StringComparison.OrdinalIgnoreCase) && m.Port != 0 && PickFormat(m) is { } f)
            {
                return new SdpNegotiation(f, answer.EndPointOf(m), answer.DirectionOf(m), "");
            }
        }
        return null;
    }

    /// <summary>The first PCMU/PCMA payload type in the section's order, and every telephone-event type.</summary>
    public static MediaFormat? PickFormat(SdpMedia m)
    {
        (G711Law Law, int Pt)? voice = null;
        var events = new List<int>();
        foreach (var token in m.Formats)
        {
            if (!int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var pt) || pt > 127)
            {
                continue;
            }
            var enc = m.EncodingOf(pt);
            if (enc is null)
            {
                continue;
            }
            var slash = enc.IndexOf('/');
            var name = slash < 0 ? enc : enc[..slash];
            var rate = slash < 0 ? "8000" : enc[(slash + 1)..].Split('/')[0];
            if (rate != "8000")
            {
                continue;
            }
            if (voice is null && name.Equals("PCMU", StringComparison.OrdinalIgnoreCase))
            {
                voice = (G711Law.Mulaw, pt);
            }
            else if (voice is null && name.Equals("PCMA", StringComparison.OrdinalIgnoreCase))
            {
                voice = (G711Law.Alaw, pt);
            }
            else if (name.Equals("telephone-event", StringComparison.OrdinalIgnoreCase) && !events.Contains(pt))
            {
                events.Add(pt);
            }
        }
        return voice is null ? null : new MediaFormat(voice.Value.Law, voice.Value.Pt, events, m.PacketTimeMs ?? 20);
    }

    private void Header(StringBuilder sb)
    {
        // Every SDP we send is a new version of our session (RFC 3264 §8).
        var version = Interlocked.Increment(ref _version);
        var ip = advertised.ToString();
        var family = advertised.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "IP6" : "IP4";
        sb.Append("v=0\r\n");
        sb.Append(CultureInfo.InvariantCulture, $"o=hotline {_sessionId} {version} IN {family} {ip}\r\n");
        sb.Append("s=-\r\n");
        sb.Append(CultureInfo.InvariantCulture, $"c=IN {family} {ip}\r\n");
        sb.Append("t=0 0\r\n");
    }

    private static string DirectionText(SdpDirection d) => d switch
    {
        SdpDirection.SendOnly => "sendonly",
        SdpDirection.RecvOnly => "recvonly",
        SdpDirection.Inactive => "inactive",
        _ => "sendrecv",
    };
}
