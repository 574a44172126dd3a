using Npgsql;
using Orleans.Runtime;

namespace Hotline.Silo.Hosting;

public static class SiloHealth
{
    /// <summary><c>/health/live</c>: the process runs. <c>/health/ready</c>: this silo is an active cluster member, the database answers and the telephony edge listens (when enabled).</summary>
    public static void MapSiloHealth(this WebApplication app)
    {
        app.MapGet("/health/live", () => Results.Json(new { status = "live" }));
        app.MapGet("/health/ready", async (IServiceProvider services, CancellationToken ct) =>
        {
            var silo = services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
            var membership = services.GetRequiredService<IClusterMembershipService>();
            var clusterOk = membership.CurrentSnapshot.GetSiloStatus(silo) == SiloStatus.Active;

            string database = "not used (in-memory mode)";
            var databaseOk = true;
            if (services.GetService<NpgsqlDataSource>() is { } dataSource)
            {
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    timeout.CancelAfter(TimeSpan.FromSeconds(2));
                    await using var command = dataSource.CreateCommand("SELECT 1");
                    await command.ExecuteScalarAsync(timeout.Token);
                    database = "reachable";
                }
                catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException)
                {
                    databaseOk = false;
                    database = "unreachable: " + e.Message;
                }
            }
            // The edge takes calls once the silo runs their grains, after the web host answers: not ready until it listens.
            // A draining edge refuses new calls: not ready, so nothing new is sent here while the calls end.
            var edge = services.GetService<Edge.EdgeHost>();
            var edgeOk = edge is not ({ Listening: false } or { Draining: true });
            var ready = clusterOk && databaseOk && edgeOk;
            var body = new
            {
                status = ready ? "ready" : "not ready",
                checks = new { cluster = clusterOk ? "active" : "not active", database, edge = edge is { Draining: true } ? "draining" : edgeOk ? "listening or disabled" : "starting" },
                silo = silo.ToString(),
            };
            return Results.Json(body, statusCode: ready ? 200 : 503);
        });
    }
}
