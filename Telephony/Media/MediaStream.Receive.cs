using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Hotline.Telephony.Rtp;
using Microsoft.Extensions.Logging;

namespace Hotline.Telephony.Media;

/// <summary>The receive path, on this stream's receive loop only: RTP parsed, latched to where it comes from
/// (symmetric RTP), voice decoded to the taps (bridge, conference, recordings), DTMF reported once per digit.</summary>
public sealed partial class MediaStream
{
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
}
