using Hotline.Silo.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Hotline.Tests.Hosting;

public sealed class CallDrainTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(600);

    [Fact]
    public async Task Drain_ends_at_once_when_no_call_is_talking()
    {
        var time = new FakeTimeProvider();

        var left = await CallDrain.WaitForCallsToEndAsync(() => 0, Limit, time, CancellationToken.None);

        Assert.Equal(0, left);
    }

    [Fact]
    public async Task Drain_ends_when_the_last_call_hangs_up_before_the_limit()
    {
        var time = new FakeTimeProvider();
        var calls = 2;

        var drain = CallDrain.WaitForCallsToEndAsync(() => Volatile.Read(ref calls), Limit, time, CancellationToken.None);
        Assert.False(drain.IsCompleted);
        Volatile.Write(ref calls, 0);
        time.Advance(CallDrain.Poll);

        Assert.Equal(0, await drain.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Drain_gives_up_at_the_limit_and_reports_the_calls_still_talking()
    {
        var time = new FakeTimeProvider();

        var drain = CallDrain.WaitForCallsToEndAsync(() => 3, Limit, time, CancellationToken.None);
        Assert.False(drain.IsCompleted);
        time.Advance(Limit);

        Assert.Equal(3, await drain.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Drain_stops_waiting_when_the_host_gives_up_first()
    {
        var time = new FakeTimeProvider();
        using var host = new CancellationTokenSource();

        var drain = CallDrain.WaitForCallsToEndAsync(() => 1, Limit, time, host.Token);
        await host.CancelAsync();

        Assert.Equal(1, await drain.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void Host_shutdown_timeout_covers_the_drain_and_the_silo_leaving()
    {
        var settings = new SiloSettings { DrainSeconds = 600 };

        Assert.Equal(TimeSpan.FromSeconds(630), CallDrain.ShutdownTimeout(settings));
    }
}
