using Hotline.Queues;
using Hotline.Seats;

namespace Hotline.Calls;

/// <summary>
/// One call, keyed by call id. It keeps the timestamps every KPI needs and persists at each state change,
/// so a call whose silo died is still on record. It is the arbiter on the caller's side: a call waiting in
/// several queues (overflow) accepts one offer at a time.
/// </summary>
[Alias("hotline.ICallGrain")]
public interface ICallGrain : IGrainWithStringKey, Hotline.Cluster.IReannounce
{
    [Alias("Get")] Task<CallSnapshot> GetAsync();
    /// <summary>The trunk hands over a new call; it is routed to a queue.</summary>
    [Alias("Start")] Task<CallSnapshot> StartAsync(CallStart start);
    /// <summary>Digits from the caller (RFC 4733, SIP INFO or the simulated trunk).</summary>
    [Alias("Dtmf")] Task<CallSnapshot> DtmfAsync(string digits);
    [Alias("Hangup")] Task<CallSnapshot> HangupAsync(CallParty by);
    /// <summary>A work order was registered during this call; the call's record shows it.</summary>
    [Alias("LinkTicket")] Task<CallSnapshot> LinkTicketAsync(string ticketNumber);
    /// <summary>The caller asks to be called back and keeps the place (排队回呼).</summary>
    [Alias("RequestCallback")] Task<CallSnapshot> RequestCallbackAsync();

    // The IVR (语音导航), driven by the interpreter next to the call's media on the call's silo.
    /// <summary>
    /// The trunk hands over a new call that starts in the IVR (arrived → IVR) instead of a queue; the media
    /// session is found as for <see cref="StartAsync"/>. A retried hand-over returns the call as it is.
    /// </summary>
    [Alias("BeginIvr")] Task<CallSnapshot> BeginIvrAsync(CallStart start);
    /// <summary>The caller chose an agent: IVR → queued. Null queue: the start's queue, the language queue, or the default.</summary>
    [Alias("EnqueueFromIvr")] Task<CallSnapshot> EnqueueFromIvrAsync(string? queueId, int priority);
    /// <summary>Where the waiting call stands in its queue (for the IVR's announcements); null when it is not waiting.</summary>
    [Alias("GetQueuePosition")] Task<QueuePosition?> GetQueuePositionAsync();
    /// <summary>The IVR finished the call itself: self-service done (ended), a message left (voicemail), a transfer out.</summary>
    /// <summary>The caller chose a language in the IVR (语种选择): the call's queue, seats and prompts follow it.</summary>
    [Alias("SetLanguage")] Task<CallSnapshot> SetLanguageAsync(string language);
    [Alias("EndInIvr")] Task<CallSnapshot> EndInIvrAsync(string reason, CallState final);
    /// <summary>The IVR flow version and node the caller is at, for the supervisor wall; not persisted, not waited for.</summary>
    [Orleans.Concurrency.OneWay, Alias("SetIvrNode")] Task SetIvrNodeAsync(int flowVersion, string nodeId);

    // Outbound calls and third parties, driven by the agent's and the supervisor's commands.
    /// <summary>
    /// An outbound call (外呼) from a seat that is ready or not ready: the seat is held for it, the agent's phone
    /// rings, then the citizen's. The call is <see cref="CallState.Dialing"/> until the citizen answers (talking)
    /// or the dial fails (failed, and the seat is free again). A retried start returns the call as it is.
    /// </summary>
    [Alias("DialOut")] Task<CallSnapshot> DialOutAsync(OutboundCall call);
    /// <summary>
    /// A third party joins the talking call at the agent's request: a conference, an attended transfer's
    /// consultation, or a blind transfer out. The party rings first; the edge reports through <see cref="OnPartyAsync"/>.
    /// </summary>
    /// <remarks>A department is dialled at its profile's phone number; a seat at its registered phone; a queue is no party.</remarks>
    [Alias("AddParty")] Task<CallSnapshot> AddPartyAsync(string jobNo, ParticipantRole role, Seats.TransferTarget target);
    /// <summary>The agent lets the third party go (ends the conference or the consultation) and is back with the caller.</summary>
    [Alias("DropParty")] Task<CallSnapshot> DropPartyAsync(string jobNo);
    /// <summary>Attended transfer, second step: the caller is connected to the consulted party and the agent leaves.</summary>
    [Alias("CompleteTransfer")] Task<CallSnapshot> CompleteTransferAsync(string jobNo);
    /// <summary>A supervisor's phone joins the talking call to monitor, whisper or barge in.</summary>
    [Alias("Supervise")] Task<CallSnapshot> SuperviseAsync(string supervisorJobNo, ParticipantRole mode);

    // From the call's media on the edge.
    /// <summary>The outbound call's citizen answered, or could not be reached (<paramref name="reason"/>: no_answer, busy, …).</summary>
    [Alias("OnDialed")] Task OnDialedAsync(DialOutcome outcome, string? reason);
    /// <summary>The third party answered, could not be reached, or hung up.</summary>
    [Alias("OnParty")] Task OnPartyAsync(ParticipantRole role, DialOutcome outcome, string? reason);

    // Between grains.
    [Alias("TryOffer")] Task<OfferResult> TryOfferAsync(string queueId, string jobNo, int ringTimeoutSeconds);
    /// <summary>The seat answers the offer from the desk: the grain asks the edge to connect the audio once the phone is up.</summary>
    [Alias("Answer")] Task<CallSnapshot> AnswerAsync(string jobNo);
    /// <summary>
    /// The agent's phone answered the offer: the same decision as <see cref="AnswerAsync"/>, but the edge that saw the answer
    /// connects the audio itself when the call comes back talking at that seat (no "connect" round trip from the grain).
    /// </summary>
    [Alias("PhoneAnswered")] Task<CallSnapshot> PhoneAnsweredAsync(string jobNo);
    /// <summary>The edge could not ring the seat's phone at all (<see cref="CallErrors.PhoneUnreachable"/>): the offer rings out now.</summary>
    [Alias("PhoneUnreachable")] Task PhoneUnreachableAsync(string jobNo, DateTimeOffset offeredAt);
    [Alias("Hold")] Task<CallSnapshot> HoldAsync(string jobNo, bool onHold);
    [Alias("Transfer")] Task<CallSnapshot> TransferAsync(string jobNo, TransferTarget target);
    /// <summary>The seat finished after-call work for this call.</summary>
    [Alias("WrapUpDone")] Task WrapUpDoneAsync(string jobNo);
    /// <summary>
    /// The queue gave up on the call (too long a wait). False when the call did not leave: it was no longer
    /// waiting there, e.g. it is ringing at a seat of an overflow queue.
    /// </summary>
    [Alias("ExitQueue")] Task<bool> ExitQueueAsync(string queueId, Queues.QueueExitDestination destination);
    /// <summary>The queue asks the call to wait in another queue as well (overflow); it keeps its place.</summary>
    [Alias("Overflow")] Task OverflowAsync(string fromQueueId, string toQueueId);
}
