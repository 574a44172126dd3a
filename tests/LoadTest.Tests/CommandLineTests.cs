using Hotline.LoadTest.Cli;
using Hotline.LoadTest.Enqueue;
using Hotline.LoadTest.Routing;
using Hotline.LoadTest.Scenarios;
using Hotline.Queues;

namespace Hotline.Tests;

public sealed class CommandLineTests
{
    private static CommandLine Parse(params string[] args) => CommandLine.Parse(args);

    [Fact]
    public void Route_defaults_are_ten_thousand_seats_twenty_five_thousand_calls_and_longest_idle()
    {
        var args = Parse();
        var options = RouteOptions.Parse(args);
        args.EnsureAllRead();

        Assert.Equal([RoutingStrategy.LongestIdle], options.Strategies);
        Assert.Equal(10_000, options.Seats);
        Assert.Equal(25_000, options.Calls);
        Assert.Equal(0.10, options.EnglishSeatShare);
        Assert.Equal(0.05, options.EnglishCallShare);
        Assert.Equal(1, options.MinimumLevel);
    }

    [Theory]
    [InlineData("longest_idle", RoutingStrategy.LongestIdle)]
    [InlineData("fewest_calls", RoutingStrategy.FewestCalls)]
    [InlineData("least_talk_time", RoutingStrategy.LeastTalkTime)]
    [InlineData("round_robin", RoutingStrategy.RoundRobin)]
    [InlineData("highest_proficiency", RoutingStrategy.HighestProficiency)]
    [InlineData("random", RoutingStrategy.Random)]
    public void Strategy_is_chosen_by_its_api_name(string name, RoutingStrategy expected)
    {
        var options = RouteOptions.Parse(Parse("--strategy", name));

        Assert.Equal([expected], options.Strategies);
    }

    [Fact]
    public void All_strategies_runs_every_strategy_in_declaration_order()
    {
        var options = RouteOptions.Parse(Parse("--all-strategies"));

        Assert.Equal(Enum.GetValues<RoutingStrategy>(), options.Strategies);
    }

    [Fact]
    public void A_strategy_and_all_strategies_together_are_refused()
    {
        Assert.Throws<UsageException>(() => RouteOptions.Parse(Parse("--all-strategies", "--strategy", "random")));
    }

    [Theory]
    [InlineData("LongestIdle")]
    [InlineData("0")]
    [InlineData("fastest")]
    public void An_unknown_strategy_name_is_refused(string name)
    {
        var e = Assert.Throws<UsageException>(() => RouteOptions.Parse(Parse("--strategy", name)));
        Assert.Contains("longest_idle", e.Message);
    }

    [Fact]
    public void Options_take_their_value_after_a_space_or_an_equals_sign()
    {
        var args = Parse("--seats=500", "--calls", "1200", "--decisions=10");
        var options = RouteOptions.Parse(args);

        Assert.Equal(500, options.Seats);
        Assert.Equal(1200, options.Calls);
        Assert.Equal(10, options.Decisions);
    }

    [Fact]
    public void An_option_nobody_reads_stops_the_run()
    {
        var args = Parse("--seats", "10", "--seeds", "3");
        RouteOptions.Parse(args);

        var e = Assert.Throws<UsageException>(args.EnsureAllRead);
        Assert.Contains("--seeds", e.Message);
    }

    [Theory]
    [InlineData("--seats", "0")]
    [InlineData("--seats", "many")]
    [InlineData("--english-seats", "1.5")]
    [InlineData("--minimum-level", "6")]
    public void Values_out_of_range_or_not_numbers_are_refused(string name, string value)
    {
        Assert.Throws<UsageException>(() => RouteOptions.Parse(Parse(name, value)));
    }

    [Fact]
    public void An_option_given_twice_is_refused()
    {
        Assert.Throws<UsageException>(() => Parse("--rate", "1", "--rate", "2"));
    }

    [Fact]
    public void A_bare_word_where_an_option_belongs_is_refused()
    {
        Assert.Throws<UsageException>(() => Parse("route"));
    }

