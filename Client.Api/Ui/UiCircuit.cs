using Hotline.Api.Auth;
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

    /// <summary>The session's token (the <c>hotline_token</c> cookie), checked again while the screen stays open.</summary>
    public string? Token { get; private set; }

    public event Action? Reconnected;

    public override Task OnConnectionDownAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        _wasDown = true;
        return Task.CompletedTask;
    }

    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        if (http.HttpContext is { } context)
        {
            if (context.Connection.RemoteIpAddress is { } address) ClientKey = PublicRateLimiting.ClientKey(address);
            Token = BearerTokenHandler.ReadToken(context.Request);
        }
        if (_wasDown)
        {
            _wasDown = false;
            Reconnected?.Invoke();
        }
        return Task.CompletedTask;
    }
}
