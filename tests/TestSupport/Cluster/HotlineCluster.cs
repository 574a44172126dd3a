using Hotline.Calls;
using Hotline.Common;
using Hotline.Events;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.TestingHost;

namespace Hotline.Tests.Cluster;

/// <summary>
/// Two silos in process, wired as the hotline silo is: memory streams "events", storages "hotline" and "calls" (on
/// a table the silos share, which outlives a silo as PostgreSQL does), "PubSubStore" in memory, in-memory reminders,
/// the simulated trunk on, one media registry per silo, failures a test schedules (<see cref="Faults"/>). Grain time is a fake clock (<see cref="TestClock"/>) the
/// test drives; membership, messaging and reminders keep real time.
/// </summary>
public class HotlineCluster : IAsyncLifetime
{
    public static readonly DateTimeOffset Epoch = new(2026, 11, 23, 1, 0, 0, TimeSpan.Zero);
    private static int _clusters;
    private readonly string _prefix = $"k{Interlocked.Increment(ref _clusters)}";
    private int _ids;

    public TestClock Time { get; } = new(Epoch);
    public SharedGrainStore Store { get; } = new();
    public GrainFaults Faults { get; } = new();
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public IClusterClient Client => Cluster.Client;

    /// <summary>An id no other test of this cluster uses, e.g. <c>queue-k1-7</c>.</summary>
    public string NewId(string kind) => $"{kind}-{_prefix}-{Interlocked.Increment(ref _ids)}";

    protected virtual void ConfigureSilo(ISiloBuilder silo)
    {
    }

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((options, silo) =>
        {
            silo.AddMemoryStreams(EventTopics.StreamProvider);
            silo.AddMemoryGrainStorage("PubSubStore");
            silo.Services.AddGrainStorage("hotline", (sp, name) => new SharedGrainStorage(name, Store, sp.GetRequiredService<Serializer>()));
            silo.Services.AddGrainStorage("calls", (sp, name) => new SharedGrainStorage(name, Store, sp.GetRequiredService<Serializer>()));
            silo.UseInMemoryReminderService();
            silo.Services.Configure<HotlineGrainOptions>(o => o.SimulatedTrunkEnabled = true);
            silo.Services.AddHotlineGrains();
            silo.AddIncomingGrainCallFilter(new GrainFaultFilter(Faults));
            // Background loops on real time, so that advancing the test clock never runs them inline;
            // grain timers and grain-visible time on the test clock (registered last: the exact key wins).
            silo.Services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
            silo.Services.AddKeyedSingleton(TimeProviderNames.Grains, Time.ForSilo(options.SiloName));
            ConfigureSilo(silo);
        });
        builder.ConfigureClient(client => client.AddMemoryStreams(EventTopics.StreamProvider));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        if (Cluster is not null) await Cluster.DisposeAsync();
    }

    /// <summary>Kills the silo (no goodbye) and waits until the survivors know it is dead.</summary>
    public async Task KillSiloAsync(SiloAddress address)
    {
        var silo = Cluster.Silos.Single(s => s.SiloAddress == address);
        Time.StopSilo(silo.Name);
        await Cluster.KillSiloAsync(silo);
        await Cluster.WaitForLivenessToStabilizeAsync(didKill: true);
    }

    /// <summary>The silo that hosts the grain's activation now, or null when it has none.</summary>
    public SiloAddress? SiloOf(IAddressable grain) =>
        Cluster.TryGetGrainContext(grain.GetGrainId(), out var context) ? context.Address.SiloAddress : null;
}

/// <summary>A cluster whose silos notice a dead peer within a few seconds, for the tests that kill one.</summary>
public sealed class FastFailoverHotlineCluster : HotlineCluster
{
    protected override void ConfigureSilo(ISiloBuilder silo) => silo.Configure<ClusterMembershipOptions>(o =>
    {
        o.ProbeTimeout = TimeSpan.FromMilliseconds(500);
        o.NumMissedProbesLimit = 1;
        o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
    });
}