    [Theory]
    [InlineData("60s", 60_000)]
    [InlineData("60", 60_000)]
    [InlineData("500ms", 500)]
    [InlineData("1.5s", 1_500)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    public void Durations_read_as_people_type_them(string text, double milliseconds)
    {
        Assert.True(Durations.TryParse(text, out var duration));
        Assert.Equal(milliseconds, duration.TotalMilliseconds);
    }

    [Theory]
    [InlineData("")]
    [InlineData("s")]
    [InlineData("-1s")]
    [InlineData("ten seconds")]
    public void Durations_that_are_not_durations_are_refused(string text)
    {
        Assert.False(Durations.TryParse(text, out _));
    }

    [Fact]
    public void Enqueue_defaults_are_a_hundred_calls_a_second_for_a_minute_on_two_hundred_agents()
    {
        var args = Parse();
        var options = EnqueueOptions.Parse(args, _ => null);
        args.EnsureAllRead();

        Assert.Equal(100, options.Rate);
        Assert.Equal(TimeSpan.FromSeconds(60), options.Duration);
        Assert.Equal(200, options.Agents);
        Assert.Equal(TimeSpan.FromSeconds(2), options.Talk);
        Assert.Null(options.Patience);
        Assert.Null(options.Queue);
        Assert.Equal(OfferNotice.Stream, options.Offers);
        Assert.Equal(EnqueueOptions.DefaultDatabase, options.Database);
    }

    [Fact]
    public void Enqueue_reads_its_options()
    {
        var options = EnqueueOptions.Parse(
            Parse("--rate", "250.5", "--duration", "2m", "--agents", "40", "--talk", "1500ms", "--patience", "20s",
                "--queue", "bench-x", "--ring-timeout", "3", "--strategy", "fewest_calls", "--offers", "poll", "--poll-interval", "20ms"),
            _ => null);

        Assert.Equal(250.5, options.Rate);
        Assert.Equal(TimeSpan.FromMinutes(2), options.Duration);
        Assert.Equal(40, options.Agents);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), options.Talk);
        Assert.Equal(TimeSpan.FromSeconds(20), options.Patience);
        Assert.Equal("bench-x", options.Queue);
        Assert.Equal(3, options.RingTimeoutSeconds);
        Assert.Equal(RoutingStrategy.FewestCalls, options.Strategy);
        Assert.Equal(OfferNotice.Poll, options.Offers);
        Assert.Equal(TimeSpan.FromMilliseconds(20), options.PollInterval);
    }

    [Fact]
    public void The_database_comes_from_the_option_then_the_environment_then_the_default()
    {
        const string fromEnvironment = "Host=db;Port=1;Database=h;Username=u;Password=p";
        Func<string, string?> environment = name => name == "HOTLINE_DB" ? fromEnvironment : null;

        Assert.Equal("Host=x", EnqueueOptions.Parse(Parse("--db", "Host=x"), environment).Database);
        Assert.Equal(fromEnvironment, EnqueueOptions.Parse(Parse(), environment).Database);
        Assert.Equal(EnqueueOptions.DefaultDatabase, EnqueueOptions.Parse(Parse(), _ => "  ").Database);
    }

    [Fact]
    public void Reports_show_the_connection_string_without_its_password()
    {
        Assert.Equal("Host=127.0.0.1;Port=5;Username=hotline;Password=***",
            EnqueueOptions.RedactPassword("Host=127.0.0.1;Port=5;Username=hotline;Password=secret"));
    }

    public static TheoryData<string> ScenarioNames() => new(Scenarios().Select(s => s.Name));

    private static IScenario[] Scenarios() =>
        [new CallsScenario(), new TicketsScenario(), new DayScenario(), new BaselineScenario(), new SipScenario(), new RouteScenario(), new EnqueueScenario(), new Hotline.LoadTest.Surveys.SurveySampleScenario()];

    [Theory]
    [MemberData(nameof(ScenarioNames))]
    public void Each_option_in_a_scenarios_help_starts_a_line_of_its_own(string name)
    {
        // The help is put together from several option lists; two of them once ran into one line ("(default 42)  --target URL").
        var usage = Scenarios().Single(s => s.Name == name).Usage;
        var lines = usage.Split('\n');
        Assert.All(lines, line => Assert.DoesNotMatch(@"\S {2,}--[a-z]", line));
        Assert.Contains(lines, line => line.TrimStart().StartsWith("--", StringComparison.Ordinal));
    }
}
