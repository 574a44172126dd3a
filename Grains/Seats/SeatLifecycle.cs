namespace Hotline.Seats;

/// <summary>What happens to a seat: an agent's or supervisor's command, or what its call or a queue tells it.</summary>
public enum SeatCommand
{
    /// <summary>签入: sign in to queues, or change the queues and languages while signed in.</summary>
    Login,
    /// <summary>示闲</summary>
    Ready,
    /// <summary>示忙, with a reason; during a call it takes effect when the call is done.</summary>
    NotReady,
    /// <summary>签出</summary>
    Logout,
    /// <summary>话后整理完成</summary>
    WrapUpDone,
    Answer,
    Hangup,
    Hold,
    Resume,
    Transfer,
    /// <summary>求助: call the supervisor.</summary>
    Help,
    ClearHelp,
    /// <summary>强制示忙</summary>
    ForceNotReady,
    /// <summary>强制签出</summary>
    ForceLogout,
    /// <summary>A queue (or a colleague's transfer) holds the seat for a call: nothing else may be offered.</summary>
    Reserve,
    /// <summary>The seat's own agent places a call (外呼).</summary>
    ReserveOutbound,
    /// <summary>The call held for the seat went elsewhere (the caller hung up, another seat took it).</summary>
    Release,
    /// <summary>The call says this seat answered it.</summary>
    CallAnswered,
    /// <summary>The offer rang out at this seat.</summary>
    RingOut,
    /// <summary>The call the seat was on is over for the seat.</summary>
    CallEnded,
    /// <summary>The wrap-up time ran out.</summary>
    WrapUpTimer,
}

/// <summary>Who asks: the seat's own agent, a supervisor, or the hotline (its calls, queues and timers).</summary>
public enum SeatActor { Agent, Supervisor, System }

/// <summary>What the seat must know beyond its state.</summary>
public readonly record struct SeatFacts(bool PendingLogout = false, bool PendingNotReady = false, bool HasWrapUp = false);

public enum SeatEffect
{
    /// <summary>The seat enters <see cref="SeatDecision.Next"/> now.</summary>
    Enter,
    /// <summary>The state stays; what the command changes (skills, the help flag) is recorded.</summary>
    Update,
    /// <summary>A not-ready or logout that waits until the call is done.</summary>
    Defer,
    /// <summary>The wrap-up ends now; the seat goes to <see cref="SeatDecision.Next"/> (what waited applies).</summary>
    EndWrapUp,
    /// <summary>A call control: the call's own life cycle decides (<c>CallLifecycle</c>).</summary>
    PassToCall,
    /// <summary>Nothing to do: already so, or a signal that came too late.</summary>
    Keep,
    Refuse,
}

/// <summary>The answer to "what does this command do to the seat now?".</summary>
public sealed record SeatDecision(SeatState Current, SeatCommand Command, SeatEffect Effect, SeatState Next, string? Code, string? Reason)
{
    public bool Refused => Effect == SeatEffect.Refuse;

    /// <summary><c>seat.not_logged_in</c>, <c>seat.busy</c> or <c>seat.invalid_transition</c>, naming the current state.</summary>
    public DomainException ToException(string jobNo) => Refused
        ? new DomainException(Code!, $"Seat {jobNo} cannot {Names.Of(Command)} while {Names.Of(Current)}: {Reason}", Names.Of(Current))
        : throw new InvalidOperationException("Only a refusal has an exception.");
}

