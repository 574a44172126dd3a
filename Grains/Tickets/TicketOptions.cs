using System.ComponentModel.DataAnnotations;

namespace Hotline.Tickets;

/// <summary>Work-order settings (section <c>Hotline:Tickets</c>), validated at start-up.</summary>
public sealed class TicketOptions
{
    public const string Section = "Hotline:Tickets";

    /// <summary>Digits of the public number, check digit included. Eight gives ten million orders; a province may need more.</summary>
    [Range(6, 18)]
    public int NumberLength { get; set; } = 8;

    /// <summary>Numbers each silo reserves at a time; unused ones are skipped if the silo dies.</summary>
    [Range(1, 100_000)]
    public int NumberBlockSize { get; set; } = 100;

    /// <summary>The time zone deadlines are counted in.</summary>
    [Required]
    public string TimeZone { get; set; } = "Asia/Shanghai";
}
