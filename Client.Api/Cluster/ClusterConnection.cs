using Hotline.Api.Problems;

namespace Hotline.Api.Cluster;

/// <summary>Whether the Orleans client has finished connecting; until then grain routes answer 503.</summary>
public sealed class ClusterConnection(bool connected)
{
    private volatile bool _connected = connected;

    public bool IsConnected => _connected;

    internal void MarkConnected() => _connected = true;
    internal void MarkDisconnected() => _connected = false;
}

/// <summary>Flips <see cref="ClusterConnection"/> when the client's lifecycle becomes active or stops.</summary>
internal sealed class ClusterConnectionLifecycle(ClusterConnection connection) : ILifecycleParticipant<IClusterClientLifecycle>
{
    public void Participate(IClusterClientLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ClusterConnectionLifecycle), ServiceLifecycleStage.Active,
            _ =>
            {
                connection.MarkConnected();
                return Task.CompletedTask;
            },
            _ =>
            {
                connection.MarkDisconnected();
                return Task.CompletedTask;
            });
}

/// <summary>Answers 503 <c>cluster.unavailable</c> before any grain call while the client is still connecting.</summary>
internal sealed class RequireClusterFilter(ClusterConnection connection) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        connection.IsConnected
            ? next(context)
            : ValueTask.FromResult<object?>(ApiProblems.Problem(StatusCodes.Status503ServiceUnavailable,
                ProblemCodes.ClusterUnavailable, "The API is still connecting to the call-centre cluster; try again shortly."));
}