/// <summary>
/// The seat's life cycle as one table: what each command and signal does in each state, who may give it, and the
/// state that follows. <see cref="SeatGrain"/> asks <see cref="Decide"/>, changes its state before its first await,
/// then tells its queues; the desk shows the commands <see cref="AgentCommandsIn"/> lists. Tests assert every cell.
/// <para>The choices that are not givens:</para>
/// <list type="bullet">
/// <item>A not-ready asked for while the phone rings or the agent talks waits for the call to end, the way agents ask
/// for a break mid-call; a supervisor's forced not-ready and forced logout wait the same way. The agent's own logout
/// during a call is refused: the agent finishes the call first.</item>
/// <item>Ready, not-ready and logout during wrap-up end the wrap-up at once, and the seat goes where they say.</item>
/// <item>After a call (wrap-up done, an offer withdrawn) a waiting logout wins over a waiting not-ready, which wins
/// over ready. A seat that rang out goes not ready (no answer), or out if a logout waited.</item>
/// <item>Answer, hang-up, hold and transfer are the call's to decide; the seat only checks it is on a call.</item>
/// <item>A seat is reserved for a queue's offer only when ready with nothing waiting; the agent's own outbound call
/// also from not ready (return visits are placed while out of the queues).</item>
/// </list>
/// </summary>
public static class SeatLifecycle
{
    public const string NotLoggedIn = "seat.not_logged_in";
    public const string Busy = "seat.busy";
    public const string InvalidTransition = "seat.invalid_transition";

    public static SeatDecision Decide(SeatState state, SeatCommand command, SeatActor actor, SeatFacts facts = default)
    {
        if (Actors(command) != actor)
            return Refuse(state, command, InvalidTransition, $"not a command for {Names.Of(actor)}");
        if (state == SeatState.LoggedOut && NeedsLogin(command))
            return Refuse(state, command, NotLoggedIn, "the seat is not logged in");

        var onCall = state is SeatState.Reserved or SeatState.Talking;
        return command switch
        {
            SeatCommand.Login when state == SeatState.LoggedOut => Enter(state, command, SeatState.NotReady),
            SeatCommand.Login when onCall => Refuse(state, command, Busy, "skills change between calls"),
            SeatCommand.Login => Update(state, command),

            SeatCommand.Ready when state == SeatState.Ready => Keep(state, command),
            SeatCommand.Ready when state == SeatState.NotReady => Enter(state, command, SeatState.Ready),
            SeatCommand.Ready when state == SeatState.Wrapup => EndWrapUp(state, command, AfterCall(facts)),

            SeatCommand.NotReady or SeatCommand.ForceNotReady when onCall => Defer(state, command),
            SeatCommand.NotReady or SeatCommand.ForceNotReady when state == SeatState.Wrapup => EndWrapUp(state, command, facts.PendingLogout ? SeatState.LoggedOut : SeatState.NotReady),
            SeatCommand.NotReady or SeatCommand.ForceNotReady => Enter(state, command, SeatState.NotReady),

            SeatCommand.Logout or SeatCommand.ForceLogout when state == SeatState.LoggedOut => Keep(state, command),
            SeatCommand.Logout when onCall => Refuse(state, command, InvalidTransition, "finish the call first"),
            SeatCommand.ForceLogout when onCall => Defer(state, command),
            SeatCommand.Logout or SeatCommand.ForceLogout when state == SeatState.Wrapup => EndWrapUp(state, command, SeatState.LoggedOut),
            SeatCommand.Logout or SeatCommand.ForceLogout => Enter(state, command, SeatState.LoggedOut),

            SeatCommand.WrapUpDone or SeatCommand.WrapUpTimer when state == SeatState.Wrapup => EndWrapUp(state, command, AfterCall(facts)),
            SeatCommand.WrapUpTimer => Keep(state, command),
            SeatCommand.Answer when state == SeatState.Reserved => PassToCall(state, command),
            SeatCommand.Hangup when onCall => PassToCall(state, command),
            SeatCommand.Hold or SeatCommand.Resume or SeatCommand.Transfer when state == SeatState.Talking => PassToCall(state, command),
            SeatCommand.Help or SeatCommand.ClearHelp => Update(state, command),

            SeatCommand.Reserve when state == SeatState.Ready && !facts.PendingLogout && !facts.PendingNotReady => Enter(state, command, SeatState.Reserved),
            SeatCommand.ReserveOutbound when state is SeatState.Ready or SeatState.NotReady && !facts.PendingLogout => Enter(state, command, SeatState.Reserved),
            SeatCommand.Reserve or SeatCommand.ReserveOutbound => Keep(state, command),
            SeatCommand.Release when state == SeatState.Reserved => Enter(state, command, AfterCall(facts)),
            SeatCommand.CallAnswered when state is SeatState.Reserved or SeatState.Ready or SeatState.NotReady => Enter(state, command, SeatState.Talking),
            SeatCommand.RingOut when state == SeatState.Reserved => Enter(state, command, facts.PendingLogout ? SeatState.LoggedOut : SeatState.NotReady),
            SeatCommand.CallEnded when state == SeatState.Talking && facts.HasWrapUp => Enter(state, command, SeatState.Wrapup),
            SeatCommand.CallEnded when onCall => EndWrapUp(state, command, AfterCall(facts)),
            SeatCommand.Release or SeatCommand.CallAnswered or SeatCommand.RingOut or SeatCommand.CallEnded => Keep(state, command),

            _ => Refuse(state, command, InvalidTransition, "not in this state"),
        };
    }

