using Hotline.Telephony.Rtp;

namespace Hotline.Telephony.Tests.Rtp;

public sealed class TelephoneEventTests
{
    [Fact]
    public void An_end_packet_parses_event_end_bit_volume_and_duration()
    {
        Assert.True(TelephoneEvent.TryParse([11, 0x8A, 0x03, 0x20], out var telephoneEvent));
        Assert.Equal(new TelephoneEvent(11, true, 10, 800), telephoneEvent);
        var written = new byte[4];
        telephoneEvent.Write(written);
        Assert.Equal(new byte[] { 11, 0x8A, 0x03, 0x20 }, written);
    }

    [Fact]
    public void A_payload_shorter_than_four_bytes_is_refused() =>
        Assert.False(TelephoneEvent.TryParse([1, 2, 3], out _));

    [Theory]
    [InlineData(0, '0')]
    [InlineData(9, '9')]
    [InlineData(10, '*')]
    [InlineData(11, '#')]
    [InlineData(12, 'A')]
    [InlineData(15, 'D')]
    public void Event_codes_map_to_digits_both_ways(byte code, char digit)
    {
        Assert.Equal(digit, TelephoneEvent.ToDigit(code));
        Assert.Equal(code, TelephoneEvent.FromDigit(digit));
    }

    [Fact]
    public void Flash_and_tones_are_no_digits()
    {
        Assert.Null(TelephoneEvent.ToDigit(16));
        Assert.Null(TelephoneEvent.ToDigit(255));
        Assert.Null(TelephoneEvent.FromDigit('x'));
    }
}
