using Hotline.Api.Configuration;
using Hotline.Seats;

namespace Hotline.Api.Contracts;

/// <summary>A seat (座席) as the desk and the supervisor wall show it.</summary>
public sealed record SeatResponse(
    string JobNo,
    /// <summary>logged_out, ready, not_ready, reserved, talking or wrapup.</summary>
    string State,
    string? Reason,
    DateTimeOffset StateSince,
    string? CallId,
    string? Extension,
    SeatSkillsResponse Skills,
    int CallsAnswered,
    int TalkTimeSeconds,
    bool HelpRequested,
    long Version,
    /// <summary>What the seat's agent may do now, from the seat's life cycle: login, ready, not_ready, logout, wrap_up_done, answer, hangup, hold, resume, transfer, help.</summary>
    IReadOnlyList<string> Actions)
{
    public static SeatResponse FromGrain(SeatSnapshot seat) => new(
        seat.JobNo,
        ApiNames.Of(seat.State),
        seat.Reason,
        seat.StateSince,
        seat.CallId,
        seat.Extension,
        new SeatSkillsResponse(seat.Queues.Select(q => new QueueSkillDto(q.QueueId, q.Level)).ToArray(), seat.Languages),
        seat.CallsAnswered,
        (int)seat.TalkTime.TotalSeconds,
        seat.HelpRequested,
        seat.Version,
        seat.Actions ?? []);
}

public sealed record SeatSkillsResponse(IReadOnlyList<QueueSkillDto> Queues, IReadOnlyList<string> Languages);

/// <summary>A queue the seat serves, at a proficiency level from 1 (novice) to 5 (expert).</summary>
public sealed record QueueSkillDto(string QueueId, int Level);

/// <summary>Signing the seat in (签入).</summary>
public sealed record SeatLoginRequest(string? Extension, IReadOnlyList<QueueSkillRequest?>? Queues, IReadOnlyList<string?>? Languages);

public sealed record QueueSkillRequest(string? QueueId, int? Level);

public sealed record NotReadyRequest(string? Reason);

public sealed record ForceNotReadyRequest(string? Reason);

public sealed record HelpRequest(string? Note);

/// <summary>Transfer target: <c>kind</c> is seat, queue, department or number; <c>mode</c> blind (default) or attended.</summary>
public sealed record TransferRequest(TransferTargetRequest? To, string? Mode);

public sealed record TransferTargetRequest(string? Kind, string? Id);

/// <summary>Three-way call (三方通话) with a seat, a department or a number.</summary>
public sealed record ConferenceRequest(TransferTargetRequest? To);

/// <summary>A not-ready reason (示忙原因).</summary>
public sealed record NotReadyReasonResponse(string Code, string Label, string LabelEn, bool SystemOnly)
{
    public static NotReadyReasonResponse FromGrain(NotReadyReason reason) =>
        new(reason.Code, reason.Label, reason.LabelEn, reason.SystemOnly);
}
