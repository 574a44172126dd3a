using System.Buffers.Binary;
using System.Text;

namespace Hotline.Telephony.Media;

/// <summary>What a WAV file's <c>fmt </c> chunk says.</summary>
public sealed record WavFormat(int FormatTag, int Channels, int SampleRate, int BitsPerSample)
{
    public const int Pcm = 1;
    public const int Alaw = 6;
    public const int Mulaw = 7;
}

/// <summary>
/// Reads WAV files by walking the RIFF chunks (a <c>fmt </c> of 16 or 18 bytes, <c>fact</c>, <c>LIST</c> and any
/// other chunk, each padded to an even size): μ-law and A-law files put their data well past byte 44.
/// </summary>
public static class WavReader
{
    /// <summary>Reads 8 kHz mono PCM16, μ-law or A-law as linear samples.</summary>
    /// <exception cref="InvalidDataException">Not a WAV file, or not a format prompts may use.</exception>
    public static short[] ReadMono8k(string path)
    {
        var (format, samples) = Read(File.ReadAllBytes(path), path);
        if (format.Channels != 1 || format.SampleRate != 8000)
        {
            throw new InvalidDataException(
                $"{path}: {format.SampleRate} Hz, {format.Channels} channel(s); prompts must be 8000 Hz mono " +
                "(sox in.wav -r 8000 -c 1 -b 16 -e signed-integer out.wav)");
        }
        return samples;
    }

    /// <summary>Parses a whole WAV file into its format and linear samples (interleaved if several channels).</summary>
    public static (WavFormat Format, short[] Samples) Read(ReadOnlySpan<byte> file, string name = "WAV")
    {
        if (file.Length < 12 || !file[..4].SequenceEqual("RIFF"u8) || !file.Slice(8, 4).SequenceEqual("WAVE"u8))
        {
            throw new InvalidDataException($"{name}: not a RIFF/WAVE file");
        }
        WavFormat? format = null;
        int position = 12;
        while (position + 8 <= file.Length)
        {
            var id = file.Slice(position, 4);
            uint declared = BinaryPrimitives.ReadUInt32LittleEndian(file.Slice(position + 4, 4));
            int bodyStart = position + 8;
            // Writers that never patched their sizes leave 0 or 0xFFFFFFFF: take the rest of the file.
            int size = declared > (uint)(file.Length - bodyStart) ? file.Length - bodyStart : (int)declared;
            var body = file.Slice(bodyStart, size);
            if (id.SequenceEqual("fmt "u8))
            {
                if (size < 16)
                {
                    throw new InvalidDataException($"{name}: fmt chunk of {size} bytes");
                }
                int tag = BinaryPrimitives.ReadUInt16LittleEndian(body);
                // WAVE_FORMAT_EXTENSIBLE carries the real format in its sub-format GUID's first two bytes.
                if (tag == 0xFFFE && size >= 26)
                {
                    tag = BinaryPrimitives.ReadUInt16LittleEndian(body.Slice(24, 2));
                }
                format = new WavFormat(
                    tag,
                    BinaryPrimitives.ReadUInt16LittleEndian(body.Slice(2, 2)),
                    (int)BinaryPrimitives.ReadUInt32LittleEndian(body.Slice(4, 4)),
                    BinaryPrimitives.ReadUInt16LittleEndian(body.Slice(14, 2)));
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (format is null)
                {
                    throw new InvalidDataException($"{name}: data chunk before fmt chunk");
                }
                return (format, Decode(format, body, name));
            }
            position = bodyStart + size + (size & 1);
        }
        throw new InvalidDataException(format is null ? $"{name}: no fmt chunk" : $"{name}: no data chunk");
    }

    private static short[] Decode(WavFormat format, ReadOnlySpan<byte> data, string name)
    {
        switch (format.FormatTag, format.BitsPerSample)
        {
            case (WavFormat.Pcm, 16):
                var pcm = new short[data.Length / 2];
                for (int i = 0; i < pcm.Length; i++)
                {
                    pcm[i] = BinaryPrimitives.ReadInt16LittleEndian(data.Slice(2 * i, 2));
                }
                return pcm;
            case (WavFormat.Mulaw, 8):
            case (WavFormat.Alaw, 8):
                var samples = new short[data.Length];
                G711.Decode(format.FormatTag == WavFormat.Mulaw ? G711Law.Mulaw : G711Law.Alaw, data, samples);
                return samples;
            default:
                throw new InvalidDataException(
                    $"{name}: format {format.FormatTag} with {format.BitsPerSample} bits; use PCM16, μ-law or A-law");
        }
    }
}

