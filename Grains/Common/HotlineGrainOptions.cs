using System.ComponentModel.DataAnnotations;

namespace Hotline.Common;

/// <summary>Settings the grains read, bound from the <c>Hotline:Grains</c> section and validated at start-up.</summary>
public sealed class HotlineGrainOptions
{
    public const string Section = "Hotline:Grains";

    /// <summary>
    /// How often a call or seat runs its own retry loop: a write the database refused, a wrap-up end that was not
    /// told, a reservation whose offer never came. It sends nothing to the queues.
    /// </summary>
    [Range(1, 300)]
    public int HeartbeatSeconds { get; set; } = 10;

    /// <summary>
    /// How often waiting calls and logged-in seats re-announce themselves to their queues and the seat board anyway:
    /// the safety net for a lost message. A silo's death is repaired at once (<see cref="SoftStateRepair"/>), not by this.
    /// </summary>
    [Range(5, 3600)]
    public int AuditSeconds { get; set; } = 60;

    /// <summary>A waiting call not heard from for this many audits is dropped from the queue's line.</summary>
    [Range(2, 100)]
    public int MissedAuditsBeforeDrop { get; set; } = 3;

    /// <summary>The queue a call goes to when neither the trunk nor the IVR chose one.</summary>
    [Required]
    public string DefaultQueue { get; set; } = "general";

    /// <summary>Queue for callers who need a language (e.g. "en" → "english").</summary>
    public Dictionary<string, string> LanguageQueues { get; set; } = new() { ["en"] = "english" };

    /// <summary>Whether calls from the simulated trunk are accepted (demos and load tests; off in production).</summary>
    public bool SimulatedTrunkEnabled { get; set; }
}
