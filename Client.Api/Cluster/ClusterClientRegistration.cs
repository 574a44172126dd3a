using System.Net;
using Hotline.Api.Configuration;
using Hotline.Events;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Hotline.Api.Cluster;

/// <summary>Registers the Orleans client the way <c>Hotline:Orleans:Mode</c> asks.</summary>
internal static class ClusterClientRegistration
{
    /// <summary>
    /// <see cref="OrleansClientMode.External"/> registers nothing: whoever hosts the API supplies an
    /// <see cref="IClusterClient"/> (the tests hand over their in-process cluster's client).
    /// </summary>
    public static void AddHotlineClusterClient(this WebApplicationBuilder builder, OrleansClientMode? mode)
    {
        builder.Services.AddSingleton(new ClusterConnection(connected: mode == OrleansClientMode.External));
        switch (mode)
        {
            case OrleansClientMode.AdoNet:
                builder.UseOrleansClient(client =>
                {
                    client.UseAdoNetClustering(o => o.Configure<IOptions<HotlineOptions>>((adoNet, hotline) =>
                    {
                        adoNet.Invariant = "Npgsql";
                        adoNet.ConnectionString = hotline.Value.ConnectionString;
                    }));
                    ConfigureCommon(client);
                });
                break;

            case OrleansClientMode.Localhost:
                builder.UseOrleansClient(client =>
                {
                    client.UseStaticClustering(o => o.Configure<IOptions<HotlineOptions>>((gateways, hotline) =>
                        gateways.Gateways = [new IPEndPoint(IPAddress.Loopback, hotline.Value.Orleans.GatewayPort).ToGatewayUri()]));
                    ConfigureCommon(client);
                });
                break;

            case OrleansClientMode.External:
            case null:
                // Null: the mode setting is invalid; options validation stops the host with the reason.
                break;
        }
    }

    private static void ConfigureCommon(IClientBuilder client)
    {
        client.Services.AddOptions<ClusterOptions>().Configure<IOptions<HotlineOptions>>((cluster, hotline) =>
        {
            cluster.ClusterId = hotline.Value.ClusterId;
            cluster.ServiceId = hotline.Value.ServiceId;
        });
        client.AddMemoryStreams(EventTopics.StreamProvider);
        client.UseConnectionRetryFilter<KeepTryingConnectionRetryFilter>();
        client.Services.AddSingleton<ILifecycleParticipant<IClusterClientLifecycle>, ClusterConnectionLifecycle>();
    }
}

/// <summary>
/// The API keeps trying to reach the cluster instead of failing start-up: silos may start after it, and the
/// readiness probe says "not ready" meanwhile.
/// </summary>
internal sealed partial class KeepTryingConnectionRetryFilter(
    IOptions<HotlineOptions> options, TimeProvider time, ILogger<KeepTryingConnectionRetryFilter> logger)
    : IClientConnectionRetryFilter
{
    private int _attempt;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested) return false;
        var delay = options.Value.Orleans.ConnectRetryDelay;
        LogClusterUnreachable(logger, ++_attempt, exception.GetType().Name, exception.Message, delay.TotalSeconds);
        await Task.Delay(delay, time, cancellationToken);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The Orleans cluster cannot be reached yet (attempt {Attempt}: {ErrorType}: {Error}); retrying in {DelaySeconds} s")]
    private static partial void LogClusterUnreachable(ILogger logger, int attempt, string errorType, string error, double delaySeconds);
}
