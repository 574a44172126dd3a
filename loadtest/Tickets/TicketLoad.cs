using System.Diagnostics;
using Hotline.LoadTest.Enqueue;
using Hotline.LoadTest.Load;
using Hotline.LoadTest.Reporting;
using Hotline.Tickets;

namespace Hotline.LoadTest.Tickets;

/// <summary>
/// Sends <see cref="ITicketIntakeGrain.RegisterAsync"/> calls, either as Poisson arrivals (open model: sent on
/// schedule without waiting for earlier ones) or as a closed loop of a fixed number of outstanding calls, and
/// records each registration's round trip.
/// </summary>
public sealed class TicketLoad(IClusterClient client, TicketsOptions options)
{
    private readonly ITicketIntakeGrain _intake = client.GetGrain<ITicketIntakeGrain>(0);
    private readonly Random _random = new(options.Seed);
    private readonly Lock _randomLock = new();
    private long _started;
    private long _sent;
    private long _succeeded;
    private long _measuredSucceeded;
    private long _failed;
    private long _inFlight;
    private long _lastCompletion;

    /// <summary>Round trip of each successful registration sent after the warm-up, in µs.</summary>
    public Latency Registration { get; } = new("us", 600_000_000);
    /// <summary>Open model: how late each arrival was sent after its scheduled time, in µs.</summary>
    public Latency ScheduleLag { get; } = new("us", 600_000_000);
    public ErrorLog Errors { get; } = new();
    /// <summary>Numbers of the orders the hotline acknowledged (RegisterAsync returned): each must be in the database afterwards.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Acknowledged { get; } = new();

    public long Sent => Interlocked.Read(ref _sent);
    public long Succeeded => Interlocked.Read(ref _succeeded);
    /// <summary>Successes among the registrations sent after the warm-up.</summary>
    public long MeasuredSucceeded => Interlocked.Read(ref _measuredSucceeded);
    public long Failed => Interlocked.Read(ref _failed);
    public long InFlight => Interlocked.Read(ref _inFlight);
    public TimeSpan Elapsed => _started == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(_started);
    /// <summary>From the start to the last registration that finished.</summary>
    public TimeSpan LastCompletion => _lastCompletion == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(_started, Interlocked.Read(ref _lastCompletion));

    /// <summary>Poisson arrivals for the run's duration; returns the arrival window.</summary>
    public async Task<TimeSpan> RunOpenAsync(double rate, CancellationToken cancellationToken)
    {
        var arrivals = new PoissonArrivals(rate, new Random(options.Seed + 1));
        _started = Stopwatch.GetTimestamp();
        try
        {
            foreach (var offset in arrivals.Schedule(options.Duration))
            {
                var wait = offset - Stopwatch.GetElapsedTime(_started);
                if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait, cancellationToken);
                cancellationToken.ThrowIfCancellationRequested();
                ScheduleLag.Record((long)(Stopwatch.GetElapsedTime(_started) - offset).TotalMicroseconds);
                _ = RegisterOnceAsync(measured: offset >= options.Warmup);
            }
            var rest = options.Duration - Stopwatch.GetElapsedTime(_started);
            if (rest > TimeSpan.Zero) await Task.Delay(rest, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped by the user: what was sent is drained and reported.
        }
        return Stopwatch.GetElapsedTime(_started);
    }

    /// <summary><see cref="TicketsOptions.Concurrency"/> workers, each sending its next registration when the last one returns.</summary>
    public async Task<TimeSpan> RunClosedAsync(CancellationToken cancellationToken)
    {
        _started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(async () =>
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var at = Stopwatch.GetElapsedTime(_started);
                if (at >= options.Duration) break;
                if (!await RegisterOnceAsync(measured: at >= options.Warmup))
                    await Task.Delay(10, CancellationToken.None); // a failing cluster is not hammered in a tight loop
            }
        }, CancellationToken.None)).ToList();
        await Task.WhenAll(workers);
        return Stopwatch.GetElapsedTime(_started);
    }

    /// <summary>Waits until nothing is outstanding or the grace period is over; true when all finished.</summary>
    public async Task<bool> DrainAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(options.Grace.TotalSeconds * Stopwatch.Frequency);
        while (InFlight > 0 && Stopwatch.GetTimestamp() < deadline && !cancellationToken.IsCancellationRequested)
            await Task.Delay(100, CancellationToken.None);
        return InFlight == 0;
    }

    private async Task<bool> RegisterOnceAsync(bool measured)
    {
        TicketIntake intake;
        lock (_randomLock) intake = TicketIntakes.Next(_random);
        Interlocked.Increment(ref _sent);
        Interlocked.Increment(ref _inFlight);
        var sentAt = Stopwatch.GetTimestamp();
        try
        {
            var registered = await _intake.RegisterAsync(intake, TicketIntakes.By);
            Acknowledged.Enqueue(registered.Number);
            var now = Stopwatch.GetTimestamp();
            Interlocked.Increment(ref _succeeded);
            if (measured)
            {
                Interlocked.Increment(ref _measuredSucceeded);
                Registration.Record((long)Stopwatch.GetElapsedTime(sentAt, now).TotalMicroseconds);
            }
            return true;
        }
        catch (Exception e)
        {
            Interlocked.Increment(ref _failed);
            Errors.Add("RegisterAsync", e);
            return false;
        }
        finally
        {
            Interlocked.Exchange(ref _lastCompletion, Stopwatch.GetTimestamp());
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
