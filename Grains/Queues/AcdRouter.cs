using Hotline.Queues;

namespace Hotline.Queues;

/// <summary>A call waiting for a seat, as the router orders it.</summary>
public sealed class WaitingCall(string callId, DateTimeOffset enqueuedAt, int priority, string? language, long sequence)
{
    public string CallId { get; } = callId;
    /// <summary>When the call first entered the line; re-queued and overflowed calls keep it, and so their place.</summary>
    public DateTimeOffset EnqueuedAt { get; } = enqueuedAt;
    public int Priority { get; } = priority;
    /// <summary>Language the caller needs (e.g. "en"); null when any seat will do.</summary>
    public string? Language { get; } = language;
    /// <summary>Tie-breaker for calls that entered at the same instant.</summary>
    public long Sequence { get; } = sequence;
    public bool IsCallback { get; set; }
    public string? FromQueue { get; init; }
}

/// <summary>A ready seat as the router sees it.</summary>
public sealed class ReadySeat(string jobNo, int level, IReadOnlyList<string> languages, DateTimeOffset idleSince, int callsAnswered, TimeSpan talkTime)
{
    public string JobNo { get; } = jobNo;
    /// <summary>Proficiency in this queue, 1 (novice) to 5 (expert).</summary>
    public int Level { get; } = level;
    public IReadOnlyList<string> Languages { get; } = languages;
    public DateTimeOffset IdleSince { get; } = idleSince;
    public int CallsAnswered { get; } = callsAnswered;
    public TimeSpan TalkTime { get; } = talkTime;
    internal long LastOfferSequence { get; set; }
    internal double RandomKey { get; set; }
}

/// <summary>A call and the seat it should be offered to.</summary>
public readonly record struct RoutingMatch(WaitingCall Call, ReadySeat Seat);

/// <summary>
/// The ACD routing decision, free of Orleans: who waits in what order, which ready seat takes which call.
/// Calls are ordered by priority (higher first), then arrival (FIFO), then sequence. A call may need a
/// language and a minimum proficiency level that widens with its wait (the caller supplies that rule).
/// Among eligible seats the strategy decides. A decision costs O(classes × levels × log n): calls are
/// kept in one ordered set per (priority, language) class and seats in one ordered set per
/// (language, level), so 25,000 waiting calls and 10,000 seats cost no scan.
/// </summary>
public sealed class AcdRouter
{
    public const int MinLevel = 1;
    public const int MaxLevel = 5;
    private const string AnyLanguage = "";

    private readonly RoutingStrategy _strategy;
    private readonly Random _random;
    private readonly SeatOrder _seatOrder;
    private readonly Dictionary<string, WaitingCall> _calls = new(StringComparer.Ordinal);
    private readonly SortedDictionary<(int Priority, string Language), SortedSet<WaitingCall>> _callClasses =
        new(Comparer<(int Priority, string Language)>.Create((a, b) =>
        {
            var byPriority = b.Priority.CompareTo(a.Priority);
            return byPriority != 0 ? byPriority : string.CompareOrdinal(a.Language, b.Language);
        }));
    private readonly Dictionary<string, ReadySeat> _seats = new(StringComparer.Ordinal);
    // Index [language][level] of ready seats in strategy order; "" holds every seat.
    private readonly Dictionary<string, SortedSet<ReadySeat>[]> _seatBuckets = new(StringComparer.Ordinal);
    // Round robin remembers offers across a seat's ready periods.
    private readonly Dictionary<string, long> _lastOffer = new(StringComparer.Ordinal);
    private long _offerSequence;

    public AcdRouter(RoutingStrategy strategy, Random? random = null)
    {
        _strategy = strategy;
        _random = random ?? Random.Shared;
        _seatOrder = new SeatOrder(strategy);
    }

    public RoutingStrategy Strategy => _strategy;
    public int WaitingCount => _calls.Count;
    public int ReadySeatCount => _seats.Count;
    public IEnumerable<ReadySeat> ReadySeats => _seats.Values;

