using Hotline.Ivr;

namespace Hotline.Silo.Telephony;

/// <summary>Runs the current IVR flow for a SIP caller; the call keeps the flow version it started with.</summary>
public sealed class IvrLauncher(IGrainFactory grains, IIvrServices services, IvrInterpreter interpreter, ILogger<IvrLauncher> logger)
{
    public async Task<IvrOutcome> RunAsync(string callId, string? callerNumber, IIvrMedia media, CancellationToken cancellationToken)
    {
        var flow = await grains.GetGrain<IIvrFlowGrain>(IIvrFlowGrain.Centre).GetCurrentAsync();
        var outcome = await interpreter.RunAsync(flow, new IvrCallContext(callId, callerNumber, null), media, services, cancellationToken);
        logger.LogInformation("Call {CallId} left the IVR (flow v{Version}) at {Node}: {Outcome} ({Reason}){Ticket}", callId, flow.Number,
            outcome.LastNodeId, outcome.Kind, outcome.Reason, outcome.TicketNumber is null ? "" : $", work order {outcome.TicketNumber}");
        return outcome;
    }
}
