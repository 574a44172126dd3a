using System.Net;
using System.Net.Sockets;
using Hotline.Telephony.Media;
using Hotline.Telephony.Rtp;

namespace Hotline.Telephony.Tests.Media;

/// <summary>Shared set-up for media tests: engines on loopback, formats, and a raw RTP peer.</summary>
internal static class MediaTestKit
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    public static MediaFormat Pcmu(params int[] eventTypes) =>
        new(G711Law.Mulaw, 0, eventTypes.Length == 0 ? [101] : eventTypes);

    public static MediaFormat Pcma(params int[] eventTypes) =>
        new(G711Law.Alaw, 8, eventTypes.Length == 0 ? [101] : eventTypes);

    /// <summary>An engine on 127.0.0.1. Ranges differ per test class so parallel classes rarely collide (a taken
    /// port is skipped anyway).</summary>
    public static MediaEngine Engine(int portMin, TimeProvider? time = null) =>
        new(new MediaEngineOptions { BindAddress = IPAddress.Loopback, PortMin = portMin, PortMax = portMin + 199 },
            null, time ?? TimeProvider.System);

    /// <summary>An engine on 127.0.0.1 with no pacing thread: the test sends every frame with <see cref="PaceAsync"/>.</summary>
    public static MediaEngine CallerPacedEngine(int portMin) =>
        new(new MediaEngineOptions { BindAddress = IPAddress.Loopback, PortMin = portMin, PortMax = portMin + 199 },
            null, TimeProvider.System, pacedByCaller: true);

    /// <summary>Runs <paramref name="ticks"/> ticks of a caller-paced engine whose streams talk to each other; after
    /// each tick it waits until every packet sent has been received and handled, so the next tick sees it (the
    /// outcome depends on the number of ticks, never on how busy the machine is).</summary>
    public static async Task PaceAsync(this MediaEngine engine, int ticks)
    {
        for (int i = 0; i < ticks; i++)
        {
            engine.RunTicks(1);
            long sent = engine.GetStats().PacketsSent;
            await Eventually(() => engine.DatagramsHandled >= sent, $"the {sent} packets sent to be handled");
        }
    }

    /// <summary>Waits for a condition that the pacing or receive threads make true, without a fixed sleep.</summary>
    public static async Task Eventually(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}");
            }
            await Task.Delay(10);
        }
    }
}

/// <summary>A plain UDP socket that sends crafted RTP and captures what a stream sends.</summary>
internal sealed class RawPeer : IDisposable
{
    public RawPeer() => Socket.Client.ReceiveTimeout = 5000;

    public UdpClient Socket { get; } = new(new IPEndPoint(IPAddress.Loopback, 0));

    public IPEndPoint EndPoint => (IPEndPoint)Socket.Client.LocalEndPoint!;

    public async Task<(RtpPacket Packet, byte[] Datagram)> ReceiveAsync()
    {
        using var timeout = new CancellationTokenSource(MediaTestKit.Wait);
        while (true)
        {
            var result = await Socket.ReceiveAsync(timeout.Token);
            if (RtpPacket.TryParse(result.Buffer, out var packet))
            {
                return (packet, result.Buffer);
            }
        }
    }

    public void Send(IPEndPoint to, byte[] datagram) => Socket.Send(datagram, datagram.Length, to);

    public static byte[] Voice(byte payloadType, ushort sequence, uint timestamp, uint ssrc, byte[] payload, bool marker = false)
    {
        var datagram = new byte[RtpPacket.HeaderSize + payload.Length];
        RtpPacket.Write(datagram, marker, payloadType, sequence, timestamp, ssrc, payload);
        return datagram;
    }

    public static byte[] Event(byte payloadType, ushort sequence, uint timestamp, uint ssrc, byte eventCode, bool end, ushort duration)
    {
        var payload = new byte[TelephoneEvent.Size];
        new TelephoneEvent(eventCode, end, 10, duration).Write(payload);
        return Voice(payloadType, sequence, timestamp, ssrc, payload);
    }

    public void Dispose() => Socket.Dispose();
}