    public bool ContainsCall(string callId) => _calls.ContainsKey(callId);
    public bool ContainsSeat(string jobNo) => _seats.ContainsKey(jobNo);
    public WaitingCall? FindCall(string callId) => _calls.GetValueOrDefault(callId);

    /// <summary>Adds a waiting call; false when it is already waiting.</summary>
    public bool AddCall(WaitingCall call)
    {
        if (!_calls.TryAdd(call.CallId, call)) return false;
        var key = (call.Priority, call.Language ?? AnyLanguage);
        if (!_callClasses.TryGetValue(key, out var set))
        {
            set = new SortedSet<WaitingCall>(CallOrder.Instance);
            _callClasses.Add(key, set);
        }
        set.Add(call);
        return true;
    }

    public WaitingCall? RemoveCall(string callId)
    {
        if (!_calls.Remove(callId, out var call)) return null;
        var key = (call.Priority, call.Language ?? AnyLanguage);
        var set = _callClasses[key];
        set.Remove(call);
        if (set.Count == 0) _callClasses.Remove(key);
        return call;
    }

    /// <summary>Adds or replaces a ready seat.</summary>
    public void AddSeat(ReadySeat seat)
    {
        RemoveSeat(seat.JobNo);
        seat.LastOfferSequence = _lastOffer.GetValueOrDefault(seat.JobNo);
        seat.RandomKey = _random.NextDouble();
        _seats.Add(seat.JobNo, seat);
        var level = Math.Clamp(seat.Level, MinLevel, MaxLevel);
        Bucket(AnyLanguage, level).Add(seat);
        foreach (var language in seat.Languages) Bucket(language, level).Add(seat);
    }

    public ReadySeat? RemoveSeat(string jobNo)
    {
        if (!_seats.Remove(jobNo, out var seat)) return null;
        var level = Math.Clamp(seat.Level, MinLevel, MaxLevel);
        _seatBuckets[AnyLanguage][level - 1].Remove(seat);
        foreach (var language in seat.Languages) _seatBuckets[language][level - 1].Remove(seat);
        return seat;
    }

    /// <summary>
    /// The next call to offer and the seat to offer it to, or null when no waiting call has an eligible
    /// ready seat. Both are removed from the router: the caller puts them back if the offer fails.
    /// </summary>
    /// <param name="minimumLevel">The lowest seat level the call may go to now (widening with wait).</param>
    public RoutingMatch? Next(Func<WaitingCall, int> minimumLevel)
    {
        if (_seats.Count == 0 || _calls.Count == 0) return null;

        // Each class's head is its oldest call, so the one with the lowest level floor: if the head finds
        // no seat, nobody behind it in that class does either. Heads are tried in global call order.
        WaitingCall? best = null;
        ReadySeat? bestSeat = null;
        foreach (var set in _callClasses.Values)
        {
            var head = set.Min!;
            if (best is not null && CallOrder.Instance.Compare(best, head) < 0) continue;
            var seat = BestSeat(head.Language, minimumLevel(head));
            if (seat is null) continue;
            best = head;
            bestSeat = seat;
        }
        if (best is null || bestSeat is null) return null;

        RemoveCall(best.CallId);
        RemoveSeat(bestSeat.JobNo);
        _lastOffer[bestSeat.JobNo] = ++_offerSequence;
        return new RoutingMatch(best, bestSeat);
    }

    /// <summary>The best ready seat for a call needing this language at or above this level.</summary>
    public ReadySeat? BestSeat(string? language, int minimumLevel)
    {
        if (!_seatBuckets.TryGetValue(language ?? AnyLanguage, out var buckets)) return null;
        var floor = Math.Clamp(minimumLevel, MinLevel, MaxLevel);
        ReadySeat? best = null;
        for (var level = MaxLevel; level >= floor; level--)
        {
            var bucket = buckets[level - 1];
            if (bucket.Count == 0) continue;
            var candidate = bucket.Min!;
            if (_strategy == RoutingStrategy.HighestProficiency) return candidate;
            if (best is null || _seatOrder.Compare(candidate, best) < 0) best = candidate;
        }
        return best;
    }

