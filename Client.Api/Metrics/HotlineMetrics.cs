using System.Diagnostics.Metrics;

namespace Hotline.Api.Metrics;

/// <summary>The API's own instruments; HTTP request counts and durations come from ASP.NET Core's meters.</summary>
public sealed class HotlineMetrics
{
    public const string MeterName = "Hotline.Api";

    private readonly Counter<long> _signIns;
    private readonly Counter<long> _signInFailures;
    private readonly UpDownCounter<long> _sseClients;
    private readonly Counter<long> _eventsReceived;
    private readonly Counter<long> _eventsDropped;

    public HotlineMetrics(IMeterFactory meterFactory)
    {
        Meter = meterFactory.Create(MeterName);
        _signIns = Meter.CreateCounter<long>("hotline.signin.successes", description: "Successful sign-ins.");
        _signInFailures = Meter.CreateCounter<long>("hotline.signin.failures",
            description: "Failed sign-ins by reason (invalid_credentials, locked).");
        _sseClients = Meter.CreateUpDownCounter<long>("hotline.sse.clients", description: "Connected server-sent-event clients.");
        _eventsReceived = Meter.CreateCounter<long>("hotline.events.received",
            description: "Events received from the cluster's event streams, by topic.");
        _eventsDropped = Meter.CreateCounter<long>("hotline.sse.events.dropped",
            description: "Events not delivered because a client's buffer was full.");
    }

    public Meter Meter { get; }

    /// <summary>Series that a scraper should see as 0 before anything happened.</summary>
    internal void PublishZeros()
    {
        _signIns.Add(0);
        _signInFailures.Add(0, new KeyValuePair<string, object?>("reason", "invalid_credentials"));
        _signInFailures.Add(0, new KeyValuePair<string, object?>("reason", "locked"));
        _sseClients.Add(0);
    }

    public void SignIn(string outcome)
    {
        if (outcome == "success") _signIns.Add(1);
        else _signInFailures.Add(1, new KeyValuePair<string, object?>("reason", outcome));
    }

    public void SseClientConnected() => _sseClients.Add(1);
    public void SseClientDisconnected() => _sseClients.Add(-1);
    public void EventReceived(string topic) => _eventsReceived.Add(1, new KeyValuePair<string, object?>("topic", topic));
    public void EventDropped(string topic) => _eventsDropped.Add(1, new KeyValuePair<string, object?>("topic", topic));
}
