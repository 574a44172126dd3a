using System.Diagnostics;
using Hotline.Diagnostics;
using Orleans.Concurrency;

namespace Hotline.Diagnostics;

/// <summary>See <see cref="ISiloProbeGrain"/>; used by the load driver's memory figures (bytes per seat, per call).</summary>
[StatelessWorker(1)]
[GrainType("silo-probe")]
public sealed class SiloProbeGrain : Grain, ISiloProbeGrain
{
    Task<SiloMemory> ISiloProbeGrain.MeasureAsync()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        using var process = Process.GetCurrentProcess();
        var silo = GrainContext.Address.SiloAddress?.ToParsableString() ?? "";
        return Task.FromResult(new SiloMemory(silo, heap, process.WorkingSet64));
    }
}
