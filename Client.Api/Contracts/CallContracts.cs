using Hotline.Calls;

namespace Hotline.Api.Contracts;

/// <summary>One call with the timestamps every KPI needs.</summary>
public sealed record CallResponse(
    string Id,
    /// <summary>arrived, ivr, queued, offering, talking, wrapup, ended, abandoned, voicemail, callback_waiting, failed or dialing.</summary>
    string State,
    string Channel,
    string? From,
    string? To,
    string? Language,
    int Priority,
    string? Queue,
    string? Seat,
    DateTimeOffset ArrivedAt,
    DateTimeOffset? QueuedAt,
    DateTimeOffset? OfferedAt,
    DateTimeOffset? AnsweredAt,
    DateTimeOffset? EndedAt,
    DateTimeOffset? WrapUpEndedAt,
    string? EndReason,
    bool OnHold,
    bool IsCallback,
    int RingNoAnswerCount,
    string? TicketNumber,
    IReadOnlyList<string> OfferedSeats,
    /// <summary>The hotline placed the call (外呼); <see cref="To"/> is then the citizen's number and <see cref="From"/> the seat.</summary>
    bool Outbound,
    /// <summary>callback, return_visit, survey or manual, for outbound calls.</summary>
    string? Purpose,
    /// <summary>The third party on the line: a three-way call, a consultation, a transfer out, a supervisor.</summary>
    CallParticipantResponse? Participant,
    /// <summary>What the agent at the call's seat may do to it now, from the call's life cycle: answer, hangup, hold, resume, transfer, transfer_out, add_party, drop_party, complete_transfer.</summary>
    IReadOnlyList<string> Actions)
{
    public static CallResponse FromGrain(CallSnapshot call) => new(
        call.Id,
        ApiNames.Of(call.State),
        ApiNames.Of(call.Channel),
        call.From,
        call.To,
        call.Language,
        call.Priority,
        call.QueueId,
        call.SeatJobNo,
        call.ArrivedAt,
        call.QueuedAt,
        call.OfferedAt,
        call.AnsweredAt,
        call.EndedAt,
        call.WrapUpEndedAt,
        call.EndReason,
        call.OnHold,
        call.IsCallback,
        call.RingNoAnswerCount,
        call.TicketNumber,
        call.OfferedSeats,
        call.Outbound,
        call.Purpose,
        call.Participant is { } p ? CallParticipantResponse.FromGrain(p) : null,
        call.Actions);
}

/// <summary>A third party in a call.</summary>
public sealed record CallParticipantResponse(
    /// <summary>conference, consultation, transfer_out, monitor, whisper or barge.</summary>
    string Role,
    /// <summary>seat or number.</summary>
    string Kind,
    string Address,
    /// <summary>What staff see: a department's name, a job number.</summary>
    string? Label,
    /// <summary>Who brought the party in (job number).</summary>
    string By,
    /// <summary>False while the party's phone rings.</summary>
    bool Connected,
    DateTimeOffset Since)
{
    public static CallParticipantResponse FromGrain(CallParticipant p) => new(
        ApiNames.Of(p.Role), ApiNames.Of(p.Target.Kind), p.Target.Address, p.Target.Label, p.By, p.Connected, p.Since);
}

/// <summary>A call as the <c>call_records</c> table keeps it.</summary>
public sealed record CallListItem(
    string Id,
    string State,
    string? Channel,
    string? From,
    string? To,
    string? Language,
    string? Queue,
    string? Seat,
    DateTimeOffset? ArrivedAt,
    DateTimeOffset? QueuedAt,
    DateTimeOffset? OfferedAt,
    DateTimeOffset? AnsweredAt,
    DateTimeOffset? EndedAt,
    DateTimeOffset? WrapUpEndedAt,
    string? EndReason,
    string? TicketNumber);

public sealed record CallListResponse(int Total, int Page, int PageSize, IReadOnlyList<CallListItem> Items);

/// <summary>An outbound call (外呼) from a seat: its phone rings, then the citizen's.</summary>
/// <param name="To">The citizen's number.</param>
/// <param name="Seat">The seat whose phone places the call; an agent's own seat when left out.</param>
/// <param name="Campaign">Campaign dialling (lists worked through by the system) is not available; calls are placed one by one.</param>
/// <param name="Purpose">callback, return_visit, survey or manual (the default).</param>
/// <param name="TicketNumber">The work order the call is about (a return visit's); linked to the call.</param>
public sealed record OutboundCallRequest(string? To, string? Seat, string? Campaign, string? Purpose = null, string? TicketNumber = null);

/// <summary>A call on the simulated trunk (demos and load tests).</summary>
public sealed record SimCallRequest(string? From, string? To, string? Language, string? Queue, int? Priority);

public sealed record SimCallCreated(string CallId);

public sealed record DtmfRequest(string? Digits);
