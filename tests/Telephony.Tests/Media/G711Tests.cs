using Hotline.Telephony.Media;

namespace Hotline.Telephony.Tests.Media;

public sealed class G711Tests
{
    [Fact]
    public void Zero_encodes_to_the_silence_bytes()
    {
        Assert.Equal(0xFF, G711.EncodeMulaw(0));
        Assert.Equal(0xD5, G711.EncodeAlaw(0));
        Assert.Equal(0, G711.DecodeMulaw(0xFF));
        Assert.Equal(8, G711.DecodeAlaw(0xD5));
    }

    [Theory]
    [InlineData(short.MinValue)]
    [InlineData(short.MaxValue)]
    [InlineData(-32767)]
    public void Extremes_encode_to_the_loudest_code_without_overflow(short sample)
    {
        Assert.Equal(sample < 0 ? -32124 : 32124, G711.DecodeMulaw(G711.EncodeMulaw(sample)));
        Assert.Equal(sample < 0 ? -32256 : 32256, G711.DecodeAlaw(G711.EncodeAlaw(sample)));
    }

    [Theory]
    [InlineData(1000, 0xCE, 0xFA)]
    [InlineData(-1000, 0x4E, 0x7A)]
    [InlineData(100, 0xF2, 0xD3)]
    public void Known_vectors_encode_as_the_reference_does(short sample, byte mulaw, byte alaw)
    {
        Assert.Equal(mulaw, G711.EncodeMulaw(sample));
        Assert.Equal(alaw, G711.EncodeAlaw(sample));
    }

    [Fact]
    public void Every_code_decodes_and_encodes_back_to_itself()
    {
        for (int code = 0; code < 256; code++)
        {
            // μ-law has a negative zero (0x7F) that encodes back as the positive one.
            if (code != 0x7F)
            {
                Assert.Equal(code, G711.EncodeMulaw(G711.DecodeMulaw((byte)code)));
            }
            Assert.Equal(code, G711.EncodeAlaw(G711.DecodeAlaw((byte)code)));
        }
    }

    [Fact]
    public void Round_trip_error_stays_within_half_a_quantisation_step()
    {
        for (int sample = short.MinValue; sample <= short.MaxValue; sample++)
        {
            int magnitude = Math.Min(Math.Abs(sample), 32124);
            // Steps double per segment: about 1/16 of the magnitude (plus the finest step near zero).
            int mulawError = Math.Abs(Math.Clamp(sample, -32124, 32124) - G711.DecodeMulaw(G711.EncodeMulaw((short)sample)));
            int alawError = Math.Abs(Math.Clamp(sample, -32256, 32256) - G711.DecodeAlaw(G711.EncodeAlaw((short)sample)));
            Assert.True(mulawError <= magnitude / 32 + 5, $"μ-law error {mulawError} at {sample}");
            Assert.True(alawError <= magnitude / 32 + 9, $"A-law error {alawError} at {sample}");
        }
    }

    [Fact]
    public void Decoding_is_symmetric_around_zero()
    {
        for (int code = 0; code < 128; code++)
        {
            Assert.Equal(-G711.DecodeMulaw((byte)code), G711.DecodeMulaw((byte)(code | 0x80)));
            Assert.Equal(-G711.DecodeAlaw((byte)code), G711.DecodeAlaw((byte)(code | 0x80)));
        }
    }

    [Fact]
    public void Span_encode_and_decode_match_the_single_sample_functions()
    {
        short[] samples = [0, 1, -1, 500, -500, 20000, short.MinValue];
        var encoded = new byte[samples.Length];
        var decoded = new short[samples.Length];
        foreach (var law in new[] { G711Law.Mulaw, G711Law.Alaw })
        {
            G711.Encode(law, samples, encoded);
            G711.Decode(law, encoded, decoded);
            for (int i = 0; i < samples.Length; i++)
            {
                Assert.Equal(G711.Encode(law, samples[i]), encoded[i]);
                Assert.Equal(G711.Decode(law, encoded[i]), decoded[i]);
            }
        }
    }
}
