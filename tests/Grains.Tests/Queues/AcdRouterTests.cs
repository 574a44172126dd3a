using Hotline.Queues;

namespace Hotline.Tests.Queues;

public sealed class AcdRouterTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private static readonly Func<WaitingCall, int> AnyLevel = _ => AcdRouter.MinLevel;

    private long _sequence;

    private WaitingCall Call(string id, int atSecond, int priority = 0, string? language = null) =>
        new(id, T0.AddSeconds(atSecond), priority, language, ++_sequence);

    private static ReadySeat Seat(string jobNo, int idleSinceSecond, int level = 1, string[]? languages = null,
        int callsAnswered = 0, int talkSeconds = 0) =>
        new(jobNo, level, languages ?? ["zh"], T0.AddSeconds(idleSinceSecond), callsAnswered, TimeSpan.FromSeconds(talkSeconds));

    private static string? NextSeatFor(AcdRouter router, WaitingCall call)
    {
        router.AddCall(call);
        return router.Next(AnyLevel)?.Seat.JobNo;
    }

    [Fact]
    public void Longest_idle_is_the_default_strategy_and_picks_the_seat_idle_the_longest()
    {
        Assert.Equal(RoutingStrategy.LongestIdle, new QueueConfig().Strategy);
        var router = new AcdRouter(new QueueConfig().Strategy);
        router.AddSeat(Seat("1001", idleSinceSecond: 30));
        router.AddSeat(Seat("1003", idleSinceSecond: 10));
        router.AddSeat(Seat("1002", idleSinceSecond: 20));

        Assert.Equal("1003", NextSeatFor(router, Call("c1", 40)));
        Assert.Equal("1002", NextSeatFor(router, Call("c2", 41)));
        Assert.Equal("1001", NextSeatFor(router, Call("c3", 42)));
    }

    [Fact]
    public void Fewest_calls_picks_the_seat_that_answered_fewest_calls_before_the_longest_idle_one()
    {
        var router = new AcdRouter(RoutingStrategy.FewestCalls);
        router.AddSeat(Seat("1001", idleSinceSecond: 0, callsAnswered: 12));
        router.AddSeat(Seat("1002", idleSinceSecond: 50, callsAnswered: 3));
        router.AddSeat(Seat("1003", idleSinceSecond: 20, callsAnswered: 7));

        Assert.Equal("1002", NextSeatFor(router, Call("c1", 60)));
        Assert.Equal("1003", NextSeatFor(router, Call("c2", 61)));
        Assert.Equal("1001", NextSeatFor(router, Call("c3", 62)));
    }

    [Fact]
    public void Least_talk_time_picks_the_seat_that_talked_least_before_the_longest_idle_one()
    {
        var router = new AcdRouter(RoutingStrategy.LeastTalkTime);
        router.AddSeat(Seat("1001", idleSinceSecond: 0, talkSeconds: 900));
        router.AddSeat(Seat("1002", idleSinceSecond: 50, talkSeconds: 120));
        router.AddSeat(Seat("1003", idleSinceSecond: 20, talkSeconds: 300));

        Assert.Equal("1002", NextSeatFor(router, Call("c1", 60)));
        Assert.Equal("1003", NextSeatFor(router, Call("c2", 61)));
        Assert.Equal("1001", NextSeatFor(router, Call("c3", 62)));
    }

    [Fact]
    public void Round_robin_rotates_across_successive_offers_even_when_seats_come_back_ready()
    {
        var router = new AcdRouter(RoutingStrategy.RoundRobin);
        var seats = new[] { Seat("1001", 0), Seat("1002", 1), Seat("1003", 2) };
        foreach (var seat in seats) router.AddSeat(seat);

        var offered = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            var match = Assert.NotNull(NextMatch(router, Call($"c{i}", 10 + i)));
            offered.Add(match.Seat.JobNo);
            // The offer is withdrawn: the seat comes straight back ready, keeping its idle-since (and so,
            // under longest idle, it would be first again). Round robin must still move on.
            router.AddSeat(Seat(match.Seat.JobNo, idleSinceSecond: int.Parse(match.Seat.JobNo) - 1001));
        }

        Assert.Equal(["1001", "1002", "1003", "1001", "1002", "1003", "1001"], offered);
    }

    [Fact]
    public void Round_robin_offers_a_seat_that_never_had_an_offer_before_those_that_did()
    {
        var router = new AcdRouter(RoutingStrategy.RoundRobin);
        router.AddSeat(Seat("1001", 0));
        Assert.Equal("1001", NextSeatFor(router, Call("c1", 1)));
        router.AddSeat(Seat("1001", 2));
        router.AddSeat(Seat("1002", 3)); // joins later, idle for less time, but never offered

        Assert.Equal("1002", NextSeatFor(router, Call("c2", 4)));
    }

    [Fact]
    public void Highest_proficiency_picks_the_highest_level_first_then_the_longest_idle()
    {
        var router = new AcdRouter(RoutingStrategy.HighestProficiency);
        router.AddSeat(Seat("1001", idleSinceSecond: 0, level: 2));
        router.AddSeat(Seat("1002", idleSinceSecond: 40, level: 5));
        router.AddSeat(Seat("1003", idleSinceSecond: 30, level: 5));
        router.AddSeat(Seat("1004", idleSinceSecond: 10, level: 3));

        Assert.Equal("1003", NextSeatFor(router, Call("c1", 50)));
        Assert.Equal("1002", NextSeatFor(router, Call("c2", 51)));
        Assert.Equal("1004", NextSeatFor(router, Call("c3", 52)));
        Assert.Equal("1001", NextSeatFor(router, Call("c4", 53)));
    }

    [Fact]
    public void Highest_proficiency_still_respects_the_language_a_call_needs()
    {
        var router = new AcdRouter(RoutingStrategy.HighestProficiency);
        router.AddSeat(Seat("1001", 0, level: 5, languages: ["zh"]));
        router.AddSeat(Seat("1002", 0, level: 2, languages: ["zh", "en"]));

        Assert.Equal("1002", NextSeatFor(router, Call("c1", 1, language: "en")));
    }

    [Fact]
    public void Random_only_ever_picks_seats_that_are_eligible_for_the_call()
    {
        var eligible = new HashSet<string>();
        var picked = new HashSet<string>();
        for (var seed = 0; seed < 200; seed++)
        {
            var router = new AcdRouter(RoutingStrategy.Random, new Random(seed));
            for (var i = 0; i < 40; i++)
            {
                var level = 1 + i % 5;
                var speaksEnglish = i % 4 == 0;
                var jobNo = $"{2000 + i}";
                router.AddSeat(Seat(jobNo, i, level, speaksEnglish ? ["zh", "en"] : ["zh"]));
                if (level >= 3 && speaksEnglish) eligible.Add(jobNo);
            }
            router.AddCall(Call($"c{seed}", 100, language: "en"));

            var match = Assert.NotNull(router.Next(_ => 3));
            Assert.Contains(match.Seat.JobNo, eligible);
            picked.Add(match.Seat.JobNo);
        }

        // Random, not a fixed choice: over 200 seeds it used several of the eligible seats.
        Assert.True(picked.Count >= 3, $"only {picked.Count} distinct seats were picked");
    }

    [Fact]
    public void Random_returns_no_match_when_no_ready_seat_is_eligible()
    {
        var router = new AcdRouter(RoutingStrategy.Random, new Random(7));
        router.AddSeat(Seat("1001", 0, level: 5, languages: ["zh"]));
        router.AddSeat(Seat("1002", 0, level: 1, languages: ["en"]));
        router.AddCall(Call("c1", 1, language: "en"));

        Assert.Null(router.Next(_ => 2));
        Assert.Equal(1, router.WaitingCount);
        Assert.Equal(2, router.ReadySeatCount);
    }

    [Fact]
    public void Calls_are_served_by_priority_then_in_arrival_order()
    {
        var router = new AcdRouter(RoutingStrategy.LongestIdle);
        router.AddCall(Call("low-early", 0, priority: 0));
        router.AddCall(Call("high-late", 30, priority: 5));
        router.AddCall(Call("low-late", 20, priority: 0));
        router.AddCall(Call("mid", 10, priority: 2));
        router.AddCall(Call("high-early", 25, priority: 5));
        router.AddCall(Call("low-middle", 10, priority: 0));

        string[] expected = ["high-early", "high-late", "mid", "low-early", "low-middle", "low-late"];
        Assert.Equal(expected, router.InOrder().Select(c => c.CallId));

        var served = new List<string>();
        for (var i = 0; i < expected.Length; i++)
        {
            router.AddSeat(Seat($"{1000 + i}", i));
            served.Add(Assert.NotNull(router.Next(AnyLevel)).Call.CallId);
        }
        Assert.Equal(expected, served);
        Assert.Equal(0, router.WaitingCount);
    }

    [Fact]
    public void Calls_that_arrived_at_the_same_instant_are_served_in_the_order_they_were_added()
    {
        var router = new AcdRouter(RoutingStrategy.LongestIdle);
        router.AddCall(Call("z", 5));
        router.AddCall(Call("a", 5));
        router.AddCall(Call("m", 5));

        Assert.Equal(["z", "a", "m"], router.InOrder().Select(c => c.CallId));
    }

    [Fact]
    public void A_call_needing_a_language_only_goes_to_a_seat_that_speaks_it()
    {
        var router = new AcdRouter(RoutingStrategy.LongestIdle);
        router.AddSeat(Seat("1001", idleSinceSecond: 0, languages: ["zh"]));
        router.AddCall(Call("english", 1, language: "en"));

        Assert.Null(router.Next(AnyLevel));

        router.AddSeat(Seat("1002", idleSinceSecond: 5, languages: ["zh", "en"]));
        var match = Assert.NotNull(router.Next(AnyLevel));
        Assert.Equal(("english", "1002"), (match.Call.CallId, match.Seat.JobNo));
    }

    [Fact]
    public void A_call_with_no_language_need_can_go_to_any_seat()
    {
        var router = new AcdRouter(RoutingStrategy.LongestIdle);
        router.AddSeat(Seat("1001", idleSinceSecond: 0, languages: ["en"]));
        router.AddSeat(Seat("1002", idleSinceSecond: 1, languages: []));

        Assert.Equal("1001", NextSeatFor(router, Call("c1", 2)));
        Assert.Equal("1002", NextSeatFor(router, Call("c2", 3)));
    }

    [Fact]
    public void A_call_whose_floor_is_level_3_skips_a_level_1_seat_until_the_floor_drops()
    {
        var router = new AcdRouter(RoutingStrategy.LongestIdle);
        router.AddSeat(Seat("1001", idleSinceSecond: 0, level: 1));
        router.AddCall(Call("c1", 1));
        var floor = 3;

        Assert.Null(router.Next(_ => floor));
        Assert.Equal(1, router.WaitingCount);

        floor = 1; // the queue's widening rule applies after the call waited long enough
        var match = Assert.NotNull(router.Next(_ => floor));
        Assert.Equal(("c1", "1001"), (match.Call.CallId, match.Seat.JobNo));
    }

    [Fact]
    public void A_call_whose_floor_is_level_3_takes_a_level_3_seat_over_a_longer_idle_level_1_seat()
    {
        var router = new AcdRouter(RoutingStrategy.LongestIdle);
        router.AddSeat(Seat("1001", idleSinceSecond: 0, level: 1));
        router.AddSeat(Seat("1002", idleSinceSecond: 30, level: 3));
        router.AddSeat(Seat("1003", idleSinceSecond: 10, level: 4));
        router.AddCall(Call("c1", 40));

        Assert.Equal("1003", Assert.NotNull(router.Next(_ => 3)).Seat.JobNo);
    }

    [Fact]
    public void An_english_call_waiting_first_does_not_stop_a_later_mandarin_call_reaching_a_mandarin_seat()
    {
        var router = new AcdRouter(RoutingStrategy.LongestIdle);
        router.AddCall(Call("english", 0, language: "en"));
        router.AddCall(Call("mandarin", 10, language: "zh"));
        router.AddSeat(Seat("1001", 0, languages: ["zh"]));

        var match = Assert.NotNull(router.Next(AnyLevel));
        Assert.Equal(("mandarin", "1001"), (match.Call.CallId, match.Seat.JobNo));
        Assert.Equal(1, router.PositionOf("english"));
    }

    [Fact]
    public void A_high_priority_call_no_seat_can_take_does_not_block_lower_priority_calls()
    {
        var router = new AcdRouter(RoutingStrategy.LongestIdle);
        router.AddCall(Call("vip-english", 0, priority: 9, language: "en"));
        router.AddCall(Call("vip-expert", 1, priority: 9));
        router.AddCall(Call("ordinary", 2, priority: 0));
        router.AddSeat(Seat("1001", 0, level: 1, languages: ["zh"]));

        // vip-expert needs level 4 (its floor), vip-english needs English: neither fits the seat.
        var match = Assert.NotNull(router.Next(c => c.CallId == "vip-expert" ? 4 : 1));
        Assert.Equal("ordinary", match.Call.CallId);
    }

    [Fact]
    public void The_oldest_eligible_call_wins_when_several_classes_could_take_the_seat()
    {
        var router = new AcdRouter(RoutingStrategy.LongestIdle);
        router.AddCall(Call("plain-late", 20));
        router.AddCall(Call("english-early", 5, language: "en"));
        router.AddCall(Call("mandarin-middle", 10, language: "zh"));
        router.AddSeat(Seat("1001", 0, languages: ["zh", "en"]));

        Assert.Equal("english-early", Assert.NotNull(router.Next(AnyLevel)).Call.CallId);
    }

    [Fact]
    public void Position_of_and_in_order_agree_for_every_waiting_call()
    {
        var random = new Random(1234);
        var router = new AcdRouter(RoutingStrategy.LongestIdle);
        string?[] languages = [null, null, "en", "zh", "fr"];
        for (var i = 0; i < 300; i++)
            router.AddCall(Call($"c{i:000}", random.Next(0, 60), random.Next(0, 4), languages[random.Next(languages.Length)]));
        // A few leave, as abandoned calls do.
        for (var i = 0; i < 300; i += 7) router.RemoveCall($"c{i:000}");

        var order = router.InOrder().Select(c => c.CallId).ToList();
        Assert.Equal(router.WaitingCount, order.Count);
        Assert.Equal(order.Count, order.Distinct().Count());
        for (var i = 0; i < order.Count; i++)
            Assert.Equal(i + 1, router.PositionOf(order[i]));
        Assert.Equal(0, router.PositionOf("c000"));
        Assert.Equal(0, router.PositionOf("never-seen"));
    }

    [Fact]
    public void Removing_and_re_adding_a_call_with_its_original_enqueued_at_puts_it_back_at_the_head()
    {
        var router = new AcdRouter(RoutingStrategy.LongestIdle);
        router.AddCall(Call("first", 0));
        router.AddCall(Call("second", 10));
        router.AddCall(Call("third", 20));
        router.AddSeat(Seat("1001", 0));

        var offered = Assert.NotNull(router.Next(AnyLevel));
        Assert.Equal("first", offered.Call.CallId);
        Assert.Equal(1, router.PositionOf("second"));

        // Ring-no-answer: the call comes back with its original arrival time (and a new sequence number).
        Assert.True(router.AddCall(new WaitingCall("first", offered.Call.EnqueuedAt, 0, null, ++_sequence)));

        Assert.Equal(["first", "second", "third"], router.InOrder().Select(c => c.CallId));
        Assert.Equal(1, router.PositionOf("first"));
        Assert.Equal(3, router.PositionOf("third"));
    }

    [Fact]
    public void Adding_a_call_that_is_already_waiting_is_refused_and_keeps_one_entry()
    {
        var router = new AcdRouter(RoutingStrategy.LongestIdle);
        Assert.True(router.AddCall(Call("c1", 0)));
        Assert.False(router.AddCall(Call("c1", 50)));

        Assert.Equal(1, router.WaitingCount);
        Assert.Equal(T0, Assert.Single(router.InOrder()).EnqueuedAt);
    }

    [Fact]
    public void A_seat_added_again_replaces_its_earlier_entry()
    {
        var router = new AcdRouter(RoutingStrategy.LongestIdle);
        router.AddSeat(Seat("1001", idleSinceSecond: 0, languages: ["en"]));
        router.AddSeat(Seat("1001", idleSinceSecond: 50, level: 4, languages: ["zh"]));
        router.AddSeat(Seat("1002", idleSinceSecond: 20, level: 1, languages: ["zh"]));

        Assert.Equal(2, router.ReadySeatCount);
        Assert.Null(router.BestSeat("en", 1));
        Assert.Equal("1002", router.BestSeat(null, 1)?.JobNo);
        Assert.Equal("1001", router.BestSeat("zh", 4)?.JobNo);
    }

    [Fact]
    public void A_removed_seat_is_offered_nothing()
    {
        var router = new AcdRouter(RoutingStrategy.LongestIdle);
        router.AddSeat(Seat("1001", 0));
        Assert.NotNull(router.RemoveSeat("1001"));
        router.AddCall(Call("c1", 1));

        Assert.Null(router.Next(AnyLevel));
        Assert.Null(router.RemoveSeat("1001"));
    }

    private static RoutingMatch? NextMatch(AcdRouter router, WaitingCall call)
    {
        router.AddCall(call);
        return router.Next(AnyLevel);
    }

    // ---- 10,000 seats and 25,000 calls against a brute-force reference -------------------------------

    [Theory]
    [InlineData(RoutingStrategy.LongestIdle)]
    [InlineData(RoutingStrategy.FewestCalls)]
    [InlineData(RoutingStrategy.LeastTalkTime)]
    [InlineData(RoutingStrategy.RoundRobin)]
    [InlineData(RoutingStrategy.HighestProficiency)]
    public void Ten_thousand_seats_and_twenty_five_thousand_calls_match_a_brute_force_reference(RoutingStrategy strategy)
    {
        const int seatCount = 10_000, callCount = 25_000, matchesToCheck = 1_500;
        var random = new Random(20261123 + (int)strategy);
        var now = T0.AddMinutes(30);
        // The floor widens with the wait, the way the queue's widening rules make it: monotonic in arrival.
        Func<WaitingCall, int> floor = c => (now - c.EnqueuedAt).TotalMinutes switch { >= 20 => 1, >= 10 => 2, _ => 3 };

        var seats = new List<ReadySeat>(seatCount);
        for (var i = 0; i < seatCount; i++)
        {
            var languages = new List<string> { "zh" };
            if (random.NextDouble() < 0.3) languages.Add("en");
            if (random.NextDouble() < 0.03) languages.Add("fr");
            seats.Add(new ReadySeat($"{10000 + i}", random.Next(1, 6), languages,
                T0.AddSeconds(random.Next(0, 600)), // many seats share an idle-since second: ties break by job number
                random.Next(0, 40), TimeSpan.FromSeconds(random.Next(0, 4000))));
        }
        var calls = new List<WaitingCall>(callCount);
        string?[] callLanguages = [null, null, null, null, null, null, "zh", "en", "en", "fr"];
        for (var i = 0; i < callCount; i++)
            calls.Add(new WaitingCall($"call-{i:00000}", T0.AddSeconds(random.Next(0, 1800)), random.Next(0, 10) == 0 ? random.Next(1, 4) : 0,
                callLanguages[random.Next(callLanguages.Length)], i));

        var router = new AcdRouter(strategy, new Random(1));
        foreach (var seat in seats.OrderBy(_ => random.Next())) router.AddSeat(seat);
        foreach (var call in calls.OrderBy(_ => random.Next())) router.AddCall(call);

        var reference = new BruteForceRouter(strategy, seats, calls, floor);
        for (var step = 1; step <= matchesToCheck; step++)
        {
            var expected = reference.Next(step);
            var actual = router.Next(floor);
            Assert.True(expected is not null, $"step {step}: the reference found no match");
            Assert.True(actual is not null, $"step {step}: the router found no match, expected {expected.Value.Call.CallId} → {expected.Value.Seat.JobNo}");
            Assert.True(expected.Value.Call.CallId == actual.Value.Call.CallId && expected.Value.Seat.JobNo == actual.Value.Seat.JobNo,
                $"step {step}: expected {expected.Value.Call.CallId} → {expected.Value.Seat.JobNo}, got {actual.Value.Call.CallId} → {actual.Value.Seat.JobNo}");

            if (step % 10 == 0)
            {
                // Now and then the seat finishes and comes back ready, as seats do.
                var back = new ReadySeat(actual.Value.Seat.JobNo, actual.Value.Seat.Level, actual.Value.Seat.Languages,
                    now.AddSeconds(step), actual.Value.Seat.CallsAnswered + 1, actual.Value.Seat.TalkTime + TimeSpan.FromSeconds(200));
                router.AddSeat(back);
                reference.AddSeat(back);
            }
        }
        Assert.Equal(reference.WaitingCount, router.WaitingCount);
        Assert.Equal(reference.ReadySeatCount, router.ReadySeatCount);
    }

    /// <summary>The routing rule written the obvious way: scan every call in order, scan every seat.</summary>
    private sealed class BruteForceRouter(RoutingStrategy strategy, IEnumerable<ReadySeat> seats, IEnumerable<WaitingCall> calls, Func<WaitingCall, int> floor)
    {
        private readonly List<ReadySeat> _seats = seats.ToList();
        private readonly List<WaitingCall> _calls = calls
            .OrderByDescending(c => c.Priority).ThenBy(c => c.EnqueuedAt).ThenBy(c => c.Sequence).ThenBy(c => c.CallId, StringComparer.Ordinal)
            .ToList();
        private readonly Dictionary<string, long> _lastOffer = new(StringComparer.Ordinal);

        public int WaitingCount => _calls.Count;
        public int ReadySeatCount => _seats.Count;

        public void AddSeat(ReadySeat seat) => _seats.Add(seat);

        public (WaitingCall Call, ReadySeat Seat)? Next(long offerSequence)
        {
            // Many calls share a (language, floor); the best seat for each is found by a full scan, once per step.
            var bestFor = new Dictionary<(string?, int), ReadySeat?>();
            for (var i = 0; i < _calls.Count; i++)
            {
                var call = _calls[i];
                var key = (call.Language, Math.Clamp(floor(call), AcdRouter.MinLevel, AcdRouter.MaxLevel));
                if (!bestFor.TryGetValue(key, out var seat)) bestFor[key] = seat = Best(key.Language, key.Item2);
                if (seat is null) continue;
                _calls.RemoveAt(i);
                _seats.Remove(seat);
                _lastOffer[seat.JobNo] = offerSequence;
                return (call, seat);
            }
            return null;
        }

        private ReadySeat? Best(string? language, int minimumLevel)
        {
            ReadySeat? best = null;
            foreach (var seat in _seats)
            {
                if (seat.Level < minimumLevel) continue;
                if (language is not null && !seat.Languages.Contains(language)) continue;
                if (best is null || Compare(seat, best) < 0) best = seat;
            }
            return best;
        }

        private int Compare(ReadySeat x, ReadySeat y)
        {
            var c = strategy switch
            {
                RoutingStrategy.FewestCalls => x.CallsAnswered.CompareTo(y.CallsAnswered),
                RoutingStrategy.LeastTalkTime => x.TalkTime.CompareTo(y.TalkTime),
                RoutingStrategy.RoundRobin => _lastOffer.GetValueOrDefault(x.JobNo).CompareTo(_lastOffer.GetValueOrDefault(y.JobNo)),
                RoutingStrategy.HighestProficiency => y.Level.CompareTo(x.Level),
                _ => 0,
            };
            if (c != 0) return c;
            c = x.IdleSince.CompareTo(y.IdleSince);
            return c != 0 ? c : string.CompareOrdinal(x.JobNo, y.JobNo);
        }
    }
}
