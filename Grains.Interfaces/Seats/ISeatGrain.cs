namespace Hotline.Seats;

/// <summary>
/// One agent seat (座席), keyed by the agent's job number (工号). The seat is the arbiter of offers:
/// it accepts at most one at a time, so when two queues race for it exactly one wins.
/// </summary>
[Alias("hotline.ISeatGrain")]
public interface ISeatGrain : IGrainWithStringKey, Hotline.Cluster.IReannounce
{
    [Alias("Get")] Task<SeatSnapshot> GetAsync();

    // The agent's own commands.
    [Alias("Login")] Task<SeatSnapshot> LoginAsync(SeatLogin login);
    [Alias("Ready")] Task<SeatSnapshot> ReadyAsync();
    [Alias("NotReady")] Task<SeatSnapshot> NotReadyAsync(string reason);
    [Alias("Logout")] Task<SeatSnapshot> LogoutAsync();
    [Alias("WrapUpDone")] Task<SeatSnapshot> WrapUpDoneAsync();
    [Alias("Answer")] Task<SeatSnapshot> AnswerAsync();
    [Alias("Hangup")] Task<SeatSnapshot> HangupAsync();
    [Alias("Hold")] Task<SeatSnapshot> HoldAsync(bool onHold);
    [Alias("Transfer")] Task<SeatSnapshot> TransferAsync(TransferTarget target);
    /// <summary>Call the supervisor (求助班长).</summary>
    [Alias("RequestHelp")] Task<SeatSnapshot> RequestHelpAsync(string? note);

    // Supervisor commands (班长席).
    [Alias("ForceNotReady")] Task<SeatSnapshot> ForceNotReadyAsync(string supervisorJobNo, string? reason);
    /// <summary>Force the seat to log out (勒令退出).</summary>
    [Alias("ForceLogout")] Task<SeatSnapshot> ForceLogoutAsync(string supervisorJobNo);
    [Alias("ClearHelp")] Task<SeatSnapshot> ClearHelpAsync(string supervisorJobNo);

    // Between grains.
    /// <summary>A queue asks to reserve the seat for an offer; false when the seat is not free.</summary>
    [Alias("TryReserve")] Task<bool> TryReserveAsync(SeatOffer offer);
    /// <summary>
    /// Holds a ready or not-ready seat for an outbound call its agent places (外呼): no queue offers it anything
    /// meanwhile. A seat that was not ready goes back to its reason when the call and its wrap-up are done.
    /// </summary>
    [Alias("TryReserveForOutbound")] Task<bool> TryReserveForOutboundAsync(SeatOffer offer);
    /// <summary>The reservation for this call ends without a conversation (the call went elsewhere).</summary>
    [Alias("ReleaseReservation")] Task ReleaseReservationAsync(string callId);
    /// <summary>The offered call was answered (by the desk or, later, by the phone).</summary>
    [Alias("OnCallAnswered")] Task OnCallAnsweredAsync(string callId);
    /// <summary>The offer rang out (ring-no-answer): the seat goes not ready with reason "no-answer".</summary>
    [Alias("OnRingNoAnswer")] Task OnRingNoAnswerAsync(string callId);
    /// <summary>The conversation ended: after-call work for the queue's wrap-up time, then ready.</summary>
    [Alias("OnCallEnded")] Task OnCallEndedAsync(string callId);
}
