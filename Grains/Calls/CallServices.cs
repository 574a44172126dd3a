using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Hotline.Calls;

public static class CallServices
{
    /// <summary>
    /// What call grains need on every silo: the registry of this silo's media sessions (simulated ones made on demand),
    /// and a dialler that refuses outbound calls with a reason until a telephony edge registers its own.
    /// </summary>
    public static IServiceCollection AddCallMedia(this IServiceCollection services)
    {
        services.TryAddSingleton<ICallMediaRegistry, CallMediaRegistry>();
        services.TryAddSingleton<IOutboundDialer, NoOutboundDialer>();
        return services;
    }
}
