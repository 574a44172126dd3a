using Hotline.Telephony.Media;

namespace Hotline.Telephony.Tests.Media;

public sealed class AudioClipTests
{
    [Fact]
    public void A_tone_has_the_asked_duration_and_peak_amplitude()
    {
        var tone = AudioClip.Tone(1000, TimeSpan.FromMilliseconds(250), 8000);

        Assert.Equal(2000, tone.SampleCount);
        Assert.Equal(TimeSpan.FromMilliseconds(250), tone.Duration);
        Assert.Equal(8000, tone.Samples.Max(s => Math.Abs((int)s)));
    }

    [Fact]
    public void A_clip_from_samples_keeps_its_own_copy()
    {
        short[] samples = [1, 2, 3];
        var clip = AudioClip.FromSamples(samples);
        samples[0] = 99;

        Assert.Equal(new short[] { 1, 2, 3 }, clip.Samples);
        Assert.Equal(TimeSpan.FromSeconds(3 / 8000.0), clip.Duration);
    }

    [Fact]
    public void Clips_concatenate_in_order() =>
        Assert.Equal(new short[] { 1, 2, 3 }, AudioClip.Concat([AudioClip.FromSamples([1]), AudioClip.FromSamples([2, 3])]).Samples);
}

public sealed class SampleTapTests
{
    [Fact]
    public void Reading_waits_for_two_frames_then_plays_and_an_underrun_is_silence()
    {
        var tap = new SampleTap();
        var frame = new short[160];
        tap.Write(Enumerable.Repeat((short)5, 160).ToArray());
        tap.Read(frame);
        Assert.All(frame, s => Assert.Equal(0, s));

        tap.Write(Enumerable.Repeat((short)5, 240).ToArray()); // a 30 ms packet
        tap.Read(frame);
        Assert.All(frame, s => Assert.Equal(5, s));
        tap.Read(frame);
        Assert.All(frame, s => Assert.Equal(5, s));
        tap.Read(frame);
        Assert.All(frame, s => Assert.Equal(0, s));
        Assert.Equal(80, tap.Buffered);
    }

    [Fact]
    public void Depth_is_bounded_so_latency_cannot_grow()
    {
        var tap = new SampleTap();
        for (short i = 0; i < 50; i++)
        {
            tap.Write(Enumerable.Repeat(i, 160).ToArray());
        }
        Assert.InRange(tap.Buffered, 160, 960);
        var frame = new short[160];
        tap.Read(frame);
        // The oldest audio went; what remains is recent.
        Assert.True(frame[0] >= 44);
    }
}

public sealed class MixingTests
{
    [Theory]
    [InlineData(40000, 32767)]
    [InlineData(-40000, -32768)]
    [InlineData(1234, 1234)]
    public void Sums_saturate_instead_of_wrapping(int sum, short expected) => Assert.Equal(expected, Pcm.Saturate(sum));
}
