using System.Diagnostics;
using Hotline.LoadTest.Reporting;
using Hotline.Queues;

namespace Hotline.LoadTest.Routing;

/// <summary>What one strategy measured.</summary>
public sealed record RoutingMeasurement(
    RoutingStrategy Strategy,
    long Decisions,
    TimeSpan Elapsed,
    Latency Cycle,
    Latency Next,
    Latency SeatBack,
    Latency CallIn,
    double AllocatedBytesPerDecision)
{
    /// <summary>Decisions per wall-clock second of the measured loop, harness work (new objects, histograms) included.</summary>
    public double DecisionsPerSecond => Decisions / Elapsed.TotalSeconds;
}

/// <summary>
/// A busy centre in steady state, as one queue's router sees it: the seats and waiting calls of
/// <see cref="RouteOptions"/>, where every decision is followed by the chosen seat coming back ready (its call
/// over) and a new call arriving, so the router's sizes never change. Simulated time advances 10 ms a decision.
/// </summary>
public sealed class RoutingWorkload
{
    private static readonly IReadOnlyList<string> NoLanguage = [];
    private static readonly IReadOnlyList<string> English = ["en"];
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 8, 30, 0, TimeSpan.FromHours(8));
    private static readonly TimeSpan DecisionGap = TimeSpan.FromMilliseconds(10);
    private static readonly double NanosecondsPerTick = 1e9 / Stopwatch.Frequency;

    private readonly RouteOptions _options;
    private readonly Random _random;
    private readonly Func<WaitingCall, int> _minimumLevel;
    private DateTimeOffset _now = Start;
    private long _sequence;

    public RoutingWorkload(RoutingStrategy strategy, RouteOptions options)
    {
        _options = options;
        _random = new Random(options.Seed);
        var minimumLevel = options.MinimumLevel;
        _minimumLevel = _ => minimumLevel;
        Router = new AcdRouter(strategy, new Random(options.Seed + 1));

        for (var i = 0; i < options.Seats; i++)
        {
            Router.AddSeat(new ReadySeat(
                $"{i + 1:D5}",
                _random.Next(AcdRouter.MinLevel, AcdRouter.MaxLevel + 1),
                _random.NextDouble() < options.EnglishSeatShare ? English : NoLanguage,
                Start - TimeSpan.FromSeconds(_random.Next(0, 1800)),
                _random.Next(0, 80),
                TimeSpan.FromSeconds(_random.Next(0, 4 * 3600))));
        }
        for (var i = 0; i < options.Calls; i++)
            Router.AddCall(NewCall(Start - TimeSpan.FromMilliseconds(_random.Next(0, 1_800_000))));
    }

    public AcdRouter Router { get; }

    /// <summary>Runs the warm-up, the timed decisions and the allocation count.</summary>
    public RoutingMeasurement Measure()
    {
        Run(_options.Warmup, null);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        var timings = new Timings();
        var started = Stopwatch.GetTimestamp();
        Run(_options.Decisions, timings);
        var elapsed = Stopwatch.GetElapsedTime(started);

        var allocated = _options.AllocationDecisions > 0
            ? (double)CountAllocations(_options.AllocationDecisions) / _options.AllocationDecisions
            : double.NaN;
        return new RoutingMeasurement(Router.Strategy, _options.Decisions, elapsed, timings.Cycle, timings.Next, timings.SeatBack, timings.CallIn, allocated);
    }

    /// <summary>
    /// One decision: <see cref="AcdRouter.Next"/>, then the seat back and a new call in. Only the router's calls
    /// are timed; the new objects are made between the timestamps.
    /// </summary>
    private void Run(int decisions, Timings? timings)
    {
        for (var i = 0; i < decisions; i++)
        {
            var call = NewCall(_now += DecisionGap);
            var t0 = Stopwatch.GetTimestamp();
            var match = Router.Next(_minimumLevel);
            var t1 = Stopwatch.GetTimestamp();
            var seat = Finished(match);
            var t2 = Stopwatch.GetTimestamp();
            Router.AddSeat(seat);
            var t3 = Stopwatch.GetTimestamp();
            Router.AddCall(call);
            var t4 = Stopwatch.GetTimestamp();
            if (timings is null) continue;
            timings.Next.Record(Nanoseconds(t1 - t0));
            timings.SeatBack.Record(Nanoseconds(t3 - t2));
            timings.CallIn.Record(Nanoseconds(t4 - t3));
            timings.Cycle.Record(Nanoseconds(t1 - t0 + t4 - t2));
        }
    }

    private static long Nanoseconds(long ticks) => (long)(ticks * NanosecondsPerTick);

    private sealed class Timings
    {
        public Latency Cycle { get; } = new("ns", 10_000_000_000);
        public Latency Next { get; } = new("ns", 10_000_000_000);
        public Latency SeatBack { get; } = new("ns", 10_000_000_000);
        public Latency CallIn { get; } = new("ns", 10_000_000_000);
    }

    /// <summary>Bytes allocated inside the router's calls alone, over untimed decisions.</summary>
    private long CountAllocations(int decisions)
    {
        long total = 0;
        for (var i = 0; i < decisions; i++)
        {
            var call = NewCall(_now += DecisionGap);
            var a0 = GC.GetAllocatedBytesForCurrentThread();
            var match = Router.Next(_minimumLevel);
            var a1 = GC.GetAllocatedBytesForCurrentThread();
            var seat = Finished(match);
            var a2 = GC.GetAllocatedBytesForCurrentThread();
            Router.AddSeat(seat);
            Router.AddCall(call);
            var a3 = GC.GetAllocatedBytesForCurrentThread();
            total += a1 - a0 + a3 - a2;
        }
        return total;
    }

    private WaitingCall NewCall(DateTimeOffset at)
    {
        var sequence = ++_sequence;
        var roll = _random.NextDouble();
        var priority = roll < 0.70 ? 0 : roll < 0.90 ? 1 : 2;
        var language = _random.NextDouble() < _options.EnglishCallShare ? "en" : null;
        return new WaitingCall($"c{sequence:D9}", at, priority, language, sequence);
    }

    /// <summary>The matched seat after its call: ready again from now, one call and some talk time more.</summary>
    private ReadySeat Finished(RoutingMatch? match)
    {
        if (match is not { Seat: var seat })
            throw new InvalidOperationException("The router found no seat for any waiting call; the population cannot be served.");
        return new ReadySeat(seat.JobNo, seat.Level, seat.Languages, _now, seat.CallsAnswered + 1,
            seat.TalkTime + TimeSpan.FromSeconds(_random.Next(30, 600)));
    }
}
