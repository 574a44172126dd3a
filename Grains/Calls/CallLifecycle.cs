namespace Hotline.Calls;

/// <summary>What happens to a call: an agent's or supervisor's command, a party's move, or a signal between grains.</summary>
public enum CallCommand
{
    /// <summary>The trunk hands the call straight to a queue.</summary>
    Start,
    /// <summary>The trunk hands the call to the IVR (语音导航) first.</summary>
    BeginIvr,
    /// <summary>A seat places the call (外呼).</summary>
    DialOut,
    /// <summary>The IVR's "agent" choice.</summary>
    EnqueueFromIvr,
    /// <summary>The IVR ends the call (self-service done, voicemail, a failure).</summary>
    EndInIvr,
    /// <summary>The caller chose a language in the IVR (语种选择).</summary>
    ChooseLanguage,
    /// <summary>A queue offers the waiting call to a seat.</summary>
    Offer,
    /// <summary>The offered seat's agent answers.</summary>
    Answer,
    /// <summary>The offer rang out (ring-no-answer): back to the head of its line.</summary>
    RingOut,
    Hold,
    Resume,
    /// <summary>Blind transfer to a colleague's seat or to a queue (转接).</summary>
    Transfer,
    /// <summary>Blind transfer to a department or an outside number (转外线): the caller waits while it rings.</summary>
    TransferOut,
    /// <summary>A three-way call (三方通话) or an attended transfer's consultation (咨询转接).</summary>
    AddParty,
    DropParty,
    /// <summary>The attended transfer is completed: the consulted party takes the caller.</summary>
    CompleteTransfer,
    /// <summary>A supervisor monitors, whispers or barges in (监听/耳语/强插).</summary>
    Supervise,
    /// <summary>The edge reports the third party's phone: connected, failed, or left.</summary>
    PartyDialed,
    /// <summary>The edge reports the citizen's phone of an outbound call: connected or failed.</summary>
    Dialed,
    Hangup,
    /// <summary>The seat finished its after-call work (话后整理).</summary>
    WrapUpDone,
    /// <summary>The caller presses the callback digit while waiting (预约回拨).</summary>
    RequestCallback,
    /// <summary>The queue's maximum wait or a full queue: to voicemail or to a callback task.</summary>
    ExitQueue,
    /// <summary>The call also waits in an overflow queue (溢出).</summary>
    Overflow,
    /// <summary>The silo that held the call's media died.</summary>
    Lose,
}

/// <summary>Who asks. The API checks roles; the call checks who stands where in it.</summary>
public enum CallActor
{
    /// <summary>The caller or the citizen's side of the line.</summary>
    Caller,
    /// <summary>The seat the call is with: offered to, talking with, wrapping up.</summary>
    Seat,
    /// <summary>A seat the call is not with.</summary>
    OtherSeat,
    /// <summary>A supervisor joining the call.</summary>
    Supervisor,
    /// <summary>The one who brought the current third party in (the agent, or a supervisor on the line).</summary>
    PartyInitiator,
    /// <summary>The hotline itself: queues, timers, the edge, the IVR.</summary>
    System,
}

/// <summary>What a call must know about itself beyond its state for some decisions.</summary>
public readonly record struct CallFacts(
    bool IsCallback = false,
    bool Outbound = false,
    bool WasQueued = false,
    CallParticipant? Party = null,
    bool OnHold = false);

public enum CallOutcome
{
    /// <summary>Do it: the state becomes <see cref="CallDecision.Next"/> before the first await.</summary>
    Apply,
    /// <summary>Nothing to do: a retry of what was done, or a signal that came too late. Not an error.</summary>
    Keep,
    /// <summary>Refused: <see cref="CallDecision.ToException"/> says why.</summary>
    Refuse,
}

/// <summary>The answer to "may this happen to the call now, and what does it become?".</summary>
public sealed record CallDecision(CallState Current, CallCommand Command, CallOutcome Outcome, CallState Next, string? Code, string? Reason)
{
    public bool Applies => Outcome == CallOutcome.Apply;
    public bool Refused => Outcome == CallOutcome.Refuse;

    /// <summary>The domain exception for a refusal: <c>call.invalid_transition</c> (naming the current state) or <c>call.party_present</c>.</summary>
    public DomainException ToException(string callId) => Refused
        ? new DomainException(Code!, $"Call {callId} cannot {Names.Of(Command)} while {Names.Of(Current)}: {Reason}", Names.Of(Current))
        : throw new InvalidOperationException("Only a refusal has an exception.");
}

