using System.Buffers.Binary;

namespace Hotline.Telephony.Rtp;

/// <summary>
/// One parsed RTP packet (RFC 3550): the fixed header plus where the payload sits in the datagram. Parsing never
/// throws: anything malformed makes <see cref="TryParse"/> return false, and the caller counts the drop.
/// </summary>
public readonly record struct RtpPacket(
    bool Marker,
    byte PayloadType,
    ushort SequenceNumber,
    uint Timestamp,
    uint Ssrc,
    int CsrcCount,
    bool HasExtension,
    int PayloadOffset,
    int PayloadLength,
    int PaddingLength)
{
    public const int HeaderSize = 12;

    public ReadOnlySpan<byte> Payload(ReadOnlySpan<byte> datagram) => datagram.Slice(PayloadOffset, PayloadLength);

    public static bool TryParse(ReadOnlySpan<byte> datagram, out RtpPacket packet)
    {
        packet = default;
        if (datagram.Length < HeaderSize)
        {
            return false;
        }
        byte first = datagram[0];
        if (first >> 6 != 2)
        {
            return false;
        }
        bool padding = (first & 0x20) != 0;
        bool extension = (first & 0x10) != 0;
        int csrcCount = first & 0x0F;
        byte second = datagram[1];
        bool marker = (second & 0x80) != 0;
        byte payloadType = (byte)(second & 0x7F);
        // RTCP multiplexed on the RTP port (RFC 5761) shows up as payload types 72-76 with the marker set.
        if (payloadType is >= 72 and <= 76)
        {
            return false;
        }
        int offset = HeaderSize + 4 * csrcCount;
        if (offset > datagram.Length)
        {
            return false;
        }
        if (extension)
        {
            if (offset + 4 > datagram.Length)
            {
                return false;
            }
            int words = BinaryPrimitives.ReadUInt16BigEndian(datagram.Slice(offset + 2, 2));
            offset += 4 + 4 * words;
            if (offset > datagram.Length)
            {
                return false;
            }
        }
        int end = datagram.Length;
        int paddingLength = 0;
        if (padding)
        {
            paddingLength = datagram[^1];
            if (paddingLength == 0 || paddingLength > end - offset)
            {
                return false;
            }
            end -= paddingLength;
        }
        packet = new RtpPacket(
            marker,
            payloadType,
            BinaryPrimitives.ReadUInt16BigEndian(datagram.Slice(2, 2)),
            BinaryPrimitives.ReadUInt32BigEndian(datagram.Slice(4, 4)),
            BinaryPrimitives.ReadUInt32BigEndian(datagram.Slice(8, 4)),
            csrcCount,
            extension,
            offset,
            end - offset,
            paddingLength);
        return true;
    }

    /// <summary>Writes a 12-byte header (no CSRC, extension or padding) followed by the payload. Returns the length.</summary>
    public static int Write(Span<byte> destination, bool marker, byte payloadType, ushort sequenceNumber, uint timestamp,
        uint ssrc, ReadOnlySpan<byte> payload)
    {
        WriteHeader(destination, marker, payloadType, sequenceNumber, timestamp, ssrc);
        payload.CopyTo(destination[HeaderSize..]);
        return HeaderSize + payload.Length;
    }

    public static void WriteHeader(Span<byte> destination, bool marker, byte payloadType, ushort sequenceNumber,
        uint timestamp, uint ssrc)
    {
        destination[0] = 0x80;
        destination[1] = (byte)((marker ? 0x80 : 0) | (payloadType & 0x7F));
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], sequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], ssrc);
    }
}
