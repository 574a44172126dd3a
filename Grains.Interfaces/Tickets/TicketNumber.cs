namespace Hotline.Tickets;

/// <summary>
/// The public work-order number (受理号) a citizen keys on a phone: a sequence and a final Damm check
/// digit. Damm catches every single mistyped digit and every swap of two adjacent digits, the two errors
/// people make on a keypad, with one digit and no letters.
/// </summary>
public static class TicketNumber
{
    /// <summary>The shortest and longest numbers a hotline may configure (check digit included).</summary>
    public const int MinLength = 6;
    public const int MaxLength = 18;

    // A totally anti-symmetric quasigroup of order 10 (Damm, 2004).
    private static readonly byte[,] Table =
    {
        { 0, 3, 1, 7, 5, 9, 8, 6, 4, 2 },
        { 7, 0, 9, 2, 1, 5, 4, 8, 6, 3 },
        { 4, 2, 0, 6, 8, 7, 1, 3, 5, 9 },
        { 1, 7, 5, 0, 9, 8, 3, 4, 2, 6 },
        { 6, 1, 2, 3, 0, 4, 5, 9, 7, 8 },
        { 3, 6, 7, 4, 2, 0, 9, 5, 8, 1 },
        { 5, 8, 6, 9, 7, 2, 0, 1, 3, 4 },
        { 8, 9, 4, 5, 3, 6, 2, 0, 1, 7 },
        { 9, 4, 3, 8, 6, 1, 7, 2, 0, 5 },
        { 2, 5, 8, 1, 4, 3, 6, 7, 9, 0 },
    };

    /// <summary>The check digit for a string of digits.</summary>
    public static int CheckDigit(ReadOnlySpan<char> digits)
    {
        var interim = 0;
        foreach (var c in digits)
        {
            if (c is < '0' or > '9') throw new ArgumentException($"'{digits}' is not all digits.", nameof(digits));
            interim = Table[interim, c - '0'];
        }
        return interim;
    }

    /// <summary>The number for a sequence value: the sequence zero-padded to <paramref name="length"/> − 1 digits, then the check digit.</summary>
    public static string Format(long sequence, int length = 8)
    {
        if (length is < MinLength or > MaxLength)
            throw new ArgumentOutOfRangeException(nameof(length), $"a ticket number has {MinLength} to {MaxLength} digits");
        var capacity = Capacity(length);
        if (sequence < 1 || sequence >= capacity)
            throw new ArgumentOutOfRangeException(nameof(sequence), $"sequence {sequence} does not fit in {length - 1} digits (1..{capacity - 1})");
        var body = sequence.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(length - 1, '0');
        return body + (char)('0' + CheckDigit(body));
    }

    /// <summary>Whether <paramref name="number"/> has the right length, only digits, and a valid check digit.</summary>
    public static bool IsValid(string? number, int length = 8) =>
        number is not null && number.Length == length && number.All(char.IsAsciiDigit) && CheckDigit(number) == 0;

    /// <summary>Whether <paramref name="number"/> could be a number of any allowed length: digits only, a valid check digit.</summary>
    public static bool IsWellFormed(string? number) =>
        number is { Length: >= MinLength and <= MaxLength } && number.All(char.IsAsciiDigit) && CheckDigit(number) == 0;

    /// <summary>How many sequence values a number of this length can carry (the highest is one less).</summary>
    public static long Capacity(int length)
    {
        long capacity = 1;
        for (var i = 0; i < length - 1; i++) capacity *= 10;
        return capacity;
    }
}
