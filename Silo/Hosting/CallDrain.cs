using Hotline.Edge;

namespace Hotline.Silo.Hosting;

/// <summary>
/// Graceful shutdown of the telephony edge. Registered after the edge, so the host stops it first: on SIGTERM the edge
/// refuses new calls (503, the SIP balancer tries another silo) and the calls already talking go on for up to
/// <see cref="SiloSettings.DrainSeconds"/>; then the edge stops and hangs up what is left, and only then the silo leaves
/// the cluster and moves its grains.
/// </summary>
public sealed class CallDrain(EdgeHost edge, SiloSettings settings, TimeProvider time, ILogger<CallDrain> logger) : IHostedService
{
    /// <summary>How often the drain looks whether the calls have ended.</summary>
    public static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        edge.StopTakingCalls();
        if (settings.DrainSeconds == 0 || edge.ActiveCalls == 0) return;
        var limit = TimeSpan.FromSeconds(settings.DrainSeconds);
        logger.LogInformation("Waiting up to {Seconds} s for {Calls} calls to end", settings.DrainSeconds, edge.ActiveCalls);
        var left = await WaitForCallsToEndAsync(() => edge.ActiveCalls, limit, time, cancellationToken);
        if (left == 0) logger.LogInformation("Drained: every call on this silo's edge has ended");
        else logger.LogWarning("Drain time is up: {Calls} calls still talking will be hung up", left);
    }

    /// <summary>Waits until <paramref name="activeCalls"/> reads 0, the limit passes or the host gives up; returns the calls left.</summary>
    public static async Task<int> WaitForCallsToEndAsync(Func<int> activeCalls, TimeSpan limit, TimeProvider time, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        while (true)
        {
            var left = activeCalls();
            if (left == 0 || time.GetElapsedTime(started) >= limit) return left;
            try
            {
                await Task.Delay(Poll, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // The host's shutdown timeout is up: it stops the edge next, which hangs up the rest.
                return activeCalls();
            }
        }
    }

    /// <summary>How long the host may take to stop: the drain, then the edge's hang-ups and the silo leaving the cluster.</summary>
    public static TimeSpan ShutdownTimeout(SiloSettings settings) => TimeSpan.FromSeconds(settings.DrainSeconds + 30);
}
