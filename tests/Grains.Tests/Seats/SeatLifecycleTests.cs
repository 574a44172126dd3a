using Hotline.Seats;
using static Hotline.Seats.SeatCommand;

namespace Hotline.Tests.Seats;

/// <summary>
/// The seat's life cycle, cell by cell, one cell per state in the order of <see cref="Columns"/>: a state name is
/// "the seat enters it now", <c>end&gt;state</c> "the wrap-up ends and the seat goes there", <c>u</c> "recorded, the
/// state stays", <c>d</c> "waits until the call is done", <c>call</c> "the call decides", <c>=</c> "nothing to do",
/// <c>x</c> refused, <c>o</c> refused as not logged in, <c>b</c> refused as busy on a call. Written out by hand: a
/// change to <see cref="SeatLifecycle"/> must change these rows too.
/// </summary>
public sealed class SeatLifecycleTests
{
    private static readonly SeatState[] Columns =
        [SeatState.LoggedOut, SeatState.Ready, SeatState.NotReady, SeatState.Reserved, SeatState.Talking, SeatState.Wrapup];

    public static TheoryData<string, SeatCommand, SeatActor, string, string> Rows() => new()
    {
        //                                                                 logged_out  ready      not_ready  reserved   talking  wrapup
        { "login",                 Login,         SeatActor.Agent, "",               "not_ready  u          u          b          b        u" },
        { "ready",                 Ready,         SeatActor.Agent, "",               "o          =          ready      x          x        end>ready" },
        { "ready, break waiting",  Ready,         SeatActor.Agent, "not-ready",      "o          =          ready      x          x        end>not_ready" },
        { "not ready",             SeatCommand.NotReady, SeatActor.Agent, "",        "o          not_ready  not_ready  d          d        end>not_ready" },
        { "not ready, out waiting", SeatCommand.NotReady, SeatActor.Agent, "logout", "o          not_ready  not_ready  d          d        end>logged_out" },
        { "logout",                Logout,        SeatActor.Agent, "",               "=          logged_out logged_out x          x        end>logged_out" },
        { "wrap-up done",          WrapUpDone,    SeatActor.Agent, "",               "o          x          x          x          x        end>ready" },
        { "answer",                Answer,        SeatActor.Agent, "",               "o          x          x          call       x        x" },
        { "hang up",               Hangup,        SeatActor.Agent, "",               "o          x          x          call       call     x" },
        { "hold",                  Hold,          SeatActor.Agent, "",               "o          x          x          x          call     x" },
        { "resume",                Resume,        SeatActor.Agent, "",               "o          x          x          x          call     x" },
        { "transfer",              Transfer,      SeatActor.Agent, "",               "o          x          x          x          call     x" },
        { "help",                  Help,          SeatActor.Agent, "",               "o          u          u          u          u        u" },
        { "clear help",            ClearHelp,     SeatActor.Supervisor, "",          "u          u          u          u          u        u" },
        { "force not ready",       ForceNotReady, SeatActor.Supervisor, "",          "o          not_ready  not_ready  d          d        end>not_ready" },
        { "force logout",          ForceLogout,   SeatActor.Supervisor, "",          "=          logged_out logged_out d          d        end>logged_out" },
        { "agent forces",          ForceLogout,   SeatActor.Agent, "",               "x          x          x          x          x        x" },
        { "supervisor answers",    Answer,        SeatActor.Supervisor, "",          "x          x          x          x          x        x" },
        { "reserve",               Reserve,       SeatActor.System, "",              "=          reserved   =          =          =        =" },
        { "reserve, break waiting", Reserve,      SeatActor.System, "not-ready",     "=          =          =          =          =        =" },
        { "reserve outbound",      ReserveOutbound, SeatActor.System, "",            "=          reserved   reserved   =          =        =" },
        { "reserve out, out waiting", ReserveOutbound, SeatActor.System, "logout",   "=          =          =          =          =        =" },
        { "release",               Release,       SeatActor.System, "",              "=          =          =          ready      =        =" },
        { "release, out waiting",  Release,       SeatActor.System, "logout",        "=          =          =          logged_out =        =" },
        { "answered",              CallAnswered,  SeatActor.System, "",              "=          talking    talking    talking    =        =" },
        { "rang out",              RingOut,       SeatActor.System, "",              "=          =          =          not_ready  =        =" },
        { "rang out, out waiting", RingOut,       SeatActor.System, "logout",        "=          =          =          logged_out =        =" },
        { "call ended",            CallEnded,     SeatActor.System, "wrap-up",       "=          =          =          end>ready  wrapup   =" },
        { "call ended, no wrap-up", CallEnded,    SeatActor.System, "",              "=          =          =          end>ready  end>ready =" },
        { "wrap-up time up",       WrapUpTimer,   SeatActor.System, "",              "=          =          =          =          =        end>ready" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Every_state_takes_the_command_as_the_row_says(string row, SeatCommand command, SeatActor actor, string facts, string cells)
    {
        var expected = cells.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(expected.Length == Columns.Length, $"row '{row}' has {expected.Length} cells");
        for (var i = 0; i < Columns.Length; i++)
        {
            var decision = SeatLifecycle.Decide(Columns[i], command, actor, Facts(facts));
            Assert.True(expected[i] == Cell(decision), $"{row}: {Names.Of(command)} by {Names.Of(actor)} while {Names.Of(Columns[i])} is {Cell(decision)}, the table says {expected[i]}");
        }
    }

    [Fact]
    public void Every_command_has_a_row()
    {
        var covered = Rows().Select(r => (SeatCommand)r[1]).ToHashSet();
        Assert.All(Enum.GetValues<SeatCommand>(), c => Assert.Contains(c, covered));
    }

    [Fact]
    public void The_desk_enables_a_break_and_sign_out_in_wrap_up_and_a_break_while_talking()
    {
        Assert.Equal([Login, Ready, SeatCommand.NotReady, Logout, WrapUpDone, Help], SeatLifecycle.AgentCommandsIn(SeatState.Wrapup, default));
        Assert.Equal([SeatCommand.NotReady, Hangup, Hold, Resume, Transfer, Help], SeatLifecycle.AgentCommandsIn(SeatState.Talking, default));
        Assert.Equal([Login], SeatLifecycle.AgentCommandsIn(SeatState.LoggedOut, default));
        Assert.Equal(["not_ready", "hangup", "hold", "resume", "transfer", "help"], SeatLifecycle.AgentActionNames(SeatState.Talking, default));
    }

    [Fact]
    public void A_refusal_says_whether_the_seat_is_signed_out_or_busy()
    {
        Assert.Equal(("seat.not_logged_in", "logged_out"), Refusal(SeatState.LoggedOut, Ready));
        Assert.Equal(("seat.busy", "talking"), Refusal(SeatState.Talking, Login));
        Assert.Equal(("seat.invalid_transition", "reserved"), Refusal(SeatState.Reserved, Logout));
    }

    private static (string, string?) Refusal(SeatState state, SeatCommand command)
    {
        var e = SeatLifecycle.Decide(state, command, SeatActor.Agent).ToException("1001");
        return (e.Code, e.CurrentState);
    }

    private static string Cell(SeatDecision d) => d.Effect switch
    {
        SeatEffect.Enter => Names.Of(d.Next),
        SeatEffect.EndWrapUp => $"end>{Names.Of(d.Next)}",
        SeatEffect.Update => "u",
        SeatEffect.Defer => "d",
        SeatEffect.PassToCall => "call",
        SeatEffect.Keep => "=",
        _ => d.Code switch { SeatLifecycle.NotLoggedIn => "o", SeatLifecycle.Busy => "b", _ => "x" },
    };

    private static SeatFacts Facts(string name) => name switch
    {
        "" => default,
        "not-ready" => new SeatFacts(PendingNotReady: true),
        "logout" => new SeatFacts(PendingLogout: true),
        "wrap-up" => new SeatFacts(HasWrapUp: true),
        _ => throw new ArgumentException(name),
    };
}
