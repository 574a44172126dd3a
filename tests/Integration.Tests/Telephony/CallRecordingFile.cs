namespace Hotline.Tests.Telephony;

/// <summary>Reads a recording (PCM16 WAV) to see whether, and when, each channel carried sound.</summary>
public static class CallRecordingFile
{
    /// <summary>The peak absolute sample of each channel.</summary>
    public static int[] ChannelPeaks(string path)
    {
        var (channels, samples) = Read(path);
        var peaks = new int[channels];
        for (var i = 0; i < samples.Length; i++) peaks[i % channels] = Math.Max(peaks[i % channels], Math.Abs((int)samples[i]));
        return peaks;
    }

    /// <summary>Over the last <paramref name="last"/> of one channel, the peak of its quietest window: high only if
    /// that channel sounded without a break.</summary>
    public static int QuietestWindow(string path, int channel, TimeSpan last, TimeSpan window)
    {
        var (channels, samples) = Read(path);
        var frames = samples.Length / channels;
        var span = (int)(last.TotalSeconds * 8000);
        var size = (int)(window.TotalSeconds * 8000);
        var quietest = int.MaxValue;
        for (var start = Math.Max(0, frames - span); start + size <= frames; start += size)
        {
            var peak = 0;
            for (var f = start; f < start + size; f++) peak = Math.Max(peak, Math.Abs((int)samples[f * channels + channel]));
            quietest = Math.Min(quietest, peak);
        }
        return quietest == int.MaxValue ? 0 : quietest;
    }

    private static (int Channels, short[] Samples) Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var channels = 0;
        var offset = 12;
        while (offset + 8 <= bytes.Length)
        {
            var id = System.Text.Encoding.ASCII.GetString(bytes, offset, 4);
            var size = BitConverter.ToInt32(bytes, offset + 4);
            if (id == "fmt ") channels = BitConverter.ToInt16(bytes, offset + 10);
            if (id == "data")
            {
                var end = Math.Min(bytes.Length, offset + 8 + size);
                var samples = new short[(end - offset - 8) / 2];
                for (var i = 0; i < samples.Length; i++) samples[i] = BitConverter.ToInt16(bytes, offset + 8 + i * 2);
                return (channels, samples);
            }
            offset += 8 + size + (size & 1);
        }
        throw new InvalidDataException($"{path} has no data chunk");
    }
}
