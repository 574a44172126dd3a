using Hotline.Seats;

namespace Hotline.Queues;

/// <summary>How a queue picks among the seats that could take a call.</summary>
[GenerateSerializer, Alias("hotline.RoutingStrategy")]
public enum RoutingStrategy
{
    /// <summary>The seat idle the longest (default).</summary>
    LongestIdle = 0,
    FewestCalls = 1,
    LeastTalkTime = 2,
    RoundRobin = 3,
    /// <summary>Highest proficiency level first, then longest idle.</summary>
    HighestProficiency = 4,
    Random = 5,
}

/// <summary>Where a call goes when the queue is full or the call waited too long.</summary>
[GenerateSerializer, Alias("hotline.QueueExitDestination")]
public enum QueueExitDestination { Voicemail = 0, Callback = 1 }

/// <summary>After <see cref="AfterSeconds"/> of waiting, seats from this level upwards may also take the call.</summary>
[GenerateSerializer, Immutable, Alias("hotline.LevelWidening")]
public sealed record LevelWidening([property: Id(0)] int AfterSeconds, [property: Id(1)] int MinimumLevel);

/// <summary>After <see cref="AfterSeconds"/> of waiting, the call may also be answered from another queue (溢出).</summary>
[GenerateSerializer, Immutable, Alias("hotline.OverflowRule")]
public sealed record OverflowRule([property: Id(0)] int AfterSeconds, [property: Id(1)] string QueueId);

/// <summary>A queue's settings, editable by administrators.</summary>
[GenerateSerializer, Immutable, Alias("hotline.QueueConfig")]
public sealed record QueueConfig
{
    [Id(0)] public string Name { get; init; } = "";
    [Id(1)] public RoutingStrategy Strategy { get; init; } = RoutingStrategy.LongestIdle;
    /// <summary>The service-level threshold: answered within this many seconds (10 s in the sources).</summary>
    [Id(2)] public int ServiceLevelSeconds { get; init; } = 10;
    [Id(3)] public int RingTimeoutSeconds { get; init; } = 15;
    [Id(4)] public int WrapUpSeconds { get; init; } = 30;
    /// <summary>Abandons within this many seconds are counted separately as short abandons.</summary>
    [Id(5)] public int ShortAbandonSeconds { get; init; } = 5;
    [Id(6)] public int? MaxWaitSeconds { get; init; }
    [Id(7)] public int? MaxLength { get; init; }
    [Id(8)] public QueueExitDestination ExitDestination { get; init; } = QueueExitDestination.Voicemail;
    /// <summary>Lowest proficiency level offered a call before any widening.</summary>
    [Id(9)] public int MinimumLevel { get; init; } = 1;
    [Id(10)] public IReadOnlyList<LevelWidening> Widening { get; init; } = [];
    [Id(11)] public IReadOnlyList<OverflowRule> Overflow { get; init; } = [];
    /// <summary>Queue weight: a seat that serves several queues is offered to higher priorities first.</summary>
    [Id(12)] public int Priority { get; init; }
    /// <summary>Language every call in this queue needs (e.g. "en" for the English queue); null for none.</summary>
    [Id(13)] public string? Language { get; init; }
    /// <summary>The digit a waiting caller presses to be called back instead of waiting.</summary>
    [Id(14)] public string CallbackDigit { get; init; } = "*";
}

/// <summary>A call or callback task waiting in a queue, as the wall sees it.</summary>
[GenerateSerializer, Immutable, Alias("hotline.WaitingCallView")]
public sealed record WaitingCallView(
    [property: Id(0)] string CallId,
    [property: Id(1)] int Position,
    [property: Id(2)] DateTimeOffset EnqueuedAt,
    [property: Id(3)] int WaitSeconds,
    [property: Id(4)] int Priority,
    [property: Id(5)] string? Language,
    [property: Id(6)] bool IsCallback,
    [property: Id(7)] string? FromQueue,
    [property: Id(8)] int EstimatedWaitSeconds,
    [property: Id(9)] string? OfferedTo);

/// <summary>Service-level counters of a queue since its counters were last reset.</summary>
[GenerateSerializer, Immutable, Alias("hotline.QueueCounters")]
public sealed record QueueCounters
{
    [Id(0)] public int Entered { get; init; }
    [Id(1)] public int Offered { get; init; }
    [Id(2)] public int Answered { get; init; }
    [Id(3)] public int AnsweredWithinThreshold { get; init; }
    [Id(4)] public int Abandoned { get; init; }
    [Id(5)] public int ShortAbandoned { get; init; }
    [Id(6)] public int RingNoAnswer { get; init; }
    [Id(7)] public int ExitedToVoicemail { get; init; }
    [Id(8)] public int ExitedToCallback { get; init; }
    [Id(9)] public int CallbacksRequested { get; init; }
    [Id(10)] public int OverflowedOut { get; init; }
    [Id(11)] public double TotalAnsweredWaitSeconds { get; init; }
    [Id(12)] public DateTimeOffset Since { get; init; }
}

