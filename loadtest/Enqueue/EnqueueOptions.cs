using System.Globalization;
using Hotline.LoadTest.Cli;
using Hotline.Queues;

namespace Hotline.LoadTest.Enqueue;

/// <summary>How the simulated agents learn that their seat is offered a call.</summary>
public enum OfferNotice
{
    /// <summary>From the <c>seats</c> live stream, as the agent desk does.</summary>
    Stream = 0,
    /// <summary>The caller's side reads its call every <see cref="EnqueueOptions.PollInterval"/> until it is offered.</summary>
    Poll = 1,
}

/// <summary>Settings of the <c>enqueue</c> scenario: the silo to reach, the offered load and the simulated agents.</summary>
public sealed record EnqueueOptions
{
    public const string DatabaseVariable = "HOTLINE_DB";
    public const string DefaultDatabase = "Host=127.0.0.1;Port=55432;Database=hotline;Username=hotline;Password=hotline";

    /// <summary>The silo's PostgreSQL, where its membership table lists the gateways.</summary>
    public string Database { get; init; } = DefaultDatabase;
    public string ClusterId { get; init; } = "hotline";
    public string ServiceId { get; init; } = "hotline";
    /// <summary>Poisson arrivals per second.</summary>
    public double Rate { get; init; } = 100;
    /// <summary>How long calls keep arriving.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);
    public int Agents { get; init; } = 200;
    /// <summary>Mean of the exponential talk time.</summary>
    public TimeSpan Talk { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>Mean of the exponential patience of a waiting caller; null: callers never hang up.</summary>
    public TimeSpan? Patience { get; init; }
    /// <summary>Calls that arrive in the first part of the run are counted but left out of the latencies.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>How long after the last arrival calls may take to end before the ones left are counted lost.</summary>
    public TimeSpan Grace { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>The queue to configure; null: <c>bench-&lt;UTC timestamp&gt;</c>.</summary>
    public string? Queue { get; init; }
    public int RingTimeoutSeconds { get; init; } = 5;
    public RoutingStrategy Strategy { get; init; } = RoutingStrategy.LongestIdle;
    public int Seed { get; init; } = 42;
    public OfferNotice Offers { get; init; } = OfferNotice.Stream;
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(50);
    /// <summary>Mean of the exponential time an agent takes to pick up an offer; zero: at once.</summary>
    public TimeSpan Think { get; init; } = TimeSpan.Zero;
    /// <summary>Mean of the exponential after-call work; zero: the seat is ready as soon as the call ends.</summary>
    public TimeSpan WrapUp { get; init; } = TimeSpan.Zero;
    /// <summary>
    /// The share of <see cref="Rate"/> (0–1) in force at a time into the run; null: always the full rate. The
    /// arrivals are then a thinned Poisson process, the <c>day</c> scenario's arrival curve.
    /// </summary>
    public Func<TimeSpan, double>? RateAt { get; init; }

    /// <summary>
    /// The queue's own wrap-up limit: the agents end their wrap-up themselves (WrapUpDone) after a sampled time,
    /// and the queue's timer only catches the rare long sample, at five times the mean.
    /// </summary>
    public int WrapUpSeconds => WrapUp <= TimeSpan.Zero ? 0 : (int)Math.Ceiling(Math.Max(1, WrapUp.TotalSeconds * 5));

    public const string Usage = $"""
          --rate N                 Poisson call arrivals per second (default 100)
          --duration D             how long calls arrive, e.g. 60s, 5m (default 60s)
          --agents N               simulated agents logged in to the queue (default 200)
          --talk D                 mean exponential talk time (default 2s)
          --patience D             mean exponential patience of a waiting caller (default: callers wait forever)
          --warmup D               calls arriving in this first part are left out of the latencies (default 5s)
          --grace D                time after the last arrival for calls to end before they count as lost (default 30s)
          --queue ID               queue to configure (default bench-<UTC timestamp>)
          --ring-timeout S         the queue's ring timeout in seconds (default 5)
          --strategy NAME          the queue's routing strategy (default longest_idle)
          --db CONNECTION          the silo's PostgreSQL (default: ${DatabaseVariable}, else {DefaultDatabase})
          --offers stream|poll     how agents learn of offers: the `seats` live stream (default) or reading each waiting call
          --poll-interval D        with --offers poll, how often a waiting call is read (default 50ms)
          --seed N                 random seed of arrivals, talk times and levels (default 42)
        """;

    public static EnqueueOptions Parse(CommandLine args, Func<string, string?> environment)
    {
        var patience = args.Has("patience") ? args.Duration("patience", TimeSpan.Zero, min: TimeSpan.FromMilliseconds(1)) : (TimeSpan?)null;
        var queue = args.String("queue");
        if (queue is not null && queue.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            throw new UsageException("--queue must not contain spaces.");
        return new EnqueueOptions
        {
            Database = args.String("db") ?? NonEmpty(environment(DatabaseVariable)) ?? DefaultDatabase,
            Rate = args.Double("rate", 100, min: 0.01, max: 100_000),
            Duration = args.Duration("duration", TimeSpan.FromSeconds(60), min: TimeSpan.FromSeconds(1)),
            Agents = args.Int("agents", 200, min: 1, max: 9999),
            Talk = args.Duration("talk", TimeSpan.FromSeconds(2), min: TimeSpan.FromMilliseconds(1)),
            Patience = patience,
            Warmup = args.Duration("warmup", TimeSpan.FromSeconds(5)),
            Grace = args.Duration("grace", TimeSpan.FromSeconds(30)),
            Queue = queue,
            RingTimeoutSeconds = args.Int("ring-timeout", 5, min: 1, max: 600),
            Strategy = args.Enum("strategy", RoutingStrategy.LongestIdle),
            Seed = args.Int("seed", 42),
            Offers = args.Enum("offers", OfferNotice.Stream),
            PollInterval = args.Duration("poll-interval", TimeSpan.FromMilliseconds(50), min: TimeSpan.FromMilliseconds(1)),
        };
    }

    public Dictionary<string, string> Describe(string queue) => new()
    {
        ["rate"] = Rate.ToString(CultureInfo.InvariantCulture),
        ["duration"] = Durations.Format(Duration),
        ["agents"] = Agents.ToString(CultureInfo.InvariantCulture),
        ["talk"] = Durations.Format(Talk),
        ["patience"] = Patience is { } p ? Durations.Format(p) : "none",
        ["warmup"] = Durations.Format(Warmup),
        ["grace"] = Durations.Format(Grace),
        ["queue"] = queue,
        ["ring_timeout_seconds"] = RingTimeoutSeconds.ToString(CultureInfo.InvariantCulture),
        ["wrap_up_seconds"] = WrapUpSeconds.ToString(CultureInfo.InvariantCulture),
        ["strategy"] = Names.Of(Strategy),
        ["seed"] = Seed.ToString(CultureInfo.InvariantCulture),
        ["offers"] = Names.Of(Offers),
        ["poll_interval"] = Offers == OfferNotice.Poll ? Durations.Format(PollInterval) : "n/a",
        ["database"] = RedactPassword(Database),
    };

    /// <summary>The connection string without its password, for reports.</summary>
    public static string RedactPassword(string connectionString) => string.Join(';', connectionString
        .Split(';', StringSplitOptions.RemoveEmptyEntries)
        .Select(part => part.Split('=', 2) is [var key, _] && key.Trim().Equals("Password", StringComparison.OrdinalIgnoreCase)
            ? $"{key}=***"
            : part));

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
