using System.Globalization;
using Hotline.LoadTest.Cli;
using Hotline.LoadTest.Enqueue;
using Hotline.Queues;

namespace Hotline.LoadTest.Scenarios;

/// <summary>Settings of the <c>calls</c> scenario: the call-centre simulation, and the work orders sent beside it.</summary>
public sealed record CallsOptions
{
    public required EnqueueOptions Simulation { get; init; }
    /// <summary>Answered within this long after entering the queue counts for the service level.</summary>
    public TimeSpan ServiceLevel { get; init; } = TimeSpan.FromSeconds(20);
    /// <summary>Work-order registrations per second sent beside the calls (the drills count them against the database).</summary>
    public double TicketsRate { get; init; }
    /// <summary>Measure the silo's heap per idle seat and per active call (one silo only).</summary>
    public bool Memory { get; init; } = true;
    /// <summary>After the load, measure the same-run baseline and show the figures as shares of it.</summary>
    public bool Baseline { get; init; }

    // Compressed times: a simulated minute of a hotline in seconds, so that a short run cycles every seat many times.
    public const string Usage = """
          --rate N                 Poisson call arrivals per second (default 20)
          --duration D             how long calls arrive, e.g. 60s, 10m (default 60s)
          --agents N               simulated agents logged in and ready (default 50)
          --think D                mean exponential time an agent takes to pick up an offer (default 200ms)
          --talk D                 mean exponential talk time (default 600ms)
          --wrap-up D              mean exponential after-call work (default 200ms)
          --patience D             mean exponential patience of a waiting caller, who then hangs up (default 20s; 0 = forever)
          --service-level D        answered within this long in the queue counts for the service level (default 20s)
          --tickets-rate N         work-order registrations per second beside the calls (default 0; 5 with a drill)
          --no-memory              do not measure the silo's heap per seat and per call
          --baseline               afterwards, measure the empty-grain call rate and pgbench's insert rate on the same cluster and show ratios
          --warmup D               calls arriving in this first part are left out of the latencies (default 5s)
          --grace D                after the last arrival, time for calls to end on their own (default 30s or five mean call lengths);
                                   then the driver's agents hang up and waiting callers give up, and a call the hotline
                                   has not ended 30 s later counts as lost
          --offers stream|poll     how agents learn of offers (default stream, as the agent desk)
          --poll-interval D        with --offers poll, how often a waiting call is read (default 200ms)
          --ring-timeout S         the queue's ring timeout in seconds (default 15)
          --strategy NAME          the queue's routing strategy (default longest_idle)
          --seed N                 random seed (default 42)
        """;

    public static CallsOptions Parse(CommandLine args, bool drill)
    {
        var patience = args.Duration("patience", TimeSpan.FromSeconds(20));
        var simulation = new EnqueueOptions
        {
            Rate = args.Double("rate", 20, min: 0.01, max: 100_000),
            Duration = args.Duration("duration", TimeSpan.FromSeconds(60), min: TimeSpan.FromSeconds(1)),
            Agents = args.Int("agents", 50, min: 1, max: 99_999),
            Think = args.Duration("think", TimeSpan.FromMilliseconds(200)),
            Talk = args.Duration("talk", TimeSpan.FromMilliseconds(600), min: TimeSpan.FromMilliseconds(1)),
            WrapUp = args.Duration("wrap-up", TimeSpan.FromMilliseconds(200)),
            Patience = patience > TimeSpan.Zero ? patience : null,
            Warmup = args.Duration("warmup", TimeSpan.FromSeconds(5)),
            Grace = args.Duration("grace", TimeSpan.Zero),
            Offers = args.Enum("offers", OfferNotice.Stream),
            PollInterval = args.Duration("poll-interval", TimeSpan.FromMilliseconds(200), min: TimeSpan.FromMilliseconds(1)),
            RingTimeoutSeconds = args.Int("ring-timeout", 15, min: 1, max: 600),
            Strategy = args.Enum("strategy", RoutingStrategy.LongestIdle),
            Seed = args.Int("seed", 42),
        };
        // Agents still talking when the grace ends would count as lost: by default it covers five mean call lengths.
        if (simulation.Grace == TimeSpan.Zero)
            simulation = simulation with { Grace = TimeSpan.FromSeconds(Math.Max(30, 5 * (simulation.Think + simulation.Talk + simulation.WrapUp).TotalSeconds)) };
        return new CallsOptions
        {
            Simulation = simulation,
            ServiceLevel = args.Duration("service-level", TimeSpan.FromSeconds(20), min: TimeSpan.FromMilliseconds(1)),
            TicketsRate = args.Double("tickets-rate", drill ? 5 : 0, min: 0, max: 100_000),
            Memory = !args.Flag("no-memory"),
            Baseline = args.Flag("baseline"),
        };
    }

    public void Describe(Dictionary<string, string> p)
    {
        p["think"] = Durations.Format(Simulation.Think);
        p["wrap_up"] = Durations.Format(Simulation.WrapUp);
        p["service_level"] = Durations.Format(ServiceLevel);
        p["tickets_rate"] = TicketsRate.ToString(CultureInfo.InvariantCulture);
    }
}
