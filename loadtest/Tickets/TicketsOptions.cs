using System.Globalization;
using Hotline.LoadTest.Cli;
using Hotline.LoadTest.Enqueue;

namespace Hotline.LoadTest.Tickets;

/// <summary>Settings of the <c>tickets</c> scenario: durable work-order registrations, open model or closed loop.</summary>
public sealed record TicketsOptions
{
    /// <summary>Poisson registrations per second; null: <c>--rate max</c>, a closed loop of <see cref="Concurrency"/> outstanding calls.</summary>
    public double? Rate { get; init; }
    /// <summary>Outstanding registrations of the closed loop (<c>--rate max</c>).</summary>
    public int Concurrency { get; init; } = 32;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Registrations sent in this first part count, but not in the latencies or the rate.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>After the last arrival, how long outstanding registrations may take before the driver stops waiting.</summary>
    public TimeSpan Grace { get; init; } = TimeSpan.FromSeconds(35);
    public string Database { get; init; } = EnqueueOptions.DefaultDatabase;
    public int Seed { get; init; } = 42;
    public bool Pgbench { get; init; }
    public IReadOnlyList<int> PgbenchClients { get; init; } = [1, 8, 32];
    public TimeSpan PgbenchDuration { get; init; } = TimeSpan.FromSeconds(30);
    public string PgbenchPath { get; init; } = "pgbench";

    public bool ClosedLoop => Rate is null;

    public const string Usage = $"""
          --rate N|max             Poisson registrations per second, or `max`: a closed loop of --concurrency outstanding calls (default max)
          --concurrency N          with --rate max, registrations kept outstanding (default 32)
          --duration D             how long registrations are sent, e.g. 60s, 5m (default 60s)
          --warmup D               registrations sent in this first part are left out of latencies and rate (default 5s)
          --grace D                time after the last arrival for outstanding registrations to finish (default 35s)
          --db CONNECTION          the silo's PostgreSQL (default: ${EnqueueOptions.DatabaseVariable}, else {EnqueueOptions.DefaultDatabase})
          --seed N                 random seed of arrivals and intakes (default 42)
          --pgbench                afterwards, measure PostgreSQL's own single-row INSERT rate on the same database with pgbench
          --pgbench-clients LIST   pgbench client counts, one run each (default 1,8,32)
          --pgbench-duration D     length of each pgbench run (default 30s)
          --pgbench-path PATH      the pgbench executable (default pgbench from PATH)
        """;

    public static TicketsOptions Parse(CommandLine args, Func<string, string?> environment)
    {
        var rateText = args.String("rate", "max")!;
        double? rate = null;
        if (!rateText.Equals("max", StringComparison.OrdinalIgnoreCase))
        {
            if (!double.TryParse(rateText, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) || !double.IsFinite(r) || r < 0.01 || r > 100_000)
                throw new UsageException($"--rate needs a number between 0.01 and 100000 or `max`, not '{rateText}'.");
            rate = r;
        }
        var concurrency = args.Int("concurrency", 32, min: 1, max: 10_000);
        if (rate is not null && args.Has("concurrency"))
            throw new UsageException("--concurrency applies to --rate max only; a fixed rate sends without waiting for answers.");
        var options = new TicketsOptions
        {
            Rate = rate,
            Concurrency = concurrency,
            Duration = args.Duration("duration", TimeSpan.FromSeconds(60), min: TimeSpan.FromSeconds(1)),
            Warmup = args.Duration("warmup", TimeSpan.FromSeconds(5)),
            Grace = args.Duration("grace", TimeSpan.FromSeconds(35)),
            Database = args.String("db") ?? NonEmpty(environment(EnqueueOptions.DatabaseVariable)) ?? EnqueueOptions.DefaultDatabase,
            Seed = args.Int("seed", 42),
            Pgbench = args.Flag("pgbench"),
            PgbenchClients = ParseClients(args.String("pgbench-clients", "1,8,32")!),
            PgbenchDuration = args.Duration("pgbench-duration", TimeSpan.FromSeconds(30), min: TimeSpan.FromSeconds(1)),
            PgbenchPath = args.String("pgbench-path", "pgbench")!,
        };
        if (options.Warmup >= options.Duration)
            throw new UsageException("--warmup must be shorter than --duration.");
        return options;
    }

    public static IReadOnlyList<int> ParseClients(string text)
    {
        var clients = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n < 1 || n > 1000)
                throw new UsageException($"--pgbench-clients needs whole numbers from 1 to 1000 separated by commas, not '{text}'.");
            clients.Add(n);
        }
        if (clients.Count == 0) throw new UsageException("--pgbench-clients needs at least one client count.");
        return clients;
    }

    public Dictionary<string, string> Describe() => new()
    {
        ["mode"] = ClosedLoop ? "closed loop (--rate max)" : "open model (Poisson arrivals)",
        ["rate"] = Rate is { } r ? r.ToString(CultureInfo.InvariantCulture) : "max",
        ["concurrency"] = ClosedLoop ? Concurrency.ToString(CultureInfo.InvariantCulture) : "n/a",
        ["duration"] = Durations.Format(Duration),
        ["warmup"] = Durations.Format(Warmup),
        ["grace"] = Durations.Format(Grace),
        ["seed"] = Seed.ToString(CultureInfo.InvariantCulture),
        ["category"] = TicketIntakes.Category,
        ["actor"] = $"{TicketIntakes.By.JobNo}/{TicketIntakes.By.Role}",
        ["pgbench"] = Pgbench
            ? $"clients {string.Join(',', PgbenchClients)}, {Durations.Format(PgbenchDuration)} each"
            : "off",
        ["database"] = EnqueueOptions.RedactPassword(Database),
    };

    /// <summary>The cluster client of <see cref="HotlineClient"/> only needs the database and the cluster ids.</summary>
    public EnqueueOptions ClientOptions() => new() { Database = Database };

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
