using Hotline.Telephony.Media;
using Hotline.Telephony.Rtp;
using static Hotline.Telephony.Tests.Media.MediaTestKit;

namespace Hotline.Telephony.Tests.Media;

/// <summary>
/// Recordings and hold on an engine the test paces frame by frame: what a recording holds and what is sent on hold
/// depend on how many 20 ms frames ran, so the test runs them itself instead of trusting the pacing thread to run on
/// time on a loaded machine (it skips late ticks, which once left a recording without the peer's voice).
/// </summary>
public sealed class PacedMediaTests : IAsyncLifetime
{
    private const int FrameSamples = 160;
    private readonly MediaEngine _engine = CallerPacedEngine(39000);
    private readonly string _folder = Directory.CreateTempSubdirectory("paced-media-tests").FullName;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _engine.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private (MediaStream A, MediaStream B) Pair()
    {
        var a = _engine.OpenStream();
        var b = _engine.OpenStream();
        a.Start(b.LocalEndPoint, Pcmu());
        b.Start(a.LocalEndPoint, Pcmu());
        return (a, b);
    }

    [Fact]
    public async Task On_hold_nothing_is_sent_and_on_resume_the_marker_is_set_and_the_timestamp_follows_elapsed_time()
    {
        using var peer = new RawPeer();
        var stream = _engine.OpenStream();
        stream.Start(peer.EndPoint, Pcmu());
        _engine.RunTicks(1);
        var (previous, _) = await peer.ReceiveAsync();
        Assert.Equal(1, stream.PacketsSent);

        stream.Sending = false;
        _engine.RunTicks(10);
        Assert.Equal(1, stream.PacketsSent);
        stream.Sending = true;
        _engine.RunTicks(1);

        var (resumed, _) = await peer.ReceiveAsync();
        Assert.True(resumed.Marker);
        Assert.Equal((ushort)(previous.SequenceNumber + 1), resumed.SequenceNumber);
        Assert.Equal(11u * FrameSamples, resumed.Timestamp - previous.Timestamp);
    }

    [Fact]
    public async Task A_prompt_played_on_one_stream_arrives_with_continuous_sequence_and_timestamps()
    {
        using var peer = new RawPeer();
        var stream = _engine.OpenStream();
        Assert.Equal(0, stream.LocalEndPoint.Port % 2);
        stream.Start(peer.EndPoint, Pcmu());
        _engine.RunTicks(1);

        // Silence first, then the prompt: one SSRC, sequence +1 and timestamp +160 throughout, marker where the source changes.
        var (first, _) = await peer.ReceiveAsync();
        Assert.True(first.Marker);
        Assert.Equal(0, first.PayloadType);
        Assert.Equal(160, first.PayloadLength);
        var play = stream.PlayAsync([AudioClip.Tone(1000, TimeSpan.FromMilliseconds(200))], bargeIn: false, CancellationToken.None);
        _engine.RunTicks(11);
        var previous = first;
        bool sawPrompt = false;
        while (!sawPrompt)
        {
            var (packet, datagram) = await peer.ReceiveAsync();
            Assert.Equal(first.Ssrc, packet.Ssrc);
            Assert.Equal((ushort)(previous.SequenceNumber + 1), packet.SequenceNumber);
            Assert.Equal(previous.Timestamp + 160, packet.Timestamp);
            bool loud = packet.Payload(datagram).ToArray().Any(b => b != G711.MulawSilence);
            if (loud)
            {
                Assert.True(packet.Marker);
                sawPrompt = true;
            }
            previous = packet;
        }
        Assert.Null(await play.WaitAsync(Wait));
    }

    [Fact]
    public async Task Recording_ends_on_the_terminator_and_holds_what_the_peer_said()
    {
        var (a, b) = Pair();
        b.PlayLoop(AudioClip.Tone(300, TimeSpan.FromSeconds(1), 9000));
        string path = Path.Combine(_folder, "message.wav");
        var record = a.RecordAsync(path, TimeSpan.FromSeconds(30), "#", CancellationToken.None);
        await _engine.PaceAsync(10);

        a.InjectDigit('#');
        var recorded = await record.WaitAsync(Wait);

        Assert.Equal('#', recorded.EndedByDigit);
        Assert.False(recorded.EndedByTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(200), recorded.Duration);
        var samples = WavReader.ReadMono8k(path);
        Assert.Equal(10 * FrameSamples, samples.Length);
        // The receiving side primes two frames against jitter, so the peer's voice starts in the third frame.
        Assert.Equal(0, samples.AsSpan(0, 2 * FrameSamples).ToArray().Max(s => Math.Abs((int)s)));
        Assert.InRange(samples.AsSpan(2 * FrameSamples).ToArray().Min(s => (int)s), -9500, -8000);
        Assert.InRange(samples.Max(s => Math.Abs((int)s)), 8000, 9500);
        Assert.Equal("", await a.CollectDigitsAsync(new DigitRequest(1, TimeSpan.Zero, TimeSpan.Zero), CancellationToken.None));
    }

