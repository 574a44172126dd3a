// Over 500 lines: the load driver's call centre (arrivals, agents, callers, offer notices by stream or poll, collection) kept in one place so that every figure it reports is computed beside the event it measures.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Hotline.Calls;
using Hotline.Events;
using Hotline.LoadTest.Load;
using Hotline.LoadTest.Reporting;
using Hotline.Queues;
using Hotline.Seats;
using Orleans.Streams;

namespace Hotline.LoadTest.Enqueue;

/// <summary>
/// The callers and agents of the <c>enqueue</c> scenario against a running silo. Callers arrive as a Poisson
/// process (open model) and wait; simulated agents learn of offers from the <c>seats</c> live stream (or, with
/// <see cref="OfferNotice.Poll"/>, from reading each waiting call), answer at once, talk for an exponential time
/// and hang up, after which their seat is ready again (wrap-up 0).
/// </summary>
public sealed class CallCentreSimulation
{
    private const long MicrosecondsPerHour = 3_600_000_000;
    private static readonly double MicrosecondsPerTick = 1e6 / Stopwatch.Frequency;

    private readonly IClusterClient _client;
    private readonly EnqueueOptions _options;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, SimulatedAgent> _agents = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TrackedCall> _calls = new(StringComparer.Ordinal);
    private readonly Random _timing;
    private readonly Lock _timingLock = new();
    private long _runStarted;
    private int _issued;
    private int _startFailed;
    private int _done;
    private int _offersSeen;
    private int _answered;
    private int _abandonedByCaller;
    private int _missedOffers;
    private int _reoffers;
    private int _offersBeforeStartReturned;
    private int _wrapUpsSettled;
    private int _readyHeard;
    private int _cutShort;
    private readonly CancellationTokenSource _windDown = new();
    private int _offersOfUnknownCalls;
    private int _neverEntered;

    public CallCentreSimulation(IClusterClient client, EnqueueOptions options, string queueId, string runTag, TimeProvider time)
    {
        _client = client;
        _options = options;
        _time = time;
        QueueId = queueId;
        _timing = new Random(options.Seed + 1);
        var levels = new Random(options.Seed + 2);
        for (var i = 1; i <= options.Agents; i++)
        {
            var jobNo = $"b{i:D4}-{runTag}";
            _agents.Add(jobNo, new SimulatedAgent(jobNo, levels.Next(AcdRouter.MinLevel, AcdRouter.MaxLevel + 1)));
        }
    }

    public string QueueId { get; }

    /// <summary>Grain time: the call's <c>OfferedAt − QueuedAt</c>, in µs.</summary>
    public Latency GrainOffer { get; } = new("us", MicrosecondsPerHour);
    /// <summary>Client time: from sending <c>StartAsync</c> to receiving the seat's <c>seat.offered</c> event, in µs.</summary>
    public Latency ClientOffer { get; } = new("us", MicrosecondsPerHour);
    public Latency StartRoundTrip { get; } = new("us", MicrosecondsPerHour);
    /// <summary>
    /// Stream mode, grain clock: from the later of the call's <c>QueuedAt</c> and its seat's last "ready" to the offer, in µs.
    /// Routing alone: in a saturated queue it leaves out the wait for a free seat that <see cref="GrainOffer"/> includes.
    /// </summary>
    public Latency FreeToOffer { get; } = new("us", MicrosecondsPerHour);
    /// <summary>
    /// Stream mode, grain clock, every offer attempt its own sample: from the moment both the call (queued, or back in
    /// line after ringing out) and the seat (its last "ready") were free to this offer, in µs. Unlike
    /// <see cref="FreeToOffer"/> a call that rang out and was offered again does not carry its first seat's ready time
    /// into its second offer; ring-outs are counted apart (<see cref="Reoffers"/>).
    /// </summary>
    public Latency OfferAttempt { get; } = new("us", MicrosecondsPerHour);
    /// <summary>Offers of a call that had been offered before (it rang out at a seat).</summary>
    public int Reoffers => Volatile.Read(ref _reoffers);
    /// <summary>From the event's <c>At</c> (grain clock) to its arrival at this client (same machine, same clock), in µs.</summary>
    public Latency EventDelivery { get; } = new("us", MicrosecondsPerHour);
    /// <summary>How late each arrival was sent against its Poisson schedule, in µs.</summary>
    public Latency ScheduleLag { get; } = new("us", MicrosecondsPerHour);
    public ErrorLog Errors { get; } = new();
    public ErrorLog CleanupErrors { get; } = new();

