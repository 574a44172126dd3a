namespace Hotline;

/// <summary>
/// The one way a citizen's phone number is shown to those who may not see it, and written to logs: the middle
/// hidden (138****5678), and the last four digits the public look-up and the read model keep.
/// </summary>
public static class PhoneMask
{
    /// <summary>First three and last four shown (138****5678); up to seven, first two and last two; up to four, none.</summary>
    public static string Mask(string number) => number.Length switch
    {
        <= 4 => new string('*', number.Length),
        <= 7 => number[..2] + new string('*', number.Length - 4) + number[^2..],
        _ => number[..3] + new string('*', number.Length - 7) + number[^4..],
    };

    /// <summary><see cref="Mask(string)"/>, keeping null and empty as they are.</summary>
    public static string? MaskOrNull(string? number) => string.IsNullOrEmpty(number) ? number : Mask(number);

    /// <summary>The last four digits of the number (separators ignored); null with fewer than four.</summary>
    public static string? LastFour(string? phone)
    {
        var digits = phone is null ? "" : string.Concat(phone.Where(char.IsAsciiDigit));
        return digits.Length >= 4 ? digits[^4..] : null;
    }
}
