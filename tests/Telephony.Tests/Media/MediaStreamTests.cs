using System.Net;
using Hotline.Telephony.Media;
using Hotline.Telephony.Rtp;
using Microsoft.Extensions.Time.Testing;
using static Hotline.Telephony.Tests.Media.MediaTestKit;

namespace Hotline.Telephony.Tests.Media;

/// <summary>One stream's behaviour against a raw RTP peer or a second stream, over 127.0.0.1.</summary>
public sealed class MediaStreamTests : IAsyncLifetime
{
    private readonly MediaEngine _engine = Engine(41200);
    private readonly string _folder = Directory.CreateTempSubdirectory("media-tests").FullName;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _engine.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private (MediaStream A, MediaStream B) Pair(MediaFormat? format = null)
    {
        var a = _engine.OpenStream();
        var b = _engine.OpenStream();
        a.Start(b.LocalEndPoint, format ?? Pcmu());
        b.Start(a.LocalEndPoint, format ?? Pcmu());
        return (a, b);
    }

    [Fact]
    public async Task The_stream_latches_to_where_RTP_comes_from_and_ignores_other_sources()
    {
        using var sdpAddress = new RawPeer();
        using var realPeer = new RawPeer();
        using var stranger = new RawPeer();
        var stream = _engine.OpenStream();
        stream.Start(sdpAddress.EndPoint, Pcmu());
        await sdpAddress.ReceiveAsync();

        realPeer.Send(stream.LocalEndPoint, RawPeer.Voice(0, 1, 0, 77, Enumerable.Repeat(G711.EncodeMulaw(1000), 160).ToArray()));
        var (packet, _) = await realPeer.ReceiveAsync();
        Assert.Equal(0, packet.PayloadType);
        Assert.Equal(realPeer.EndPoint, stream.RemoteEndPoint);

        long dropped = _engine.GetStats().PacketsDropped;
        stranger.Send(stream.LocalEndPoint, RawPeer.Voice(0, 1, 0, 78, Enumerable.Repeat(G711.EncodeMulaw(20000), 160).ToArray()));
        await Eventually(() => _engine.GetStats().PacketsDropped > dropped, "the stranger's packet to be dropped");
        Assert.InRange(stream.ReceivedPeakLevel, 900, 1100);
        Assert.Equal(realPeer.EndPoint, stream.RemoteEndPoint);
    }

    [Fact]
    public async Task A_re_INVITE_with_a_new_address_and_codec_moves_the_stream_there_with_the_same_SSRC()
    {
        using var before = new RawPeer();
        using var after = new RawPeer();
        var stream = _engine.OpenStream();
        stream.Start(before.EndPoint, Pcmu());
        before.Send(stream.LocalEndPoint, RawPeer.Voice(0, 1, 0, 5, new byte[160]));
        var (first, _) = await before.ReceiveAsync();

        stream.Update(after.EndPoint, Pcma());

        var (moved, _) = await after.ReceiveAsync();
        Assert.Equal(8, moved.PayloadType);
        Assert.Equal(first.Ssrc, moved.Ssrc);
        Assert.Equal(after.EndPoint, stream.RemoteEndPoint);
    }

    [Fact]
    public async Task Malformed_packets_are_counted_and_the_stream_keeps_working()
    {
        using var peer = new RawPeer();
        var stream = _engine.OpenStream();
        stream.Start(peer.EndPoint, Pcmu());
        long dropped = _engine.GetStats().PacketsDropped;

        peer.Send(stream.LocalEndPoint, [1, 2, 3]);
        peer.Send(stream.LocalEndPoint, new byte[] { 0x8F, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 });
        peer.Send(stream.LocalEndPoint, RawPeer.Event(101, 1, 0, 5, 1, false, 0)[..14]); // event payload cut short
        peer.Send(stream.LocalEndPoint, RawPeer.Voice(0, 1, 0, 5, Enumerable.Repeat(G711.EncodeMulaw(3000), 160).ToArray()));

        await Eventually(() => stream.ReceivedPeakLevel > 2500, "the valid packet");
        Assert.Equal(dropped + 3, _engine.GetStats().PacketsDropped);
    }

