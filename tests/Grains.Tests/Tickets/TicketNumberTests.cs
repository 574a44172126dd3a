using Hotline.Tickets;

namespace Hotline.Tests.Tickets;

public sealed class TicketNumberTests
{
    [Theory]
    [InlineData("572", 4)] // the worked example of Damm's algorithm
    [InlineData("0000000", 0)]
    public void Check_digit_matches_the_published_examples(string body, int expected) =>
        Assert.Equal(expected, TicketNumber.CheckDigit(body));

    [Fact]
    public void A_number_is_eight_digits_by_default_and_valid()
    {
        var number = TicketNumber.Format(1234);
        Assert.Equal(8, number.Length);
        Assert.StartsWith("0001234", number);
        Assert.True(TicketNumber.IsValid(number));
    }

    [Fact]
    public void Every_single_mistyped_digit_is_caught()
    {
        for (long sequence = 1; sequence < 3000; sequence += 7)
        {
            var number = TicketNumber.Format(sequence);
            for (var position = 0; position < number.Length; position++)
            {
                for (var digit = '0'; digit <= '9'; digit++)
                {
                    if (digit == number[position]) continue;
                    var typo = number[..position] + digit + number[(position + 1)..];
                    Assert.False(TicketNumber.IsValid(typo), $"{typo} (typo of {number}) passed the check");
                }
            }
        }
    }

    [Fact]
    public void Every_swap_of_two_adjacent_different_digits_is_caught()
    {
        for (long sequence = 1; sequence < 3000; sequence += 7)
        {
            var number = TicketNumber.Format(sequence);
            for (var i = 0; i < number.Length - 1; i++)
            {
                if (number[i] == number[i + 1]) continue;
                var swapped = number[..i] + number[i + 1] + number[i] + number[(i + 2)..];
                Assert.False(TicketNumber.IsValid(swapped), $"{swapped} (swap in {number}) passed the check");
            }
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("1234567")]
    [InlineData("123456789")]
    [InlineData("1234567a")]
    public void Wrong_length_or_non_digits_are_not_valid(string? number) => Assert.False(TicketNumber.IsValid(number));

    [Fact]
    public void Any_allowed_length_with_a_valid_check_digit_is_well_formed()
    {
        Assert.True(TicketNumber.IsWellFormed(TicketNumber.Format(42, length: 6)));
        Assert.True(TicketNumber.IsWellFormed(TicketNumber.Format(42, length: 18)));
        Assert.False(TicketNumber.IsWellFormed("12345"));
        Assert.False(TicketNumber.IsWellFormed(TicketNumber.Format(42, length: 8)[..7] + "x"));
        var number = TicketNumber.Format(4711);
        Assert.False(TicketNumber.IsWellFormed(number[..^1] + (char)('0' + (number[^1] - '0' + 1) % 10)));
    }

    [Fact]
    public void A_sequence_that_does_not_fit_is_refused_rather_than_wrapped()
    {
        Assert.Equal("9999999" + TicketNumber.CheckDigit("9999999"), TicketNumber.Format(9_999_999));
        Assert.Throws<ArgumentOutOfRangeException>(() => TicketNumber.Format(10_000_000));
        Assert.Throws<ArgumentOutOfRangeException>(() => TicketNumber.Format(0));
        Assert.Equal(10, TicketNumber.Format(10_000_000, length: 10).Length);
    }
}
