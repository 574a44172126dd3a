using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using Hotline.Telephony.Rtp;
using Microsoft.Extensions.Logging;

namespace Hotline.Telephony.Media;

/// <summary>
/// One RTP endpoint (one call leg). It sends what its current source gives (silence, a prompt, a bridged
/// partner, a conference mix) with continuous SSRC and sequence numbers across source changes, and reports
/// what it receives: audio to its listeners, DTMF once per digit.
/// </summary>
/// <remarks>
/// Threads: <see cref="Tick"/> runs on the engine's pacing thread only; <see cref="OnDatagram"/> on this
/// stream's receive loop only (one at a time); the public methods on any thread.
/// </remarks>
public sealed partial class MediaStream : IAsyncDisposable
{
    internal const int FrameSamples = 160;
    private const int MaxDigitsBuffered = 64;
    private const int MaxPacketSamples = 1280;
    private const int DtmfEventSamples = 800;
    private const int DtmfEndRepeats = 3;

    private readonly MediaEngine _engine;
    private readonly Socket _socket;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Channel<char> _digits = Channel.CreateBounded<char>(
        new BoundedChannelOptions(MaxDigitsBuffered) { FullMode = BoundedChannelFullMode.DropOldest });
    private readonly Queue<char> _digitsToSend = new();
    private readonly DtmfDetector _dtmf = new();
    private readonly CancellationTokenSource _closing = new();
    private Task _receiveLoop = Task.CompletedTask;
    private volatile IAudioSource _source = SilenceSource.Instance;
    private volatile SampleTap[] _taps = [];
    private volatile MediaFormat? _format;
    private volatile SocketAddress? _sendTo;
    private volatile SocketAddress? _latched;
    private IPEndPoint? _sdpRemote;
    private volatile bool _started;
    private volatile bool _disposed;
    private Action<char>? _digitHandlers;
    private int _peak;
    private long _packetsSent;

    internal MediaStream(MediaEngine engine, Socket socket)
    {
        _engine = engine;
        _socket = socket;
        _logger = engine.Loggers.CreateLogger<MediaStream>();
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        _ssrc = (uint)Random.Shared.NextInt64(1, uint.MaxValue);
        _sequence = (ushort)Random.Shared.Next(0, ushort.MaxValue + 1);
        _sampleClock = (uint)Random.Shared.NextInt64(0, uint.MaxValue);
    }

    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Our SSRC, the same for the whole life of the stream.</summary>
    public uint Ssrc => _ssrc;

    /// <summary>Where packets go now: the SDP address until RTP arrives, then the address it arrives from.</summary>
    public IPEndPoint? RemoteEndPoint => _sendTo is { } address ? (IPEndPoint)new IPEndPoint(IPAddress.Any, 0).Create(address) : null;

    public MediaFormat? Format => _format;

