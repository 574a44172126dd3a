// CONTRACT between the SIP layer, the media layer and the silo's edge host. The media helper owns the bodies
// (and may add members); signatures here are what the others code against: change them only with notice.
using System.Net;

namespace Hotline.Telephony.Media;

/// <summary>The G.711 law of a stream; the value is the static RTP payload type.</summary>
public enum G711Law { Mulaw = 0, Alaw = 8 }

/// <summary>What SDP offer/answer settled for one stream.</summary>
/// <param name="Law">The voice codec.</param>
/// <param name="PayloadType">The voice payload type the peer uses (0 or 8).</param>
/// <param name="TelephoneEventPayloadTypes">Every telephone-event payload type the offer listed (101, 96, ...);
/// DTMF is accepted on all of them, and the first is used when sending.</param>
/// <param name="PacketTimeMs">The packet time we send (20 unless the peer asked otherwise); any packet time is received.</param>
public sealed record MediaFormat(G711Law Law, int PayloadType, IReadOnlyList<int> TelephoneEventPayloadTypes, int PacketTimeMs = 20);

public sealed class MediaEngineOptions
{
    /// <summary>Where RTP sockets bind.</summary>
    public IPAddress BindAddress { get; set; } = IPAddress.Any;
    /// <summary>First and last RTP port (even ports are used for RTP).</summary>
    public int PortMin { get; set; } = 20000;
    public int PortMax { get; set; } = 29999;
}

/// <summary>Counters of the whole engine, for /metrics and the benchmark.</summary>
public sealed record MediaEngineStats(
    int ActiveStreams,
    long PacketsSent,
    long PacketsReceived,
    long PacketsDropped,
    /// <summary>How late the pacing loop sent packets, in milliseconds (p50/p99/max since start or last reset).</summary>
    double SendLatenessP50Ms,
    double SendLatenessP99Ms,
    double SendLatenessMaxMs);

/// <summary>Digit collection as an IVR menu asks for it. Digits typed during a barge-in prompt count (type-ahead).</summary>
public sealed record DigitRequest(
    int MaxDigits,
    TimeSpan FirstDigitTimeout,
    TimeSpan InterDigitTimeout,
    /// <summary>Digits that end the collection early and are not returned, e.g. "#".</summary>
    string Terminators = "#");

/// <summary>A caller's recording (mono 8 kHz PCM16 WAV).</summary>
public sealed record RecordedAudio(string Path, TimeSpan Duration, char? EndedByDigit, bool EndedByTimeout);

// The classes of the contract live in their own files: MediaEngine.cs, MediaStream.cs, MediaBridge.cs,
// Conference.cs and AudioClip.cs, with the signatures this file first declared.
