using System.Text.Json;
using Hotline.Calls;
using Hotline.Events;
using Hotline.Queues;
using Hotline.Seats;

namespace Hotline.Tests;

public sealed class NamesTests
{
    [Theory]
    [InlineData(SeatState.NotReady, "not_ready")]
    [InlineData(SeatState.LoggedOut, "logged_out")]
    [InlineData(SeatState.Wrapup, "wrapup")]
    [InlineData(SeatState.Ready, "ready")]
    public void Seat_states_have_snake_case_api_names(SeatState state, string name) => Assert.Equal(name, Names.Of(state));

    [Theory]
    [InlineData(CallState.Wrapup, "wrapup")]
    [InlineData(CallState.CallbackWaiting, "callback_waiting")]
    [InlineData(CallState.Ivr, "ivr")]
    [InlineData(CallState.Failed, "failed")]
    public void Call_states_have_snake_case_api_names(CallState state, string name) => Assert.Equal(name, Names.Of(state));

    [Fact]
    public void Strategies_and_exit_destinations_have_snake_case_api_names()
    {
        Assert.Equal("longest_idle", Names.Of(RoutingStrategy.LongestIdle));
        Assert.Equal("highest_proficiency", Names.Of(RoutingStrategy.HighestProficiency));
        Assert.Equal("round_robin", Names.Of(RoutingStrategy.RoundRobin));
        Assert.Equal("voicemail", Names.Of(QueueExitDestination.Voicemail));
    }

    [Fact]
    public void Every_name_parses_back_to_its_value()
    {
        AssertRoundTrips<SeatState>();
        AssertRoundTrips<CallState>();
        AssertRoundTrips<RoutingStrategy>();
        AssertRoundTrips<QueueExitDestination>();
        AssertRoundTrips<CallChannel>();
        AssertRoundTrips<CallParty>();
        AssertRoundTrips<TransferTargetKind>();
        AssertRoundTrips<OfferResult>();
    }

    [Theory]
    [InlineData("NotReady")]
    [InlineData("NOT_READY")]
    [InlineData("not-ready")]
    [InlineData(" not_ready")]
    [InlineData("2")]
    [InlineData("")]
    [InlineData(null)]
    public void Anything_but_an_exact_api_name_is_refused(string? name)
    {
        Assert.False(Names.TryParse<SeatState>(name, out var value));
        Assert.Equal(default, value);
    }

    [Fact]
    public void Names_match_how_the_event_stream_writes_enum_values()
    {
        foreach (var state in Enum.GetValues<CallState>())
            Assert.Equal($"\"{Names.Of(state)}\"", JsonSerializer.Serialize(state, EventTopics.Json));
        foreach (var state in Enum.GetValues<SeatState>())
            Assert.Equal($"\"{Names.Of(state)}\"", JsonSerializer.Serialize(state, EventTopics.Json));
    }

    private static void AssertRoundTrips<T>() where T : struct, Enum
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in Enum.GetValues<T>())
        {
            var name = Names.Of(value);
            Assert.True(names.Add(name), $"{typeof(T).Name}: two values are both called '{name}'");
            Assert.True(Names.TryParse<T>(name, out var parsed), $"{typeof(T).Name}: '{name}' does not parse");
            Assert.Equal(value, parsed);
        }
    }
}