/// <summary>
/// The call's life cycle as one table: which command or signal is taken in which state, from whom, and what state
/// follows. <see cref="CallGrain"/> asks <see cref="Decide"/> and changes its state before its first await; what it
/// then tells the seat, the queues and the media follows from the decision. Tests assert every cell.
/// <para>The choices that are not givens:</para>
/// <list type="bullet">
/// <item>Start, BeginIvr and DialOut take a call that has not begun (<see cref="CallState.Arrived"/>); for a call
/// that has, they are retried hand-overs and change nothing.</item>
/// <item>A hang-up is taken in every state: in the IVR it ends the call; while waiting or ringing, the caller's is an
/// abandonment (放弃) and the hotline's an end; while talking it starts wrap-up; after, it changes nothing. The agent
/// hangs up only a call it talks on or an outbound call still ringing: an inbound offer is not the agent's to end.</item>
/// <item>Only the seat the call is with answers, holds, transfers, brings a party in and ends wrap-up; a third party
/// goes when that seat or whoever brought the party in says so.</item>
/// <item>One third party at a time: hold, transfer and a second party are refused while one is on the line
/// (<c>call.party_present</c>); a supervisor already on the line may change between monitor, whisper and barge.</item>
/// <item>Signals between grains that come too late (an offer to a call no longer waiting, a ring-out after the
/// answer, a wrap-up end for a call already ended) are kept, not refused: the sender's view was only older.</item>
/// </list>
/// </summary>
public static class CallLifecycle
{
    public const string InvalidTransition = "call.invalid_transition";
    public const string PartyPresent = "call.party_present";

    public static CallDecision Decide(CallState state, CallCommand command, CallActor actor = CallActor.System, CallFacts facts = default)
    {
        if (Actors(command) is { } allowed && !allowed.Contains(actor))
            return Refuse(state, command, InvalidTransition, $"not a command for {Names.Of(actor)}");

        return (command, state) switch
        {
            (CallCommand.Start, CallState.Arrived) => Apply(state, command, CallState.Queued),
            (CallCommand.BeginIvr, CallState.Arrived) => Apply(state, command, CallState.Ivr),
            (CallCommand.DialOut, CallState.Arrived) => Apply(state, command, CallState.Dialing),
            (CallCommand.Start or CallCommand.BeginIvr or CallCommand.DialOut, _) => Keep(state, command),

            (CallCommand.EnqueueFromIvr, CallState.Ivr) => Apply(state, command, CallState.Queued),
            (CallCommand.EnqueueFromIvr, _) when facts.WasQueued => Keep(state, command),
            (CallCommand.EndInIvr, CallState.Arrived or CallState.Ivr) => Apply(state, command, CallState.Ended),
            (CallCommand.ChooseLanguage, CallState.Ivr) => Apply(state, command, CallState.Ivr),
            (CallCommand.EndInIvr, _) when state.IsFinal() => Keep(state, command),

            (CallCommand.Offer, CallState.Queued or CallState.CallbackWaiting) => Apply(state, command, CallState.Offering),
            (CallCommand.Offer, _) => Keep(state, command),
            (CallCommand.Answer, CallState.Offering) => Apply(state, command, CallState.Talking),
            (CallCommand.RingOut, CallState.Offering) =>
                Apply(state, command, facts.IsCallback ? CallState.CallbackWaiting : CallState.Queued),
            (CallCommand.RingOut, _) => Keep(state, command),

            (CallCommand.Hold or CallCommand.Resume or CallCommand.Transfer or CallCommand.TransferOut or CallCommand.AddParty,
                CallState.Talking) when facts.Party is not null =>
                Refuse(state, command, PartyPresent, "a third party is on the line; end that first"),
            (CallCommand.Hold, CallState.Talking) when facts.OnHold => Keep(state, command),
            (CallCommand.Resume, CallState.Talking) when !facts.OnHold => Keep(state, command),
            (CallCommand.Hold or CallCommand.Resume or CallCommand.AddParty, CallState.Talking) => Apply(state, command, CallState.Talking),
            (CallCommand.Transfer, CallState.Talking) => Apply(state, command, CallState.Queued),
            (CallCommand.TransferOut, CallState.Talking) => Apply(state, command, CallState.Dialing),
            (CallCommand.DropParty, CallState.Talking) when facts.Party is null =>
                Refuse(state, command, InvalidTransition, "there is no third party on the line"),
            (CallCommand.DropParty, CallState.Talking) => Apply(state, command, CallState.Talking),
            (CallCommand.CompleteTransfer, CallState.Talking) when facts.Party is not { Role: ParticipantRole.Consultation, Connected: true } =>
                Refuse(state, command, InvalidTransition, "no consulted party is connected"),
            (CallCommand.CompleteTransfer, CallState.Talking) => Apply(state, command, CallState.Talking),
            (CallCommand.Supervise, CallState.Talking) when facts.Party is { Role: ParticipantRole.Monitor or ParticipantRole.Whisper or ParticipantRole.Barge, Connected: true } =>
                Apply(state, command, CallState.Talking), // the grain checks it is the same supervisor
            (CallCommand.Supervise, CallState.Talking) when facts.Party is not null =>
                Refuse(state, command, PartyPresent, "a third party is already on the line"),
            (CallCommand.Supervise, CallState.Talking) => Apply(state, command, CallState.Talking),

            (CallCommand.PartyDialed, CallState.Dialing) when facts.Party is { Role: ParticipantRole.TransferOut } =>
                Apply(state, command, CallState.Ended), // or back to its queue when nobody took it
            (CallCommand.PartyDialed, CallState.Talking) when facts.Party is not null => Apply(state, command, CallState.Talking),
            (CallCommand.PartyDialed, _) => Keep(state, command),
            (CallCommand.Dialed, CallState.Dialing) when facts.Outbound && facts.Party is null => Apply(state, command, CallState.Talking),
            (CallCommand.Dialed, _) => Keep(state, command),

            (CallCommand.Hangup, CallState.Talking) => Apply(state, command, CallState.Wrapup),
            (CallCommand.Hangup, CallState.Dialing) => Apply(state, command, CallState.Ended),
            (CallCommand.Hangup, _) when state.IsFinal() || state == CallState.Wrapup => Keep(state, command),
            (CallCommand.Hangup, _) when actor == CallActor.Seat =>
                Refuse(state, command, InvalidTransition, "an agent ends a call once talking, or an outbound call still ringing, not an offer"),
            (CallCommand.Hangup, CallState.Arrived or CallState.Ivr or CallState.CallbackWaiting) => Apply(state, command, CallState.Ended),
            (CallCommand.Hangup, CallState.Queued or CallState.Offering) =>
                Apply(state, command, actor == CallActor.Caller ? CallState.Abandoned : CallState.Ended),
            (CallCommand.WrapUpDone, CallState.Wrapup) => Apply(state, command, CallState.Ended),
            (CallCommand.WrapUpDone, _) => Keep(state, command),

            (CallCommand.RequestCallback, CallState.Queued) => Apply(state, command, CallState.CallbackWaiting),
            (CallCommand.ExitQueue, CallState.Queued) => Apply(state, command, CallState.Voicemail), // or a callback task
            (CallCommand.ExitQueue, _) => Keep(state, command),
            (CallCommand.Overflow, CallState.Queued or CallState.CallbackWaiting or CallState.Offering) => Apply(state, command, state),
            (CallCommand.Overflow, _) => Keep(state, command),
            (CallCommand.Lose, _) when !state.IsFinal() => Apply(state, command, CallState.Failed),
            (CallCommand.Lose, _) => Keep(state, command),

            _ => Refuse(state, command, InvalidTransition, "not in this state"),
        };
    }

