namespace Hotline.Calls;

/// <summary>How a third party takes part in a call besides the caller and the agent.</summary>
[GenerateSerializer, Alias("hotline.ParticipantRole")]
public enum ParticipantRole
{
    /// <summary>Three-way call (三方通话): caller, agent and the third party all hear each other.</summary>
    Conference = 0,
    /// <summary>Attended transfer's consultation (咨询转接): the caller waits with music while the agent talks to the target.</summary>
    Consultation = 1,
    /// <summary>Blind transfer to a department or an outside number (转外线): the caller waits while the target rings.</summary>
    TransferOut = 2,
    /// <summary>Monitoring (监听): the supervisor hears both and is heard by no one.</summary>
    Monitor = 3,
    /// <summary>Whispering (耳语/密语): the supervisor hears both and only the agent hears the supervisor.</summary>
    Whisper = 4,
    /// <summary>Barging in (强插): the supervisor joins the conversation.</summary>
    Barge = 5,
}

/// <summary>Whom the edge dials for a third party: a seat's registered phone, or a number through the outbound gateway.</summary>
[GenerateSerializer, Alias("hotline.PartyAddressKind")]
public enum PartyAddressKind { Seat = 0, Number = 1 }

/// <summary>A third party as the edge dials it; <see cref="Label"/> is what staff see (a department's name, a job number).</summary>
[GenerateSerializer, Immutable, Alias("hotline.PartyAddress")]
public sealed record PartyAddress(
    [property: Id(0)] PartyAddressKind Kind,
    [property: Id(1)] string Address,
    [property: Id(2)] string? Label);

/// <summary>The third party of a call as its record and the screens show it.</summary>
[GenerateSerializer, Immutable, Alias("hotline.CallParticipant")]
public sealed record CallParticipant(
    [property: Id(0)] ParticipantRole Role,
    [property: Id(1)] PartyAddress Target,
    /// <summary>Who brought the party in: the agent's job number, or the supervisor's.</summary>
    [property: Id(2)] string By,
    /// <summary>False while the third party's phone rings.</summary>
    [property: Id(3)] bool Connected,
    [property: Id(4)] DateTimeOffset Since);

/// <summary>What became of dialling a third party or an outbound call's citizen.</summary>
[GenerateSerializer, Alias("hotline.DialOutcome")]
public enum DialOutcome
{
    /// <summary>The phone answered and is connected.</summary>
    Connected = 0,
    /// <summary>The phone did not answer, was busy, refused, or could not be reached.</summary>
    Failed = 1,
    /// <summary>A connected party hung up.</summary>
    Left = 2,
}

/// <summary>An outbound call (外呼) placed from a seat: the agent's phone rings first, then the citizen's.</summary>
[GenerateSerializer, Immutable, Alias("hotline.OutboundCall")]
public sealed record OutboundCall(
    [property: Id(0)] string JobNo,
    [property: Id(1)] string To,
    /// <summary><c>callback</c>, <c>return_visit</c>, <c>survey</c> or <c>manual</c>.</summary>
    [property: Id(2)] string Purpose,
    /// <summary>The work order the call is about (a return visit's), linked to the call's record.</summary>
    [property: Id(3)] string? TicketNumber);
