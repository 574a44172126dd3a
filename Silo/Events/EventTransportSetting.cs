using Hotline.Common;
using Hotline.Events;

namespace Hotline.Silo.Events;

/// <summary>Reads <c>Hotline:Events:Transport</c> for the silo: Postgres by default with PostgreSQL storage, Streams without it.</summary>
public static class EventTransportSetting
{
    public const string Key = "Hotline:Events:Transport";

    public static EventTransport Read(IConfiguration configuration, bool usesDatabase)
    {
        var value = configuration[Key];
        if (string.IsNullOrWhiteSpace(value)) return usesDatabase ? EventTransport.Postgres : EventTransport.Streams;
        if (!Enum.TryParse<EventTransport>(value, ignoreCase: true, out var transport) || !Enum.IsDefined(transport) || int.TryParse(value, out _))
            throw new ConfigurationException($"invalid setting {Key}: '{value}' (use Postgres or Streams)");
        if (transport == EventTransport.Postgres && !usesDatabase)
            throw new ConfigurationException($"invalid setting {Key}: Postgres needs Hotline:Silo:Storage=AdoNet");
        return transport;
    }
}
