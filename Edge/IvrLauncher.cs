using Hotline.Calls;
using Hotline.Ivr;

namespace Hotline.Edge;

/// <summary>Runs the current IVR flow for a SIP caller; the call keeps the flow version it started with.</summary>
public sealed class IvrLauncher(IGrainFactory grains, IIvrServices services, IvrInterpreter interpreter, ILogger<IvrLauncher> logger)
{
    /// <summary>How long a new caller waits, hearing the waiting tone, for a cluster that just lost a silo.</summary>
    public static readonly TimeSpan StartPatience = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Hands the call to its grain (<paramref name="start"/>) and runs the flow. While the cluster is briefly unreachable
    /// (a silo holding the flow's grain just died and is not yet declared dead) the caller hears the waiting tone and
    /// the start is tried again, rather than the call being dropped.
    /// </summary>
    public async Task<IvrOutcome> RunAsync(string callId, string? callerNumber, Func<Task<CallSnapshot>> start, IIvrMedia media,
        CancellationToken cancellationToken)
    {
        var (flow, call) = await StartAsync(callId, start, media, cancellationToken);
        // The call's own language (a dialled English line) is spoken from the first prompt; a choice in the flow changes it.
        var outcome = await interpreter.RunAsync(flow, new IvrCallContext(callId, callerNumber, call.Language), media, services, cancellationToken);
        logger.LogInformation("Call {CallId} left the IVR (flow v{Version}) at {Node}: {Outcome} ({Reason}){Ticket}", callId, flow.Number,
            outcome.LastNodeId, outcome.Kind, outcome.Reason, outcome.TicketNumber is null ? "" : $", work order {outcome.TicketNumber}");
        return outcome;
    }

    private async Task<(IvrFlowVersion Flow, CallSnapshot Call)> StartAsync(string callId, Func<Task<CallSnapshot>> start, IIvrMedia media, CancellationToken cancellationToken)
    {
        var giveUp = DateTime.UtcNow + StartPatience;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var call = await start();
                return (await grains.GetGrain<IIvrFlowGrain>(IIvrFlowGrain.Centre).GetCurrentAsync(), call);
            }
            catch (Exception e) when (e is OrleansException or TimeoutException && DateTime.UtcNow < giveUp)
            {
                logger.LogWarning("Call {CallId}: the cluster is not reachable yet ({Error}); the caller waits, attempt {Attempt}",
                    callId, e.GetType().Name, attempt);
                if (attempt == 1) media.StartWaitingMusic("zh");
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt, 5)), cancellationToken);
            }
        }
    }
}
