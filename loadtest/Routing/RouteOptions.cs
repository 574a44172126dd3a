using System.Globalization;
using Hotline.LoadTest.Cli;
using Hotline.Queues;

namespace Hotline.LoadTest.Routing;

/// <summary>Settings of the <c>route</c> scenario: the population the router holds and how long to drive it.</summary>
public sealed record RouteOptions
{
    public IReadOnlyList<RoutingStrategy> Strategies { get; init; } = [RoutingStrategy.LongestIdle];
    public int Seats { get; init; } = 10_000;
    public int Calls { get; init; } = 25_000;
    /// <summary>Share of seats that also speak English.</summary>
    public double EnglishSeatShare { get; init; } = 0.10;
    /// <summary>Share of calls that need English.</summary>
    public double EnglishCallShare { get; init; } = 0.05;
    /// <summary>Decisions run before measuring, so the JIT and the tiered compiler are done.</summary>
    public int Warmup { get; init; } = 100_000;
    public int Decisions { get; init; } = 500_000;
    /// <summary>Decisions run once more, untimed, to count the bytes the router allocates.</summary>
    public int AllocationDecisions { get; init; } = 50_000;
    /// <summary>The lowest seat level every call may go to (the queue's minimum level, no widening).</summary>
    public int MinimumLevel { get; init; } = 1;
    public int Seed { get; init; } = 42;

    public const string Usage = """
          --strategy NAME          longest_idle (default) | fewest_calls | least_talk_time | round_robin | highest_proficiency | random
          --all-strategies         run every strategy, one after the other
          --seats N                ready seats kept in the router (default 10000)
          --calls N                waiting calls kept in the router (default 25000)
          --english-seats SHARE    share of seats that also speak "en" (default 0.10)
          --english-calls SHARE    share of calls that need "en" (default 0.05)
          --minimum-level L        lowest seat level a call may go to, 1-5 (default 1)
          --warmup N               decisions before measuring (default 100000)
          --decisions N            measured decisions (default 500000)
          --allocation-decisions N decisions counted for allocations (default 50000)
          --seed N                 random seed of the population and arrivals (default 42)
        """;

    public static RouteOptions Parse(CommandLine args)
    {
        var all = args.Flag("all-strategies");
        if (all && args.Has("strategy")) throw new UsageException("Give either --strategy or --all-strategies, not both.");
        var strategy = args.Enum("strategy", RoutingStrategy.LongestIdle);
        return new RouteOptions
        {
            Strategies = all ? Enum.GetValues<RoutingStrategy>() : [strategy],
            Seats = args.Int("seats", 10_000, min: 1),
            Calls = args.Int("calls", 25_000, min: 1),
            EnglishSeatShare = args.Double("english-seats", 0.10, min: 0, max: 1),
            EnglishCallShare = args.Double("english-calls", 0.05, min: 0, max: 1),
            MinimumLevel = args.Int("minimum-level", 1, min: AcdRouter.MinLevel, max: AcdRouter.MaxLevel),
            Warmup = args.Int("warmup", 100_000, min: 0),
            Decisions = args.Int("decisions", 500_000, min: 1),
            AllocationDecisions = args.Int("allocation-decisions", 50_000, min: 0),
            Seed = args.Int("seed", 42),
        };
    }

    public Dictionary<string, string> Describe() => new()
    {
        ["strategies"] = string.Join(",", Strategies.Select(Names.Of)),
        ["seats"] = Seats.ToString(CultureInfo.InvariantCulture),
        ["calls"] = Calls.ToString(CultureInfo.InvariantCulture),
        ["english_seats"] = EnglishSeatShare.ToString(CultureInfo.InvariantCulture),
        ["english_calls"] = EnglishCallShare.ToString(CultureInfo.InvariantCulture),
        ["minimum_level"] = MinimumLevel.ToString(CultureInfo.InvariantCulture),
        ["warmup"] = Warmup.ToString(CultureInfo.InvariantCulture),
        ["decisions"] = Decisions.ToString(CultureInfo.InvariantCulture),
        ["allocation_decisions"] = AllocationDecisions.ToString(CultureInfo.InvariantCulture),
        ["seed"] = Seed.ToString(CultureInfo.InvariantCulture),
    };
}
