namespace Hotline.Api.Open311;

/// <summary><c>Hotline:Open311</c>: how the GeoReport v2 endpoint describes itself, and whether POSTs are asynchronous.</summary>
public sealed class Open311Options
{
    public const string Section = "Hotline:Open311";

    /// <summary>The one jurisdiction served; a request naming another gets 404.</summary>
    public string JurisdictionId { get; set; } = "12345.hotline.local";
    public string Contact { get; set; } = "12345 hotline operations";
    /// <summary>Where integrators ask for an API key (discovery's key_service).</summary>
    public string KeyService { get; set; } = "Ask the hotline's administrators for an API key with the open311:write scope.";
    /// <summary>When the service list or definitions last changed (discovery's changeset).</summary>
    public DateTimeOffset Changeset { get; set; } = new(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);
    /// <summary>production or test (discovery's endpoint type).</summary>
    public string EndpointType { get; set; } = "production";
    /// <summary>
    /// POST answers at once with a request-id token (tokens/{token}) and the work order is created in the
    /// background, instead of answering with the work order's number.
    /// </summary>
    public bool Asynchronous { get; set; }
    /// <summary>Requests per minute from one client address (an IPv4 address or an IPv6 /64), per API process.</summary>
    public int RequestsPerMinute { get; set; } = 600;
    /// <summary>How often the background worker looks for requests still waiting to become work orders.</summary>
    public TimeSpan WorkerInterval { get; set; } = TimeSpan.FromSeconds(5);
}
