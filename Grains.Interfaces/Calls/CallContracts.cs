namespace Hotline.Calls;

/// <summary>The call's life: arrived → IVR → queued → offering → talking → wrap-up → ended, or one of the exits.</summary>
[GenerateSerializer, Alias("hotline.CallState")]
public enum CallState
{
    Arrived = 0,
    Ivr = 1,
    Queued = 2,
    Offering = 3,
    Talking = 4,
    Wrapup = 5,
    Ended = 6,
    /// <summary>The caller hung up while waiting (放弃).</summary>
    Abandoned = 7,
    Voicemail = 8,
    /// <summary>The caller hung up after asking to be called back; the task keeps its place in the queue.</summary>
    CallbackWaiting = 9,
    Failed = 10,
    /// <summary>
    /// The hotline is dialling out for this call and no one talks yet: an outbound call (外呼) ringing the agent's
    /// phone and then the citizen's, or a caller handed to a department or outside number (blind transfer) whose
    /// phone is still ringing.
    /// </summary>
    Dialing = 11,
}

public static class CallStates
{
    /// <summary>Ended, abandoned, voicemail or failed: the call never leaves these, and its record is complete.</summary>
    public static bool IsFinal(this CallState state) =>
        state is CallState.Ended or CallState.Abandoned or CallState.Voicemail or CallState.Failed;
}

/// <summary>How the call reached the hotline.</summary>
[GenerateSerializer, Alias("hotline.CallChannel")]
public enum CallChannel { Simulated = 0, Sip = 1 }

/// <summary>Who ended the call.</summary>
[GenerateSerializer, Alias("hotline.CallParty")]
public enum CallParty { Caller = 0, Agent = 1, System = 2 }

/// <summary>An inbound call as the trunk (simulated or SIP) hands it over.</summary>
[GenerateSerializer, Immutable, Alias("hotline.CallStart")]
public sealed record CallStart(
    [property: Id(0)] CallChannel Channel,
    [property: Id(1)] string From,
    [property: Id(2)] string? To,
    [property: Id(3)] string? Language,
    /// <summary>Queue chosen by the trunk or IVR; null means the default routing.</summary>
    [property: Id(4)] string? QueueId,
    [property: Id(5)] int Priority);

[GenerateSerializer, Immutable, Alias("hotline.CallSnapshot")]
public sealed record CallSnapshot
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public CallState State { get; init; }
    [Id(2)] public CallChannel Channel { get; init; }
    [Id(3)] public string? From { get; init; }
    [Id(4)] public string? To { get; init; }
    [Id(5)] public string? Language { get; init; }
    [Id(6)] public int Priority { get; init; }
    [Id(7)] public string? QueueId { get; init; }
    [Id(8)] public string? SeatJobNo { get; init; }
    [Id(9)] public DateTimeOffset ArrivedAt { get; init; }
    [Id(10)] public DateTimeOffset? QueuedAt { get; init; }
    [Id(11)] public DateTimeOffset? OfferedAt { get; init; }
    [Id(12)] public DateTimeOffset? AnsweredAt { get; init; }
    [Id(13)] public DateTimeOffset? EndedAt { get; init; }
    [Id(14)] public DateTimeOffset? WrapUpEndedAt { get; init; }
    [Id(15)] public string? EndReason { get; init; }
    [Id(16)] public bool OnHold { get; init; }
    [Id(17)] public bool IsCallback { get; init; }
    [Id(18)] public int RingNoAnswerCount { get; init; }
    [Id(19)] public string? TicketNumber { get; init; }
    [Id(20)] public IReadOnlyList<string> OfferedSeats { get; init; } = [];
    /// <summary>The IVR node the caller is at while in the IVR (e.g. <c>self_service</c>), for the supervisor wall.</summary>
    [Id(21)] public string? IvrNode { get; init; }
    /// <summary>The IVR flow version the call runs (it keeps it even if the flow is edited meanwhile).</summary>
    [Id(22)] public int? IvrFlowVersion { get; init; }
    /// <summary>The hotline placed this call (外呼): a callback, a return visit, a survey or an agent's own call.</summary>
    [Id(23)] public bool Outbound { get; init; }
    /// <summary>Why an outbound call was placed: <c>callback</c>, <c>return_visit</c>, <c>survey</c>, <c>manual</c>.</summary>
    [Id(24)] public string? Purpose { get; init; }
    /// <summary>The third party in the call now (conference, consultation, supervisor), if any.</summary>
    [Id(25)] public CallParticipant? Participant { get; init; }
    /// <summary>What the agent at the call's seat may do to it now (<c>hold</c>, <c>transfer</c>, …): the desk's call buttons.</summary>
    [Id(26)] public IReadOnlyList<string> Actions { get; init; } = [];
}

/// <summary>What an offer attempt on a call came to.</summary>
[GenerateSerializer, Alias("hotline.OfferResult")]
public enum OfferResult { Accepted = 0, AlreadyOffered = 1, NotWaiting = 2 }
