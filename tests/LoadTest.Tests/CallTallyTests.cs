using Hotline.Calls;
using Hotline.LoadTest.Enqueue;

namespace Hotline.Tests;

public sealed class CallTallyTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 23, 9, 30, 0, TimeSpan.Zero);

    private static CallSnapshot Call(CallState state, bool answered = false) => new()
    {
        Id = "bench-1",
        State = state,
        AnsweredAt = answered ? At : null,
    };

    [Fact]
    public void Calls_are_answered_abandoned_ended_otherwise_or_lost()
    {
        var tally = new CallTally();
        tally.Add(Call(CallState.Ended, answered: true));
        tally.Add(Call(CallState.Ended, answered: true));
        tally.Add(Call(CallState.Abandoned));
        tally.Add(Call(CallState.Voicemail));
        tally.Add(Call(CallState.Ended));
        tally.Add(Call(CallState.Queued));
        tally.Add(Call(CallState.Talking, answered: true));
        tally.Add(null);

        Assert.Equal(2, tally.Answered);
        Assert.Equal(1, tally.Abandoned);
        Assert.Equal(new Dictionary<string, int> { ["ended"] = 1, ["voicemail"] = 1 }, tally.Other);
        Assert.Equal(3, tally.Lost);
        Assert.Equal(new Dictionary<string, int> { ["queued"] = 1, ["talking"] = 1, ["unreadable"] = 1 }, tally.LostIn);
        Assert.Equal(8, tally.Total);
    }
}
