using Hotline.Calls;

namespace Hotline.Api.Contracts;

/// <summary>One call with the timestamps every KPI needs.</summary>
public sealed record CallResponse(
    string Id,
    /// <summary>arrived, ivr, queued, offering, talking, wrapup, ended, abandoned, voicemail, callback_waiting or failed.</summary>
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
    IReadOnlyList<string> OfferedSeats)
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
        call.OfferedSeats);
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

/// <summary>An outbound call (外呼): to a number, from a seat or for a campaign.</summary>
public sealed record OutboundCallRequest(string? To, string? Seat, string? Campaign);

/// <summary>A call on the simulated trunk (demos and load tests).</summary>
public sealed record SimCallRequest(string? From, string? To, string? Language, string? Queue, int? Priority);

public sealed record SimCallCreated(string CallId);

public sealed record DtmfRequest(string? Digits);