    /// <summary>Starts sending and receiving. <paramref name="remote"/> comes from SDP; the stream latches to
    /// the address RTP actually arrives from (symmetric RTP).</summary>
    public void Start(IPEndPoint remote, MediaFormat format)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Update(remote, format);
        _started = true;
    }

    /// <summary>A re-INVITE changed the peer's address or format.</summary>
    public void Update(IPEndPoint remote, MediaFormat format)
    {
        ArgumentNullException.ThrowIfNull(remote);
        ArgumentNullException.ThrowIfNull(format);
        lock (_gate)
        {
            _format = format;
            if (!remote.Equals(_sdpRemote))
            {
                // A new SDP address: send there until RTP arrives from the peer's real address again.
                _sdpRemote = remote;
                _latched = null;
                _sendTo = remote.Address.Equals(IPAddress.Any) || remote.Port == 0 ? null : Serialize(remote);
            }
        }
    }

    /// <summary>False while on hold (sendonly/inactive from the peer, or we hold it): nothing is sent.</summary>
    public bool Sending { get; set; } = true;

    /// <summary>Each DTMF digit once, whether it came as RFC 4733 or was injected from SIP INFO. Raised on the
    /// receive thread: handlers must return quickly.</summary>
    public event Action<char>? Digit
    {
        add
        {
            lock (_gate)
            {
                _digitHandlers += value;
            }
        }
        remove
        {
            lock (_gate)
            {
                _digitHandlers -= value;
            }
        }
    }

    /// <summary>A digit signalled out of band (SIP INFO); it goes through the same path as RFC 4733 digits.</summary>
    public void InjectDigit(char digit)
    {
        if (TelephoneEvent.FromDigit(digit) is { } code && TelephoneEvent.ToDigit(code) is { } normalised)
        {
            ReportDigit(normalised);
        }
    }

    /// <summary>Sends a digit to the peer as RFC 4733 events on the first telephone-event payload type (100 ms,
    /// the end packet three times). False when the format lists no telephone-event or the character is no digit.</summary>
    public bool SendDigit(char digit)
    {
        if (TelephoneEvent.FromDigit(digit) is null || _format is not { TelephoneEventPayloadTypes.Count: > 0 })
        {
            return false;
        }
        lock (_digitsToSend)
        {
            _digitsToSend.Enqueue(digit);
        }
        return true;
    }

    /// <summary>Plays the clips in order. With <paramref name="bargeIn"/>, a digit stops playback and is
    /// returned (and stays buffered for the next <see cref="CollectDigitsAsync"/>); a digit already buffered
    /// (type-ahead) skips the prompt. Null when played to the end or stopped. Throws
    /// <see cref="OperationCanceledException"/> when cancelled or when the stream closes (the peer hung up): a
    /// hang-up must never pass for a prompt heard to the end.</summary>
    public async Task<char?> PlayAsync(IReadOnlyList<AudioClip> clips, bool bargeIn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clips);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfClosed();
        if (bargeIn && _digits.Reader.TryPeek(out char typedAhead))
        {
            return typedAhead;
        }
        var player = new ClipSource(clips);
        SetSource(player);
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closing.Token);
        try
        {
            if (!bargeIn)
            {
                await player.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
                ThrowIfClosed();
                return null;
            }
            var digitArrived = _digits.Reader.WaitToReadAsync(waiting.Token).AsTask();
            var first = await Task.WhenAny(player.Completion, digitArrived).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            ThrowIfClosed();
            if (first == digitArrived && digitArrived.IsCompletedSuccessfully && _digits.Reader.TryPeek(out char digit))
            {
                return digit;
            }
            return null;
        }
        finally
        {
            waiting.Cancel();
            ReplaceSource(player, SilenceSource.Instance);
        }
    }

    /// <summary>Plays the clip over and over (music while waiting) until another source is chosen.</summary>
    public void PlayLoop(AudioClip clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        SetSource(new LoopSource(clip));
    }

    /// <summary>Stops any prompt or loop: silence is sent. A bridge or conference is left alone.</summary>
    public void StopPlayback()
    {
        lock (_gate)
        {
            if (_source is ClipSource or LoopSource)
            {
                SetSource(SilenceSource.Instance);
            }
        }
    }

    /// <summary>Collects digits (buffered type-ahead first). Returns the digits without the terminator; "" on timeout.
    /// An inter-digit timeout returns what was typed so far. Throws <see cref="OperationCanceledException"/> when
    /// cancelled or when the stream closes: a caller who hung up did not time out.</summary>
    public async Task<string> CollectDigitsAsync(DigitRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ThrowIfClosed();
        var digits = new StringBuilder();
        while (digits.Length < request.MaxDigits)
        {
            var timeout = digits.Length == 0 ? request.FirstDigitTimeout : request.InterDigitTimeout;
            char? digit = await ReadDigitAsync(timeout, cancellationToken).ConfigureAwait(false);
            if (digit is null || request.Terminators.Contains(digit.Value))
            {
                break;
            }
            digits.Append(digit.Value);
        }
        return digits.ToString();
    }

    /// <summary>Discards buffered type-ahead digits.</summary>
    public void ClearDigits()
    {
        while (_digits.Reader.TryRead(out _))
        {
        }
    }

    /// <summary>Packets this stream has sent (voice and events).</summary>
    public long PacketsSent => Interlocked.Read(ref _packetsSent);

    /// <summary>Whether the stream sends silence now (no prompt, loop, bridge or conference).</summary>
    internal bool SendsSilence => _source is SilenceSource;

    /// <summary>Peak absolute sample level received so far (0..32767): tests use it to see that audio flowed.</summary>
    public int ReceivedPeakLevel => Volatile.Read(ref _peak);

    /// <summary>Cancelled as the stream closes (the peer hung up or the call ended), before anything can see the
    /// stream closed: an IVR whose token is linked to it learns of a hang-up from its token, never from silence.</summary>
    public CancellationToken Closed => _closing.Token;

    /// <summary>Stops sending, closes the socket, finishes any recording, frees the port.</summary>
    public async ValueTask DisposeAsync()
    {
        // First: whoever waits on this stream (a prompt, a digit, an IVR token linked to Closed) must see the close
        // before any call can see a disposed stream and take it for silence.
        _closing.Cancel();
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            _started = false;
        }
        _engine.Remove(this, LocalEndPoint.Port);
        if (_source is ClipSource clip)
        {
            clip.Stop();
        }
        _digits.Writer.TryComplete();
        _socket.Dispose();
        try
        {
            await _receiveLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        if (_monoRecording is { } mono)
        {
            await StopMonoRecordingAsync(mono).ConfigureAwait(false);
        }
        if (_callRecording is not null)
        {
            await StopCallRecordingAsync().ConfigureAwait(false);
        }
        // _closing is left undisposed: a late PlayAsync or RecordAsync may still read its token (it holds no timer).
    }

    internal void SetSource(IAudioSource source)
    {
        lock (_gate)
        {
            var old = _source;
            _source = source;
            if (old is ClipSource clip && old != source)
            {
                clip.Stop();
            }
        }
    }

    /// <summary>Replaces the source only if it is still <paramref name="expected"/>, so that ending a bridge or a
    /// prompt does not clobber whatever was chosen since.</summary>
    internal void ReplaceSource(IAudioSource expected, IAudioSource replacement)
    {
        lock (_gate)
        {
            if (_source == expected)
            {
                SetSource(replacement);
            }
        }
    }

    internal void AddTap(SampleTap tap)
    {
        lock (_gate)
        {
            _taps = [.. _taps, tap];
        }
    }

    internal void RemoveTap(SampleTap tap)
    {
        lock (_gate)
        {
            _taps = _taps.Where(t => t != tap).ToArray();
        }
    }

    private void ThrowIfClosed() => _closing.Token.ThrowIfCancellationRequested();

    private static bool Contains(IReadOnlyList<int> list, int value)
    {
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] == value)
            {
                return true;
            }
        }
        return false;
    }

    private SocketAddress Serialize(IPEndPoint endPoint)
    {
        if (_socket.AddressFamily == AddressFamily.InterNetworkV6 && endPoint.AddressFamily == AddressFamily.InterNetwork)
        {
            endPoint = new IPEndPoint(endPoint.Address.MapToIPv6(), endPoint.Port);
        }
        return endPoint.Serialize();
    }
}