    [Fact]
    public async Task Thirty_millisecond_alaw_packets_are_received_and_relayed_in_20_ms_frames()
    {
        using var peer = new RawPeer();
        var stream = _engine.OpenStream();
        stream.Start(peer.EndPoint, Pcma());
        var (relay, listener) = Pair(Pcma());
        using var bridge = MediaBridge.Connect(stream, relay);

        var tone = AudioClip.Tone(500, TimeSpan.FromMilliseconds(600), 6000).Samples;
        for (int i = 0; i < tone.Length / 240; i++)
        {
            var payload = new byte[240];
            G711.Encode(G711Law.Alaw, tone.AsSpan(240 * i, 240), payload);
            peer.Send(stream.LocalEndPoint, RawPeer.Voice(8, (ushort)i, (uint)(240 * i), 9, payload));
        }

        await Eventually(() => stream.ReceivedPeakLevel > 5500, "the A-law tone");
        await Eventually(() => listener.ReceivedPeakLevel > 5500, "the tone relayed in 20 ms packets");
    }

    [Fact]
    public async Task Sipp_play_dtmf_style_events_on_payload_type_96_after_type_97_give_one_digit()
    {
        using var peer = new RawPeer();
        var stream = _engine.OpenStream();
        stream.Start(peer.EndPoint, Pcmu(96, 101));
        var reported = new System.Collections.Concurrent.ConcurrentQueue<char>();
        stream.Digit += reported.Enqueue;

        for (ushort i = 0; i < 20; i++)
        {
            peer.Send(stream.LocalEndPoint, RawPeer.Voice(97, i, 160u * i, 42, new byte[33]));
        }
        for (ushort i = 0; i < 5; i++)
        {
            peer.Send(stream.LocalEndPoint, RawPeer.Event(96, (ushort)(20 + i), 3200, 42, 8, false, (ushort)(160 * (i + 1))));
        }
        for (int i = 0; i < 3; i++)
        {
            peer.Send(stream.LocalEndPoint, RawPeer.Event(96, 25, 3200, 42, 8, true, 800)); // same sequence number each time
        }
        // The same digit again (new timestamp), then a pound from a new SSRC on the other listed payload type.
        for (int i = 0; i < 3; i++)
        {
            peer.Send(stream.LocalEndPoint, RawPeer.Event(96, (ushort)(26 + i), 4800, 42, 8, i == 2, 160));
        }
        peer.Send(stream.LocalEndPoint, RawPeer.Event(101, 1, 3200, 43, 11, true, 160));
        peer.Send(stream.LocalEndPoint, RawPeer.Event(100, 2, 9999, 43, 1, true, 160)); // not listed: ignored

        string digits = await stream.CollectDigitsAsync(new DigitRequest(5, Wait, Wait, "#"), CancellationToken.None);

        Assert.Equal("88", digits);
        Assert.Equal("88#", new string(reported.ToArray()));
    }

    [Fact]
    public async Task A_digit_barges_in_on_a_prompt_and_stays_buffered_for_collection()
    {
        var (a, _) = Pair();
        var play = a.PlayAsync([AudioClip.Tone(400, TimeSpan.FromSeconds(30))], bargeIn: true, CancellationToken.None);
        Assert.False(a.SendsSilence);

        a.InjectDigit('3');

        Assert.Equal('3', await play.WaitAsync(Wait));
        Assert.True(a.SendsSilence);
        Assert.Equal("3", await a.CollectDigitsAsync(new DigitRequest(1, Wait, Wait), CancellationToken.None));
    }

    [Fact]
    public async Task Type_ahead_skips_a_barge_in_prompt_but_not_a_plain_one()
    {
        var (a, _) = Pair();
        a.InjectDigit('1');

        Assert.Equal('1', await a.PlayAsync([AudioClip.Tone(400, TimeSpan.FromSeconds(30))], true, CancellationToken.None).WaitAsync(Wait));
        Assert.Null(await a.PlayAsync([AudioClip.Tone(400, TimeSpan.FromMilliseconds(60))], false, CancellationToken.None).WaitAsync(Wait));
        a.ClearDigits();
        Assert.Equal("", await a.CollectDigitsAsync(new DigitRequest(1, TimeSpan.Zero, TimeSpan.Zero), CancellationToken.None));
    }

