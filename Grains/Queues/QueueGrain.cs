using Hotline.Common;
using Hotline.Events;
using Hotline.Seats;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Hotline.Queues;

/// <summary>
/// Durable part of a queue: its settings, service-level counters and the seats logged in to it. The line itself is
/// soft state, rebuilt from the calls' heartbeats.
/// </summary>
[GenerateSerializer, Alias("hotline.QueueState")]
public sealed class QueueState
{
    [Id(0)] public bool Configured { get; set; }
    [Id(1)] public QueueConfig Config { get; set; } = new();
    [Id(2)] public QueueCounters Counters { get; set; } = new();
    /// <summary>Job numbers of the seats logged in to the queue: the ones it wakes when they fall silent.</summary>
    [Id(3)] public HashSet<string> Seats { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// The ACD queue. It is reentrant: every decision is made synchronously between awaits, so offers to
/// seats and calls run concurrently without the queue ever waiting on itself. The routing decision lives
/// in <see cref="AcdRouter"/>; this class is plumbing: offers, ring-no-answer, overflow, counters.
/// </summary>
[Reentrant]
[GrainType("queue")]
public sealed partial class QueueGrain : Grain, IQueueGrain
{
    private const int SnapshotWaitingLimit = 200;
    private static readonly TimeSpan TickPeriod = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan CounterFlushPeriod = TimeSpan.FromSeconds(2);

    private readonly IPersistentState<QueueState> _state;
    private readonly TimeProvider _time;
    private readonly HotlineGrainOptions _options;
    private readonly ILogger<QueueGrain> _logger;
    private readonly CoalescingWriter _writer;
    private readonly SoftStateRegistry _softState;
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SeatAvailability> _seats = new(StringComparer.Ordinal);
    // Seat → the call this queue is offering it; an offered seat never re-enters the router.
    private readonly Dictionary<string, string> _offersBySeat = new(StringComparer.Ordinal);
    // Calls that left this queue for good, and when: a heartbeat they sent before leaving must not re-add them.
    private readonly Dictionary<string, DateTimeOffset> _departed = new(StringComparer.Ordinal);
    // The same departures in the order they happened, so that forgetting old ones costs nothing per tick.
    private readonly Queue<(string CallId, DateTimeOffset At)> _departures = new();
    // Home calls by when something is next due for them (an overflow rule, the maximum wait): the tick looks at no other.
    private readonly PriorityQueue<string, DateTimeOffset> _due = new();
    private QueueStaffing _staffing;
    private DateTimeOffset _lastAudit;
    // Calls that could not be reached with an offer: back in the router on the next tick, not at once (no busy loop).
    private readonly HashSet<string> _offerAgain = new(StringComparer.Ordinal);
    private AcdRouter _router = null!;
    private QueuePolicy _policy = null!;
    private EventPublisher _events = null!;
    private long _sequence;
    private bool _countersDirty;
    private DateTimeOffset _lastCounterFlush;
    private DateTimeOffset _lastPublished;
    private string? _pendingEvent;

    public QueueGrain(
        [PersistentState(GrainStorage.States.Queue, GrainStorage.Hotline)] IPersistentState<QueueState> state,
        [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
        IOptions<HotlineGrainOptions> options,
        SoftStateRegistry softState,
        ILogger<QueueGrain> logger)
    {
        _state = state;
        _time = time;
        _options = options.Value;
        _logger = logger;
        _softState = softState;
        _writer = new CoalescingWriter(() => _state.WriteStateAsync());
    }

    private string Id => this.GetPrimaryKeyString();
    private QueueConfig Config => _state.State.Config;
    private QueueStaffing Staffing => _staffing;

    private enum EntryStatus { Waiting, Offering, Elsewhere }

    private sealed class Entry(QueueEntry data, DateTimeOffset lastSeen)
    {
        public QueueEntry Data { get; set; } = data;
        public EntryStatus Status { get; set; }
        public string? OfferedTo { get; set; }
        public DateTimeOffset LastSeen { get; set; } = lastSeen;
        /// <summary>When this entry's turn in <c>_due</c> is; an older turn still in the heap is skipped.</summary>
        public DateTimeOffset? DueAt { get; set; }
        public HashSet<string> OverflowedTo { get; } = new(StringComparer.Ordinal);
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _router = new AcdRouter(Config.Strategy);
        _policy = new QueuePolicy(Config);
        _events = EventPublisher.For(this, EventTopics.Queues, _logger);
        if (_state.State.Counters.Since == default)
            _state.State.Counters = _state.State.Counters with { Since = _time.GetUtcNow() };
        _lastCounterFlush = _time.GetUtcNow();
        _lastAudit = _lastCounterFlush;
        this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(TickPeriod, TickPeriod) { Interleave = true });
        _softState.Track(GrainContext.GrainId, matters: true);
        // A new activation has an empty line and no seats: its seats tell it what they are at once (waiting calls do
        // when a silo's death is known, see SoftStateRepair, or on their audit).
        if (_state.State.Seats.Count > 0) _ = WakeAsync(_state.State.Seats.ToList(), "this queue came back");
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _softState.Track(GrainContext.GrainId, matters: false);
        if (_countersDirty) await _writer.WriteAsync();
    }

    public Task<QueueConfig> GetConfigAsync()
    {
        EnsureConfigured();
        return Task.FromResult(Config);
    }

    public async Task<QueueConfig> ConfigureAsync(QueueConfig config)
    {
        var strategyChanged = !_state.State.Configured || config.Strategy != Config.Strategy;
        _state.State.Config = config;
        _state.State.Configured = true;
        _policy = new QueuePolicy(config);
        if (strategyChanged) RebuildRouter();
        await _writer.WriteAsync();
        await GrainFactory.GetGrain<IQueueDirectoryGrain>(IQueueDirectoryGrain.Centre).AddAsync(Id);
        _logger.LogInformation("Queue {QueueId} configured: {Strategy}", Id, config.Strategy);
        PublishChanged("queue.configured");
        Dispatch();
        return config;
    }

    public Task<QueueSnapshot> GetAsync()
    {
        EnsureConfigured();
        return Task.FromResult(Snapshot());
    }

    public async Task ResetCountersAsync()
    {
        _state.State.Counters = new QueueCounters { Since = _time.GetUtcNow() };
        await _writer.WriteAsync();
        PublishChanged("queue.counters_reset");
    }

    public Task<QueuePosition> EnqueueAsync(QueueEntry entry)
    {
        EnsureConfigured();
        var now = _time.GetUtcNow();
        if (_entries.TryGetValue(entry.CallId, out var known))
        {
            known.LastSeen = now;
            return Task.FromResult(PositionOf(entry.CallId));
        }

        var isVisit = entry.FromQueue is not null && entry.FromQueue != Id;
        // Counting the live callers walks the line, so only a queue with a maximum length does it.
        if (_policy.Refusal(isVisit, entry.IsCallback, Config.MaxLength is null ? 0 : LiveWaitingCount()) is { } destination)
        {
            _logger.LogDebug("Queue {QueueId} full ({Max}); {CallId} goes to {Destination}", Id, Config.MaxLength, entry.CallId, destination);
            CountExit(destination);
            return Task.FromResult(new QueuePosition(false, 0, 0, destination));
        }

        _departed.Remove(entry.CallId); // e.g. transferred back into this queue
        Add(entry, now);
        if (!isVisit) Count(c => c with { Entered = c.Entered + 1 });
        Dispatch();
        PublishChanged("queue.call_entered");
        return Task.FromResult(PositionOf(entry.CallId));
    }

    public Task TouchAsync(QueueEntry entry)
    {
        if (!_state.State.Configured) return Task.CompletedTask;
        var now = _time.GetUtcNow();
        if (_entries.TryGetValue(entry.CallId, out var known))
        {
            known.LastSeen = now;
            // A call that was taken elsewhere and came back (ring-no-answer there) rejoins the line here.
            if (known.Status == EntryStatus.Elsewhere)
            {
                known.Status = EntryStatus.Waiting;
                known.Data = entry;
                AddToRouter(known);
                ScheduleDue(known, now);
                Dispatch();
            }
            return Task.CompletedTask;
        }
        if (_departed.ContainsKey(entry.CallId)) return Task.CompletedTask; // sent before the call left
        // This activation never saw the call: the queue was lost with its silo and is being rebuilt.
        Add(entry, now);
        Dispatch();
        return Task.CompletedTask;
    }

    public Task<QueuePosition> GetPositionAsync(string callId) => Task.FromResult(PositionOf(callId));

    public Task AbandonAsync(string callId, DateTimeOffset enqueuedAt)
    {
        Depart(callId);
        var isShort = _policy.IsShortAbandon(_time.GetUtcNow() - enqueuedAt);
        Count(c => c with { Abandoned = c.Abandoned + 1, ShortAbandoned = c.ShortAbandoned + (isShort ? 1 : 0) });
        PublishChanged("queue.call_abandoned");
        Dispatch(); // a seat the call was ringing at is free again
        return Task.CompletedTask;
    }

    public Task ConvertToCallbackAsync(string callId, bool requestedByCaller)
    {
        if (!_entries.TryGetValue(callId, out var entry)) return Task.CompletedTask;
        entry.Data = entry.Data with { IsCallback = true };
        if (_router.FindCall(callId) is { } waiting) waiting.IsCallback = true;
        if (requestedByCaller && IsHome(entry)) Count(c => c with { CallbacksRequested = c.CallbacksRequested + 1 });
        PublishChanged("queue.callback_requested");
        return Task.CompletedTask;
    }

    public Task RemoveAsync(string callId)
    {
        if (Depart(callId)) PublishChanged("queue.call_left");
        Dispatch();
        return Task.CompletedTask;
    }

    public Task RingNoAnswerAsync(string callId, string jobNo)
    {
        Count(c => c with { RingNoAnswer = c.RingNoAnswer + 1 });
        if (_entries.TryGetValue(callId, out var entry) && entry.OfferedTo == jobNo)
        {
            // Back to the head of the line: the entry keeps its original arrival time and so its place.
            entry.Status = EntryStatus.Waiting;
            SetOffer(entry, null);
            entry.LastSeen = _time.GetUtcNow();
            AddToRouter(entry);
        }
        Dispatch();
        PublishChanged("queue.ring_no_answer");
        return Task.CompletedTask;
    }

    public Task AnsweredAsync(string callId, DateTimeOffset enqueuedAt, DateTimeOffset answeredAt)
    {
        Depart(callId);
        var waited = Math.Max(0, (answeredAt - enqueuedAt).TotalSeconds);
        var within = _policy.WithinServiceLevel(waited);
        Count(c => c with
        {
            Answered = c.Answered + 1,
            AnsweredWithinThreshold = c.AnsweredWithinThreshold + (within ? 1 : 0),
            TotalAnsweredWaitSeconds = c.TotalAnsweredWaitSeconds + waited,
        });
        PublishChanged("queue.call_answered");
        return Task.CompletedTask;
    }

    // ---- bookkeeping ------------------------------------------------------------------------------

    private void Add(QueueEntry data, DateTimeOffset now)
    {
        var entry = new Entry(data, now);
        _entries[data.CallId] = entry;
        AddToRouter(entry);
        ScheduleDue(entry, now);
    }

    private void AddToRouter(Entry entry)
    {
        var d = entry.Data;
        // Seats and calls keep languages in lower case (yue-hk); the queue's setting may not be (yue-HK).
        _router.AddCall(new WaitingCall(d.CallId, d.EnqueuedAt, d.Priority, d.Language ?? Config.Language?.Trim().ToLowerInvariant(), ++_sequence)
        {
            IsCallback = d.IsCallback,
            FromQueue = d.FromQueue,
        });
    }

    private bool IsHome(Entry entry) => entry.Data.FromQueue is null || entry.Data.FromQueue == Id;

    /// <summary>The call left this queue for good (answered, abandoned, exited, taken elsewhere or ended).</summary>
    private bool Depart(string callId)
    {
        var now = _time.GetUtcNow();
        _departed[callId] = now;
        _departures.Enqueue((callId, now));
        return Forget(callId);
    }

    private bool Forget(string callId)
    {
        _router.RemoveCall(callId);
        if (!_entries.Remove(callId, out var entry)) return false;
        SetOffer(entry, null);
        return true;
    }

    private void RebuildRouter()
    {
        _router = new AcdRouter(Config.Strategy);
        foreach (var entry in _entries.Values.Where(e => e.Status == EntryStatus.Waiting)) AddToRouter(entry);
        foreach (var seat in _seats.Values.Where(s => s.State == SeatState.Ready))
            _router.AddSeat(ToReadySeat(seat));
    }

    private void Count(Func<QueueCounters, QueueCounters> change)
    {
        _state.State.Counters = change(_state.State.Counters);
        _countersDirty = true;
    }

    private void CountExit(QueueExitDestination destination) => Count(c => destination == QueueExitDestination.Voicemail
        ? c with { ExitedToVoicemail = c.ExitedToVoicemail + 1 }
        : c with { ExitedToCallback = c.ExitedToCallback + 1 });

    private int LiveWaitingCount() => _entries.Values.Count(e => !e.Data.IsCallback && e.Status != EntryStatus.Offering);

    private void EnsureConfigured()
    {
        if (!_state.State.Configured)
            throw new DomainException("queue.not_found", $"Queue '{Id}' is not configured.", status: 404);
    }

    // ---- views ------------------------------------------------------------------------------------

    private QueuePosition PositionOf(string callId)
    {
        var position = _router.PositionOf(callId);
        return new QueuePosition(true, position, _policy.EstimatedWaitSeconds(position, Staffing), null);
    }

    private QueueSnapshot Snapshot()
    {
        var now = _time.GetUtcNow();
        var staffing = Staffing;
        var waiting = new List<WaitingCallView>();
        var position = 0;
        foreach (var call in _router.InOrder())
        {
            position++;
            if (waiting.Count >= SnapshotWaitingLimit) continue;
            waiting.Add(View(call.CallId, call.EnqueuedAt, call.Priority, call.Language, call.IsCallback, call.FromQueue, position, null, now, staffing));
        }
        foreach (var e in _entries.Values.Where(e => e.Status == EntryStatus.Offering))
            waiting.Add(View(e.Data.CallId, e.Data.EnqueuedAt, e.Data.Priority, e.Data.Language, e.Data.IsCallback, e.Data.FromQueue, 0, e.OfferedTo, now, staffing));

        var longest = _entries.Values.Where(e => e.Status != EntryStatus.Elsewhere && !e.Data.IsCallback)
            .Select(e => (int)(now - e.Data.EnqueuedAt).TotalSeconds).DefaultIfEmpty(0).Max();
        var counts = new QueueSeats(
            Ready: _seats.Values.Count(s => s.State == SeatState.Ready),
            Busy: _seats.Values.Count(s => s.State is SeatState.Reserved or SeatState.Talking or SeatState.Wrapup),
            NotReady: _seats.Values.Count(s => s.State == SeatState.NotReady),
            LoggedIn: _seats.Values.Count(s => s.State != SeatState.LoggedOut));
        return new QueueSnapshot(Id, Config, waiting, _state.State.Counters, counts, longest,
            _seats.Values.Where(s => s.State == SeatState.Ready).Select(s => s.JobNo).Order().ToList(),
            _router.WaitingCount, _policy.EstimatedWaitSeconds(_router.WaitingCount + 1, staffing));
    }

    private WaitingCallView View(string callId, DateTimeOffset enqueuedAt, int priority, string? language, bool isCallback,
        string? fromQueue, int position, string? offeredTo, DateTimeOffset now, QueueStaffing staffing) =>
        new(callId, position, enqueuedAt, (int)(now - enqueuedAt).TotalSeconds, priority, language, isCallback,
            fromQueue, _policy.EstimatedWaitSeconds(position, staffing), offeredTo);

    /// <summary>Queue events are throttled to four a second; the tick sends the last one held back.</summary>
    private void PublishChanged(string type)
    {
        var now = _time.GetUtcNow();
        if (now - _lastPublished < TimeSpan.FromMilliseconds(250))
        {
            _pendingEvent = type;
            return;
        }
        _lastPublished = now;
        _pendingEvent = null;
        var c = _state.State.Counters;
        _events.Publish(type, Id, _time.GetUtcNow(), new
        {
            id = Id,
            waiting = _router.WaitingCount,
            offered = c.Offered,
            answered = c.Answered,
            answeredWithinThreshold = c.AnsweredWithinThreshold,
            abandoned = c.Abandoned,
            readySeats = _router.ReadySeatCount,
        });
    }
}
