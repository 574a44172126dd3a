using Hotline.Telephony.Rtp;

namespace Hotline.Telephony.Tests.Rtp;

public sealed class DtmfDetectorTests
{
    private readonly DtmfDetector _detector = new();
    private readonly List<char> _digits = [];
    private TimeSpan _now = TimeSpan.FromSeconds(100);

    /// <summary>One key press as a phone sends it: updates every 20 ms, then the end packet three times.</summary>
    private void Press(uint ssrc, uint timestamp, byte code, int updates = 5, int ends = 3)
    {
        for (int i = 1; i <= updates; i++)
        {
            Feed(ssrc, timestamp, new TelephoneEvent(code, false, 10, (ushort)(160 * i)));
        }
        for (int i = 0; i < ends; i++)
        {
            Feed(ssrc, timestamp, new TelephoneEvent(code, true, 10, (ushort)(160 * updates)));
        }
    }

    private void Feed(uint ssrc, uint timestamp, TelephoneEvent telephoneEvent)
    {
        _now += TimeSpan.FromMilliseconds(20);
        if (_detector.OnPacket(ssrc, timestamp, telephoneEvent, _now) is { } digit)
        {
            _digits.Add(digit);
        }
    }

    [Fact]
    public void A_press_with_three_end_packets_is_reported_once()
    {
        Press(1, 1000, 5);
        Assert.Equal("5", new string([.. _digits]));
        Assert.False(_detector.IsActive(_now));
    }

    [Fact]
    public void Two_presses_of_the_same_digit_are_two_digits()
    {
        Press(1, 1000, 7);
        Press(1, 3000, 7);
        Assert.Equal("77", new string([.. _digits]));
    }

    [Fact]
    public void A_new_SSRC_with_the_same_timestamp_is_a_new_press()
    {
        Press(1, 1000, 3);
        Press(2, 1000, 3);
        Assert.Equal("33", new string([.. _digits]));
    }

    [Fact]
    public void An_end_packet_alone_still_reports_the_digit_once()
    {
        Press(1, 1000, 11, updates: 0);
        Assert.Equal("#", new string([.. _digits]));
    }

    [Fact]
    public void An_event_without_end_packets_times_out_and_a_late_repeat_is_not_a_new_press()
    {
        Press(1, 1000, 9, updates: 3, ends: 0);
        Assert.True(_detector.IsActive(_now));
        _now += DtmfDetector.EventTimeout;
        Assert.False(_detector.IsActive(_now));
        Feed(1, 1000, new TelephoneEvent(9, true, 10, 480));
        Press(1, 2000, 9);
        Assert.Equal("99", new string([.. _digits]));
    }

    [Fact]
    public void A_straggler_of_an_earlier_press_after_a_newer_one_is_ignored()
    {
        Press(1, 1000, 1);
        Press(1, 2000, 2);
        Feed(1, 1000, new TelephoneEvent(1, true, 10, 800));
        Assert.Equal("12", new string([.. _digits]));
    }

    [Fact]
    public void The_same_recorded_press_replayed_later_is_a_second_press_but_its_repeated_ends_are_not()
    {
        // sipp's dtmf_2833_2.pcap sent twice: the same SSRC and timestamp both times, a second apart.
        Press(1, 23200, 2);
        _now += TimeSpan.FromSeconds(1);
        Press(1, 23200, 2);
        _now += TimeSpan.FromMilliseconds(60);
        Feed(1, 23200, new TelephoneEvent(2, true, 10, 1120));
        Assert.Equal("22", new string([.. _digits]));
    }

    [Fact]
    public void A_press_whose_sender_stalls_for_half_a_second_mid_press_or_before_its_ends_is_reported_once()
    {
        Feed(1, 5000, new TelephoneEvent(5, false, 10, 160));
        Feed(1, 5000, new TelephoneEvent(5, false, 10, 320));
        _now += TimeSpan.FromMilliseconds(500); // a loaded machine: the sender's pacing loop stalls
        Feed(1, 5000, new TelephoneEvent(5, false, 10, 480));
        _now += TimeSpan.FromMilliseconds(500);
        Feed(1, 5000, new TelephoneEvent(5, true, 10, 480));
        Feed(1, 5000, new TelephoneEvent(5, true, 10, 480));
        Assert.Equal("5", new string([.. _digits]));
    }

    [Fact]
    public void Flash_is_not_reported_as_a_digit()
    {
        Press(1, 1000, 16);
        Assert.Empty(_digits);
    }
}
