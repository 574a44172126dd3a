using Hotline.Events;
using Npgsql;

namespace Hotline.Api.EventStream;

/// <summary>Where the API process gets the cluster's live events from (the event log, or the Orleans stream).</summary>
public interface IEventSource
{
    /// <summary>Completes once events flow (the health check is degraded until then).</summary>
    Task Following { get; }
}

/// <summary>Events an SSE client missed, read back from the event log by id.</summary>
public interface IEventReplay
{
    /// <summary>
    /// The events after <paramref name="afterId"/> up to the newest this process has handed out, in order, and whether
    /// that is all of them (false when the log no longer holds the oldest of them: the retention window passed).
    /// </summary>
    Task<(IReadOnlyList<(long Id, HotlineEvent Event)> Events, bool Complete)> ReadAfterAsync(long afterId, CancellationToken ct);
}

/// <summary>
/// The API's side of the event log: LISTENs on <c>hotline_events</c> and reads what is new by id (a second's poll covers
/// a missed notification), handing each event to the <see cref="EventHub"/> under its log id. No silo is on this path,
/// so a silo's death does not hold events up, and every API process numbers events the same way.
/// </summary>
public sealed partial class PostgresEventFeed(NpgsqlDataSource db, EventHub hub, ILogger<PostgresEventFeed> logger)
    : BackgroundService, IEventReplay, IEventSource
{
    public const string NotifyChannel = "hotline_events";
    private const int Page = 5000;
    private const int MaxReplay = 50_000;
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);
    private readonly TaskCompletionSource _following = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _last = -1;

    /// <summary>Completes once the feed listens and knows where the log ends (tests wait on it).</summary>
    public Task Following => _following.Task;

    /// <summary>The id of the newest event handed to the hub.</summary>
    public long Last => Interlocked.Read(ref _last);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await FollowAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                LogFollowFailed(logger, e.GetType().Name, e.Message);
                try
                {
                    await Task.Delay(RetryAfter, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task FollowAsync(CancellationToken ct)
    {
        await using var listen = await db.OpenConnectionAsync(ct);
        await using (var command = new NpgsqlCommand($"LISTEN {NotifyChannel}", listen))
            await command.ExecuteNonQueryAsync(ct);
        // A new process starts at the end of the log: its clients ask for older events by Last-Event-ID.
        if (Last < 0) Interlocked.Exchange(ref _last, await ScalarAsync("SELECT coalesce(max(id), 0) FROM hotline_events", ct));
        _following.TrySetResult();
        LogFollowing(logger, Last);
        while (true)
        {
            await CatchUpAsync(ct);
            await listen.WaitAsync(Poll, ct);
        }
    }

    private async Task CatchUpAsync(CancellationToken ct)
    {
        while (true)
        {
            var page = await ReadAsync(Last, long.MaxValue, Page, ct);
            foreach (var (id, e) in page)
            {
                hub.Publish(e, id);
                Interlocked.Exchange(ref _last, id);
            }
            if (page.Count < Page) return;
        }
    }

    public async Task<(IReadOnlyList<(long Id, HotlineEvent Event)> Events, bool Complete)> ReadAfterAsync(long afterId, CancellationToken ct)
    {
        var upTo = Last;
        if (afterId >= upTo) return ([], true);
        var oldest = await ScalarAsync("SELECT coalesce(min(id), 0) FROM hotline_events", ct);
        var events = await ReadAsync(afterId, upTo, MaxReplay, ct);
        var complete = oldest <= afterId + 1 && (events.Count == 0 || events[^1].Id == upTo || events.Count < MaxReplay);
        return (events, complete);
    }

    private async Task<List<(long Id, HotlineEvent Event)>> ReadAsync(long afterId, long upTo, int limit, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            "SELECT id, topic, type, entity_id, at, state FROM hotline_events WHERE id > $1 AND id <= $2 ORDER BY id LIMIT $3");
        command.Parameters.Add(new NpgsqlParameter { Value = afterId });
        command.Parameters.Add(new NpgsqlParameter { Value = upTo });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        var events = new List<(long, HotlineEvent)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            events.Add((reader.GetInt64(0), new HotlineEvent(
                reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4), reader.GetString(5))));
        }
        return events;
    }

    private async Task<long> ScalarAsync(string sql, CancellationToken ct)
    {
        await using var command = db.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Following the event log from id {Id}")]
    private static partial void LogFollowing(ILogger logger, long id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the event log ({ErrorType}: {Error}); following it again in a second")]
    private static partial void LogFollowFailed(ILogger logger, string errorType, string error);
}
