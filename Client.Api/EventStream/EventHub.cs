using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading.Channels;
using Hotline.Api.Configuration;
using Hotline.Api.Metrics;
using Hotline.Events;
using Microsoft.Extensions.Options;

namespace Hotline.Api.EventStream;

/// <summary>One server-sent event, encoded once and written to every client that wants its topic.</summary>
public sealed record SseMessage(string Topic, long Sequence, ReadOnlyMemory<byte> Bytes);

/// <summary>
/// Fans the cluster's events out to connected SSE clients. Each client has a bounded buffer; a client that
/// falls behind loses events (counted) and never slows the others or the stream subscription.
/// </summary>
public sealed class EventHub(IOptions<HotlineOptions> options, HotlineMetrics metrics)
{
    private readonly ConcurrentDictionary<long, Subscription> _subscriptions = new();
    // Chinese text and '+' stay readable; control characters are still escaped, so data stays one line.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private long _sequence;
    private long _nextSubscriptionId;

    public int ClientCount => _subscriptions.Count;

    /// <param name="departmentScope">For department staff: only ticket events about orders this department leads or co-handles.</param>
    /// <param name="seesCallerNumbers">False masks the citizen's number in call events, as <c>/api/calls</c> does for the same roles.</param>
    public Subscription Subscribe(IReadOnlySet<string> topics, string? departmentScope = null, bool seesCallerNumbers = false)
    {
        var channel = Channel.CreateBounded<SseMessage>(new BoundedChannelOptions(options.Value.Events.ClientBufferSize)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full: the event is dropped for this client only
        });
        var subscription = new Subscription(this, Interlocked.Increment(ref _nextSubscriptionId), topics, departmentScope, seesCallerNumbers, channel);
        _subscriptions[subscription.Id] = subscription;
        metrics.SseClientConnected();
        return subscription;
    }

    /// <param name="id">The event's id in the event log (the same in every API process), or null to number it here.</param>
    public void Publish(HotlineEvent e, long? id = null)
    {
        metrics.EventReceived(e.Topic);
        var sequence = id ?? Interlocked.Increment(ref _sequence);
        var (message, departments) = Prepare(e, sequence);
        SseMessage? masked = null;
        foreach (var subscription in _subscriptions.Values)
        {
            if (!Wants(subscription, message, departments)) continue;
            var sent = MasksNumbers(subscription, e) ? masked ??= Masked(e, sequence) : message;
            if (!subscription.Writer.TryWrite(sent)) metrics.EventDropped(e.Topic);
        }
    }

    /// <summary>The event as clients receive it (ticket events redacted), and the departments a ticket event concerns.</summary>
    internal static (SseMessage Message, IReadOnlySet<string>? Departments) Prepare(HotlineEvent e, long id)
    {
        IReadOnlySet<string>? departments = null;
        if (e.Topic == EventTopics.Tickets) (e, departments) = TicketEventFilter.Redact(e);
        return (new SseMessage(e.Topic, id, Encode(e, id)), departments);
    }

    /// <summary>A call event for a viewer who sees citizens' numbers masked on <c>/api/calls</c> is masked alike.</summary>
    internal static bool MasksNumbers(Subscription subscription, HotlineEvent e) =>
        e.Topic == EventTopics.Calls && !subscription.SeesCallerNumbers;

    internal static SseMessage Masked(HotlineEvent e, long id) => new(e.Topic, id, Encode(CallEventFilter.MaskNumbers(e), id));

    internal static bool Wants(Subscription subscription, SseMessage message, IReadOnlySet<string>? departments) =>
        subscription.Topics.Contains(message.Topic)
        && (subscription.DepartmentScope is not { } scope || departments?.Contains(scope) == true);

    private void Remove(Subscription subscription)
    {
        if (_subscriptions.TryRemove(subscription.Id, out _)) metrics.SseClientDisconnected();
    }

    /// <summary>
    /// <c>event: type</c>, <c>id: sequence</c>, and one <c>data:</c> line of
    /// <c>{"topic","type","id","at","state"}</c> with the state embedded as JSON.
    /// </summary>
    internal static byte[] Encode(HotlineEvent e, long sequence)
    {
        var data = new ArrayBufferWriter<byte>(256 + e.State.Length);
        using (var json = new Utf8JsonWriter(data, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("topic", e.Topic);
            json.WriteString("type", e.Type);
            json.WriteString("id", e.EntityId);
            json.WriteString("at", e.At);
            json.WritePropertyName("state");
            // Re-written rather than copied raw: compact, so a pretty-printed state cannot break the one-line data field.
            using var state = TryParse(e.State);
            if (state is not null) state.RootElement.WriteTo(json);
            else json.WriteStringValue(e.State);
            json.WriteEndObject();
        }

        var text = new StringBuilder();
        text.Append("event: ").Append(SingleLine(e.Type)).Append('\n');
        text.Append("id: ").Append(sequence).Append('\n');
        text.Append("data: ");
        var head = Encoding.UTF8.GetBytes(text.ToString());
        // Utf8JsonWriter escapes control characters, so the data is one line.
        return [.. head, .. data.WrittenSpan, (byte)'\n', (byte)'\n'];
    }

    private static JsonDocument? TryParse(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        try
        {
            return JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string SingleLine(string value) => value.Replace('\r', ' ').Replace('\n', ' ');

    public sealed class Subscription : IDisposable
    {
        private readonly EventHub _hub;
        private readonly Channel<SseMessage> _channel;

        internal Subscription(EventHub hub, long id, IReadOnlySet<string> topics, string? departmentScope, bool seesCallerNumbers, Channel<SseMessage> channel)
        {
            _hub = hub;
            Id = id;
            Topics = topics;
            DepartmentScope = departmentScope;
            SeesCallerNumbers = seesCallerNumbers;
            _channel = channel;
        }

        public long Id { get; }
        public IReadOnlySet<string> Topics { get; }
        public string? DepartmentScope { get; }
        public bool SeesCallerNumbers { get; }
        public ChannelReader<SseMessage> Reader => _channel.Reader;
        internal ChannelWriter<SseMessage> Writer => _channel.Writer;

        public void Dispose()
        {
            _channel.Writer.TryComplete();
            _hub.Remove(this);
        }
    }
}
