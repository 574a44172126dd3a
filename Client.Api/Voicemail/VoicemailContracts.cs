namespace Hotline.Api.Voicemail;

/// <summary>
/// A voicemail on the work list (留言): the call that ended as voicemail, the message the caller left (null when a
/// queue gave up on the caller before any message), and how a desk handled it (null while it waits).
/// </summary>
/// <param name="Caller">The caller's number; masked for those who see no numbers.</param>
/// <param name="Reason">Why the call went to voicemail: the IVR node's reason (after_hours_voicemail), queue_full or max_wait.</param>
public sealed record VoicemailItem(
    string CallId,
    DateTimeOffset ArrivedAt,
    DateTimeOffset? EndedAt,
    string? Caller,
    string? DialledNumber,
    string? QueueId,
    string Reason,
    VoicemailMessage? Message,
    VoicemailHandled? Handled);

/// <summary>The message left, played through the recordings API (<see cref="Audio"/>).</summary>
public sealed record VoicemailMessage(string RecordingId, int DurationMs, string Audio);

/// <summary>A desk's answer to a voicemail: the outcome, the work order it became, who and when.</summary>
public sealed record VoicemailHandled(string Outcome, string? TicketNumber, string? Note, string HandledBy, DateTimeOffset HandledAt);

/// <summary>A page of the list; <see cref="Status"/> <c>open</c> is oldest first, <c>handled</c> most recently handled first.</summary>
public sealed record VoicemailListResponse(int Total, int Page, int PageSize, string Status, VoicemailItem[] Items);

/// <summary>How many voicemails wait for a desk, and since when the oldest has waited.</summary>
public sealed record VoicemailCountResponse(int Open, DateTimeOffset? OldestArrivedAt);

/// <summary>Mark a voicemail handled: <c>called_back</c>, <c>ticket_registered</c> (with its number) or <c>no_action</c>.</summary>
public sealed record VoicemailHandleRequest(string? Outcome, string? TicketNumber, string? Note);
