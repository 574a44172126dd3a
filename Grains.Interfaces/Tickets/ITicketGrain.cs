namespace Hotline.Tickets;

/// <summary>
/// One work order (工单), keyed by its public number; the single writer of that order. Every command
/// checks the life cycle and throws <see cref="DomainException"/> <c>ticket.invalid_transition</c> (409,
/// naming the current state) when the order's state forbids it.
/// </summary>
[Alias("hotline.ITicketGrain")]
public interface ITicketGrain : IGrainWithStringKey
{
    /// <summary>Registers the order under this grain's number; a retried call with the same intake changes nothing.</summary>
    [Alias("Create")] Task<TicketSnapshot> CreateAsync(TicketIntake intake, Actor by);
    [Alias("Get")] Task<TicketSnapshot> GetAsync();
    [Alias("GetHistory")] Task<IReadOnlyList<TicketHistoryEntry>> GetHistoryAsync();

    /// <summary>派单 to a lead department and optional co-handling departments.</summary>
    [Alias("Dispatch")] Task<TicketSnapshot> DispatchAsync(string lead, IReadOnlyList<string> co, string? note, Actor by);
    /// <summary>签收 by the lead department.</summary>
    [Alias("Sign")] Task<TicketSnapshot> SignAsync(Actor by);
    /// <summary>回退: not this department's matter.</summary>
    [Alias("Return")] Task<TicketSnapshot> ReturnAsync(string reason, Actor by);
    /// <summary>延期: the department asks for more working days; the centre approves or rejects.</summary>
    [Alias("RequestExtension")] Task<TicketSnapshot> RequestExtensionAsync(int workingDays, string reason, Actor by);
    [Alias("ApproveExtension")] Task<TicketSnapshot> ApproveExtensionAsync(string? note, Actor by);
    [Alias("RejectExtension")] Task<TicketSnapshot> RejectExtensionAsync(string? note, Actor by);
    /// <summary>答复: the department's answer to the citizen.</summary>
    [Alias("Reply")] Task<TicketSnapshot> ReplyAsync(string text, Actor by);
    /// <summary>催办</summary>
    [Alias("Urge")] Task<TicketSnapshot> UrgeAsync(string? note, Actor by);
    /// <summary>定时催办: urge automatically at this time.</summary>
    [Alias("ScheduleUrge")] Task<TicketSnapshot> ScheduleUrgeAsync(DateTimeOffset at, string? note, Actor by);
    /// <summary>督办</summary>
    [Alias("Supervise")] Task<TicketSnapshot> SuperviseAsync(string? note, Actor by);
    /// <summary>回访: the citizen's satisfaction; unsatisfied reopens the order.</summary>
    [Alias("Visit")] Task<TicketSnapshot> VisitAsync(Satisfaction satisfaction, string? note, Actor by);
    /// <summary>重办</summary>
    [Alias("Reopen")] Task<TicketSnapshot> ReopenAsync(string reason, Actor by);
    [Alias("Close")] Task<TicketSnapshot> CloseAsync(Actor by);
    /// <summary>并单: this order is a duplicate of <paramref name="into"/>, which carries on and lists it.</summary>
    [Alias("Merge")] Task<TicketSnapshot> MergeAsync(string into, Actor by);
    /// <summary>The surviving order records a duplicate merged into it.</summary>
    [Alias("Absorb")] Task<TicketSnapshot> AbsorbAsync(string mergedNumber, Actor by);
    /// <summary>
    /// Handles the deadline events due by now (automatic urge, 定时催办, sign limit, overdue and 督办), each once
    /// however often it is asked; <see cref="IDeadlineSweepGrain"/> asks when the order's next one is due.
    /// </summary>
    [Alias("CheckDeadlines")] Task CheckDeadlinesAsync();
}

/// <summary>
/// The cluster's one deadline sweep (key 0): a durable Orleans reminder wakes it every minute, it reads from the
/// read model the orders whose next deadline event is due and asks each to handle it
/// (<see cref="ITicketGrain.CheckDeadlinesAsync"/>). Orders keep no reminder of their own.
/// </summary>
[Alias("hotline.IDeadlineSweepGrain")]
public interface IDeadlineSweepGrain : IGrainWithIntegerKey
{
    /// <summary>Registers the sweep's reminder if it is missing (every silo asks at start-up).</summary>
    [Alias("Start")] Task StartAsync();
    /// <summary>Sweeps now, as a reminder tick would; returns how many orders were asked.</summary>
    [Alias("Sweep")] Task<int> SweepAsync();
}

/// <summary>
/// Hands out public numbers and registers orders. A stateless worker on every silo holds a block of
/// numbers reserved from <see cref="ITicketNumberBlockGrain"/>, so registering an order costs no extra
/// database round trip for its number.
/// </summary>
[Alias("hotline.ITicketIntakeGrain")]
public interface ITicketIntakeGrain : IGrainWithIntegerKey
{
    [Alias("Register")] Task<TicketSnapshot> RegisterAsync(TicketIntake intake, Actor by);
}

/// <summary>A reserved range of sequence values: [First, First + Count).</summary>
[GenerateSerializer, Immutable, Alias("hotline.NumberBlock")]
public sealed record NumberBlock([property: Id(0)] long First, [property: Id(1)] int Count);

/// <summary>The cluster-wide sequence behind ticket numbers (key "centre"): durable, never reused.</summary>
[Alias("hotline.ITicketNumberBlockGrain")]
public interface ITicketNumberBlockGrain : IGrainWithStringKey
{
    public const string Centre = "centre";

    [Alias("Reserve")] Task<NumberBlock> ReserveAsync(int count);
}
