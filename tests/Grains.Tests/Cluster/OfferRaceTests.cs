using Hotline.Calls;
using Hotline.Queues;
using Hotline.Seats;

namespace Hotline.Tests.Cluster;

/// <summary>
/// Two queues race for one seat. The seat is the arbiter: it accepts one offer, the losing queue keeps its call
/// at the head of its line, and that call goes to the next seat that comes free.
/// </summary>
public sealed class OfferRaceTests(HotlineCluster cluster) : ClusterTest(cluster), IClassFixture<HotlineCluster>
{
    private const int Rounds = 50;

    [Fact]
    public async Task A_seat_serving_two_queues_with_waiting_calls_takes_exactly_one_and_the_other_goes_to_the_next_seat()
    {
        for (var round = 0; round < Rounds; round++)
        {
            var north = await NewQueueAsync();
            var south = await NewQueueAsync();
            QueueSkill[] both = [new(north, 1), new(south, 1)];
            var contested = await NewSeatAsync(both, ready: false);
            var spare = await NewSeatAsync(both, ready: false);
            var northCall = await NewCallAsync(north);
            var southCall = await NewCallAsync(south);

            await Seat(contested).ReadyAsync();

            var winner = await OneCallOfferedToAsync(contested, northCall, southCall, round);
            var loser = winner == northCall ? southCall : northCall;
            var loserQueue = winner == northCall ? south : north;
            Assert.Equal(CallState.Queued, (await Call(loser).GetAsync()).State);
            // Its queue may still be hearing the seat say no; then the call is back at the head of its line.
            await Eventually(() => Queue(loserQueue).GetPositionAsync(loser), p => p.Position == 1, $"round {round}: {loser} back at the head");

            await Seat(spare).ReadyAsync();

            await CallOfferedToAsync(loser, spare);
            await AssertEachSeatHoldsOneOfferAsync((contested, winner), (spare, loser));
        }
    }

    [Fact]
    public async Task A_seat_that_comes_free_takes_the_higher_priority_queues_caller_every_time()
    {
        for (var round = 0; round < Rounds; round++)
        {
            var low = await NewQueueAsync();
            var high = await NewQueueAsync(new QueueConfig { Priority = 5 });
            // Listed low first: the seat orders its queues by their priority, not by the agent's list.
            var seat = await NewSeatAsync([new QueueSkill(low, 1), new QueueSkill(high, 1)], ready: false);
            var lowCall = await NewCallAsync(low);
            var highCall = await NewCallAsync(high);

            await Seat(seat).ReadyAsync();

            var taken = await OneCallOfferedToAsync(seat, lowCall, highCall, round);
            Assert.True(taken == highCall, $"round {round}: the low-priority call was offered first");
            Assert.Equal(CallState.Queued, (await Call(lowCall).GetAsync()).State);
        }
    }

    [Fact]
    public async Task Calls_arriving_together_in_two_queues_never_share_the_one_ready_seat()
    {
        for (var round = 0; round < Rounds; round++)
        {
            var north = await NewQueueAsync();
            var south = await NewQueueAsync();
            QueueSkill[] both = [new(north, 1), new(south, 1)];
            var contested = await NewSeatAsync(both);
            var spare = await NewSeatAsync(both, ready: false);

            var calls = await Task.WhenAll(NewCallAsync(north), NewCallAsync(south));

            var winner = await OneCallOfferedToAsync(contested, calls[0], calls[1], round);
            var loser = calls.Single(c => c != winner);
            await Seat(spare).ReadyAsync();
            await CallOfferedToAsync(loser, spare);
            await AssertEachSeatHoldsOneOfferAsync((contested, winner), (spare, loser));
        }
    }

    private async Task<string> OneCallOfferedToAsync(string jobNo, string first, string second, int round)
    {
        var seat = await SeatBecomesAsync(jobNo, s => s.State == SeatState.Reserved, $"round {round}: reserved");
        var winner = Assert.IsType<string>(seat.CallId);
        Assert.Contains(winner, new[] { first, second });
        await CallOfferedToAsync(winner, jobNo);
        return winner;
    }

    private async Task AssertEachSeatHoldsOneOfferAsync(params (string JobNo, string CallId)[] offers)
    {
        foreach (var (jobNo, callId) in offers)
        {
            var seat = await Seat(jobNo).GetAsync();
            Assert.Equal((SeatState.Reserved, callId), (seat.State, seat.CallId));
            var call = await Call(callId).GetAsync();
            Assert.Equal((CallState.Offering, jobNo), (call.State, call.SeatJobNo));
            Assert.Equal([jobNo], call.OfferedSeats); // never offered to the other seat, never lost in between
        }
    }
}
