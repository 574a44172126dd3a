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

/// <summary>
/// The RTP sockets of an edge and the single pacing loop that sends every stream's packets (no timer per call).
/// </summary>
public sealed partial class MediaEngine : IAsyncDisposable
{
    public MediaEngine(MediaEngineOptions options, Microsoft.Extensions.Logging.ILoggerFactory? loggers = null) =>
        throw new NotImplementedException();

    public MediaEngineOptions Options { get; } = null!;

    /// <summary>Starts the pacing loop (idempotent).</summary>
    public void Start() => throw new NotImplementedException();

    public ValueTask DisposeAsync() => throw new NotImplementedException();

    /// <summary>Opens a stream on a free even port of the range. Throws <see cref="InvalidOperationException"/> when none is free.</summary>
    public MediaStream OpenStream() => throw new NotImplementedException();

    public MediaEngineStats GetStats() => throw new NotImplementedException();
}

/// <summary>
/// One RTP endpoint (one call leg). It sends what its current source gives (silence, a prompt, a bridged
/// partner, a conference mix) with continuous SSRC and sequence numbers across source changes, and reports
/// what it receives: audio to its listeners, DTMF once per digit.
/// </summary>
public sealed partial class MediaStream : IAsyncDisposable
{
    public IPEndPoint LocalEndPoint => throw new NotImplementedException();

    /// <summary>Starts sending and receiving. <paramref name="remote"/> comes from SDP; the stream latches to
    /// the address RTP actually arrives from (symmetric RTP).</summary>
    public void Start(IPEndPoint remote, MediaFormat format) => throw new NotImplementedException();

    /// <summary>A re-INVITE changed the peer's address or format.</summary>
    public void Update(IPEndPoint remote, MediaFormat format) => throw new NotImplementedException();

    /// <summary>False while on hold (sendonly/inactive from the peer, or we hold it): nothing is sent.</summary>
    public bool Sending { get; set; } = true;

    /// <summary>Each DTMF digit once, whether it came as RFC 4733 or was injected from SIP INFO.</summary>
    public event Action<char>? Digit { add => throw new NotImplementedException(); remove => throw new NotImplementedException(); }

    /// <summary>A digit signalled out of band (SIP INFO); it goes through the same path as RFC 4733 digits.</summary>
    public void InjectDigit(char digit) => throw new NotImplementedException();

    /// <summary>Plays the clips in order. With <paramref name="bargeIn"/>, a digit stops playback and is
    /// returned (and stays buffered for the next <see cref="CollectDigitsAsync"/>). Null when played to the end.</summary>
    public Task<char?> PlayAsync(IReadOnlyList<AudioClip> clips, bool bargeIn, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Plays the clip over and over (music while waiting) until another source is chosen.</summary>
    public void PlayLoop(AudioClip clip) => throw new NotImplementedException();

    /// <summary>Stops any prompt or loop: silence is sent.</summary>
    public void StopPlayback() => throw new NotImplementedException();

    /// <summary>Collects digits (buffered type-ahead first). Returns the digits without the terminator; "" on timeout.</summary>
    public Task<string> CollectDigitsAsync(DigitRequest request, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Discards buffered type-ahead digits.</summary>
    public void ClearDigits() => throw new NotImplementedException();

    /// <summary>Records what the peer says to a mono WAV until a terminator digit, the maximum, or cancellation.</summary>
    public Task<RecordedAudio> RecordAsync(string wavPath, TimeSpan maxDuration, string terminators, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Records the whole call to a two-channel WAV: channel 1 what the peer says, channel 2 what is sent
    /// to the peer (prompts, the agent, the conference). Runs until <see cref="StopCallRecording"/> or disposal.</summary>
    public void StartCallRecording(string wavPath) => throw new NotImplementedException();

    /// <summary>Finishes the call recording's file (header sizes written). Returns its duration, or null if none ran.</summary>
    public TimeSpan? StopCallRecording() => throw new NotImplementedException();

    /// <summary>Peak absolute sample level received so far (0..32767): tests use it to see that audio flowed.</summary>
    public int ReceivedPeakLevel => throw new NotImplementedException();

    /// <summary>Stops sending, closes the socket, finishes any recording, frees the port.</summary>
    public ValueTask DisposeAsync() => throw new NotImplementedException();
}

/// <summary>Connects two streams so each hears the other (the B2BUA bridge). Disposing ends the bridge; each
/// stream goes back to silence.</summary>
public static partial class MediaBridge
{
    public static IDisposable Connect(MediaStream a, MediaStream b) => throw new NotImplementedException();
}

/// <summary>A mixing conference: each member hears the sum of the others (with saturation), not itself.</summary>
public sealed partial class Conference : IDisposable
{
    public void Add(MediaStream member) => throw new NotImplementedException();
    public void Remove(MediaStream member) => throw new NotImplementedException();
    public int Count => throw new NotImplementedException();
    public void Dispose() => throw new NotImplementedException();
}

/// <summary>A prompt in memory as 16-bit linear samples at 8 kHz.</summary>
public sealed partial class AudioClip
{
    /// <summary>Loads a WAV (PCM16, μ-law or A-law, 8 kHz mono; chunks walked, not assumed at byte 44).</summary>
    public static AudioClip Load(string wavPath) => throw new NotImplementedException();
    public static AudioClip FromSamples(short[] samples) => throw new NotImplementedException();
    /// <summary>A tone (e.g. the 1 kHz beep before recording).</summary>
    public static AudioClip Tone(int frequencyHz, TimeSpan duration, short amplitude = 8000) => throw new NotImplementedException();
    public TimeSpan Duration => throw new NotImplementedException();
}
