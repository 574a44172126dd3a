using Hotline.LoadTest.Routing;
using Hotline.Queues;

namespace Hotline.Tests;

public sealed class RoutingWorkloadTests
{
    private static readonly RouteOptions Small = new()
    {
        Seats = 200,
        Calls = 500,
        Warmup = 100,
        Decisions = 1_000,
        AllocationDecisions = 100,
    };

    [Fact]
    public void The_population_has_the_requested_seats_and_calls()
    {
        var workload = new RoutingWorkload(RoutingStrategy.LongestIdle, Small);

        Assert.Equal(200, workload.Router.ReadySeatCount);
        Assert.Equal(500, workload.Router.WaitingCount);
        var english = workload.Router.ReadySeats.Count(s => s.Languages.Contains("en"));
        Assert.InRange(english, 5, 40); // about 10 % of 200
        Assert.All(workload.Router.ReadySeats, s => Assert.InRange(s.Level, AcdRouter.MinLevel, AcdRouter.MaxLevel));
    }

    [Theory]
    [InlineData(RoutingStrategy.LongestIdle)]
    [InlineData(RoutingStrategy.FewestCalls)]
    [InlineData(RoutingStrategy.LeastTalkTime)]
    [InlineData(RoutingStrategy.RoundRobin)]
    [InlineData(RoutingStrategy.HighestProficiency)]
    [InlineData(RoutingStrategy.Random)]
    public void Every_decision_is_counted_and_the_router_stays_the_same_size(RoutingStrategy strategy)
    {
        var workload = new RoutingWorkload(strategy, Small);

        var measurement = workload.Measure();

        Assert.Equal(strategy, measurement.Strategy);
        Assert.Equal(1_000, measurement.Cycle.Count);
        Assert.Equal(1_000, measurement.Next.Count);
        Assert.Equal(200, workload.Router.ReadySeatCount);
        Assert.Equal(500, workload.Router.WaitingCount);
    }
}