    [Fact]
    public async Task Stopping_playback_ends_a_prompt_and_a_loop_with_silence()
    {
        var (a, _) = Pair();
        var play = a.PlayAsync([AudioClip.Tone(400, TimeSpan.FromSeconds(30))], false, CancellationToken.None);
        a.StopPlayback();
        Assert.Null(await play.WaitAsync(Wait));
        Assert.True(a.SendsSilence);

        a.PlayLoop(AudioClip.Tone(400, TimeSpan.FromMilliseconds(30)));
        Assert.False(a.SendsSilence);
        a.StopPlayback();
        Assert.True(a.SendsSilence);
    }

    [Fact]
    public async Task Cancelling_a_prompt_throws_and_returns_to_silence()
    {
        var (a, _) = Pair();
        using var cancel = new CancellationTokenSource();
        var play = a.PlayAsync([AudioClip.Tone(400, TimeSpan.FromSeconds(30))], true, cancel.Token);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => play.WaitAsync(Wait));
        Assert.True(a.SendsSilence);
    }

    [Fact]
    public async Task A_hang_up_during_a_prompt_throws_and_after_it_nothing_passes_for_a_prompt_heard_or_no_input()
    {
        var (a, b) = Pair();
        var bargeIn = a.PlayAsync([AudioClip.Tone(400, TimeSpan.FromSeconds(30))], true, CancellationToken.None);
        var plain = b.PlayAsync([AudioClip.Tone(400, TimeSpan.FromSeconds(30))], false, CancellationToken.None);

        await a.DisposeAsync();
        await b.DisposeAsync();

        Assert.True(a.Closed.IsCancellationRequested);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => bargeIn.WaitAsync(Wait));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => plain.WaitAsync(Wait));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => a.PlayAsync([AudioClip.Tone(400, TimeSpan.FromSeconds(1))], true, CancellationToken.None));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            a.CollectDigitsAsync(new DigitRequest(1, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), ""), CancellationToken.None));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            a.RecordAsync(Path.Combine(_folder, "late.wav"), TimeSpan.FromSeconds(5), "#", CancellationToken.None));
    }

    [Fact]
    public async Task A_looping_clip_keeps_playing_past_its_length()
    {
        var (a, b) = Pair();
        a.PlayLoop(AudioClip.Tone(400, TimeSpan.FromMilliseconds(20), 7000));
        await Eventually(() => b.ReceivedPeakLevel > 6000, "the loop to be heard");
        Assert.False(a.SendsSilence);
    }

    [Fact]
    public async Task A_bridge_carries_audio_from_A_to_C_through_B_both_ways_and_ends_in_silence()
    {
        var (a, b1) = Pair();
        var (b2, c) = Pair();
        var bridge = MediaBridge.Connect(b1, b2);

        a.PlayLoop(AudioClip.Tone(300, TimeSpan.FromSeconds(1), 5000));
        c.PlayLoop(AudioClip.Tone(700, TimeSpan.FromSeconds(1), 7000));
        await Eventually(() => c.ReceivedPeakLevel > 4500, "A's voice at C");
        await Eventually(() => a.ReceivedPeakLevel > 6500, "C's voice at A");
        Assert.InRange(c.ReceivedPeakLevel, 4500, 5300);

        bridge.Dispose();
        Assert.True(b1.SendsSilence);
        Assert.True(b2.SendsSilence);
    }
}

