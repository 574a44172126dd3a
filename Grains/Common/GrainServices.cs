using Hotline.Calls;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Hotline.Common;

public static class GrainServices
{
    /// <summary>
    /// What the grains need on every silo: the registry of this silo's media sessions (simulated ones made on demand),
    /// a dialler that refuses outbound calls with a reason until a telephony edge registers its own, and the repair of
    /// queues' and the seat board's soft state when a silo dies (<see cref="SoftStateRepair"/>).
    /// </summary>
    public static IServiceCollection AddHotlineGrains(this IServiceCollection services)
    {
        services.TryAddSingleton<ICallMediaRegistry, CallMediaRegistry>();
        services.TryAddSingleton<IOutboundDialer, NoOutboundDialer>();
        services.TryAddSingleton<SoftStateRegistry>();
        services.TryAddSingleton<SoftStateRepair>();
        services.AddHostedService(sp => sp.GetRequiredService<SoftStateRepair>());
        return services;
    }
}