    public int Issued => Volatile.Read(ref _issued);
    public int StartFailed => Volatile.Read(ref _startFailed);
    public int InFlight => Issued - Volatile.Read(ref _done);
    public int OffersSeen => Volatile.Read(ref _offersSeen);
    public int AnsweredByAgents => Volatile.Read(ref _answered);
    public int AbandonedByCallers => Volatile.Read(ref _abandonedByCaller);
    /// <summary>Offers that rang out because the agent never heard of them (the seat went not ready "no-answer").</summary>
    public int MissedOffers => Volatile.Read(ref _missedOffers);
    /// <summary>Offers whose event arrived before <c>StartAsync</c> returned to the client.</summary>
    public int OffersBeforeStartReturned => Volatile.Read(ref _offersBeforeStartReturned);
    public int OffersOfUnknownCalls => Volatile.Read(ref _offersOfUnknownCalls);
    /// <summary>Calls whose start failed and that the hotline has no record of (known after <see cref="CollectAsync"/>).</summary>
    public int NeverEntered => Volatile.Read(ref _neverEntered);
    /// <summary>Calls found in wrap-up after their agent had finished that ended while <see cref="CollectAsync"/> read them again.</summary>
    public int WrapUpsSettled => Volatile.Read(ref _wrapUpsSettled);
    /// <summary>How long after the collection began the last of those ended.</summary>
    public TimeSpan WrapUpSettleMax { get; private set; }
    public TimeSpan Elapsed => _runStarted == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(_runStarted);