/// <summary>
/// Writes a PCM16 WAV (mono or interleaved stereo) at 8 kHz. The RIFF and data sizes are written as 0 first and
/// patched by <see cref="Dispose"/>, so a crash leaves a file most players still open. Not thread-safe.
/// </summary>
public sealed class WavWriter : IDisposable
{
    public const int SampleRate = 8000;
    private const int HeaderSize = 44;
    private readonly Stream _stream;
    private readonly int _channels;
    private readonly byte[] _buffer = new byte[8192];
    private long _dataBytes;
    private bool _disposed;

    public WavWriter(string path, int channels)
        : this(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 64 * 1024, FileOptions.None), channels)
    {
    }

    public WavWriter(Stream stream, int channels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(channels, 2);
        _stream = stream;
        _channels = channels;
        Span<byte> header = stackalloc byte[HeaderSize];
        WriteHeader(header, channels, 0);
        _stream.Write(header);
    }

    public int Channels => _channels;

    /// <summary>Sample frames written so far (one sample per channel each).</summary>
    public long Frames => _dataBytes / (2 * _channels);

    public TimeSpan Duration => TimeSpan.FromSeconds(Frames / (double)SampleRate);

    /// <summary>Writes samples, interleaved (left, right, left...) when stereo.</summary>
    public void Write(ReadOnlySpan<short> samples)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (!samples.IsEmpty)
        {
            int count = Math.Min(samples.Length, _buffer.Length / 2);
            for (int i = 0; i < count; i++)
            {
                BinaryPrimitives.WriteInt16LittleEndian(_buffer.AsSpan(2 * i), samples[i]);
            }
            _stream.Write(_buffer, 0, 2 * count);
            _dataBytes += 2 * count;
            samples = samples[count..];
        }
    }

    /// <summary>Writes one stereo frame block from two channels of equal length.</summary>
    public void WriteStereo(ReadOnlySpan<short> left, ReadOnlySpan<short> right)
    {
        if (_channels != 2 || left.Length != right.Length)
        {
            throw new InvalidOperationException("WriteStereo needs a two-channel writer and channels of equal length");
        }
        Span<short> chunk = stackalloc short[512];
        int done = 0;
        while (done < left.Length)
        {
            int count = Math.Min(left.Length - done, chunk.Length / 2);
            for (int i = 0; i < count; i++)
            {
                chunk[2 * i] = left[done + i];
                chunk[2 * i + 1] = right[done + i];
            }
            Write(chunk[..(2 * count)]);
            done += count;
        }
    }

    /// <summary>Patches the sizes and closes the file.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        try
        {
            if (_stream.CanSeek)
            {
                long dataBytes = Math.Min(_dataBytes, uint.MaxValue - HeaderSize);
                Span<byte> header = stackalloc byte[HeaderSize];
                WriteHeader(header, _channels, (uint)dataBytes);
                _stream.Seek(0, SeekOrigin.Begin);
                _stream.Write(header);
            }
        }
        finally
        {
            _stream.Dispose();
        }
    }

    private static void WriteHeader(Span<byte> header, int channels, uint dataBytes)
    {
        Encoding.ASCII.GetBytes("RIFF", header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], 36 + dataBytes);
        Encoding.ASCII.GetBytes("WAVEfmt ", header[8..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(header[20..], WavFormat.Pcm);
        BinaryPrimitives.WriteUInt16LittleEndian(header[22..], (ushort)channels);
        BinaryPrimitives.WriteUInt32LittleEndian(header[24..], SampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(header[28..], (uint)(SampleRate * 2 * channels));
        BinaryPrimitives.WriteUInt16LittleEndian(header[32..], (ushort)(2 * channels));
        BinaryPrimitives.WriteUInt16LittleEndian(header[34..], 16);
        Encoding.ASCII.GetBytes("data", header[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[40..], dataBytes);
    }
}
