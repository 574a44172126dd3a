using System.Net.Sockets;
using Hotline.Telephony.Rtp;

namespace Hotline.Telephony.Media;

/// <summary>The send path, on the engine's pacing thread only: one 20 ms frame per tick from the current source,
/// packed into packets of the negotiated packet time with continuous SSRC, sequence and timestamps, RFC 4733 digits
/// in between, nothing while on hold.</summary>
public sealed partial class MediaStream
{
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
    private DtmfSend? _dtmfSend;

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
}
