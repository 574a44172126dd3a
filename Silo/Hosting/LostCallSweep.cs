using Hotline.Calls;
using Npgsql;
using Orleans.Runtime;

namespace Hotline.Silo.Hosting;

/// <summary>
/// Finds calls whose silo died and wakes them: a call grain reactivated away from its media records itself
/// as failed, "lost_with_silo" (a callback task just carries on). One query per sweep on every silo; waking
/// a call twice is harmless, so the silos need not agree on who sweeps.
/// </summary>
public sealed class LostCallSweep(
    NpgsqlDataSource dataSource,
    IClusterMembershipService membership,
    IGrainFactory grains,
    SiloSettings settings,
    ILogger<LostCallSweep> logger) : BackgroundService
{
    private const int Batch = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(settings.LostCallSweepSeconds));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or OrleansException or TimeoutException)
            {
                logger.LogWarning(e, "Lost-call sweep failed; trying again in {Seconds} s", settings.LostCallSweepSeconds);
            }
        }
    }

    private async Task SweepAsync(CancellationToken ct)
    {
        var dead = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Dead)
            .Select(m => m.SiloAddress.ToParsableString())
            .ToArray();
        if (dead.Length == 0) return;

        await using var command = dataSource.CreateCommand($"SELECT call_id FROM call_records WHERE silo = ANY($1) LIMIT {Batch}");
        command.Parameters.AddWithValue(dead);
        var calls = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) calls.Add(reader.GetString(0));
        if (calls.Count == 0) return;

        logger.LogWarning("Waking {Count} call(s) left on dead silos", calls.Count);
        await Task.WhenAll(calls.Select(id => grains.GetGrain<ICallGrain>(id).GetAsync()));
    }
}
