using Hotline.Api.Apis;
using Hotline.Tickets;

namespace Hotline.Tests;

/// <summary>The API's copy of the Damm check must agree with the number the grains issue.</summary>
public sealed class TicketNumberCheckTests
{
    [Fact]
    public void Every_issued_number_passes_and_every_single_digit_change_or_adjacent_swap_fails()
    {
        var random = new Random(12345);
        for (var i = 0; i < 2_000; i++)
        {
            var length = random.Next(TicketNumberCheck.MinLength, TicketNumberCheck.MaxLength + 1);
            var number = TicketNumber.Format(random.NextInt64(1, TicketNumber.Capacity(length)), length);
            Assert.True(TicketNumberCheck.IsValid(number), number);

            var at = random.Next(number.Length);
            var changed = number[..at] + (char)('0' + (number[at] - '0' + random.Next(1, 10)) % 10) + number[(at + 1)..];
            Assert.Equal(TicketNumber.IsValid(changed, length), TicketNumberCheck.IsValid(changed));
            Assert.False(TicketNumberCheck.IsValid(changed), changed);

            var swapAt = random.Next(number.Length - 1);
            if (number[swapAt] == number[swapAt + 1]) continue;
            var swapped = number[..swapAt] + number[swapAt + 1] + number[swapAt] + number[(swapAt + 2)..];
            Assert.False(TicketNumberCheck.IsValid(swapped), swapped);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("1234567890123456789")]
    [InlineData("1234 567")]
    [InlineData("١٢٣٤٥٦٧٨")]
    public void Anything_but_6_to_18_ascii_digits_fails(string? number) => Assert.False(TicketNumberCheck.IsValid(number));
}
