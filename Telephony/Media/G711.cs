namespace Hotline.Telephony.Media;

/// <summary>
/// G.711 μ-law and A-law (ITU-T G.711, the classic Sun reference algorithm). Encoding works on <see cref="int"/>
/// so that −32768 does not overflow when negated; decoding is a 256-entry table per law.
/// </summary>
public static class G711
{
    /// <summary>The μ-law byte of a zero sample.</summary>
    public const byte MulawSilence = 0xFF;
    /// <summary>The A-law byte of a zero sample (decodes to +8: A-law has no exact zero).</summary>
    public const byte AlawSilence = 0xD5;

    private const int MulawBias = 0x84;
    private const int MulawClip = 32635;

    private static readonly short[] MulawTable = BuildTable(DecodeMulawSlow);
    private static readonly short[] AlawTable = BuildTable(DecodeAlawSlow);

    // 64 KB per law: the pacing loop encodes every stream's frame each tick, and a lookup beats the segment search.
    private static readonly byte[] MulawEncodeTable = BuildEncodeTable(EncodeMulaw);
    private static readonly byte[] AlawEncodeTable = BuildEncodeTable(EncodeAlaw);

    public static byte Silence(G711Law law) => law == G711Law.Mulaw ? MulawSilence : AlawSilence;

    public static byte EncodeMulaw(short sample)
    {
        int pcm = sample;
        int sign = 0;
        if (pcm < 0)
        {
            sign = 0x80;
            pcm = -pcm;
        }
        if (pcm > MulawClip)
        {
            pcm = MulawClip;
        }
        pcm += MulawBias;
        int exponent = 7;
        for (int mask = 0x4000; (pcm & mask) == 0 && exponent > 0; mask >>= 1)
        {
            exponent--;
        }
        int mantissa = (pcm >> (exponent + 3)) & 0x0F;
        return (byte)~(sign | (exponent << 4) | mantissa);
    }

    public static short DecodeMulaw(byte value) => MulawTable[value];

    public static byte EncodeAlaw(short sample)
    {
        // A-law works on 13 significant bits.
        int pcm = sample >> 3;
        int mask;
        if (pcm >= 0)
        {
            mask = 0xD5;
        }
        else
        {
            mask = 0x55;
            pcm = -pcm - 1;
        }
        int segment = 0;
        while (segment < 8 && pcm > (0x20 << segment) - 1)
        {
            segment++;
        }
        if (segment >= 8)
        {
            return (byte)(0x7F ^ mask);
        }
        int value = segment << 4;
        value |= segment < 2 ? (pcm >> 1) & 0x0F : (pcm >> segment) & 0x0F;
        return (byte)(value ^ mask);
    }

    public static short DecodeAlaw(byte value) => AlawTable[value];

    public static byte Encode(G711Law law, short sample) => law == G711Law.Mulaw ? EncodeMulaw(sample) : EncodeAlaw(sample);

    public static short Decode(G711Law law, byte value) => law == G711Law.Mulaw ? MulawTable[value] : AlawTable[value];

    public static void Encode(G711Law law, ReadOnlySpan<short> samples, Span<byte> destination)
    {
        var table = law == G711Law.Mulaw ? MulawEncodeTable : AlawEncodeTable;
        for (int i = 0; i < samples.Length; i++)
        {
            destination[i] = table[(ushort)samples[i]];
        }
    }

    public static void Decode(G711Law law, ReadOnlySpan<byte> encoded, Span<short> destination)
    {
        var table = law == G711Law.Mulaw ? MulawTable : AlawTable;
        for (int i = 0; i < encoded.Length; i++)
        {
            destination[i] = table[encoded[i]];
        }
    }

    private static short[] BuildTable(Func<byte, short> decode)
    {
        var table = new short[256];
        for (int i = 0; i < 256; i++)
        {
            table[i] = decode((byte)i);
        }
        return table;
    }

    private static byte[] BuildEncodeTable(Func<short, byte> encode)
    {
        var table = new byte[65536];
        for (int i = 0; i < table.Length; i++)
        {
            table[i] = encode((short)(ushort)i);
        }
        return table;
    }

    private static short DecodeMulawSlow(byte value)
    {
        int u = ~value & 0xFF;
        int exponent = (u >> 4) & 0x07;
        int mantissa = u & 0x0F;
        int magnitude = (((mantissa << 3) + MulawBias) << exponent) - MulawBias;
        return (short)((u & 0x80) != 0 ? -magnitude : magnitude);
    }

    private static short DecodeAlawSlow(byte value)
    {
        int a = value ^ 0x55;
        int t = (a & 0x0F) << 4;
        int segment = (a & 0x70) >> 4;
        t = segment switch
        {
            0 => t + 8,
            1 => t + 0x108,
            _ => (t + 0x108) << (segment - 1),
        };
        return (short)((a & 0x80) != 0 ? t : -t);
    }
}
