using Hotline.Api.Apis;
using Hotline.Api.Auth;
using Hotline.Api.EventStream;
using Microsoft.AspNetCore.Components.Authorization;

namespace Hotline.Api.Ui;

/// <summary>
/// A screen's live feed: the same <see cref="EventHub"/> fan-out of the Orleans streams that serves
/// <c>/api/events</c>, with the same department scope. The screen does not patch itself event by event: any
/// event of its topics (bunched for a moment) makes it reload its snapshot, so a dropped event, a full buffer
/// or a reconnection costs nothing but a reload. A slow timer reloads too, as a last safety net.
/// </summary>
public sealed partial class LiveEvents(EventHub hub, AuthenticationStateProvider authentication, UiCircuit circuit, ILogger<LiveEvents> logger)
    : IAsyncDisposable
{
    private static readonly TimeSpan Bunch = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan SafetyNet = TimeSpan.FromSeconds(20);
    private readonly CancellationTokenSource _stop = new();
    private EventHub.Subscription? _subscription;
    private Task? _loop;
    private Func<Task>? _reload;

    /// <summary>Starts following <paramref name="topics"/>; <paramref name="reload"/> runs on the renderer's context.</summary>
    public async Task FollowAsync(IReadOnlySet<string> topics, Func<Task> reload)
    {
        if (_subscription is not null) throw new InvalidOperationException("A screen follows one set of topics.");
        var user = (await authentication.GetAuthenticationStateAsync()).User;
        _reload = reload;
        _subscription = hub.Subscribe(topics, user.TicketScope(), CallsApi.SeesCallerNumbers(user));
        circuit.Reconnected += OnReconnected;
        _loop = Task.Run(() => RunAsync(_subscription, _stop.Token));
    }

    private async Task RunAsync(EventHub.Subscription subscription, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                using var quiet = CancellationTokenSource.CreateLinkedTokenSource(ct);
                quiet.CancelAfter(SafetyNet);
                try
                {
                    if (!await subscription.Reader.WaitToReadAsync(quiet.Token)) return;
                    await Task.Delay(Bunch, ct);
                    while (subscription.Reader.TryRead(out _)) { }
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    // Nothing for a while: reload anyway.
                }
                if (_reload is { } reload) await reload();
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A failed reload (the cluster away for a moment) is shown by the screen; the feed carries on.
                LogReloadFailed(logger, e);
            }
        }
    }

    private void OnReconnected() => _ = _reload?.Invoke();

    public async ValueTask DisposeAsync()
    {
        circuit.Reconnected -= OnReconnected;
        await _stop.CancelAsync();
        _subscription?.Dispose();
        if (_loop is not null)
        {
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
            }
        }
        _stop.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A live screen could not reload its snapshot")]
    private static partial void LogReloadFailed(ILogger logger, Exception exception);
}