    /// <summary>Configures the queue, logs every agent in to it and makes them ready, then waits until the queue sees
    /// them (and, in stream mode, until the driver has heard them on the stream).</summary>
    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        var prepareStarted = Stopwatch.GetTimestamp();
        await Queue.ConfigureAsync(new QueueConfig
        {
            Name = $"Benchmark {QueueId}",
            Strategy = _options.Strategy,
            RingTimeoutSeconds = _options.RingTimeoutSeconds,
            WrapUpSeconds = _options.WrapUpSeconds,
            MinimumLevel = AcdRouter.MinLevel,
        });
        await Parallel.ForEachAsync(_agents.Values, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (agent, _) =>
            {
                var seat = _client.GetGrain<ISeatGrain>(agent.JobNo);
                await seat.LoginAsync(new SeatLogin(null, [new QueueSkill(QueueId, agent.Level)], []));
                await seat.ReadyAsync();
            });

        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 30;
        while (true)
        {
            var snapshot = await Queue.GetAsync();
            if (snapshot.Seats.Ready >= _agents.Count) break;
            if (Stopwatch.GetTimestamp() > deadline)
                throw new InvalidOperationException($"Queue {QueueId} sees {snapshot.Seats.Ready} of {_agents.Count} seats ready after 30 s.");
            await Task.Delay(200, cancellationToken);
        }
        if (_options.Offers != OfferNotice.Stream) return;
        // The agents hear of offers on the same stream that carries every seat's log-in and ready: with thousands of
        // seats the first offers would queue behind that burst and measure it, not the hotline. Arrivals start once
        // the driver has heard every seat's "ready" (or after two minutes, said in the report).
        var heardBy = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 120;
        while (Volatile.Read(ref _readyHeard) < _agents.Count && Stopwatch.GetTimestamp() < heardBy)
            await Task.Delay(200, cancellationToken);
        LogInEventsHeardAfter = Stopwatch.GetElapsedTime(prepareStarted);
    }

    /// <summary>Stream mode: how long after the log-ins began the driver had heard every seat's "ready" (or gave up).</summary>
    public TimeSpan? LogInEventsHeardAfter { get; private set; }

    /// <summary>Seats whose "ready" reached the driver over the stream.</summary>
    public int ReadyHeard => Volatile.Read(ref _readyHeard);

    /// <summary>Sends calls on the Poisson schedule until the duration is over or the run is cancelled; returns the arrival window.</summary>
    public async Task<TimeSpan> RunArrivalsAsync(CancellationToken cancellationToken)
    {
        var arrivals = new PoissonArrivals(_options.Rate, new Random(_options.Seed));
        _runStarted = Stopwatch.GetTimestamp();
        try
        {
            var thinning = new Random(_options.Seed + 3);
            foreach (var offset in arrivals.Schedule(_options.Duration))
            {
                if (_options.RateAt is { } share && thinning.NextDouble() >= share(offset)) continue;
                var wait = offset - Stopwatch.GetElapsedTime(_runStarted);
                if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait, cancellationToken);
                cancellationToken.ThrowIfCancellationRequested();
                ScheduleLag.Record((long)(Stopwatch.GetElapsedTime(_runStarted) - offset).TotalMicroseconds);
                _ = StartCallAsync(NewCall(measured: offset >= _options.Warmup));
            }
            var rest = _options.Duration - Stopwatch.GetElapsedTime(_runStarted);
            if (rest > TimeSpan.Zero) await Task.Delay(rest, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped by the user: what arrived so far is drained and reported.
        }
        return Stopwatch.GetElapsedTime(_runStarted);
    }

    /// <summary>
    /// The end of the run's shift: agents end the conversations and wrap-ups they still hold and callers still
    /// waiting hang up, now rather than after their sampled times. After the grace period, so that a call still open
    /// then is one the hotline failed to end (lost), not one the driver's exponential talk times kept going.
    /// </summary>
    public void WindDown() => _windDown.Cancel();

    /// <summary>Conversations and callers' waits that <see cref="WindDown"/> cut short.</summary>
    public int CutShort => Volatile.Read(ref _cutShort);

    /// <summary>Waits <paramref name="time"/>, or less if the run winds down; true when it waited the whole time.</summary>
    private async Task<bool> PauseAsync(TimeSpan time)
    {
        try
        {
            await Task.Delay(time, _windDown.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Waits until every call has ended on the client's side or the grace period is over; true when all ended.</summary>
    public async Task<bool> DrainAsync(TimeSpan grace, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(grace.TotalSeconds * Stopwatch.Frequency);
        while (InFlight > 0 && Stopwatch.GetTimestamp() < deadline && !cancellationToken.IsCancellationRequested)
            await Task.Delay(100, CancellationToken.None);
        return InFlight == 0;
    }

    /// <summary>
    /// Reads every call's record from its grain: the grain-side latency and how each call ended. Calls whose
    /// <c>StartAsync</c> failed are read too: a start that timed out on the client may still have entered.
    /// A call still in wrap-up although its agent has finished is read again, once a second, for up to
    /// <paramref name="settle"/>: when a fault lost the seat's "wrap-up done" message, the call ends on the next
    /// heartbeat (the seat's or its own), and only a call still in wrap-up after that is left hanging.
    /// </summary>
    public async Task<CallTally> CollectAsync(TimeSpan settle = default)
    {
        var tally = new CallTally();
        var settleUntil = Stopwatch.GetTimestamp() + (long)(settle.TotalSeconds * Stopwatch.Frequency);
        var collectStarted = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(_calls.Values.ToList(), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (call, _) =>
        {
            CallSnapshot? snapshot = null;
            var grain = _client.GetGrain<ICallGrain>(call.Id);
            try
            {
                snapshot = await grain.GetAsync();
                var waited = false;
                while (snapshot is { State: CallState.Wrapup } && Volatile.Read(ref call.Done) == 1 && Stopwatch.GetTimestamp() < settleUntil)
                {
                    waited = true;
                    await Task.Delay(TimeSpan.FromSeconds(1));
                    snapshot = await grain.GetAsync();
                }
                if (waited && snapshot is not { State: CallState.Wrapup })
                {
                    Interlocked.Increment(ref _wrapUpsSettled);
                    var took = Stopwatch.GetElapsedTime(collectStarted);
                    lock (_timingLock) if (took > WrapUpSettleMax) WrapUpSettleMax = took;
                }
            }
            catch (DomainException e) when (e.Code == "call.not_found" && call.StartFailed)
            {
                call.NeverEntered = true;
                Interlocked.Increment(ref _neverEntered);
                return;
            }
            catch (Exception e)
            {
                Errors.Add("get", e);
            }
            call.Final = snapshot;
            lock (tally) tally.Add(snapshot);
            if (call.Measured && snapshot is { QueuedAt: { } queued, OfferedAt: { } offered })
            {
                GrainOffer.Record((long)(offered - queued).TotalMicroseconds);
                // Routing alone: from the later of "the call is queued" and "its seat is free" to the offer.
                if (call.SeatReadyAt is { } ready)
                    FreeToOffer.Record(Math.Max(0, (long)(offered - (ready > queued ? ready : queued)).TotalMicroseconds));
            }
        });
        return tally;
    }

    /// <summary>Ends the calls still open and logs the agents out, so the silo is left idle; failures are counted apart.</summary>
    public async Task CleanUpAsync()
    {
        var open = _calls.Values.Where(c => !c.NeverEntered && (c.Final is null || !c.Final.State.IsFinal())).ToList();
        await Parallel.ForEachAsync(open, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (call, _) =>
        {
            try
            {
                await _client.GetGrain<ICallGrain>(call.Id).HangupAsync(CallParty.System);
            }
            catch (Exception e)
            {
                CleanupErrors.Add("hangup", e);
            }
        });
        var busy = new ConcurrentBag<SimulatedAgent>();
        await LogOutAsync(_agents.Values, busy, last: false);
        if (busy.IsEmpty) return;
        // A seat still ringing for a call that was just ended elsewhere is free again once its offer is withdrawn or rings out.
        await Task.Delay(TimeSpan.FromSeconds(_options.RingTimeoutSeconds + 1));
        await LogOutAsync(busy, busy, last: true);
    }

    private Task LogOutAsync(IEnumerable<SimulatedAgent> agents, ConcurrentBag<SimulatedAgent> busy, bool last) =>
        Parallel.ForEachAsync(agents.ToList(), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (agent, _) =>
        {
            try
            {
                await _client.GetGrain<ISeatGrain>(agent.JobNo).LogoutAsync();
            }
            catch (DomainException e) when (!last && e.Code == "seat.invalid_transition")
            {
                busy.Add(agent);
            }
            catch (Exception e)
            {
                CleanupErrors.Add("logout", e);
            }
        });

    public Task<QueueSnapshot> QueueSnapshotAsync() => Queue.GetAsync();

    /// <summary>Calls started and not yet ended on the client's side (the failure drills look at them at the moment of a fault).</summary>
    public IReadOnlyList<string> InFlightCallIds() =>
        _calls.Values.Where(c => Volatile.Read(ref c.Done) == 0).Select(c => c.Id).ToList();

    public IReadOnlyList<string> AllCallIds() => _calls.Keys.ToList();

    /// <summary>The records read by <see cref="CollectAsync"/>, by call id (null: unreadable).</summary>
    public IReadOnlyDictionary<string, CallSnapshot?> Finals() =>
        _calls.Values.Where(c => !c.NeverEntered).ToDictionary(c => c.Id, c => c.Final, StringComparer.Ordinal);

    /// <summary>Calls whose record was read, for the figures computed from the calls' own timestamps.</summary>
    public IEnumerable<(CallSnapshot Snapshot, bool Measured)> Records() =>
        _calls.Values.Where(c => c.Final is not null).Select(c => (c.Final!, c.Measured));

    /// <summary>The agents' ears: offers to our seats are answered, rung-out seats made ready again.</summary>
    public Task OnSeatEventAsync(HotlineEvent e, StreamSequenceToken? token)
    {
        var received = Stopwatch.GetTimestamp();
        if (!_agents.TryGetValue(e.EntityId, out var agent)) return Task.CompletedTask;
        switch (e.Type)
        {
            case "seat.offered":
                EventDelivery.Record((long)(_time.GetUtcNow() - e.At).TotalMicroseconds);
                if (CallIdOf(e.State) is not { } callId || !_calls.TryGetValue(callId, out var call))
                {
                    Interlocked.Increment(ref _offersOfUnknownCalls);
                    break;
                }
                if (agent.ReadyAt is { } ready) call.SeatReadyAt ??= ready;
                RecordAttempt(agent, call, e.At);
                OfferSeen(agent, call, e.At, received);
                break;
            case "seat.offer_withdrawn": // the caller gave up while it rang: the seat is free again, and keeps its turn
                agent.ReadyAt = e.At;
                break;
            case "seat.ready":
                agent.ReadyAt = e.At;
                if (agent.ReadyHeard) break;
                agent.ReadyHeard = true;
                Interlocked.Increment(ref _readyHeard);
                break;
            case "seat.no_answer":
                Interlocked.Increment(ref _missedOffers);
                if (_calls.TryGetValue(agent.LastOffer.CallId ?? "", out var rangOut)) rangOut.BackInLineAt = e.At;
                _ = ReadyAgainAsync(agent);
                break;
        }
        return Task.CompletedTask;
    }

    /// <summary>One offer attempt: from when both the call and the seat were free (grain clock) to the offer.</summary>
    private void RecordAttempt(SimulatedAgent agent, TrackedCall call, DateTimeOffset offeredAt)
    {
        if (Interlocked.Increment(ref call.Offers) > 1) Interlocked.Increment(ref _reoffers);
        if (!call.Measured) return;
        // Queued no earlier than it was sent: before StartAsync returns the queue time is not known yet, and the send time
        // makes the attempt look longer, never shorter.
        var callFree = call.BackInLineAt ?? call.QueuedAt ?? call.SentAt;
        var free = agent.ReadyAt is { } ready && ready > callFree ? ready : callFree;
        OfferAttempt.Record(Math.Max(0, (long)(offeredAt - free).TotalMicroseconds));
    }

    /// <summary>The agent learnt of the offer (from the stream or a poll): it answers, once per offer.</summary>
    private void OfferSeen(SimulatedAgent agent, TrackedCall call, DateTimeOffset offeredAt, long received)
    {
        var offer = (call.Id, offeredAt);
        lock (agent)
        {
            if (agent.LastOffer == offer) return; // the same offer seen twice
            agent.LastOffer = offer;
        }
        if (Interlocked.CompareExchange(ref call.OfferSeenAt, received, 0) == 0)
        {
            Interlocked.Increment(ref _offersSeen);
            if (call.Measured) ClientOffer.Record(Microseconds(received - call.IssuedAt));
            if (Volatile.Read(ref call.StartReturnedAt) == 0) Interlocked.Increment(ref _offersBeforeStartReturned);
        }
        _ = AnswerAndTalkAsync(agent, call);
    }

    /// <summary>
    /// The poll mode's ears: the caller's side reads the call until it is offered, then tells that seat's agent.
    /// A call that rang out (the agent heard too late) leaves its seat not ready, so the agent is made ready again.
    /// </summary>
    private async Task PollForOfferAsync(TrackedCall call, CallSnapshot snapshot)
    {
        var grain = _client.GetGrain<ICallGrain>(call.Id);
        while (true)
        {
            var seen = Stopwatch.GetTimestamp();
            int ringOuts;
            lock (call)
            {
                ringOuts = snapshot.RingNoAnswerCount - call.RingOutsSeen;
                if (ringOuts > 0) call.RingOutsSeen = snapshot.RingNoAnswerCount;
            }
            if (ringOuts > 0)
            {
                Interlocked.Add(ref _missedOffers, ringOuts);
                foreach (var jobNo in snapshot.OfferedSeats)
                    if (jobNo != snapshot.SeatJobNo && _agents.TryGetValue(jobNo, out var missed)) _ = ReadyAgainAsync(missed);
            }
            if (snapshot is { State: CallState.Offering, SeatJobNo: { } offeredTo } && _agents.TryGetValue(offeredTo, out var agent))
            {
                OfferSeen(agent, call, snapshot.OfferedAt ?? default, seen);
                return;
            }
            if (snapshot.State is not (CallState.Queued or CallState.Arrived or CallState.Ivr) || call.CallerHungUp) return;
            await Task.Delay(_options.PollInterval);
            try
            {
                snapshot = await grain.GetAsync();
            }
            catch (Exception e)
            {
                Errors.Add("poll", e);
            }
        }
    }

    private IQueueGrain Queue => _client.GetGrain<IQueueGrain>(QueueId);

    private TrackedCall NewCall(bool measured)
    {
        while (true)
        {
            var call = new TrackedCall(CallIds.New("bench", _time), measured);
            if (_calls.TryAdd(call.Id, call)) return call;
        }
    }

    private async Task StartCallAsync(TrackedCall call)
    {
        var number = Interlocked.Increment(ref _issued);
        var start = new CallStart(CallChannel.Simulated, $"1380000{number % 10_000:D4}", "12345", null, QueueId, 0);
        call.IssuedAt = Stopwatch.GetTimestamp();
        call.SentAt = _time.GetUtcNow();
        CallSnapshot started;
        try
        {
            started = await _client.GetGrain<ICallGrain>(call.Id).StartAsync(start);
            call.QueuedAt = started.QueuedAt;
            var returned = Stopwatch.GetTimestamp();
            Volatile.Write(ref call.StartReturnedAt, returned);
            if (call.Measured) StartRoundTrip.Record(Microseconds(returned - call.IssuedAt));
        }
        catch (Exception e)
        {
            Errors.Add("start", e);
            call.StartFailed = true;
            Interlocked.Increment(ref _startFailed);
            Finish(call);
            return;
        }
        var giveUp = _options.Patience is { } patience ? WaitThenGiveUpAsync(call, Sample(patience)) : Task.CompletedTask;
        if (_options.Offers == OfferNotice.Poll) await PollForOfferAsync(call, started);
        await giveUp;
    }

    /// <summary>An impatient caller hangs up if no offer reached an agent before its patience ran out.</summary>
    private async Task WaitThenGiveUpAsync(TrackedCall call, TimeSpan patience)
    {
        var patient = await PauseAsync(patience);
        if (Volatile.Read(ref call.OfferSeenAt) != 0) return;
        if (!patient) Interlocked.Increment(ref _cutShort);
        call.CallerHungUp = true;
        try
        {
            await _client.GetGrain<ICallGrain>(call.Id).HangupAsync(CallParty.Caller);
            Interlocked.Increment(ref _abandonedByCaller);
        }
        catch (Exception e)
        {
            Errors.Add("abandon", e);
        }
        Finish(call);
    }

    private async Task AnswerAndTalkAsync(SimulatedAgent agent, TrackedCall call)
    {
        var grain = _client.GetGrain<ICallGrain>(call.Id);
        if (_options.Think > TimeSpan.Zero) await Task.Delay(Sample(_options.Think));
        try
        {
            await grain.AnswerAsync(agent.JobNo);
        }
        catch (Exception e)
        {
            // A caller who gave up while the offer rang is a race of the simulation, not a failure.
            if (call.CallerHungUp) return;
            Errors.Add("answer", e);
            // The offer rang out before the answer came: in poll mode nobody else watches the call for its next offer.
            if (_options.Offers == OfferNotice.Poll && e is DomainException) await ResumePollingAsync(call);
            return;
        }
        Interlocked.Increment(ref _answered);
        if (!await PauseAsync(Sample(_options.Talk))) Interlocked.Increment(ref _cutShort);
        await RetryAsync("agent-hangup", () => grain.HangupAsync(CallParty.Agent));
        if (_options.WrapUp > TimeSpan.Zero)
        {
            await PauseAsync(Sample(_options.WrapUp));
            await RetryAsync("wrap-up", () => _client.GetGrain<ISeatGrain>(agent.JobNo).WrapUpDoneAsync(), refusedIsDone: true);
        }
        Finish(call);
    }

    /// <summary>
    /// An agent whose button press failed (the cluster or the database was briefly away) presses it again, as a
    /// person would: up to five tries a second apart, each failure counted. A refusal (a domain error) is final;
    /// with <paramref name="refusedIsDone"/> it means the thing was already done (e.g. the queue ended the wrap-up).
    /// </summary>
    private async Task RetryAsync(string operation, Func<Task> action, bool refusedIsDone = false)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await action();
                return;
            }
            catch (DomainException) when (refusedIsDone)
            {
                return;
            }
            catch (Exception e)
            {
                Errors.Add(operation, e);
                if (e is DomainException || attempt == 5) return;
            }
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    private async Task ResumePollingAsync(TrackedCall call)
    {
        try
        {
            await PollForOfferAsync(call, await _client.GetGrain<ICallGrain>(call.Id).GetAsync());
        }
        catch (Exception e)
        {
            Errors.Add("poll", e);
        }
    }

    /// <summary>A seat that rang out went not ready ("no-answer"); its agent makes it ready again, and leaves any other state alone.</summary>
    private async Task ReadyAgainAsync(SimulatedAgent agent)
    {
        try
        {
            var seat = _client.GetGrain<ISeatGrain>(agent.JobNo);
            if (await seat.GetAsync() is { State: SeatState.NotReady, Reason: "no-answer" }) await seat.ReadyAsync();
        }
        catch (Exception e)
        {
            Errors.Add("ready", e);
        }
    }

    private void Finish(TrackedCall call)
    {
        if (Interlocked.Exchange(ref call.Done, 1) == 0) Interlocked.Increment(ref _done);
    }

    private TimeSpan Sample(TimeSpan mean)
    {
        lock (_timingLock) return Exponential.Sample(_timing, mean);
    }

    private static long Microseconds(long stopwatchTicks) => (long)(stopwatchTicks * MicrosecondsPerTick);

    private static string? CallIdOf(string seatJson)
    {
        using var document = JsonDocument.Parse(seatJson);
        return document.RootElement.TryGetProperty("callId", out var callId) && callId.ValueKind == JsonValueKind.String
            ? callId.GetString()
            : null;
    }

    private sealed class SimulatedAgent(string jobNo, int level)
    {
        public string JobNo { get; } = jobNo;
        public int Level { get; } = level;
        /// <summary>The offer this agent last answered: the call and when it was offered.</summary>
        public (string CallId, DateTimeOffset OfferedAt) LastOffer { get; set; }
        /// <summary>The stream brought this seat's first "ready" (stream mode: the log-in burst has reached the driver).</summary>
        public bool ReadyHeard { get; set; }
        /// <summary>When the seat last became ready (grain clock, from its event).</summary>
        public DateTimeOffset? ReadyAt { get; set; }
    }

    private sealed class TrackedCall(string id, bool measured)
    {
        public string Id { get; } = id;
        /// <summary>False for calls of the warm-up, which are counted but left out of the latencies.</summary>
        public bool Measured { get; } = measured;
        public long IssuedAt;
        /// <summary>When the seat of the call's first offer had last become ready (grain clock, from the stream).</summary>
        public DateTimeOffset? SeatReadyAt;
        public long StartReturnedAt;
        public long OfferSeenAt;
        /// <summary>When the driver sent the call (grain clock), its queue time if StartAsync has returned, and when it last rang out.</summary>
        public DateTimeOffset SentAt;
        public DateTimeOffset? QueuedAt { get; set; }
        public DateTimeOffset? BackInLineAt { get; set; }
        /// <summary>Offers of this call seen on the stream.</summary>
        public int Offers;
        public int Done;
        public volatile bool StartFailed;
        public volatile bool CallerHungUp;
        public volatile bool NeverEntered;
        /// <summary>Ring-outs of this call already counted (poll mode); guarded by the call's lock.</summary>
        public int RingOutsSeen { get; set; }
        public CallSnapshot? Final { get; set; }
    }
}
