using System.Text.Json;
using Hotline.Api.Cluster;
using Hotline.Api.Configuration;
using Hotline.Api.EventStream;
using Hotline.Queues;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Hotline.Api.Health;

/// <summary><c>/health/live</c>: the process answers. <c>/health/ready</c>: the cluster and the database answer too.</summary>
public static class HealthEndpoints
{
    private const string ReadyTag = "ready";

    internal static IServiceCollection AddHotlineHealthChecks(this IServiceCollection services, bool usesDatabase)
    {
        var checks = services.AddHealthChecks()
            .AddCheck<OrleansHealthCheck>("orleans", tags: [ReadyTag])
            .AddCheck<EventStreamHealthCheck>("events", tags: [ReadyTag])
            .AddCheck<DemoDataHealthCheck>("demo", tags: [ReadyTag]);
        if (usesDatabase) checks.AddCheck<PostgresHealthCheck>("postgres", tags: [ReadyTag]);
        return services;
    }

    public static IEndpointRouteBuilder MapHotlineHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteJson })
            .AllowAnonymous().WithTags("Health");
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteJson })
            .AllowAnonymous().WithTags("Health");
        return app;
    }

    private static Task WriteJson(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        var body = new
        {
            status = report.Status.ToString().ToLowerInvariant(),
            totalDurationMs = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new
                {
                    status = e.Value.Status.ToString().ToLowerInvariant(),
                    description = e.Value.Description,
                    durationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
                }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonSerializerOptions.Web));
    }
}

/// <summary>
/// Ready for traffic means the demo accounts and queues are in place when the demo seeds them: a script that trusts
/// readiness signs in as 8001 and offers calls to <c>general</c> at once. Without seeding this is healthy at once.
/// </summary>
internal sealed class DemoDataHealthCheck(Demo.DemoSeeder seeder) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct) => Task.FromResult(seeder.Completed.IsCompletedSuccessfully
        ? HealthCheckResult.Healthy("Demo data in place, or not seeded here.")
        : HealthCheckResult.Unhealthy("The demo accounts, queues and calendar are still being seeded."));
}

/// <summary>A cheap grain call with a short timeout: the queue directory.</summary>
internal sealed class OrleansHealthCheck(IClusterClient cluster, ClusterConnection connection, IOptions<HotlineOptions> options, TimeProvider time)
    : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
    {
        if (!connection.IsConnected) return HealthCheckResult.Unhealthy("The Orleans client is still connecting.");
        try
        {
            var queues = await cluster.GetGrain<IQueueDirectoryGrain>(IQueueDirectoryGrain.Centre).GetAllAsync()
                .WaitAsync(options.Value.Orleans.HealthCheckTimeout, time, ct);
            return HealthCheckResult.Healthy($"Cluster reachable; {queues.Count} queues configured.");
        }
        catch (Exception e) when (e is TimeoutException or OrleansException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy($"Cluster not reachable: {e.GetType().Name}.");
        }
    }
}

internal sealed class PostgresHealthCheck(NpgsqlDataSource db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            await using var cmd = db.CreateCommand("SELECT 1");
            await cmd.ExecuteScalarAsync(timeout.Token);
            return HealthCheckResult.Healthy("PostgreSQL reachable.");
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"PostgreSQL not reachable: {e.GetType().Name}.");
        }
    }
}

/// <summary>Degraded (still ready) until live events flow (the event log followed, or the streams subscribed).</summary>
internal sealed class EventStreamHealthCheck(IEventSource source, EventHub hub) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct) =>
        Task.FromResult(source.Following.IsCompleted
            ? HealthCheckResult.Healthy($"Following; {hub.ClientCount} clients connected.")
            : HealthCheckResult.Degraded("Not yet following the live events."));
}
