using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Hotline.Api.Ui;

/// <summary>Tells live screens that the browser came back after a lost connection, so they reload their snapshot first.</summary>
public sealed class UiCircuit : CircuitHandler
{
    private bool _wasDown;

    public event Action? Reconnected;

    public override Task OnConnectionDownAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        _wasDown = true;
        return Task.CompletedTask;
    }

    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        if (_wasDown)
        {
            _wasDown = false;
            Reconnected?.Invoke();
        }
        return Task.CompletedTask;
    }
}
