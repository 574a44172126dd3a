namespace Hotline.Telephony.Media;

/// <summary>A prompt in memory as 16-bit linear samples at 8 kHz.</summary>
public sealed partial class AudioClip
{
    public const int SampleRate = 8000;

    private AudioClip(short[] samples) => Samples = samples;

    /// <summary>The samples; never modified after construction, so one clip may play on many streams at once.</summary>
    internal short[] Samples { get; }

    public int SampleCount => Samples.Length;

    /// <summary>Loads a WAV (PCM16, μ-law or A-law, 8 kHz mono; chunks walked, not assumed at byte 44).</summary>
    /// <exception cref="InvalidDataException">The file is not such a WAV.</exception>
    public static AudioClip Load(string wavPath) => new(WavReader.ReadMono8k(wavPath));

    /// <summary>A clip of a copy of <paramref name="samples"/> (8 kHz).</summary>
    public static AudioClip FromSamples(short[] samples) => new(samples.ToArray());

    /// <summary>A tone (e.g. the 1 kHz beep before recording).</summary>
    public static AudioClip Tone(int frequencyHz, TimeSpan duration, short amplitude = 8000)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(duration.Ticks);
        var samples = new short[(int)(duration.TotalSeconds * SampleRate)];
        double step = 2 * Math.PI * frequencyHz / SampleRate;
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = (short)Math.Round(amplitude * Math.Sin(step * i));
        }
        return new AudioClip(samples);
    }

    /// <summary>Several clips played one after the other, as one clip.</summary>
    public static AudioClip Concat(IEnumerable<AudioClip> clips) => new(clips.SelectMany(c => c.Samples).ToArray());

    public TimeSpan Duration => TimeSpan.FromSeconds(Samples.Length / (double)SampleRate);
}
