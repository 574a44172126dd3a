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

    /// <summary>
    /// How long one channel carried a tone of <paramref name="hz"/> clearly (a phone's steady voice): the 50 ms windows
    /// where the Goertzel power at that frequency is a large share of the window's energy and not faint.
    /// </summary>
    public static TimeSpan ToneDuration(string path, int channel, int hz)
    {
        var (channels, samples) = Read(path);
        var frames = samples.Length / channels;
        var windows = 0;
        for (var start = 0; start + Window <= frames; start += Window)
        {
            if (Carries(samples, channels, channel, start, hz)) windows++;
        }
        return TimeSpan.FromMilliseconds(windows * 50);
    }

    /// <summary>For each 50 ms window of one channel, the first of <paramref name="tones"/> it carried clearly, or 0:
    /// the order in which a listener heard them.</summary>
    public static int[] ToneTimeline(string path, int channel, params int[] tones)
    {
        var (channels, samples) = Read(path);
        var frames = samples.Length / channels;
        var timeline = new int[frames / Window];
        for (var w = 0; w < timeline.Length; w++)
        {
            timeline[w] = tones.FirstOrDefault(hz => Carries(samples, channels, channel, w * Window, hz));
        }
        return timeline;
    }

    private const int Window = 400; // 50 ms at 8 kHz

    /// <summary>Whether the window carries a tone of <paramref name="hz"/> clearly: its Goertzel power is a large share of
    /// the window's energy and the window is not faint.</summary>
    private static bool Carries(short[] samples, int channels, int channel, int start, int hz)
    {
        var coefficient = 2 * Math.Cos(2 * Math.PI * hz / 8000.0);
        double s1 = 0, s2 = 0, energy = 0;
        for (var f = start; f < start + Window; f++)
        {
            double x = samples[f * channels + channel];
            energy += x * x;
            var s0 = x + coefficient * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        var power = s1 * s1 + s2 * s2 - coefficient * s1 * s2; // ≈ (N·A/2)² for a pure tone of amplitude A
        // A pure tone gives power / energy ≈ N/2; a mix with other voices a fair share of it.
        return energy > Window * 300.0 * 300.0 && power / energy > Window / 2.0 * 0.1;
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
                // A file still being written (a phone's call in progress) may say 0 or nothing true yet: read what is there.
                var end = size <= 0 ? bytes.Length : Math.Min(bytes.Length, offset + 8 + size);
                var samples = new short[(end - offset - 8) / 2];
                for (var i = 0; i < samples.Length; i++) samples[i] = BitConverter.ToInt16(bytes, offset + 8 + i * 2);
                return (channels, samples);
            }
            offset += 8 + size + (size & 1);
        }
        throw new InvalidDataException($"{path} has no data chunk");
    }
}
