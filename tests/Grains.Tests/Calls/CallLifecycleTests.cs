using Hotline.Calls;
using static Hotline.Calls.CallCommand;

namespace Hotline.Tests.Calls;

/// <summary>
/// The call's life cycle, cell by cell. Each row is written out by hand: one cell per state, in the order of
/// <see cref="Columns"/>; a state name is "applied, and the call becomes this", <c>=</c> is "kept: nothing to do",
/// <c>x</c> is "refused" and <c>p</c> is "refused: a third party is on the line". A change to
/// <see cref="CallLifecycle"/> must change these rows too, or a test fails.
/// </summary>
public sealed class CallLifecycleTests
{
    private static readonly CallState[] Columns =
    [
        CallState.Arrived, CallState.Ivr, CallState.Queued, CallState.Offering, CallState.Talking, CallState.Wrapup,
        CallState.Ended, CallState.Abandoned, CallState.Voicemail, CallState.CallbackWaiting, CallState.Failed, CallState.Dialing,
    ];

    private static readonly CallParticipant Consulted = new(ParticipantRole.Consultation,
        new PartyAddress(PartyAddressKind.Seat, "1002", "1002"), "1001", Connected: true, DateTimeOffset.UnixEpoch);
    private static readonly CallParticipant Outside = new(ParticipantRole.TransferOut,
        new PartyAddress(PartyAddressKind.Number, "01012345678", null), "1001", Connected: false, DateTimeOffset.UnixEpoch);
    private static readonly CallParticipant Monitoring = new(ParticipantRole.Monitor,
        new PartyAddress(PartyAddressKind.Seat, "9001", "9001"), "9001", Connected: true, DateTimeOffset.UnixEpoch);

