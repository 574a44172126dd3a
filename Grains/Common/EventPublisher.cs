using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Hotline.Events;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace Hotline.Common;

/// <summary>Publishes a grain's domain events on the live stream of one topic, without making the caller wait.</summary>
internal sealed class EventPublisher(IAsyncStream<HotlineEvent> stream, string topic, ILogger logger)
{
    // One stream handle per topic and silo. A handle made inside a grain is cached in that activation's own stream
    // directory (a scoped service, a dictionary and the handle): about 1.1 KB per idle seat, measured (BENCHMARKS.md).
    // Handles made outside any grain use the silo's shared directory; publishing on a persistent stream registers
    // nothing per producer, so every grain can publish through the same handle.
    private static readonly ConditionalWeakTable<IStreamProvider, ConcurrentDictionary<string, IAsyncStream<HotlineEvent>>> Streams = new();

    private readonly IAsyncStream<HotlineEvent> _stream = stream;

    public static EventPublisher For(Grain grain, string topic, ILogger logger)
    {
        var provider = grain.GetStreamProvider(EventTopics.StreamProvider);
        var stream = Streams.GetOrCreateValue(provider).GetOrAdd(topic, static (t, p) =>
            // On the thread pool, outside the grain's context, so that the handle lands in the silo's directory.
            Task.Run(() => p.GetStream<HotlineEvent>(StreamId.Create(EventTopics.Namespace, t))).GetAwaiter().GetResult(), provider);
        return new EventPublisher(stream, topic, logger);
    }

    public void Publish<T>(string type, string entityId, DateTimeOffset at, T state)
    {
        var json = JsonSerializer.Serialize(state, EventTopics.Json);
        _ = PublishAsync(new HotlineEvent(topic, type, entityId, at, json));
    }

    private async Task PublishAsync(HotlineEvent e)
    {
        try
        {
            await _stream.OnNextAsync(e);
        }
        catch (Exception ex)
        {
            // Live events are a convenience: a UI that misses one reloads its snapshot. Never fail the command.
            logger.LogWarning(ex, "Could not publish {EventType} for {EntityId}", e.Type, e.EntityId);
        }
    }
}
