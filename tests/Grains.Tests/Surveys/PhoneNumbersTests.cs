using Hotline.Surveys;

namespace Hotline.Tests.Surveys;

public class PhoneNumbersTests
{
    [Theory]
    [InlineData("13812345678", "13812345678")]
    [InlineData("138 1234 5678", "13812345678")]
    [InlineData("138-1234-5678", "13812345678")]
    [InlineData("+86 138 1234 5678", "13812345678")]
    [InlineData("+8613812345678", "13812345678")]
    [InlineData("008613812345678", "13812345678")]
    [InlineData("8613812345678", "13812345678")]
    [InlineData("１３８１２３４５６７８", "13812345678")]
    [InlineData("19912345678", "19912345678")]
    public void Mobiles_in_every_usual_spelling_normalise_to_their_eleven_digits(string raw, string expected)
    {
        var (phone, rejection) = PhoneNumbers.Normalise(raw);
        Assert.Null(rejection);
        Assert.Equal(new NormalisedPhone(expected, PhoneKind.Mobile), phone);
    }

    [Theory]
    [InlineData("010-87654321", "01087654321")]
    [InlineData("(010) 8765 4321", "01087654321")]
    [InlineData("+86 10 87654321", "01087654321")]
    [InlineData("0086-21-62345678", "02162345678")]
    [InlineData("0311-86001234", "031186001234")]
    [InlineData("0311-8600123", "03118600123")]
    [InlineData("0755 26881234", "075526881234")]
    public void Landlines_keep_their_area_code_with_the_trunk_zero(string raw, string expected)
    {
        var (phone, rejection) = PhoneNumbers.Normalise(raw);
        Assert.Null(rejection);
        Assert.Equal(new NormalisedPhone(expected, PhoneKind.Landline), phone);
    }

    [Theory]
    [InlineData("", PhoneNumbers.Empty)]
    [InlineData("   ", PhoneNumbers.Empty)]
    [InlineData("138x2345678", PhoneNumbers.InvalidCharacters)]
    [InlineData("12345", PhoneNumbers.ServiceNumber)]
    [InlineData("110", PhoneNumbers.ServiceNumber)]
    [InlineData("95588", PhoneNumbers.ServiceNumber)]
    [InlineData("4008123123", PhoneNumbers.ServiceNumber)]
    [InlineData("8008101234", PhoneNumbers.ServiceNumber)]
    [InlineData("0311-12345", PhoneNumbers.ServiceNumber)]
    [InlineData("86001234", PhoneNumbers.NoAreaCode)]
    [InlineData("1381234567", PhoneNumbers.InvalidMobile)]
    [InlineData("12812345678", PhoneNumbers.InvalidMobile)]
    [InlineData("010-8765432", PhoneNumbers.InvalidLandline)]
    [InlineData("0311-860012345", PhoneNumbers.InvalidLandline)]
    [InlineData("0311-06001234", PhoneNumbers.InvalidLandline)]
    [InlineData("01187654321", PhoneNumbers.InvalidLandline)]
    [InlineData("+1 415 555 0100", PhoneNumbers.Invalid)]
    public void Numbers_that_cannot_be_surveyed_are_refused_with_a_reason(string raw, string code)
    {
        var (phone, rejection) = PhoneNumbers.Normalise(raw);
        Assert.Null(phone);
        Assert.Equal(code, rejection!.Code);
        Assert.False(string.IsNullOrWhiteSpace(rejection.Reason));
    }

    [Fact]
    public void A_masked_number_hides_its_middle()
    {
        Assert.Equal("138****5678", PhoneNumbers.Mask("13812345678"));
        Assert.Equal("031*****1234", PhoneNumbers.Mask("031186001234"));
    }
}
