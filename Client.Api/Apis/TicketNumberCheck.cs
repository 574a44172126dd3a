namespace Hotline.Api.Apis;

/// <summary>
/// Whether a string can be a work-order number (受理号): 6 to 18 digits whose Damm check digit is right, so a
/// mistyped number is refused before any lookup. A copy of the check in <c>Hotline.Tickets.TicketNumber</c>
/// (Grains), which this project does not reference; the two tables must stay equal, and a test compares them.
/// </summary>
public static class TicketNumberCheck
{
    public const int MinLength = 6;
    public const int MaxLength = 18;

    // A totally anti-symmetric quasigroup of order 10 (Damm, 2004): the same table as TicketNumber's.
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

    public static bool IsValid(string? number)
    {
        if (number is null || number.Length is < MinLength or > MaxLength) return false;
        var interim = 0;
        foreach (var c in number)
        {
            if (!char.IsAsciiDigit(c)) return false;
            interim = Table[interim, c - '0'];
        }
        return interim == 0;
    }

    public const string Rule = "Not a work-order number: 6 to 18 digits ending in a check digit.";
}
