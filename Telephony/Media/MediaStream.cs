using System.Diagnostics;
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

    // Recordings (started and stopped under _gate, read by the pacing thread).
    private volatile CallRecording? _callRecording;
    private volatile MonoRecording? _monoRecording;

    // Send state: the pacing thread only.
    private readonly uint _ssrc;
    private ushort _sequence;
    private uint _sampleClock;
    private readonly short[] _pending = new short[MaxPacketSamples + FrameSamples];
    private int _pendingCount;
    private uint _pendingTimestamp;
    private bool _markNext = true;
    private IAudioSource? _lastSource;
    private readonly byte[] _packet = new byte[RtpPacket.HeaderSize + MaxPacketSamples];
    private readonly short[] _frame = new short[FrameSamples];
    private readonly short[] _peerFrame = new short[FrameSamples];
    private readonly short[] _stereo = new short[2 * FrameSamples];
    private DtmfSend? _dtmfSend;

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

    /// <summary>Records what the peer says to a mono WAV until a terminator digit, the maximum, or cancellation
    /// (a caller hanging up mid-message still leaves a recording, so cancellation returns rather than throws).
    /// Digits typed before the recording started do not end it.</summary>
    public async Task<RecordedAudio> RecordAsync(string wavPath, TimeSpan maxDuration, string terminators, CancellationToken cancellationToken)
    {
        ThrowIfClosed();
        long maxSamples = (long)(maxDuration.TotalSeconds * AudioClip.SampleRate);
        var recording = new MonoRecording(new RecordingSink(wavPath, 1), new SampleTap(), maxSamples, terminators);
        lock (_gate)
        {
            if (_monoRecording is not null)
            {
                throw new InvalidOperationException("A recording is already running on this stream");
            }
            AddTap(recording.Tap);
            _monoRecording = recording;
        }
        try
        {
            using var registration = cancellationToken.Register(() => recording.End.TrySetResult(null));
            using var closing = _closing.Token.Register(() => recording.End.TrySetResult(null));
            var end = await recording.End.Task.ConfigureAwait(false);
            if (end is { } terminator && terminator != MonoRecording.Timeout)
            {
                // The terminator answered this recording; it must not leak into the next menu.
                ClearDigits();
            }
            return new RecordedAudio(wavPath, await StopMonoRecordingAsync(recording).ConfigureAwait(false),
                end is MonoRecording.Timeout ? null : end, end is MonoRecording.Timeout);
        }
        finally
        {
            await StopMonoRecordingAsync(recording).ConfigureAwait(false);
        }
    }

    /// <summary>Records the whole call to a two-channel WAV: channel 1 what the peer says, channel 2 what is sent
    /// to the peer (prompts, the agent, the conference). Runs until <see cref="StopCallRecordingAsync"/> or disposal.</summary>
    public void StartCallRecording(string wavPath)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_gate)
        {
            if (_callRecording is not null)
            {
                throw new InvalidOperationException("A call recording is already running on this stream");
            }
            var recording = new CallRecording(new RecordingSink(wavPath, 2), new SampleTap());
            AddTap(recording.Tap);
            _callRecording = recording;
        }
    }

    /// <summary>Finishes the call recording's file (header sizes written). Returns its duration, or null if none ran.</summary>
    /// <remarks>Asynchronous: hundreds of calls ending at once must not each hold a pool thread while their files close
    /// (a synchronous wait here starved the thread pool for 29 s at 50 calls a second).</remarks>
    public async Task<TimeSpan?> StopCallRecordingAsync()
    {
        CallRecording? recording;
        lock (_gate)
        {
            recording = _callRecording;
            if (recording is null)
            {
                return null;
            }
            _callRecording = null;
            RemoveTap(recording.Tap);
        }
        return await recording.Sink.CompleteAsync().ConfigureAwait(false);
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

    // ---- sources and taps (bridge, conference) ----

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

    // ---- receive path ----

    internal void StartReceiving() => _receiveLoop = Task.Run(ReceiveLoopAsync);

    private async Task ReceiveLoopAsync()
    {
        var buffer = GC.AllocateUninitializedArray<byte>(2048, pinned: true);
        var source = new SocketAddress(_socket.AddressFamily);
        while (!_disposed)
        {
            int length;
            try
            {
                // No cancellation token: closing the socket ends the receive, and a token would cost a registration per packet.
                length = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, source).ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                if (_disposed)
                {
                    return;
                }
                // ICMP errors for earlier sends (ConnectionReset) and the like: the socket is still usable.
                _logger.LogDebug("RTP receive on port {Port}: {Error}", LocalEndPoint.Port, e.SocketErrorCode);
                continue;
            }
            OnDatagram(buffer.AsSpan(0, length), source);
            _engine.CountHandled();
        }
    }

    internal void OnDatagram(ReadOnlySpan<byte> datagram, SocketAddress source)
    {
        _engine.CountReceived();
        var format = _format;
        if (!_started || format is null || !RtpPacket.TryParse(datagram, out var packet))
        {
            _engine.CountDropped();
            return;
        }
        bool isEvent = Contains(format.TelephoneEventPayloadTypes, packet.PayloadType);
        bool isVoice = packet.PayloadType is (int)G711Law.Mulaw or (int)G711Law.Alaw;
        if (!isEvent && !isVoice)
        {
            // Comfort noise, sipp's PT 97 lead-in, codecs we did not offer: not ours to judge.
            return;
        }
        var latched = _latched;
        if (latched is null)
        {
            lock (_gate)
            {
                if (_latched is null)
                {
                    var endPoint = (IPEndPoint)new IPEndPoint(IPAddress.Any, 0).Create(source);
                    _latched = Serialize(endPoint);
                    _sendTo = _latched;
                }
                latched = _latched;
            }
        }
        if (!source.Equals(latched))
        {
            _engine.CountDropped();
            return;
        }
        var payload = packet.Payload(datagram);
        if (isEvent)
        {
            if (!TelephoneEvent.TryParse(payload, out var telephoneEvent))
            {
                _engine.CountDropped();
                return;
            }
            if (_dtmf.OnPacket(packet.Ssrc, packet.Timestamp, telephoneEvent, _engine.Time.GetElapsedTime(0)) is { } digit)
            {
                ReportDigit(digit);
            }
            return;
        }
        if (payload.Length > MaxPacketSamples)
        {
            payload = payload[..MaxPacketSamples];
        }
        Span<short> samples = stackalloc short[payload.Length];
        G711.Decode((G711Law)packet.PayloadType, payload, samples);
        int peak = Volatile.Read(ref _peak);
        foreach (short sample in samples)
        {
            int level = Math.Min(32767, Math.Abs((int)sample));
            if (level > peak)
            {
                peak = level;
            }
        }
        Volatile.Write(ref _peak, peak);
        foreach (var tap in _taps)
        {
            tap.Write(samples);
        }
    }

    private void ReportDigit(char digit)
    {
        if (_disposed)
        {
            return;
        }
        _digits.Writer.TryWrite(digit);
        _monoRecording?.OnDigit(digit);
        Action<char>? handlers;
        lock (_gate)
        {
            handlers = _digitHandlers;
        }
        try
        {
            handlers?.Invoke(digit);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A failing subscriber must not stop the receive loop of the call.
            _logger.LogError(e, "A digit handler failed on RTP port {Port}", LocalEndPoint.Port);
        }
    }

    private async Task<char?> ReadDigitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_digits.Reader.TryRead(out char buffered))
        {
            return buffered;
        }
        if (timeout <= TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            return null;
        }
        using var timer = new CancellationTokenSource(timeout, _engine.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, cancellationToken);
        try
        {
            return await _digits.Reader.ReadAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (ChannelClosedException)
        {
            ThrowIfClosed();
            return null;
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

    private async Task<TimeSpan> StopMonoRecordingAsync(MonoRecording recording)
    {
        lock (_gate)
        {
            if (_monoRecording == recording)
            {
                _monoRecording = null;
                RemoveTap(recording.Tap);
            }
        }
        recording.End.TrySetResult(null);
        return await recording.Sink.CompleteAsync().ConfigureAwait(false);
    }

    // ---- send path: the pacing thread ----

    internal void SkipTicks(long ticks)
    {
        _sampleClock += (uint)(ticks * FrameSamples);
        _pendingCount = 0;
        _markNext = true;
    }

    internal void Tick(long tick, long deadline)
    {
        var format = _format;
        if (!_started || format is null)
        {
            return;
        }
        var source = _source;
        var frame = _frame.AsSpan();
        source.Read(frame, tick);
        if (source != _lastSource)
        {
            _markNext = true;
            _lastSource = source;
        }
        bool sending = Sending && _sendTo is not null;
        if (!sending)
        {
            frame.Clear();
        }
        Record(frame);
        if (!sending)
        {
            _pendingCount = 0;
            _markNext = true;
            _sampleClock += FrameSamples;
            return;
        }
        if (_dtmfSend is not null || NextDigitToSend() is not null)
        {
            SendDtmfPacket(format, deadline);
            _pendingCount = 0;
            _sampleClock += FrameSamples;
            return;
        }
        if (_pendingCount == 0)
        {
            _pendingTimestamp = _sampleClock;
        }
        frame.CopyTo(_pending.AsSpan(_pendingCount));
        _pendingCount += FrameSamples;
        int packetSamples = Math.Clamp(format.PacketTimeMs, 10, MaxPacketSamples / 8) * 8;
        while (_pendingCount >= packetSamples)
        {
            // The payload type decides the law; the Law field covers a (non-standard) dynamic voice payload type.
            var law = format.PayloadType switch
            {
                (int)G711Law.Mulaw => G711Law.Mulaw,
                (int)G711Law.Alaw => G711Law.Alaw,
                _ => format.Law,
            };
            RtpPacket.WriteHeader(_packet, _markNext, (byte)format.PayloadType, _sequence, _pendingTimestamp, _ssrc);
            G711.Encode(law, _pending.AsSpan(0, packetSamples), _packet.AsSpan(RtpPacket.HeaderSize));
            Send(_packet.AsSpan(0, RtpPacket.HeaderSize + packetSamples), deadline);
            _markNext = false;
            _pendingTimestamp += (uint)packetSamples;
            _pendingCount -= packetSamples;
            _pending.AsSpan(packetSamples, _pendingCount).CopyTo(_pending);
        }
        _sampleClock += FrameSamples;
    }

    private void Record(ReadOnlySpan<short> sent)
    {
        if (_monoRecording is { } mono)
        {
            mono.Tap.Read(_peerFrame);
            mono.Write(_peerFrame);
        }
        if (_callRecording is { } call)
        {
            call.Tap.Read(_peerFrame);
            for (int i = 0; i < FrameSamples; i++)
            {
                _stereo[2 * i] = _peerFrame[i];
                _stereo[2 * i + 1] = sent[i];
            }
            call.Sink.Write(_stereo);
        }
    }

    private char? NextDigitToSend()
    {
        lock (_digitsToSend)
        {
            if (_digitsToSend.TryDequeue(out char digit))
            {
                _dtmfSend = new DtmfSend(TelephoneEvent.FromDigit(digit)!.Value, _sampleClock);
                return digit;
            }
        }
        return null;
    }

    private void SendDtmfPacket(MediaFormat format, long deadline)
    {
        var send = _dtmfSend!;
        if (format.TelephoneEventPayloadTypes.Count == 0)
        {
            _dtmfSend = null;
            return;
        }
        send.Elapsed += FrameSamples;
        bool end = send.Elapsed >= DtmfEventSamples;
        var telephoneEvent = new TelephoneEvent(send.Event, end, 10, (ushort)Math.Min(send.Elapsed, DtmfEventSamples));
        RtpPacket.WriteHeader(_packet, send.First, (byte)format.TelephoneEventPayloadTypes[0], _sequence, send.Timestamp, _ssrc);
        telephoneEvent.Write(_packet.AsSpan(RtpPacket.HeaderSize));
        Send(_packet.AsSpan(0, RtpPacket.HeaderSize + TelephoneEvent.Size), deadline);
        send.First = false;
        if (end && ++send.EndsSent >= DtmfEndRepeats)
        {
            _dtmfSend = null;
            _markNext = true;
        }
    }

    private void Send(ReadOnlySpan<byte> packet, long deadline)
    {
        _sequence++;
        var to = _sendTo;
        if (to is null)
        {
            return;
        }
        try
        {
            _socket.SendTo(packet, SocketFlags.None, to);
            _engine.CountSent();
            Interlocked.Increment(ref _packetsSent);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            _engine.CountDropped();
        }
        _engine.RecordLateness(deadline);
    }

    private sealed class DtmfSend(byte eventCode, uint timestamp)
    {
        public byte Event { get; } = eventCode;
        public uint Timestamp { get; } = timestamp;
        public int Elapsed { get; set; }
        public int EndsSent { get; set; }
        public bool First { get; set; } = true;
    }

    private sealed class CallRecording(RecordingSink sink, SampleTap tap)
    {
        public RecordingSink Sink { get; } = sink;
        public SampleTap Tap { get; } = tap;
    }

    private sealed class MonoRecording(RecordingSink sink, SampleTap tap, long maxSamples, string terminators)
    {
        /// <summary>The End result when the maximum duration was reached.</summary>
        public const char Timeout = '\0';

        public RecordingSink Sink { get; } = sink;
        public SampleTap Tap { get; } = tap;

        /// <summary>The terminator digit, <see cref="Timeout"/>, or null (cancelled or stopped).</summary>
        public TaskCompletionSource<char?> End { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private long _written;

        public void Write(ReadOnlySpan<short> samples)
        {
            if (End.Task.IsCompleted)
            {
                return;
            }
            int count = (int)Math.Min(samples.Length, maxSamples - _written);
            Sink.Write(samples[..count]);
            _written += count;
            if (_written >= maxSamples)
            {
                End.TrySetResult(Timeout);
            }
        }

        public void OnDigit(char digit)
        {
            if (terminators.Contains(digit))
            {
                End.TrySetResult(digit);
            }
        }
    }
}
