using System.Text.Json;

namespace Hotline.Events;

/// <summary>
/// A domain event on the live stream: the web UI and API consumers (server-sent events) receive these.
/// <see cref="Topic"/> is one of <see cref="EventTopics"/>; <see cref="State"/> is the entity's new state as JSON.
/// </summary>
[GenerateSerializer, Immutable, Alias("hotline.HotlineEvent")]
public sealed record HotlineEvent(
    [property: Id(0)] string Topic,
    [property: Id(1)] string Type,
    [property: Id(2)] string EntityId,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] string State);

public static class EventTopics
{
    /// <summary>The stream provider name, on silo and client.</summary>
    public const string StreamProvider = "events";
    /// <summary>The stream namespace; the stream key is the topic.</summary>
    public const string Namespace = "hotline";
    public const string Calls = "calls";
    public const string Seats = "seats";
    public const string Queues = "queues";
    public const string Tickets = "tickets";
    public static readonly IReadOnlyList<string> All = [Calls, Seats, Queues, Tickets];

    /// <summary>How event states are written: camelCase names, enum values in snake_case lower (<c>not_ready</c>, <c>wrapup</c>), as in the API.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };
}

/// <summary>
/// How live events travel from the grains to the API processes (<c>Hotline:Events:Transport</c>, the same on silos and
/// API hosts): through PostgreSQL's <c>hotline_events</c> log (the default with PostgreSQL: survives any silo's death,
/// replayable by id), or on the in-memory Orleans stream (in-process test clusters, the memory-storage demo).
/// </summary>
public enum EventTransport
{
    Postgres = 0,
    Streams = 1,
}