    public static TheoryData<string, CallCommand, CallActor, string, string> Rows() => new()
    {
        //                                                arrived  ivr     queued     offering   talking  wrapup ended aband voice callback  failed dialing
        { "start",            Start,            CallActor.System, "",          "queued  =       =          =          =        =      =     =     =     =         =      =" },
        { "begin ivr",        BeginIvr,         CallActor.System, "",          "ivr     =       =          =          =        =      =     =     =     =         =      =" },
        { "dial out",         DialOut,          CallActor.System, "",          "dialing =       =          =          =        =      =     =     =     =         =      =" },
        { "ivr agent",        EnqueueFromIvr,   CallActor.System, "",          "x       queued  x          x          x        x      x     x     x     x         x      x" },
        { "ivr agent again",  EnqueueFromIvr,   CallActor.System, "queued",    "=       queued  =          =          =        =      =     =     =     =         =      =" },
        { "language",         ChooseLanguage,   CallActor.System, "",          "x       ivr     x          x          x        x      x     x     x     x         x      x" },
        { "ivr end",          EndInIvr,         CallActor.System, "",          "ended   ended   x          x          x        x      =     =     =     x         =      x" },
        { "offer",            Offer,            CallActor.System, "",          "=       =       offering   =          =        =      =     =     =     offering  =      =" },
        { "answer",           Answer,           CallActor.Seat,   "",          "x       x       x          talking    x        x      x     x     x     x         x      x" },
        { "answer elsewhere", Answer,           CallActor.OtherSeat, "",       "x       x       x          x          x        x      x     x     x     x         x      x" },
        { "ring out",         RingOut,          CallActor.System, "",          "=       =       =          queued     =        =      =     =     =     =         =      =" },
        { "ring out task",    RingOut,          CallActor.System, "callback",  "=       =       =          callback_waiting = =     =     =     =     =         =      =" },
        { "hold",             Hold,             CallActor.Seat,   "",          "x       x       x          x          talking  x      x     x     x     x         x      x" },
        { "hold with party",  Hold,             CallActor.Seat,   "consulted", "x       x       x          x          p        x      x     x     x     x         x      x" },
        { "resume, not held", Resume,           CallActor.Seat,   "",          "x       x       x          x          =        x      x     x     x     x         x      x" },
        { "resume",           Resume,           CallActor.Seat,   "held",      "x       x       x          x          talking  x      x     x     x     x         x      x" },
        { "hold, held",       Hold,             CallActor.Seat,   "held",      "x       x       x          x          =        x      x     x     x     x         x      x" },
        { "transfer",         Transfer,         CallActor.Seat,   "",          "x       x       x          x          queued   x      x     x     x     x         x      x" },
        { "transfer by other", Transfer,        CallActor.OtherSeat, "",       "x       x       x          x          x        x      x     x     x     x         x      x" },
        { "transfer with party", Transfer,      CallActor.Seat,   "monitor",   "x       x       x          x          p        x      x     x     x     x         x      x" },
        { "transfer out",     TransferOut,      CallActor.Seat,   "",          "x       x       x          x          dialing  x      x     x     x     x         x      x" },
        { "add party",        AddParty,         CallActor.Seat,   "",          "x       x       x          x          talking  x      x     x     x     x         x      x" },
        { "second party",     AddParty,         CallActor.Seat,   "consulted", "x       x       x          x          p        x      x     x     x     x         x      x" },
        { "drop no party",    DropParty,        CallActor.Seat,   "",          "x       x       x          x          x        x      x     x     x     x         x      x" },
        { "drop party",       DropParty,        CallActor.Seat,   "consulted", "x       x       x          x          talking  x      x     x     x     x         x      x" },
        { "initiator drops",  DropParty,        CallActor.PartyInitiator, "monitor", "x x     x          x          talking  x      x     x     x     x         x      x" },
        { "complete",         CompleteTransfer, CallActor.Seat,   "consulted", "x       x       x          x          talking  x      x     x     x     x         x      x" },
        { "complete no party", CompleteTransfer, CallActor.Seat,  "",          "x       x       x          x          x        x      x     x     x     x         x      x" },
        { "supervise",        Supervise,        CallActor.Supervisor, "",      "x       x       x          x          talking  x      x     x     x     x         x      x" },
        { "supervise again",  Supervise,        CallActor.Supervisor, "monitor", "x     x       x          x          talking  x      x     x     x     x         x      x" },
        { "supervise party",  Supervise,        CallActor.Supervisor, "consulted", "x   x       x          x          p        x      x     x     x     x         x      x" },
        { "party rang out",   PartyDialed,      CallActor.System, "outside",   "=       =       =          =          talking  =      =     =     =     =         =      ended" },
        { "party none",       PartyDialed,      CallActor.System, "",          "=       =       =          =          =        =      =     =     =     =         =      =" },
        { "dialled",          Dialed,           CallActor.System, "outbound",  "=       =       =          =          =        =      =     =     =     =         =      talking" },
        { "dialled inbound",  Dialed,           CallActor.System, "",          "=       =       =          =          =        =      =     =     =     =         =      =" },
        { "caller hangs up",  Hangup,           CallActor.Caller, "",          "ended   ended   abandoned  abandoned  wrapup   =      =     =     =     ended     =      ended" },
        { "system hangs up",  Hangup,           CallActor.System, "",          "ended   ended   ended      ended      wrapup   =      =     =     =     ended     =      ended" },
        { "agent hangs up",   Hangup,           CallActor.Seat,   "",          "x       x       x          x          wrapup   =      =     =     =     x         =      ended" },
        { "other hangs up",   Hangup,           CallActor.OtherSeat, "",       "x       x       x          x          x        x      x     x     x     x         x      x" },
        { "wrap-up done",     WrapUpDone,       CallActor.Seat,   "",          "=       =       =          =          =        ended  =     =     =     =         =      =" },
        { "callback",         RequestCallback,  CallActor.Caller, "",          "x       x       callback_waiting x    x        x      x     x     x     x         x      x" },
        { "exit queue",       ExitQueue,        CallActor.System, "",          "=       =       voicemail  =          =        =      =     =     =     =         =      =" },
        { "overflow",         Overflow,         CallActor.System, "",          "=       =       queued     offering   =        =      =     =     =     callback_waiting = =" },
        { "lose",             Lose,             CallActor.System, "",          "failed  failed  failed     failed     failed   failed =     =     =     failed    =      failed" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Every_state_takes_the_command_as_the_row_says(string row, CallCommand command, CallActor actor, string facts, string cells)
    {
        var expected = cells.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(expected.Length == Columns.Length, $"row '{row}' has {expected.Length} cells");
        for (var i = 0; i < Columns.Length; i++)
        {
            var decision = CallLifecycle.Decide(Columns[i], command, actor, Facts(facts));
            Assert.True(expected[i] == Cell(decision), $"{row}: {Names.Of(command)} by {Names.Of(actor)} while {Names.Of(Columns[i])} is {Cell(decision)}, the table says {expected[i]}");
        }
    }

    [Fact]
    public void Every_command_has_a_row()
    {
        var covered = Rows().Select(r => (CallCommand)r[1]).ToHashSet();
        Assert.All(Enum.GetValues<CallCommand>(), c => Assert.Contains(c, covered));
    }

    [Fact]
    public void A_refusal_names_the_current_state_and_a_stable_code()
    {
        var held = CallLifecycle.Decide(CallState.Talking, Hold, CallActor.Seat, new CallFacts(Party: Consulted)).ToException("c1");
        Assert.Equal(("call.party_present", "talking"), (held.Code, held.CurrentState));

        var answered = CallLifecycle.Decide(CallState.Queued, Answer, CallActor.Seat).ToException("c1");
        Assert.Equal(("call.invalid_transition", "queued", 409), (answered.Code, answered.CurrentState, answered.Status));
    }

    [Fact]
    public void The_desk_offers_what_the_table_allows_the_seat()
    {
        Assert.Equal([Answer], CallLifecycle.SeatCommandsIn(CallState.Offering, default));
        Assert.Equal([Hangup], CallLifecycle.SeatCommandsIn(CallState.Dialing, new CallFacts(Outbound: true)));
        Assert.Equal([Hangup, Hold, Transfer, TransferOut, AddParty], CallLifecycle.SeatCommandsIn(CallState.Talking, default));
        Assert.Equal([Hangup, Resume, Transfer, TransferOut, AddParty], CallLifecycle.SeatCommandsIn(CallState.Talking, new CallFacts(OnHold: true)));
        Assert.Equal([Hangup, DropParty, CompleteTransfer], CallLifecycle.SeatCommandsIn(CallState.Talking, new CallFacts(Party: Consulted)));
        Assert.Empty(CallLifecycle.SeatCommandsIn(CallState.Wrapup, default));
        Assert.Equal(["hangup", "resume", "transfer", "transfer_out", "add_party"], CallLifecycle.SeatActionNames(CallState.Talking, new CallFacts(OnHold: true)));
        var later = Consulted with { Since = DateTimeOffset.UnixEpoch.AddHours(1), By = "1003" }; // same role, same answer: same buttons
        Assert.Equal(["hangup", "drop_party", "complete_transfer"], CallLifecycle.SeatActionNames(CallState.Talking, new CallFacts(Party: Consulted)));
        Assert.Equal(["hangup", "drop_party", "complete_transfer"], CallLifecycle.SeatActionNames(CallState.Talking, new CallFacts(Party: later)));
        Assert.Equal(["hangup", "drop_party"], CallLifecycle.SeatActionNames(CallState.Talking, new CallFacts(Party: Consulted with { Connected = false })));
    }

    [Fact]
    public void Ended_abandoned_voicemail_and_failed_are_the_final_states()
    {
        Assert.Equal([CallState.Ended, CallState.Abandoned, CallState.Voicemail, CallState.Failed],
            Enum.GetValues<CallState>().Where(s => s.IsFinal()));
    }

    private static string Cell(CallDecision d) => d.Outcome switch
    {
        CallOutcome.Apply => Names.Of(d.Next),
        CallOutcome.Keep => "=",
        _ => d.Code == CallLifecycle.PartyPresent ? "p" : "x",
    };

    private static CallFacts Facts(string name) => name switch
    {
        "" => default,
        "queued" => new CallFacts(WasQueued: true),
        "callback" => new CallFacts(IsCallback: true),
        "outbound" => new CallFacts(Outbound: true),
        "consulted" => new CallFacts(Party: Consulted),
        "outside" => new CallFacts(Party: Outside),
        "monitor" => new CallFacts(Party: Monitoring),
        "held" => new CallFacts(OnHold: true),
        _ => throw new ArgumentException(name),
    };
}
