using Hotline.Tickets;

namespace Hotline.Api.Apis;

/// <summary>
/// Whether a string can be a work-order number (受理号): 6 to 18 digits whose Damm check digit is right, so a
/// mistyped number is refused before any lookup (<see cref="TicketNumber"/>).
/// </summary>
public static class TicketNumberCheck
{
    public static bool IsValid(string? number) => TicketNumber.IsWellFormed(number);

    public const string Rule = "Not a work-order number: 6 to 18 digits ending in a check digit.";
}
