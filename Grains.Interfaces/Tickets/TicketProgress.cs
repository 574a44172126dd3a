namespace Hotline.Tickets;

/// <summary>
/// How far an order has got, as a citizen hears it on the phone (IVR) and reads it on the web portal: one
/// answer per status, from <see cref="PublicProgress.Of"/>.
/// </summary>
public enum TicketProgress
{
    /// <summary>已受理: registered, not yet with a department.</summary>
    Accepted,
    /// <summary>办理中: with the centre's dispatchers or a department (dispatched, signed, returned for re-routing, reopened).</summary>
    InProgress,
    /// <summary>已答复: replied, answered on the spot, or closed.</summary>
    Replied,
}

/// <summary>The public progress of an order, and who counts as the person who filed it (来电人/反映人).</summary>
public static class PublicProgress
{
    /// <summary>
    /// The progress a citizen is told. A merged order (并单) has the progress of the order it joined (see
    /// <see cref="PublicTicketLookup"/>); on its own it counts as in progress.
    /// </summary>
    public static TicketProgress Of(TicketStatus status) => status switch
    {
        TicketStatus.Registered => TicketProgress.Accepted,
        TicketStatus.Resolved or TicketStatus.Replied or TicketStatus.Closed => TicketProgress.Replied,
        _ => TicketProgress.InProgress,
    };

    /// <summary>
    /// Whether <paramref name="given"/> proves its holder filed the order from <paramref name="filed"/>: either
    /// the same phone (digits only, without the +86/0086 prefix; a local landline number of 7–8 digits matches
    /// the same number with its area code), or exactly four digits equal to the filed number's last four (what
    /// the portal asks for). The portal and the IVR (the calling number) both ask this.
    /// </summary>
    public static bool IsFiler(string? filed, string? given)
    {
        var a = Digits(given);
        var b = Digits(filed);
        if (b.Length < 4) return false;
        if (a.Length == 4) return b.EndsWith(a, StringComparison.Ordinal);
        if (a.Length < 7 || b.Length < 7) return false;
        if (a == b) return true;
        var (shorter, longer) = a.Length < b.Length ? (a, b) : (b, a);
        return shorter.Length <= 8 && longer.Length <= 12 && longer.EndsWith(shorter, StringComparison.Ordinal);
    }

    private static string Digits(string? phone)
    {
        var digits = new string((phone ?? "").Where(char.IsAsciiDigit).ToArray());
        if (digits.StartsWith("0086", StringComparison.Ordinal)) digits = digits[4..];
        else if (digits.Length == 13 && digits.StartsWith("86", StringComparison.Ordinal)) digits = digits[2..];
        return digits;
    }
}

/// <summary>What a citizen may learn of an order: its progress, and the reply only when they filed it.</summary>
/// <param name="Asked">The order whose number was given.</param>
/// <param name="Current">The order that carries the matter on: <paramref name="Asked"/>, or the order it was merged into.</param>
/// <param name="IsFiler">Whether the phone given proves the holder filed <paramref name="Asked"/>.</param>
public sealed record PublicTicketView(TicketSnapshot Asked, TicketSnapshot Current, TicketProgress Progress, bool IsFiler)
{
    /// <summary>The reply (or the answer given on the spot), only for the filer and only once replied.</summary>
    public string? Reply => IsFiler && Progress == TicketProgress.Replied ? Current.Reply ?? Current.Answer : null;
}

/// <summary>The one public look-up of an order, for the web portal and the IVR alike.</summary>
public static class PublicTicketLookup
{
    /// <summary>The order as a citizen with <paramref name="phone"/> may see it; null for an unknown number.</summary>
    public static async Task<PublicTicketView?> FindAsync(IGrainFactory grains, string number, string? phone)
    {
        if (await GetAsync(grains, number) is not { } asked) return null;
        var current = asked.Status == TicketStatus.Merged && asked.MergedInto is { } survivor
            ? await GetAsync(grains, survivor) ?? asked
            : asked;
        return new PublicTicketView(asked, current, PublicProgress.Of(current.Status), PublicProgress.IsFiler(asked.Caller.Phone, phone));
    }

    private static async Task<TicketSnapshot?> GetAsync(IGrainFactory grains, string number)
    {
        try
        {
            return await grains.GetGrain<ITicketGrain>(number).GetAsync();
        }
        catch (DomainException e) when (e.Code == "ticket.not_found")
        {
            return null;
        }
    }
}