    /// <summary>All waiting calls in the order they will be served (merging the classes).</summary>
    public IEnumerable<WaitingCall> InOrder()
    {
        var heads = new PriorityQueue<IEnumerator<WaitingCall>, WaitingCall>(CallOrder.Instance);
        foreach (var set in _callClasses.Values)
        {
            var e = set.GetEnumerator();
            if (e.MoveNext()) heads.Enqueue(e, e.Current);
        }
        while (heads.TryDequeue(out var e, out var call))
        {
            yield return call;
            if (e.MoveNext()) heads.Enqueue(e, e.Current);
        }
    }

    /// <summary>1-based position of a waiting call in the line, or 0 when it is not waiting. O(classes) for the newest call of its priority.</summary>
    public int PositionOf(string callId)
    {
        if (!_calls.TryGetValue(callId, out var call)) return 0;
        var ahead = 0;
        foreach (var set in _callClasses.Values)
        {
            if (set.Count == 0 || CallOrder.Instance.Compare(set.Min!, call) > 0) continue;
            // A class wholly ahead (higher priority, or a caller who just arrived) is counted without a walk: telling a new
            // caller their place costs O(classes), not O(waiting calls).
            ahead += CallOrder.Instance.Compare(set.Max!, call) <= 0 ? set.Count : set.GetViewBetween(set.Min!, call).Count;
        }
        return ahead;
    }

    private SortedSet<ReadySeat> Bucket(string language, int level)
    {
        if (!_seatBuckets.TryGetValue(language, out var buckets))
        {
            buckets = new SortedSet<ReadySeat>[MaxLevel];
            for (var i = 0; i < MaxLevel; i++) buckets[i] = new SortedSet<ReadySeat>(_seatOrder);
            _seatBuckets.Add(language, buckets);
        }
        return buckets[level - 1];
    }

    private sealed class CallOrder : IComparer<WaitingCall>
    {
        public static readonly CallOrder Instance = new();

        public int Compare(WaitingCall? x, WaitingCall? y)
        {
            if (ReferenceEquals(x, y)) return 0;
            if (x is null) return -1;
            if (y is null) return 1;
            var c = y.Priority.CompareTo(x.Priority);
            if (c != 0) return c;
            c = x.EnqueuedAt.CompareTo(y.EnqueuedAt);
            if (c != 0) return c;
            c = x.Sequence.CompareTo(y.Sequence);
            return c != 0 ? c : string.CompareOrdinal(x.CallId, y.CallId);
        }
    }

    /// <summary>Strategy order among seats: the smaller seat is offered first.</summary>
    private sealed class SeatOrder(RoutingStrategy strategy) : IComparer<ReadySeat>
    {
        public int Compare(ReadySeat? x, ReadySeat? y)
        {
            if (ReferenceEquals(x, y)) return 0;
            if (x is null) return -1;
            if (y is null) return 1;
            var c = strategy switch
            {
                RoutingStrategy.FewestCalls => x.CallsAnswered.CompareTo(y.CallsAnswered),
                RoutingStrategy.LeastTalkTime => x.TalkTime.CompareTo(y.TalkTime),
                RoutingStrategy.RoundRobin => x.LastOfferSequence.CompareTo(y.LastOfferSequence),
                RoutingStrategy.HighestProficiency => y.Level.CompareTo(x.Level),
                RoutingStrategy.Random => x.RandomKey.CompareTo(y.RandomKey),
                _ => 0,
            };
            if (c != 0) return c;
            c = x.IdleSince.CompareTo(y.IdleSince);
            return c != 0 ? c : string.CompareOrdinal(x.JobNo, y.JobNo);
        }
    }
}
