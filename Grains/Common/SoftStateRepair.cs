using System.Collections.Concurrent;
using Hotline.Cluster;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Hotline.Common;

/// <summary>
/// This silo's grains whose state others mirror as soft state (<see cref="IReannounce"/>): waiting calls, logged-in
/// seats, queues. A grain adds itself when it starts to matter to another's soft state and removes itself when it stops
/// or deactivates; the list is read only when a silo dies.
/// </summary>
public sealed class SoftStateRegistry
{
    private readonly ConcurrentDictionary<GrainId, byte> _grains = new();

    public int Count => _grains.Count;

    /// <summary>Adds or removes the grain as <paramref name="matters"/> says; cheap enough to call on every state change.</summary>
    public void Track(GrainId grain, bool matters)
    {
        if (matters) _grains.TryAdd(grain, 0);
        else _grains.TryRemove(grain, out _);
    }

    public IReadOnlyList<GrainId> Snapshot() => _grains.Keys.ToList();
}

/// <summary>
/// Watches the cluster's membership and, when a silo is declared dead, asks each of this silo's registered grains to
/// tell again what it is (<see cref="IReannounce.ReannounceAsync"/>): waiting calls touch their queues, seats tell their
/// queues and the board, queues drop the calls that died and wake the seats that did. This replaces a heartbeat from
/// every call and seat through the queues every few seconds with one burst per silo death, as soon as it is known.
/// A slow audit (<see cref="HotlineGrainOptions.AuditSeconds"/>) remains for whatever a lost message left behind.
/// </summary>
public sealed partial class SoftStateRepair(
    IClusterMembershipService membership,
    SoftStateRegistry registry,
    IGrainFactory grains,
    ILogger<SoftStateRepair> logger) : BackgroundService
{
    /// <summary>How many re-announcements one silo has in flight at once, so a death does not flood the survivors.</summary>
    public const int Concurrency = 64;

    private readonly HashSet<SiloAddress> _dead = [];

    /// <summary>Silo deaths handled since start (tests wait on it).</summary>
    public int Repairs { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var first = true;
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
            {
                var newlyDead = snapshot.Members.Values
                    .Where(m => m.Status == SiloStatus.Dead && _dead.Add(m.SiloAddress))
                    .Select(m => m.SiloAddress)
                    .ToList();
                // Silos dead before this one started hosted nothing this silo's grains mirror.
                if (first)
                {
                    first = false;
                    continue;
                }
                foreach (var silo in newlyDead) await RepairAsync(silo, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RepairAsync(SiloAddress lost, CancellationToken ct)
    {
        var ids = registry.Snapshot();
        var parsable = lost.ToParsableString();
        LogRepairing(logger, parsable, ids.Count);
        var failed = 0;
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = ct }, async (id, _) =>
        {
            try
            {
                await grains.GetGrain<IReannounce>(id).ReannounceAsync(parsable);
            }
            catch (Exception e) when (TransientErrors.IsTransient(e))
            {
                // The grain's own audit tells it again later.
                Interlocked.Increment(ref failed);
            }
        });
        Repairs++;
        if (failed > 0) LogSomeFailed(logger, failed, parsable);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Silo {Silo} is dead: {Count} grain(s) here re-announce themselves to the queues and the seat board")]
    private static partial void LogRepairing(ILogger logger, string silo, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} grain(s) could not re-announce themselves after silo {Silo} died; their audit does it later")]
    private static partial void LogSomeFailed(ILogger logger, int count, string silo);
}
