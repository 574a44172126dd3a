namespace Hotline.Tickets;

/// <summary>
/// A work order's durable record. The silo's ticket storage writes it as the <c>tickets</c> row (the read
/// model's columns plus this record as JSON) and appends the history lines not yet written, in one
/// transaction, so lists and search never disagree with the grain.
/// </summary>
[GenerateSerializer, Alias("hotline.TicketRecord")]
public sealed class TicketRecord
{
    [Id(0)] public bool Created { get; set; }
    [Id(1)] public TicketStatus Status { get; set; }
    [Id(2)] public TicketIntake? Intake { get; set; }
    [Id(3)] public DateTimeOffset CreatedAt { get; set; }
    [Id(4)] public string CreatedBy { get; set; } = "";
    [Id(5)] public string? LeadDepartment { get; set; }
    [Id(6)] public List<string> CoDepartments { get; set; } = [];
    [Id(7)] public string? SuggestedDepartment { get; set; }
    [Id(8)] public TicketDeadlines Deadlines { get; set; } = new();
    [Id(9)] public bool Overdue { get; set; }
    [Id(10)] public bool Supervised { get; set; }
    [Id(11)] public int UrgeCount { get; set; }
    [Id(12)] public string? Reply { get; set; }
    [Id(13)] public DateTimeOffset? RepliedAt { get; set; }
    [Id(14)] public Satisfaction? Satisfaction { get; set; }
    [Id(15)] public int ReturnCount { get; set; }
    [Id(16)] public int ReopenCount { get; set; }
    [Id(17)] public string? MergedInto { get; set; }
    [Id(18)] public List<string> MergedNumbers { get; set; } = [];
    [Id(19)] public ExtensionRequest? PendingExtension { get; set; }
    [Id(20)] public DateTimeOffset? ClosedAt { get; set; }
    [Id(21)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(22)] public int Version { get; set; }
    /// <summary>Every action, oldest first. Entries are only ever appended.</summary>
    [Id(23)] public List<TicketHistoryEntry> History { get; set; } = [];
    /// <summary>When the department's clock started (the last dispatch or reopening): deadlines count from here.</summary>
    [Id(24)] public DateTimeOffset? ClockStartedAt { get; set; }
    /// <summary>Working days granted by approved extensions since the clock started.</summary>
    [Id(25)] public int ExtensionDays { get; set; }
    /// <summary>Deadline events already handled, so a repeated reminder tick does nothing twice (e.g. "auto-urge@2026-11-30T...").</summary>
    [Id(26)] public HashSet<string> HandledEvents { get; set; } = [];
    /// <summary>
    /// The next deadline event still to handle (the earliest of those not in <see cref="HandledEvents"/>), null
    /// when none is left or the order is finished. Stored as the read model's indexed <c>next_due_at</c>, where
    /// <see cref="DeadlineSweepGrain"/> looks for due orders.
    /// </summary>
    [Id(27)] public DateTimeOffset? NextDueAt { get; set; }
}
