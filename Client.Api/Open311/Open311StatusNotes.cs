namespace Hotline.Api.Open311;

/// <summary>The life-cycle detail behind open/closed, in words the public may read (status_notes).</summary>
public static class Open311StatusNotes
{
    public static string For(string state, string? agency, string? mergedInto) => state switch
    {
        "registered" => "Registered (受理); waiting to be dispatched to a department.",
        "dispatched" => $"Dispatched (派单) to {agency ?? "a department"}; waiting for it to accept.",
        "signed" => $"Being handled (办理中) by {agency ?? "the department"}.",
        "returned" => "Sent back by the department (回退); being dispatched again.",
        "replied" => $"{agency ?? "The department"} has replied (答复); the return visit is pending.",
        "reopened" => $"Reopened (重办) after the return visit; back with {agency ?? "the department"}.",
        "resolved" => "Answered when it was received (直办).",
        "closed" => "Closed (办结).",
        "merged" => mergedInto is null ? "Merged (并单) into another request." : $"Merged (并单) into request {mergedInto}.",
        _ => state,
    };
}
