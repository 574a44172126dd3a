namespace Hotline.Tests;

public sealed class PhoneMaskTests
{
    [Theory]
    [InlineData("13812345678", "138****5678")]
    [InlineData("031186001234", "031*****1234")]
    [InlineData("+8613812345678", "+86*******5678")]
    [InlineData("8600123", "86***23")]
    [InlineData("12345", "12*45")]
    [InlineData("1234", "****")]
    [InlineData("", "")]
    public void A_number_shows_its_first_three_and_last_four_digits_and_short_ones_less(string number, string masked)
    {
        Assert.Equal(masked, PhoneMask.Mask(number));
    }

    [Fact]
    public void Null_and_empty_stay_as_they_are()
    {
        Assert.Null(PhoneMask.MaskOrNull(null));
        Assert.Equal("", PhoneMask.MaskOrNull(""));
    }

    [Theory]
    [InlineData("0511-8888 1234", "1234")]
    [InlineData("13812345678", "5678")]
    [InlineData("123", null)]
    [InlineData(null, null)]
    public void The_last_four_digits_ignore_separators(string? phone, string? lastFour)
    {
        Assert.Equal(lastFour, PhoneMask.LastFour(phone));
    }
}
