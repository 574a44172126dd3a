using System.Diagnostics;
using Hotline.Diagnostics;
using Hotline.LoadTest.Enqueue;
using Hotline.LoadTest.Reporting;

namespace Hotline.LoadTest.Load;

/// <summary>
/// A closed loop of empty grain calls (<see cref="IPingGrain"/>): the most grain calls per second this cluster
/// serves on this machine, the ceiling every other figure is shown against.
/// </summary>
public sealed class PingLoad(IClusterClient client, int concurrency, int grains)
{
    private long _started;
    private long _done;
    private long _failed;

    public Latency Ping { get; } = new("us", 60_000_000);
    public ErrorLog Errors { get; } = new();
    public long Done => Interlocked.Read(ref _done);
    public long Failed => Interlocked.Read(ref _failed);
    public TimeSpan Elapsed => _started == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(_started);

    /// <summary>Warms the grains up (activations are not what is measured), then runs for the duration; returns calls per second.</summary>
    public async Task<double> RunAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        await Parallel.ForEachAsync(Enumerable.Range(0, grains), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken },
            async (i, _) => await client.GetGrain<IPingGrain>(i).PingAsync());
        _started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var key = w % grains;
            while (Stopwatch.GetElapsedTime(_started) < duration && !cancellationToken.IsCancellationRequested)
            {
                var at = Stopwatch.GetTimestamp();
                try
                {
                    await client.GetGrain<IPingGrain>(key).PingAsync();
                    Ping.Record((long)Stopwatch.GetElapsedTime(at).TotalMicroseconds);
                    Interlocked.Increment(ref _done);
                }
                catch (Exception e) when (ErrorLog.IsClusterFailure(e))
                {
                    Interlocked.Increment(ref _failed);
                    Errors.Add("ping", e);
                }
                key = (key + concurrency) % grains;
            }
        }, CancellationToken.None)).ToList();
        await Task.WhenAll(workers);
        return Done / Stopwatch.GetElapsedTime(_started).TotalSeconds;
    }
}
