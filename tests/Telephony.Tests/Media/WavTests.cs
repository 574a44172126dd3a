using System.Buffers.Binary;
using System.Text;
using Hotline.Telephony.Media;

namespace Hotline.Telephony.Tests.Media;

public sealed class WavTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("wav-tests").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    /// <summary>A RIFF file from chunks, each padded to an even length as RIFF requires.</summary>
    private static byte[] Riff(params (string Id, byte[] Body)[] chunks)
    {
        using var file = new MemoryStream();
        file.Write("RIFF"u8);
        file.Write(new byte[4]);
        file.Write("WAVE"u8);
        foreach (var (id, body) in chunks)
        {
            file.Write(Encoding.ASCII.GetBytes(id));
            var size = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(size, (uint)body.Length);
            file.Write(size);
            file.Write(body);
            if (body.Length % 2 == 1)
            {
                file.WriteByte(0);
            }
        }
        var bytes = file.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), (uint)(bytes.Length - 8));
        return bytes;
    }

    private static byte[] Fmt(int tag, int channels, int rate, int bits, bool extraSize)
    {
        var body = new byte[extraSize ? 18 : 16];
        BinaryPrimitives.WriteUInt16LittleEndian(body, (ushort)tag);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(2), (ushort)channels);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(4), (uint)rate);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(8), (uint)(rate * channels * bits / 8));
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(12), (ushort)(channels * bits / 8));
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(14), (ushort)bits);
        return body;
    }

    [Fact]
    public void A_mulaw_file_with_an_18_byte_fmt_a_fact_and_an_odd_LIST_chunk_is_read_from_its_data_chunk()
    {
        byte[] data = [G711.EncodeMulaw(1000), G711.EncodeMulaw(-1000), G711.MulawSilence];
        var file = Riff(
            ("fmt ", Fmt(WavFormat.Mulaw, 1, 8000, 8, extraSize: true)),
            ("fact", [3, 0, 0, 0]),
            ("LIST", Encoding.ASCII.GetBytes("INFOISFT")[..7]), // odd size: one pad byte follows
            ("data", data));
        File.WriteAllBytes(PathOf("mulaw.wav"), file);

        var clip = AudioClip.Load(PathOf("mulaw.wav"));

        Assert.Equal(3, clip.SampleCount);
        Assert.Equal(new[] { G711.DecodeMulaw(data[0]), G711.DecodeMulaw(data[1]), (short)0 }, clip.Samples);
    }

    [Fact]
    public void An_alaw_file_decodes_with_the_alaw_table()
    {
        byte[] data = [G711.EncodeAlaw(5000), G711.AlawSilence];
        File.WriteAllBytes(PathOf("alaw.wav"), Riff(("fmt ", Fmt(WavFormat.Alaw, 1, 8000, 8, true)), ("fact", [2, 0, 0, 0]), ("data", data)));

        var samples = WavReader.ReadMono8k(PathOf("alaw.wav"));

        Assert.Equal(new[] { G711.DecodeAlaw(data[0]), (short)8 }, samples);
    }

    [Fact]
    public void A_pcm16_file_with_a_LIST_chunk_before_data_is_read()
    {
        var data = new byte[6];
        BinaryPrimitives.WriteInt16LittleEndian(data, 1);
        BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(2), -2);
        BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(4), short.MinValue);
        var file = Riff(("fmt ", Fmt(WavFormat.Pcm, 1, 8000, 16, false)), ("LIST", new byte[10]), ("data", data));

        var (format, samples) = WavReader.Read(file);

        Assert.Equal(new WavFormat(1, 1, 8000, 16), format);
        Assert.Equal(new short[] { 1, -2, short.MinValue }, samples);
    }

    [Fact]
    public void A_data_size_never_patched_is_taken_as_the_rest_of_the_file()
    {
        var file = Riff(("fmt ", Fmt(WavFormat.Pcm, 1, 8000, 16, false)), ("data", new byte[] { 7, 0, 8, 0 }));
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(file.Length - 8), 0xFFFFFFFF);

        Assert.Equal(new short[] { 7, 8 }, WavReader.Read(file).Samples);
    }

    [Fact]
    public void Files_that_are_not_prompts_are_refused_with_a_clear_error()
    {
        File.WriteAllBytes(PathOf("stereo.wav"), Riff(("fmt ", Fmt(WavFormat.Pcm, 2, 8000, 16, false)), ("data", new byte[8])));
        File.WriteAllBytes(PathOf("44k.wav"), Riff(("fmt ", Fmt(WavFormat.Pcm, 1, 44100, 16, false)), ("data", new byte[8])));
        File.WriteAllBytes(PathOf("float.wav"), Riff(("fmt ", Fmt(3, 1, 8000, 32, false)), ("data", new byte[8])));
        File.WriteAllBytes(PathOf("text.wav"), "not a wave file at all"u8.ToArray());
        File.WriteAllBytes(PathOf("nodata.wav"), Riff(("fmt ", Fmt(WavFormat.Pcm, 1, 8000, 16, false))));

        foreach (var name in new[] { "stereo.wav", "44k.wav", "float.wav", "text.wav", "nodata.wav" })
        {
            Assert.Throws<InvalidDataException>(() => AudioClip.Load(PathOf(name)));
        }
    }

    [Fact]
    public void A_mono_file_written_is_read_back_with_a_44_byte_header()
    {
        short[] samples = [0, 100, -100, short.MaxValue, short.MinValue];
        using (var writer = new WavWriter(PathOf("mono.wav"), 1))
        {
            writer.Write(samples);
            Assert.Equal(5, writer.Frames);
        }
        var bytes = File.ReadAllBytes(PathOf("mono.wav"));

        Assert.Equal(44 + 10, bytes.Length);
        Assert.Equal((uint)(bytes.Length - 8), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)));
        Assert.Equal(10u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(40)));
        Assert.Equal(samples, WavReader.ReadMono8k(PathOf("mono.wav")));
    }

    [Fact]
    public void A_stereo_file_has_its_sizes_patched_and_channels_interleaved()
    {
        using (var writer = new WavWriter(PathOf("stereo.wav"), 2))
        {
            writer.WriteStereo([1, 2, 3], [-1, -2, -3]);
            Assert.Equal(TimeSpan.FromSeconds(3 / 8000.0), writer.Duration);
        }
        var (format, samples) = WavReader.Read(File.ReadAllBytes(PathOf("stereo.wav")));

        Assert.Equal(new WavFormat(1, 2, 8000, 16), format);
        Assert.Equal(new short[] { 1, -1, 2, -2, 3, -3 }, samples);
        var bytes = File.ReadAllBytes(PathOf("stereo.wav"));
        Assert.Equal(32000u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(28)));
        Assert.Equal(4, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(32)));
        Assert.Equal(12u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(40)));
    }
}
