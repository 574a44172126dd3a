using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Hotline.Events;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace Hotline.Common;

/// <summary>
/// Publishes a grain's domain events, without making the caller wait: to the silo's event log when it has one
/// (<see cref="IEventLog"/>, PostgreSQL), else on the in-memory stream of the topic.
/// </summary>
internal sealed class EventPublisher(IAsyncStream<HotlineEvent>? stream, IEventLog? log, string topic, ILogger logger)
{
    // One stream handle per topic and silo. A handle made inside a grain is cached in that activation's own stream
    // directory (a scoped service, a dictionary and the handle): about 1.1 KB per idle seat, measured (BENCHMARKS.md).
    // Handles made outside any grain use the silo's shared directory; publishing on a persistent stream registers
    // nothing per producer, so every grain can publish through the same handle.
    private static readonly ConditionalWeakTable<IStreamProvider, ConcurrentDictionary<string, IAsyncStream<HotlineEvent>>> Streams = new();

    public static EventPublisher For(Grain grain, string topic, ILogger logger)
    {
        if (grain.GrainContext.ActivationServices.GetService(typeof(IEventLog)) is IEventLog log) return new EventPublisher(null, log, topic, logger);
        var provider = grain.GetStreamProvider(EventTopics.StreamProvider);
        var stream = Streams.GetOrCreateValue(provider).GetOrAdd(topic, static (t, p) =>
            // On the thread pool, outside the grain's context, so that the handle lands in the silo's directory.
            Task.Run(() => p.GetStream<HotlineEvent>(StreamId.Create(EventTopics.Namespace, t))).GetAwaiter().GetResult(), provider);
        return new EventPublisher(stream, null, topic, logger);
    }

    public void Publish<T>(string type, string entityId, DateTimeOffset at, T state)
    {
        var json = JsonSerializer.Serialize(state, EventTopics.Json);
        var e = new HotlineEvent(topic, type, entityId, at, json);
        if (log is not null) log.Append(e);
        else _ = PublishAsync(e);
    }

    private async Task PublishAsync(HotlineEvent e)
    {
        try
        {
            await stream!.OnNextAsync(e);
        }
        catch (Exception ex)
        {
            // Live events are a convenience: a UI that misses one reloads its snapshot. Never fail the command.
            logger.LogWarning(ex, "Could not publish {EventType} for {EntityId}", e.Type, e.EntityId);
        }
    }
}