    [Fact]
    public async Task Recording_stops_at_the_maximum_duration()
    {
        var (a, _) = Pair();
        string path = Path.Combine(_folder, "short.wav");

        var record = a.RecordAsync(path, TimeSpan.FromMilliseconds(200), "#", CancellationToken.None);
        await _engine.PaceAsync(9);
        Assert.False(record.IsCompleted);
        await _engine.PaceAsync(1);
        var recorded = await record.WaitAsync(Wait);

        Assert.True(recorded.EndedByTimeout);
        Assert.Null(recorded.EndedByDigit);
        Assert.Equal(TimeSpan.FromMilliseconds(200), recorded.Duration);
        Assert.Equal(1600, WavReader.ReadMono8k(path).Length);
    }

    [Fact]
    public async Task A_cancelled_recording_still_leaves_its_file()
    {
        var (a, _) = Pair();
        string path = Path.Combine(_folder, "hangup.wav");
        using var hangup = new CancellationTokenSource();
        var record = a.RecordAsync(path, TimeSpan.FromSeconds(30), "#", hangup.Token);
        await _engine.PaceAsync(5);
        hangup.Cancel();

        var recorded = await record.WaitAsync(Wait);

        Assert.Null(recorded.EndedByDigit);
        Assert.False(recorded.EndedByTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(100), recorded.Duration);
        Assert.Equal(5 * FrameSamples, WavReader.ReadMono8k(path).Length);
    }

    [Fact]
    public async Task A_call_recording_puts_the_peer_on_channel_1_and_what_we_send_on_channel_2()
    {
        var (a, b) = Pair();
        string path = Path.Combine(_folder, "call.wav");
        a.StartCallRecording(path);
        b.PlayLoop(AudioClip.Tone(300, TimeSpan.FromSeconds(1), 4000));
        var play = a.PlayAsync([AudioClip.Tone(600, TimeSpan.FromMilliseconds(200), 12000)], false, CancellationToken.None);
        await _engine.PaceAsync(12);
        Assert.Null(await play.WaitAsync(Wait));

        var duration = await a.StopCallRecordingAsync();

        Assert.Equal(TimeSpan.FromMilliseconds(240), duration);
        Assert.Null(await a.StopCallRecordingAsync());
        var (format, samples) = WavReader.Read(File.ReadAllBytes(path));
        Assert.Equal(2, format.Channels);
        Assert.Equal(12 * FrameSamples * 2, samples.Length);
        int peerPeak = samples.Where((_, i) => i % 2 == 0).Max(s => Math.Abs((int)s));
        int sentPeak = samples.Where((_, i) => i % 2 == 1).Max(s => Math.Abs((int)s));
        Assert.InRange(peerPeak, 3500, 4200);
        Assert.Equal(12000, sentPeak);
    }

    [Fact]
    public async Task In_a_conference_each_member_hears_the_others_but_not_itself()
    {
        var (m1, p1) = Pair();
        var (m2, p2) = Pair();
        var (m3, p3) = Pair();
        using var conference = new Conference();
        conference.Add(m1);
        conference.Add(m2);
        conference.Add(m3);
        conference.Add(m3);
        Assert.Equal(3, conference.Count);

        p1.PlayLoop(AudioClip.Tone(300, TimeSpan.FromSeconds(1), 6000));
        await _engine.PaceAsync(10);
        Assert.InRange(p2.ReceivedPeakLevel, 5500, 6500);
        Assert.InRange(p3.ReceivedPeakLevel, 5500, 6500);
        Assert.Equal(0, p1.ReceivedPeakLevel);

        conference.Remove(m2);
        Assert.Equal(2, conference.Count);
        Assert.True(m2.SendsSilence);
        conference.Dispose();
        Assert.True(m1.SendsSilence);
        Assert.Equal(0, conference.Count);
    }

    [Fact]
    public async Task A_monitoring_member_hears_everyone_unheard_and_a_whisper_reaches_only_its_member()
    {
        var (caller, callerPhone) = Pair();
        var (agent, agentPhone) = Pair();
        var (monitor, monitorPhone) = Pair();
        var (coach, coachPhone) = Pair();
        using var conference = new Conference();
        conference.Add(caller);
        conference.Add(agent);
        conference.Add(monitor, ConferenceVoice.NoOne);
        conference.Add(coach, ConferenceVoice.OneMember, heardBy: agent);

        callerPhone.PlayLoop(AudioClip.Tone(300, TimeSpan.FromSeconds(1), 3000));
        monitorPhone.PlayLoop(AudioClip.Tone(500, TimeSpan.FromSeconds(1), 9000));
        await _engine.PaceAsync(10);
        Assert.InRange(monitorPhone.ReceivedPeakLevel, 2500, 3500);
        Assert.InRange(callerPhone.ReceivedPeakLevel, 0, 100); // the monitor's loud tone reaches no one
        Assert.InRange(agentPhone.ReceivedPeakLevel, 2500, 3500);

        coachPhone.PlayLoop(AudioClip.Tone(700, TimeSpan.FromSeconds(1), 8000));
        await _engine.PaceAsync(10);
        Assert.InRange(agentPhone.ReceivedPeakLevel, 9000, 12000); // the whisper added to what the agent hears
        Assert.InRange(callerPhone.ReceivedPeakLevel, 0, 100);
        Assert.InRange(coachPhone.ReceivedPeakLevel, 2500, 3500); // the whisperer hears the caller
    }
}
