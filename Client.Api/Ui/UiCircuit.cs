using Hotline.Api.Hosting;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Hotline.Api.Ui;

/// <summary>
/// Tells live screens that the browser came back after a lost connection, so they reload their snapshot first;
/// remembers the browser's address for the portal's rate limit.
/// </summary>
public sealed class UiCircuit(IHttpContextAccessor http) : CircuitHandler
{
    private bool _wasDown;

    /// <summary>The client address as the public routes' limiter keys it.</summary>
    public string ClientKey { get; private set; } = "unknown";

    public event Action? Reconnected;

    public override Task OnConnectionDownAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        _wasDown = true;
        return Task.CompletedTask;
    }

    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        if (http.HttpContext?.Connection.RemoteIpAddress is { } address) ClientKey = PublicRateLimiting.ClientKey(address);
        if (_wasDown)
        {
            _wasDown = false;
            Reconnected?.Invoke();
        }
        return Task.CompletedTask;
    }
}
