using Orleans.Runtime;

namespace Hotline.LoadTest.Cluster;

/// <summary>Per-silo figures from Orleans' management grain: activations by grain type, messages received.</summary>
public sealed record SiloFigures(string Silo, string Status, int Activations, int Calls, int Seats, int Queues, int Tickets, long ReceivedMessages, long SentMessages);

/// <summary>Reads the cluster through <see cref="IManagementGrain"/> (GetDetailedHosts, GetSimpleGrainStatistics, GetRuntimeStatistics).</summary>
public sealed class ClusterView(IClusterClient client)
{
    private IManagementGrain Management => client.GetGrain<IManagementGrain>(0);

    /// <summary>Silos by address, with their membership status (Active, Dead, ...).</summary>
    public async Task<IReadOnlyList<(SiloAddress Address, SiloStatus Status)>> HostsAsync()
    {
        var hosts = await Management.GetDetailedHosts(onlyActive: false);
        return hosts.Select(h => (h.SiloAddress, h.Status)).ToList();
    }

    /// <summary>The active silo listening on this silo port; null before it joined or after it died.</summary>
    public async Task<SiloAddress?> AddressOfAsync(int siloPort) =>
        (await HostsAsync()).Where(h => h.Status == SiloStatus.Active && h.Address.Endpoint.Port == siloPort).Select(h => h.Address).FirstOrDefault();

    public async Task<SiloAddress?> ActivationSiloAsync(IAddressable grain) => await Management.GetActivationAddress(grain);

    public async Task<IReadOnlyList<SiloFigures>> FiguresAsync()
    {
        var active = (await HostsAsync()).Where(h => h.Status == SiloStatus.Active).ToList();
        var silos = active.Select(h => h.Address).ToArray();
        var grains = await Management.GetSimpleGrainStatistics(silos);
        var runtime = await Management.GetRuntimeStatistics(silos);
        return active.Select((h, i) =>
        {
            var mine = grains.Where(g => g.SiloAddress.Equals(h.Address)).ToList();
            // Grain types read "Hotline.Queues.QueueGrain,Hotline.Grains": match the class name exactly, not QueueDirectoryGrain.
            int Count(string type) => mine.Where(g => g.GrainType.Contains($".{type},", StringComparison.Ordinal) || g.GrainType.EndsWith($".{type}", StringComparison.Ordinal)).Sum(g => g.ActivationCount);
            return new SiloFigures(h.Address.ToParsableString(), h.Status.ToString(), mine.Sum(g => g.ActivationCount),
                Count("CallGrain"), Count("SeatGrain"), Count("QueueGrain"), Count("TicketGrain"),
                runtime[i].ReceivedMessages, runtime[i].SentMessages);
        }).ToList();
    }
}
