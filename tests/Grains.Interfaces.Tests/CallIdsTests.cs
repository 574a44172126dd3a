using System.Text.RegularExpressions;
using Hotline.Calls;

namespace Hotline.Tests;

public sealed class CallIdsTests
{
    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now.ToUniversalTime();
    }

    [Fact]
    public void A_call_id_reads_as_prefix_then_utc_time_then_a_random_suffix()
    {
        var time = new FixedTime(new DateTimeOffset(2026, 11, 23, 9, 30, 0, TimeSpan.FromHours(8)));

        var id = CallIds.New("sim", time);

        Assert.Matches(new Regex("^sim-20261123T013000-[0-9a-f]{8}$"), id);
    }

    [Fact]
    public void Call_ids_made_in_the_same_second_differ()
    {
        var time = new FixedTime(new DateTimeOffset(2026, 11, 23, 1, 0, 0, TimeSpan.Zero));

        var ids = Enumerable.Range(0, 1000).Select(_ => CallIds.New("sim", time)).ToList();

        Assert.Equal(ids.Count, ids.Distinct().Count());
    }
}