/// <summary>Digit collection on fake time: no test waits for a real timeout.</summary>
public sealed class DigitCollectionTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private readonly MediaEngine _engine;
    private readonly MediaStream _stream;
    private static readonly DigitRequest FourDigits = new(4, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(3), "#");

    public DigitCollectionTests()
    {
        _engine = Engine(41400, _time);
        _stream = _engine.OpenStream();
        _stream.Start(new IPEndPoint(IPAddress.Loopback, 9), Pcmu());
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task No_digit_before_the_first_digit_timeout_gives_an_empty_string()
    {
        var collect = _stream.CollectDigitsAsync(FourDigits, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(collect.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal("", await collect.WaitAsync(Wait));
    }

    [Fact]
    public async Task The_inter_digit_timeout_returns_what_was_typed()
    {
        _stream.InjectDigit('1');
        _stream.InjectDigit('2');
        // Typed ahead, so the inter-digit timer starts before the call returns and fake time can be advanced at once.
        var collect = _stream.CollectDigitsAsync(FourDigits, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(2.9));
        Assert.False(collect.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal("12", await collect.WaitAsync(Wait));
    }

    [Fact]
    public async Task A_terminator_ends_collection_and_is_not_returned()
    {
        foreach (char digit in "12#9")
        {
            _stream.InjectDigit(digit);
        }
        Assert.Equal("12", await _stream.CollectDigitsAsync(FourDigits, CancellationToken.None).WaitAsync(Wait));
        Assert.Equal("9", await _stream.CollectDigitsAsync(FourDigits with { MaxDigits = 1 }, CancellationToken.None).WaitAsync(Wait));
    }

    [Fact]
    public async Task Collection_stops_at_the_maximum_and_leaves_later_digits_buffered()
    {
        foreach (char digit in "123456")
        {
            _stream.InjectDigit(digit);
        }
        Assert.Equal("1234", await _stream.CollectDigitsAsync(FourDigits, CancellationToken.None).WaitAsync(Wait));
        _stream.ClearDigits();
        var collect = _stream.CollectDigitsAsync(FourDigits, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal("", await collect.WaitAsync(Wait));
    }

    [Fact]
    public async Task A_hang_up_while_digits_are_awaited_throws_rather_than_timing_out()
    {
        var collect = _stream.CollectDigitsAsync(FourDigits, CancellationToken.None);

        await _stream.DisposeAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => collect.WaitAsync(Wait));
    }

    [Fact]
    public async Task Cancelling_collection_throws()
    {
        using var cancel = new CancellationTokenSource();
        var collect = _stream.CollectDigitsAsync(FourDigits, cancel.Token);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => collect.WaitAsync(Wait));
    }

    [Fact]
    public void Injected_characters_that_are_not_digits_are_ignored()
    {
        var reported = new List<char>();
        _stream.Digit += reported.Add;
        _stream.InjectDigit('x');
        _stream.InjectDigit('a');
        Assert.Equal(['A'], reported);
    }
}

public sealed class MediaEngineTests
{
    [Fact]
    public async Task Streams_get_even_ports_from_the_range_and_a_full_range_throws()
    {
        await using var engine = new MediaEngine(new MediaEngineOptions { BindAddress = IPAddress.Loopback, PortMin = 41601, PortMax = 41605 });
        var first = engine.OpenStream();
        var second = engine.OpenStream();
        Assert.Equal([41602, 41604], new[] { first.LocalEndPoint.Port, second.LocalEndPoint.Port }.Order());
        Assert.Throws<InvalidOperationException>(() => engine.OpenStream());
        Assert.Equal(2, engine.GetStats().ActiveStreams);

        await first.DisposeAsync();
        var third = engine.OpenStream();
        Assert.Equal(first.LocalEndPoint.Port, third.LocalEndPoint.Port);
    }

    [Fact]
    public async Task Statistics_count_packets_and_send_lateness()
    {
        await using var engine = Engine(41700);
        var a = engine.OpenStream();
        var b = engine.OpenStream();
        a.Start(b.LocalEndPoint, Pcmu());
        b.Start(a.LocalEndPoint, Pcmu());
        await Eventually(() => engine.GetStats().PacketsReceived >= 20, "twenty packets");

        var stats = engine.GetStats();
        Assert.True(stats.PacketsSent >= 20);
        Assert.True(stats.SendLatenessP50Ms <= stats.SendLatenessP99Ms && stats.SendLatenessP99Ms <= stats.SendLatenessMaxMs);
        Assert.True(stats.SendLatenessMaxMs > 0);
    }

    [Fact]
    public void A_bad_port_range_is_refused_at_construction() =>
        Assert.Throws<ArgumentException>(() => new MediaEngine(new MediaEngineOptions { PortMin = 30000, PortMax = 20000 }));
}
