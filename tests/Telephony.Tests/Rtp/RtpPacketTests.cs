using Hotline.Telephony.Rtp;

namespace Hotline.Telephony.Tests.Rtp;

public sealed class RtpPacketTests
{
    [Fact]
    public void A_written_packet_parses_back_to_the_same_fields()
    {
        var datagram = new byte[12 + 160];
        int length = RtpPacket.Write(datagram, true, 8, 65535, 0xDEADBEEF, 0x01020304, new byte[160]);

        Assert.Equal(172, length);
        Assert.True(RtpPacket.TryParse(datagram, out var packet));
        Assert.True(packet.Marker);
        Assert.Equal(8, packet.PayloadType);
        Assert.Equal(65535, packet.SequenceNumber);
        Assert.Equal(0xDEADBEEF, packet.Timestamp);
        Assert.Equal(0x01020304u, packet.Ssrc);
        Assert.Equal(12, packet.PayloadOffset);
        Assert.Equal(160, packet.PayloadLength);
    }

    [Fact]
    public void Csrc_list_extension_and_padding_are_skipped_to_find_the_payload()
    {
        byte[] datagram =
        [
            0xB2, 0x00, 0x00, 0x01, 0, 0, 0, 160, 0, 0, 0, 9, // V=2 P=1 X=1 CC=2
            0, 0, 0, 1, 0, 0, 0, 2, // two CSRCs
            0xBE, 0xDE, 0x00, 0x01, 1, 2, 3, 4, // one-word extension
            0xAA, 0xBB, 0xCC, // payload
            0, 0, 3, // three bytes of padding
        ];
        Assert.True(RtpPacket.TryParse(datagram, out var packet));
        Assert.Equal(2, packet.CsrcCount);
        Assert.True(packet.HasExtension);
        Assert.Equal(3, packet.PaddingLength);
        Assert.Equal(new byte[] { 0xAA, 0xBB, 0xCC }, packet.Payload(datagram).ToArray());
    }

    public static TheoryData<byte[]> Garbage => new()
    {
        Array.Empty<byte>(),
        new byte[11],
        new byte[] { 0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, // version 1
        new byte[] { 0x8F, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, // 15 CSRCs announced, none there
        new byte[] { 0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xBE, 0xDE, 0, 5 }, // extension longer than the packet
        new byte[] { 0xA0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0 }, // padding count 0
        new byte[] { 0xA0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 9 }, // padding beyond the payload
        new byte[] { 0x80, 0xC8, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0 }, // RTCP sender report on the RTP port
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public void Malformed_datagrams_are_refused_without_throwing(byte[] datagram) =>
        Assert.False(RtpPacket.TryParse(datagram, out _));

    [Fact]
    public void Random_bytes_never_throw_and_any_accepted_payload_lies_inside_the_datagram()
    {
        var random = new Random(4733);
        for (int i = 0; i < 20000; i++)
        {
            var datagram = new byte[random.Next(0, 80)];
            random.NextBytes(datagram);
            if (datagram.Length > 0 && random.Next(2) == 0)
            {
                datagram[0] = (byte)(0x80 | (datagram[0] & 0x3F));
            }
            if (RtpPacket.TryParse(datagram, out var packet))
            {
                Assert.InRange(packet.PayloadOffset + packet.PayloadLength, 12, datagram.Length);
            }
        }
    }
}
