using Hotline.Calls;
using Hotline.Common;
using Hotline.Seats;
using Microsoft.Extensions.Logging;

namespace Hotline.Queues;

/// <summary>Time and repair: the one-second tick (overflow and maximum wait from a heap of due times), the audit that drops silent calls, and what the queue does when a silo dies or it comes back.</summary>
public sealed partial class QueueGrain
{
    /// <summary>
    /// A silo died: the calls waiting here that lived there lost their media with it and leave the line now (each is woken,
    /// so it records itself lost), and the seats that lived there are woken on a survivor, where they tell this queue again.
    /// </summary>
    public Task ReannounceAsync(string? lostSilo)
    {
        if (lostSilo is null) return Task.CompletedTask;
        var lostCalls = _entries.Values.Where(e => e.Status == EntryStatus.Waiting && e.Data.Silo == lostSilo).Select(e => e.Data.CallId).ToList();
        foreach (var callId in lostCalls) Depart(callId);
        var lostSeats = _seats.Values.Where(a => a.Silo == lostSilo && a.State != SeatState.LoggedOut).Select(a => a.JobNo).ToList();
        foreach (var jobNo in lostSeats) _router.RemoveSeat(jobNo); // back once woken
        if (lostCalls.Count > 0)
        {
            _logger.LogWarning("Queue {QueueId}: {Count} waiting call(s) died with silo {Silo}", Id, lostCalls.Count, lostSilo);
            PublishChanged("queue.call_left");
            _ = Task.WhenAll(lostCalls.Select(WakeLostCallAsync));
        }
        if (lostSeats.Count > 0) _ = WakeAsync(lostSeats, $"silo {lostSilo} died");
        return Task.CompletedTask;
    }

    private async Task WakeLostCallAsync(string callId)
    {
        try
        {
            await GrainFactory.GetGrain<ICallGrain>(callId).GetAsync();
        }
        catch (Exception e) when (TransientErrors.IsTransient(e))
        {
            _logger.LogDebug(e, "Could not wake call {CallId}; the lost-call sweep finds it", callId);
        }
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_offerAgain.Count > 0)
        {
            foreach (var callId in _offerAgain)
                if (_entries.TryGetValue(callId, out var again) && again.Status == EntryStatus.Waiting && !_router.ContainsCall(callId))
                    AddToRouter(again);
            _offerAgain.Clear();
        }
        var dropAfter = TimeSpan.FromSeconds(_options.AuditSeconds * _options.MissedAuditsBeforeDrop);
        List<Task>? work = null;
        while (_due.TryPeek(out var dueCallId, out var dueAt) && dueAt <= now)
        {
            _due.Dequeue();
            if (!_entries.TryGetValue(dueCallId, out var entry) || entry.DueAt != dueAt) continue; // gone, or due another time
            entry.DueAt = null;
            if (entry.Status == EntryStatus.Waiting)
            {
                var due = _policy.Due(now - entry.Data.EnqueuedAt, entry.Data.IsCallback, entry.OverflowedTo);
                if (due.Exit) (work ??= []).Add(ExitAsync(entry));
                foreach (var queueId in due.OverflowTo)
                {
                    entry.OverflowedTo.Add(queueId);
                    Count(c => c with { OverflowedOut = c.OverflowedOut + 1 });
                    (work ??= []).Add(OverflowAsync(entry.Data.CallId, queueId));
                }
            }
            // Ringing somewhere, or an exit the call may refuse: looked at again in a second, as long as something is due.
            ScheduleDue(entry, now + TickPeriod);
        }
        while (_departures.TryPeek(out var departure) && now - departure.At > dropAfter)
        {
            _departures.Dequeue();
            if (_departed.TryGetValue(departure.CallId, out var at) && at == departure.At) _departed.Remove(departure.CallId);
        }
        if (now - _lastAudit >= TimeSpan.FromSeconds(_options.AuditSeconds))
        {
            _lastAudit = now;
            DropSilentCalls(now, dropAfter);
        }
        Dispatch(); // levels widen with time
        if (_pendingEvent is { } held) PublishChanged(held);
        if (work is not null) await Task.WhenAll(work);
        if (_countersDirty && now - _lastCounterFlush >= CounterFlushPeriod)
        {
            _countersDirty = false;
            _lastCounterFlush = now;
            await _writer.WriteAsync();
        }
    }

    /// <summary>
    /// The audit's side in the queue, once per audit period: a waiting call not heard from for several audits ended
    /// without a word reaching the queue (a lost message), and leaves the line.
    /// </summary>
    private void DropSilentCalls(DateTimeOffset now, TimeSpan dropAfter)
    {
        List<string>? silent = null;
        foreach (var entry in _entries.Values)
            if (entry.Status == EntryStatus.Waiting && now - entry.LastSeen > dropAfter) (silent ??= []).Add(entry.Data.CallId);
        if (silent is null) return;
        foreach (var callId in silent)
        {
            _logger.LogWarning("Call {CallId} stopped answering; dropped from queue {QueueId}", callId, Id);
            Forget(callId);
        }
    }

    /// <summary>Puts a home call in line for its next due time (not before <paramref name="notBefore"/>), if it has one.</summary>
    private void ScheduleDue(Entry entry, DateTimeOffset notBefore)
    {
        if (!IsHome(entry) || _policy.NextDue(entry.Data.IsCallback, entry.OverflowedTo) is not { } after) return;
        var at = entry.Data.EnqueuedAt + after;
        if (at < notBefore) at = notBefore;
        if (entry.DueAt is { } already && already <= at) return; // an earlier turn is already in the heap
        entry.DueAt = at;
        _due.Enqueue(entry.Data.CallId, at);
    }

    private async Task ExitAsync(Entry entry)
    {
        var callId = entry.Data.CallId;
        var destination = Config.ExitDestination;
        // The call decides: one already ringing at a seat (of an overflow queue) stays, and has not exited.
        if (!await GrainFactory.GetGrain<ICallGrain>(callId).ExitQueueAsync(Id, destination)) return;
        if (destination == QueueExitDestination.Voicemail) Depart(callId);
        CountExit(destination);
        _logger.LogDebug("Call {CallId} waited past the maximum in {QueueId}: {Destination}", callId, Id, destination);
        PublishChanged("queue.call_exited");
    }

    /// <summary>Asks seats to tell this queue again what they are; one whose silo died comes back on a survivor to do it.</summary>
    private async Task WakeAsync(List<string> jobNos, string why)
    {
        _logger.LogInformation("Queue {QueueId} wakes {Count} seat(s): {Why}", Id, jobNos.Count, why);
        await Task.WhenAll(jobNos.Select(async jobNo =>
        {
            try
            {
                await GrainFactory.GetGrain<ISeatGrain>(jobNo).ReannounceAsync(null);
            }
            catch (Exception e) when (TransientErrors.IsTransient(e))
            {
                _logger.LogWarning(e, "Queue {QueueId} could not wake seat {JobNo}; its audit tells the queue later", Id, jobNo);
            }
        }));
    }

    private Task OverflowAsync(string callId, string toQueue) =>
        GrainFactory.GetGrain<ICallGrain>(callId).OverflowAsync(Id, toQueue);
}