/// <summary>Seat counts per state for a queue, as the seat board sees them (<see cref="Hotline.Seats.SeatBoard.CountsByQueueAsync"/>).</summary>
[GenerateSerializer, Immutable, Alias("hotline.SeatCounts")]
public sealed record SeatCounts(
    [property: Id(0)] int Ready, [property: Id(1)] int Reserved, [property: Id(2)] int Talking,
    [property: Id(3)] int WrapUp, [property: Id(4)] int NotReady, [property: Id(5)] int LoggedIn)
{
    public static readonly SeatCounts None = new(0, 0, 0, 0, 0, 0);

    public SeatCounts Add(SeatCounts o) => new(Ready + o.Ready, Reserved + o.Reserved, Talking + o.Talking, WrapUp + o.WrapUp,
        NotReady + o.NotReady, LoggedIn + o.LoggedIn);
}

/// <summary>
/// The seats of a queue as the queue itself knows them. A seat tells its queues only when its availability changes
/// (ready, busy with a call, not ready, logged out), not at every step of a call, so the queue cannot tell ringing from
/// talking from wrap-up; the wall takes those from the seat board.
/// </summary>
[GenerateSerializer, Immutable, Alias("hotline.QueueSeats")]
public sealed record QueueSeats(
    [property: Id(0)] int Ready, [property: Id(1)] int Busy, [property: Id(2)] int NotReady, [property: Id(3)] int LoggedIn);

[GenerateSerializer, Immutable, Alias("hotline.QueueSnapshot")]
public sealed record QueueSnapshot(
    [property: Id(0)] string Id,
    [property: Id(1)] QueueConfig Config,
    [property: Id(2)] IReadOnlyList<WaitingCallView> Waiting,
    [property: Id(3)] QueueCounters Counters,
    [property: Id(4)] QueueSeats Seats,
    [property: Id(5)] int LongestWaitSeconds,
    [property: Id(6)] IReadOnlyList<string> ReadySeats,
    /// <summary>All waiting calls; <see cref="Waiting"/> lists at most the first 200.</summary>
    [property: Id(7)] int WaitingCount,
    [property: Id(8)] int EstimatedWaitSeconds);

/// <summary>What a queue tells a caller on entering: position and expected wait, for the IVR to announce.</summary>
[GenerateSerializer, Immutable, Alias("hotline.QueuePosition")]
public sealed record QueuePosition(
    [property: Id(0)] bool Accepted,
    [property: Id(1)] int Position,
    [property: Id(2)] int EstimatedWaitSeconds,
    [property: Id(3)] QueueExitDestination? RefusedTo);

/// <summary>A waiting call as the queue keeps it; the call grain re-sends it so a reactivated queue rebuilds its line.</summary>
[GenerateSerializer, Immutable, Alias("hotline.QueueEntry")]
public sealed record QueueEntry(
    [property: Id(0)] string CallId,
    [property: Id(1)] DateTimeOffset EnqueuedAt,
    [property: Id(2)] int Priority,
    [property: Id(3)] string? Language,
    [property: Id(4)] bool IsCallback,
    /// <summary>The queue the call first entered, when this entry is an overflow into another queue.</summary>
    [property: Id(5)] string? FromQueue)
{
    /// <summary>The silo the call lives on (with its media): when that silo dies, the call is lost and leaves the line at once.</summary>
    [Id(6)] public string? Silo { get; init; }
}

/// <summary>A seat's availability as the queues it serves mirror it.</summary>
[GenerateSerializer, Immutable, Alias("hotline.SeatAvailability")]
public sealed record SeatAvailability(
    [property: Id(0)] string JobNo,
    [property: Id(1)] SeatState State,
    [property: Id(2)] int Level,
    [property: Id(3)] IReadOnlyList<string> Languages,
    [property: Id(4)] DateTimeOffset IdleSince,
    [property: Id(5)] int CallsAnswered,
    [property: Id(6)] TimeSpan TalkTime,
    [property: Id(7)] long Version)
{
    /// <summary>The silo the seat's activation lives on: when that silo dies, the queue wakes the seat on a survivor.</summary>
    [Id(8)] public string? Silo { get; init; }
}
