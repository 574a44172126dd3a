using Hotline.Telephony.Media;
using Hotline.Telephony.Rtp;
using static Hotline.Telephony.Tests.Media.MediaTestKit;

namespace Hotline.Telephony.Tests.Media;

/// <summary>Two real streams (or a stream and a raw socket) talking RTP over 127.0.0.1.</summary>
public sealed class MediaLoopbackTests : IAsyncLifetime
{
    private readonly MediaEngine _engine = Engine(41000);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task Audio_played_on_A_is_heard_at_B()
    {
        var a = _engine.OpenStream();
        var b = _engine.OpenStream();
        a.Start(b.LocalEndPoint, Pcma());
        b.Start(a.LocalEndPoint, Pcma());
        await a.PlayAsync([AudioClip.Tone(440, TimeSpan.FromMilliseconds(300), 10000)], false, CancellationToken.None).WaitAsync(Wait);
        await Eventually(() => b.ReceivedPeakLevel > 9000, "B to hear the tone");
        Assert.True(b.ReceivedPeakLevel <= 10100);
    }

    [Fact]
    public async Task Digits_sent_as_RFC_4733_on_A_are_reported_once_each_at_B()
    {
        var a = _engine.OpenStream();
        var b = _engine.OpenStream();
        a.Start(b.LocalEndPoint, Pcmu(101));
        b.Start(a.LocalEndPoint, Pcmu(96, 101));
        var reported = new System.Collections.Concurrent.ConcurrentQueue<char>();
        b.Digit += reported.Enqueue;

        Assert.True(a.SendDigit('5'));
        Assert.True(a.SendDigit('5'));
        Assert.True(a.SendDigit('#'));
        string digits = await b.CollectDigitsAsync(new DigitRequest(10, Wait, Wait, "#"), CancellationToken.None);

        Assert.Equal("55", digits);
        Assert.Equal("55#", new string(reported.ToArray()));
    }
}