    /// <summary>Where a seat goes when its call is done: out if a logout waited, not ready if a not-ready did, else ready.</summary>
    public static SeatState AfterCall(SeatFacts facts) =>
        facts.PendingLogout ? SeatState.LoggedOut : facts.PendingNotReady ? SeatState.NotReady : SeatState.Ready;

    /// <summary>What the seat's own agent may do now: the buttons the desk enables.</summary>
    public static IReadOnlyList<SeatCommand> AgentCommandsIn(SeatState state, SeatFacts facts) =>
        AgentCommands.Where(c => Decide(state, c, SeatActor.Agent, facts).Effect is not (SeatEffect.Refuse or SeatEffect.Keep)).ToList();

    /// <summary>The API names of <see cref="AgentCommandsIn"/>, worked out once per state and facts: a seat's snapshot goes out on every heartbeat.</summary>
    public static IReadOnlyList<string> AgentActionNames(SeatState state, SeatFacts facts) =>
        ActionNames.GetOrAdd((state, facts), key => AgentCommandsIn(key.State, key.Facts).Select(Names.Of).ToList());

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(SeatState State, SeatFacts Facts), IReadOnlyList<string>> ActionNames = new();

    private static readonly SeatCommand[] AgentCommands =
    [
        SeatCommand.Login, SeatCommand.Ready, SeatCommand.NotReady, SeatCommand.Logout, SeatCommand.WrapUpDone,
        SeatCommand.Answer, SeatCommand.Hangup, SeatCommand.Hold, SeatCommand.Resume, SeatCommand.Transfer, SeatCommand.Help,
    ];

    private static SeatActor Actors(SeatCommand command) => command switch
    {
        SeatCommand.ClearHelp or SeatCommand.ForceNotReady or SeatCommand.ForceLogout => SeatActor.Supervisor,
        SeatCommand.Reserve or SeatCommand.ReserveOutbound or SeatCommand.Release or SeatCommand.CallAnswered
            or SeatCommand.RingOut or SeatCommand.CallEnded or SeatCommand.WrapUpTimer => SeatActor.System,
        _ => SeatActor.Agent,
    };

    private static bool NeedsLogin(SeatCommand command) => command is SeatCommand.Ready or SeatCommand.NotReady or SeatCommand.WrapUpDone
        or SeatCommand.Answer or SeatCommand.Hangup or SeatCommand.Hold or SeatCommand.Resume or SeatCommand.Transfer
        or SeatCommand.Help or SeatCommand.ForceNotReady;

    private static SeatDecision Enter(SeatState state, SeatCommand command, SeatState next) => new(state, command, SeatEffect.Enter, next, null, null);
    private static SeatDecision Update(SeatState state, SeatCommand command) => new(state, command, SeatEffect.Update, state, null, null);
    private static SeatDecision Defer(SeatState state, SeatCommand command) => new(state, command, SeatEffect.Defer, state, null, null);
    private static SeatDecision EndWrapUp(SeatState state, SeatCommand command, SeatState next) => new(state, command, SeatEffect.EndWrapUp, next, null, null);
    private static SeatDecision PassToCall(SeatState state, SeatCommand command) => new(state, command, SeatEffect.PassToCall, state, null, null);
    private static SeatDecision Keep(SeatState state, SeatCommand command) => new(state, command, SeatEffect.Keep, state, null, null);
    private static SeatDecision Refuse(SeatState state, SeatCommand command, string code, string reason) =>
        new(state, command, SeatEffect.Refuse, state, code, reason);
}