    /// <summary>What the seat's own agent may do to the call now: the buttons the desk shows.</summary>
    public static IReadOnlyList<CallCommand> SeatCommandsIn(CallState state, CallFacts facts) =>
        AgentCommands.Where(c => Decide(state, c, CallActor.Seat, facts).Applies).ToList();

    /// <summary>
    /// The API names of <see cref="SeatCommandsIn"/>, worked out once per state and the facts they depend on (whether a
    /// party is on the line, its role and whether it answered): every snapshot of a call carries them.
    /// </summary>
    public static IReadOnlyList<string> SeatActionNames(CallState state, CallFacts facts) =>
        ActionNames.GetOrAdd((state, facts.IsCallback, facts.Outbound, facts.WasQueued, facts.OnHold, facts.Party?.Role, facts.Party?.Connected),
            static (_, arg) => SeatCommandsIn(arg.state, arg.facts).Select(Names.Of).ToList(), (state, facts));

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<
        (CallState, bool, bool, bool, bool, ParticipantRole?, bool?), IReadOnlyList<string>> ActionNames = new();

    private static readonly CallCommand[] AgentCommands =
    [
        CallCommand.Answer, CallCommand.Hangup, CallCommand.Hold, CallCommand.Resume, CallCommand.Transfer, CallCommand.TransferOut,
        CallCommand.AddParty, CallCommand.DropParty, CallCommand.CompleteTransfer,
    ];

    /// <summary>Who may give each command; null for anyone (the command's own rule decides).</summary>
    private static CallActor[]? Actors(CallCommand command) => command switch
    {
        CallCommand.Answer or CallCommand.Hold or CallCommand.Resume or CallCommand.Transfer or CallCommand.TransferOut
            or CallCommand.AddParty or CallCommand.CompleteTransfer or CallCommand.WrapUpDone => [CallActor.Seat],
        CallCommand.DropParty => [CallActor.Seat, CallActor.PartyInitiator],
        CallCommand.Supervise => [CallActor.Supervisor, CallActor.PartyInitiator],
        CallCommand.Hangup => [CallActor.Caller, CallActor.Seat, CallActor.System],
        CallCommand.RequestCallback => [CallActor.Caller],
        CallCommand.Start or CallCommand.BeginIvr or CallCommand.DialOut => null, // the trunk, the IVR or a seat's own call
        _ => [CallActor.System],
    };

    private static CallDecision Apply(CallState state, CallCommand command, CallState next) => new(state, command, CallOutcome.Apply, next, null, null);
    private static CallDecision Keep(CallState state, CallCommand command) => new(state, command, CallOutcome.Keep, state, null, null);
    private static CallDecision Refuse(CallState state, CallCommand command, string code, string reason) =>
        new(state, command, CallOutcome.Refuse, state, code, reason);
}
