using Hotline.Calls;
using Hotline.Queues;
using Hotline.Tickets;

namespace Hotline.Ivr;

/// <summary>The call as the IVR sees it: its id, the calling number (the caller's identity on the phone) and language.</summary>
public sealed record IvrCallContext(string CallId, string? CallerNumber, string? Language);

/// <summary>
/// What a phone caller may hear about a work order: the public progress the portal shows too
/// (<see cref="PublicProgress.Of"/>), value for value, so the IVR's prompts follow the one rule.
/// </summary>
public enum IvrTicketProgress
{
    /// <summary>已受理</summary>
    Accepted = TicketProgress.Accepted,
    /// <summary>办理中</summary>
    InProgress = TicketProgress.InProgress,
    /// <summary>已答复</summary>
    Replied = TicketProgress.Replied,
}

/// <summary>
/// A work order as the IVR may tell it: status, and the reply text only when the calling number is the
/// number the order was filed from (<see cref="CallerIsFiler"/>). Never the content, the address, the name or
/// anything else about the person who filed it.
/// </summary>
public sealed record IvrTicketStatus(string Number, IvrTicketProgress Progress, bool CallerIsFiler, string? Reply);

/// <summary>A confirmed recording to become a work order.</summary>
public sealed record IvrTicketRequest(
    IvrCallContext Call, TicketChannel Channel, TicketKind Kind, string Category, IvrRecording Recording);

/// <summary>
/// What the IVR flow needs from the rest of the hotline. <see cref="GrainIvrServices"/> implements it with grains;
/// tests use a fake. Every method may throw <see cref="OperationCanceledException"/> when the caller hangs up.
/// </summary>
public interface IIvrServices
{
    /// <summary>Registers the order, keeps the recording with it and links it to the call; returns the acceptance number.</summary>
    Task<string> CreateTicketAsync(IvrTicketRequest request, CancellationToken cancellationToken);

    /// <summary>The status of the order with this number as <paramref name="callerNumber"/> may hear it; null when unknown.</summary>
    Task<IvrTicketStatus?> LookUpTicketAsync(string number, string? callerNumber, CancellationToken cancellationToken);

    /// <summary>The call leaves the IVR for a queue (null: the default or language queue). Not accepted: the queue
    /// refused it and the call became a callback task or voicemail.</summary>
    Task<QueuePosition> EnqueueAsync(string callId, string? queueId, int priority, CancellationToken cancellationToken);

    /// <summary>The caller chose a language in the IVR: the call keeps it, for its queue, its seats and its prompts.</summary>
    Task SetLanguageAsync(string callId, string language, CancellationToken cancellationToken);

    /// <summary>The waiting call's position and expected wait; null when it no longer waits (offered, answered, gone).</summary>
    Task<QueuePosition?> GetQueuePositionAsync(string callId, CancellationToken cancellationToken);

    /// <summary>The waiting caller asks to be called back and hangs up (排队回呼).</summary>
    Task RequestCallbackAsync(string callId, CancellationToken cancellationToken);

    Task RecordPollAnswerAsync(string pollId, string callId, int choice, CancellationToken cancellationToken);

    /// <summary>Keeps a message (留言) with the caller's number, for staff to call back.</summary>
    Task KeepVoicemailAsync(IvrCallContext call, IvrRecording recording, CancellationToken cancellationToken);

    /// <summary>The phone number of a department (for a transfer), or null when it has none.</summary>
    Task<string?> GetDepartmentPhoneAsync(string departmentId, CancellationToken cancellationToken);

    /// <summary>Day service (日服) or night service (夜服): a working day of the work calendar, within service hours.</summary>
    Task<bool> IsWorkingTimeAsync(CancellationToken cancellationToken);

    /// <summary>The IVR ended the call itself: <see cref="CallState.Ended"/>, <see cref="CallState.Voicemail"/> or <see cref="CallState.Failed"/>.</summary>
    Task EndCallAsync(string callId, CallState final, string reason, CancellationToken cancellationToken);

    /// <summary>The caller reached a node (for the supervisor wall); must not block the dialogue.</summary>
    void NodeEntered(string callId, int flowVersion, string nodeId);
}

/// <summary>How the IVR dialogue ended.</summary>
public enum IvrOutcomeKind
{
    /// <summary>Self-service finished; the IVR hung up (call ended).</summary>
    Ended,
    /// <summary>The call joined a queue; the dialogue stopped when it left the queue's line (offered, answered).</summary>
    Queued,
    /// <summary>The caller asked to be called back, or a full queue made the call a callback task.</summary>
    Callback,
    /// <summary>A message was left (or a full queue sent the call to voicemail).</summary>
    Voicemail,
    /// <summary>Handed over to another number.</summary>
    Transferred,
    /// <summary>The caller hung up in the IVR.</summary>
    CallerHungUp,
    /// <summary>The flow could not go on (a dangling node, a loop, a service failure with no branch for it); the call was ended as failed.</summary>
    Failed,
}

/// <summary>The end of one IVR dialogue: how, why (the call record's end reason), at which node, and the order it created.</summary>
public sealed record IvrOutcome(IvrOutcomeKind Kind, string Reason, string? LastNodeId, string? TicketNumber = null);
