using System.Text.Json;
using Hotline.Events;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace Hotline.Common;

/// <summary>Publishes a grain's domain events on the live stream of one topic, without making the caller wait.</summary>
internal sealed class EventPublisher(IStreamProvider provider, string topic, ILogger logger)
{
    private readonly IAsyncStream<HotlineEvent> _stream =
        provider.GetStream<HotlineEvent>(StreamId.Create(EventTopics.Namespace, topic));

    public static EventPublisher For(Grain grain, string topic, ILogger logger) =>
        new(grain.GetStreamProvider(EventTopics.StreamProvider), topic, logger);

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
