namespace Hotline.Telephony.Media;

/// <summary>
/// What a stream sends, one 20 ms frame per pacing tick. Read runs on the pacing thread only, so it must not
/// block; <paramref name="tick"/> lets sources shared by several streams (a conference) mix once per tick.
/// </summary>
internal interface IAudioSource
{
    void Read(Span<short> frame, long tick);
}

internal sealed class SilenceSource : IAudioSource
{
    public static readonly SilenceSource Instance = new();

    public void Read(Span<short> frame, long tick) => frame.Clear();
}

/// <summary>Clips in order, then silence. <see cref="Completion"/> is true when played to the end, false when stopped.</summary>
internal sealed class ClipSource(IReadOnlyList<AudioClip> clips) : IAudioSource
{
    private readonly TaskCompletionSource<bool> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _clip;
    private int _position;

    public Task<bool> Completion => _completion.Task;

    public void Read(Span<short> frame, long tick)
    {
        int filled = 0;
        while (filled < frame.Length && _clip < clips.Count)
        {
            var samples = clips[_clip].Samples;
            int count = Math.Min(frame.Length - filled, samples.Length - _position);
            samples.AsSpan(_position, count).CopyTo(frame[filled..]);
            filled += count;
            _position += count;
            if (_position >= samples.Length)
            {
                _clip++;
                _position = 0;
            }
        }
        frame[filled..].Clear();
        if (_clip >= clips.Count)
        {
            _completion.TrySetResult(true);
        }
    }

    public void Stop() => _completion.TrySetResult(false);
}

/// <summary>One clip over and over (music on hold).</summary>
internal sealed class LoopSource(AudioClip clip) : IAudioSource
{
    private int _position;

    public void Read(Span<short> frame, long tick)
    {
        var samples = clip.Samples;
        if (samples.Length == 0)
        {
            frame.Clear();
            return;
        }
        int filled = 0;
        while (filled < frame.Length)
        {
            int count = Math.Min(frame.Length - filled, samples.Length - _position);
            samples.AsSpan(_position, count).CopyTo(frame[filled..]);
            filled += count;
            _position = (_position + count) % samples.Length;
        }
    }
}

/// <summary>What another stream received (the bridge).</summary>
internal sealed class TapSource(SampleTap tap) : IAudioSource
{
    public void Read(Span<short> frame, long tick) => tap.Read(frame);
}

internal static class Pcm
{
    public static short Saturate(int value) => (short)Math.Clamp(value, short.MinValue, short.MaxValue);
}
