using System.Collections.Concurrent;

namespace Hotline.Tickets;

/// <summary>An order whose next deadline event (<see cref="TicketRecord.NextDueAt"/>) is due.</summary>
public sealed record DueTicket(string Number, DateTimeOffset Due);

/// <summary>
/// Where <see cref="DeadlineSweepGrain"/> finds the orders whose next deadline event is due. With PostgreSQL it
/// is the read model's indexed <c>next_due_at</c> column, which the ticket storage writes in the same transaction
/// as the order, so it is exactly as durable as the order itself; in memory mode and in tests, a table in this
/// process that each order updates after it is stored.
/// </summary>
public interface ITicketDeadlines
{
    /// <summary>The order's record, with <paramref name="nextDue"/>, has just been stored.</summary>
    void Stored(string number, DateTimeOffset? nextDue);

    /// <summary>
    /// Orders whose next event is at or before <paramref name="now"/>, ordered by (due, number), starting after
    /// <paramref name="after"/> (the last one of the previous page; null for the first), at most <paramref name="max"/>.
    /// </summary>
    Task<IReadOnlyList<DueTicket>> DueAsync(DateTimeOffset now, DueTicket? after, int max, CancellationToken cancellationToken);
}

/// <summary>The in-process <see cref="ITicketDeadlines"/>, for memory mode (one silo, nothing durable) and tests.</summary>
public sealed class InMemoryTicketDeadlines : ITicketDeadlines
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _next = new(StringComparer.Ordinal);

    public void Stored(string number, DateTimeOffset? nextDue)
    {
        if (nextDue is { } due) _next[number] = due;
        else _next.TryRemove(number, out _);
    }

    /// <summary>The order's next deadline event as last stored; null when it has none.</summary>
    public DateTimeOffset? NextDue(string number) => _next.TryGetValue(number, out var due) ? due : null;

    public Task<IReadOnlyList<DueTicket>> DueAsync(DateTimeOffset now, DueTicket? after, int max, CancellationToken cancellationToken)
    {
        IReadOnlyList<DueTicket> due = _next
            .Where(e => e.Value <= now)
            .Select(e => new DueTicket(e.Key, e.Value))
            .Where(d => after is null || d.Due > after.Due || (d.Due == after.Due && string.CompareOrdinal(d.Number, after.Number) > 0))
            .OrderBy(d => d.Due).ThenBy(d => d.Number, StringComparer.Ordinal)
            .Take(max)
            .ToList();
        return Task.FromResult(due);
    }
}
