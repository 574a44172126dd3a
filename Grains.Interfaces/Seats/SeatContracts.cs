namespace Hotline.Seats;

/// <summary>Seat state (座席状态) as the agent desk and the supervisor wall show it.</summary>
[GenerateSerializer, Alias("hotline.SeatState")]
public enum SeatState
{
    LoggedOut = 0,
    Ready = 1,
    /// <summary>Not ready (示忙) with a reason code from configuration.</summary>
    NotReady = 2,
    /// <summary>An offer is ringing at the seat; nothing else may be offered.</summary>
    Reserved = 3,
    Talking = 4,
    /// <summary>After-call work (话后整理) before the seat is ready again.</summary>
    Wrapup = 5,
}

/// <summary>A queue the seat serves, at a proficiency level from 1 (novice) to 5 (expert).</summary>
[GenerateSerializer, Immutable, Alias("hotline.QueueSkill")]
public sealed record QueueSkill([property: Id(0)] string QueueId, [property: Id(1)] int Level);

/// <summary>What an agent gives when logging the seat in (签入).</summary>
[GenerateSerializer, Immutable, Alias("hotline.SeatLogin")]
public sealed record SeatLogin(
    [property: Id(0)] string? Extension,
    [property: Id(1)] IReadOnlyList<QueueSkill> Queues,
    [property: Id(2)] IReadOnlyList<string> Languages);

/// <summary>The seat as the desk, the wall and the API see it.</summary>
[GenerateSerializer, Immutable, Alias("hotline.SeatSnapshot")]
public sealed record SeatSnapshot(
    [property: Id(0)] string JobNo,
    [property: Id(1)] SeatState State,
    [property: Id(2)] string? Reason,
    [property: Id(3)] DateTimeOffset StateSince,
    [property: Id(4)] string? CallId,
    [property: Id(5)] string? Extension,
    [property: Id(6)] IReadOnlyList<QueueSkill> Queues,
    [property: Id(7)] IReadOnlyList<string> Languages,
    [property: Id(8)] int CallsAnswered,
    [property: Id(9)] TimeSpan TalkTime,
    [property: Id(10)] bool HelpRequested,
    [property: Id(11)] long Version,
    /// <summary>What the seat's own agent may do now (<c>ready</c>, <c>not_ready</c>, <c>answer</c>, …): the desk's buttons.</summary>
    [property: Id(12)] IReadOnlyList<string>? Actions = null);

/// <summary>A call (or callback task) that a queue asks the seat to take.</summary>
[GenerateSerializer, Immutable, Alias("hotline.SeatOffer")]
public sealed record SeatOffer(
    [property: Id(0)] string CallId,
    [property: Id(1)] string QueueId,
    [property: Id(2)] bool IsCallback,
    [property: Id(3)] int WrapUpSeconds,
    /// <summary>The seat's own agent places this call (外呼); <see cref="QueueId"/> is the queue whose wrap-up applies.</summary>
    [property: Id(4)] bool Outbound = false);

/// <summary>Where a transfer goes.</summary>
[GenerateSerializer, Alias("hotline.TransferTargetKind")]
public enum TransferTargetKind { Seat = 0, Queue = 1, Department = 2, Number = 3 }

[GenerateSerializer, Immutable, Alias("hotline.TransferTarget")]
public sealed record TransferTarget([property: Id(0)] TransferTargetKind Kind, [property: Id(1)] string Id, [property: Id(2)] bool Attended);
