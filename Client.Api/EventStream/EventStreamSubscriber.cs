using Hotline.Api.Cluster;
using Hotline.Api.Configuration;
using Hotline.Events;
using Microsoft.Extensions.Options;
using Orleans.Streams;

namespace Hotline.Api.EventStream;

/// <summary>
/// Subscribes once per topic to the cluster's memory streams and hands every event to the <see cref="EventHub"/>.
/// Waits for the cluster without holding up the host's start-up.
/// </summary>
internal sealed partial class EventStreamSubscriber(
    IClusterClient cluster,
    ClusterConnection connection,
    EventHub hub,
    IOptions<HotlineOptions> options,
    TimeProvider time,
    ILogger<EventStreamSubscriber> logger) : BackgroundService, IEventSource
{
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once every topic has a subscription (tests wait on it).</summary>
    public Task Subscribed => _subscribed.Task;

    Task IEventSource.Following => Subscribed;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var handles = new List<StreamSubscriptionHandle<HotlineEvent>>();
        var pending = new Queue<string>(EventTopics.All);
        while (pending.Count > 0 && !stoppingToken.IsCancellationRequested)
        {
            var topic = pending.Peek();
            if (connection.IsConnected)
            {
                try
                {
                    var stream = cluster.GetStreamProvider(EventTopics.StreamProvider)
                        .GetStream<HotlineEvent>(StreamId.Create(EventTopics.Namespace, topic));
                    handles.Add(await stream.SubscribeAsync(OnNextAsync, OnErrorAsync));
                    pending.Dequeue();
                    LogSubscribed(logger, topic);
                    continue;
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    LogSubscribeFailed(logger, topic, e.GetType().Name, e.Message);
                }
            }
            if (!await DelayAsync(options.Value.Orleans.ConnectRetryDelay, stoppingToken)) return;
        }
        _subscribed.TrySetResult();

        await DelayAsync(Timeout.InfiniteTimeSpan, stoppingToken);
        // Stopping: leave the streams so the cluster stops delivering to this client.
        foreach (var handle in handles)
            await UnsubscribeAsync(handle);
    }

    /// <summary>False when the host is stopping.</summary>
    private async Task<bool> DelayAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, time, stoppingToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private Task OnNextAsync(HotlineEvent e, StreamSequenceToken? token)
    {
        hub.Publish(e);
        return Task.CompletedTask;
    }

    private Task OnErrorAsync(Exception e)
    {
        LogStreamError(logger, e.GetType().Name, e.Message);
        return Task.CompletedTask;
    }

    private async Task UnsubscribeAsync(StreamSubscriptionHandle<HotlineEvent> handle)
    {
        try
        {
            await handle.UnsubscribeAsync().WaitAsync(TimeSpan.FromSeconds(2), time);
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            LogUnsubscribeFailed(logger, e.GetType().Name, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscribed to the {Topic} event stream")]
    private static partial void LogSubscribed(ILogger logger, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot subscribe to the {Topic} event stream yet ({ErrorType}: {Error}); retrying")]
    private static partial void LogSubscribeFailed(ILogger logger, string topic, string errorType, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event stream error: {ErrorType}: {Error}")]
    private static partial void LogStreamError(ILogger logger, string errorType, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not leave an event stream on shutdown: {ErrorType}: {Error}")]
    private static partial void LogUnsubscribeFailed(ILogger logger, string errorType, string error);
}
