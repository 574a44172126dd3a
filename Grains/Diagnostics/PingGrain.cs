using Hotline.Diagnostics;

namespace Hotline.Diagnostics;

/// <summary>Does nothing, on purpose: see <see cref="IPingGrain"/>.</summary>
[GrainType("ping")]
public sealed class PingGrain : Grain, IPingGrain
{
    Task IPingGrain.PingAsync() => Task.CompletedTask;
}
