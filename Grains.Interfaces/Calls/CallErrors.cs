namespace Hotline.Calls;

/// <summary>Error codes of the call path that more than one project raises or catches.</summary>
public static class CallErrors
{
    /// <summary>The edge cannot ring the seat's phone at all (the connection it registered on is gone, or it registered elsewhere).</summary>
    public const string PhoneUnreachable = "seat.phone_unreachable";
}
