using Hotline.Calls;
using Hotline.Telephony.Media;
using Hotline.Telephony.Sip;

namespace Hotline.Edge;

/// <summary>
/// An outbound call (外呼) while it is being placed: the agent's registered phone rings first and hears ringback,
/// then the citizen's number rings through the outbound gateway. Once the citizen answers, the call is an ordinary
/// <see cref="SipCall"/> (recorded, transferable, conferenceable) and every command goes to it.
/// </summary>
public sealed class OutboundSipCall : ICallMedia
{
    private readonly EdgeServices _edge;
    private readonly OutboundCall _call;
    private readonly ICallGrain _grain;
    private readonly CancellationTokenSource _cancel = new();
    private readonly Lock _gate = new();
    private CallLeg? _agent;
    private SipCall? _connected;

    public OutboundSipCall(EdgeServices edge, string callId, OutboundCall call)
    {
        _edge = edge;
        _call = call;
        CallId = callId;
        _grain = edge.Grains.GetGrain<ICallGrain>(callId);
    }

    public string CallId { get; }

    /// <summary>Rings the agent, then the citizen; tells the grain how it went.</summary>
    public async Task RunAsync()
    {
        var (outcome, reason) = await PlaceAsync();
        if (outcome == DialOutcome.Failed) _edge.Registry.Release(CallId);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _grain.OnDialedAsync(outcome, reason);
                return;
            }
            catch (Exception e) when (e is OrleansException or TimeoutException && attempt < 5)
            {
                _edge.Logger.LogWarning(e, "Outbound call {CallId}: could not tell its grain the outcome (attempt {Attempt})", CallId, attempt);
                await Task.Delay(TimeSpan.FromSeconds(attempt));
            }
        }
    }

    private async Task<(DialOutcome, string?)> PlaceAsync()
    {
        var contact = await _edge.PhoneOfAsync(_call.JobNo);
        var citizen = _edge.GatewayAddress(_call.To);
        if (contact is null) return (DialOutcome.Failed, "agent_no_phone");
        if (citizen is null) return (DialOutcome.Failed, "unknown_number");

        CallLeg agent;
        try
        {
            // The agent's phone shows the number it is about to call.
            agent = await _edge.Sip.DialAsync(contact, _call.To, onRinging: null, _cancel.Token);
        }
        catch (OperationCanceledException)
        {
            return (DialOutcome.Failed, "cancelled");
        }
        catch (SipCallFailedException e)
        {
            _edge.Logger.LogInformation("Outbound call {CallId}: the phone of seat {JobNo} did not answer ({Status})", CallId, _call.JobNo, e.Status);
            return (DialOutcome.Failed, "agent_no_answer");
        }
        lock (_gate)
        {
            if (_cancel.IsCancellationRequested)
            {
                _ = agent.HangupAsync();
                return (DialOutcome.Failed, "cancelled");
            }
            _agent = agent;
        }
        agent.Media.PlayLoop(_edge.Prompts.Ringback);
        _ = HangUpWithAgentAsync(agent);

        CallLeg leg;
        using var ringing = CancellationTokenSource.CreateLinkedTokenSource(_cancel.Token);
        ringing.CancelAfter(_edge.DialTimeout);
        try
        {
            leg = await _edge.Sip.DialAsync(citizen, _edge.HotlineNumber, onRinging: null, ringing.Token);
        }
        catch (OperationCanceledException)
        {
            await agent.HangupAsync();
            return (DialOutcome.Failed, _cancel.IsCancellationRequested ? "cancelled" : "no_answer");
        }
        catch (SipCallFailedException e)
        {
            await agent.HangupAsync();
            return (DialOutcome.Failed, SipCall.DialFailure(e.Status));
        }

        var call = new SipCall(_edge, leg, CallId);
        lock (_gate)
        {
            if (_cancel.IsCancellationRequested || agent.Ended.IsCompleted)
            {
                _ = leg.HangupAsync();
                _ = agent.HangupAsync();
                return (DialOutcome.Failed, "cancelled");
            }
            _connected = call;
        }
        agent.Media.StopPlayback();
        call.StartConnected(agent, _call.JobNo);
        return (DialOutcome.Connected, null);
    }

    /// <summary>The agent gives up by hanging up the phone while the citizen's still rings.</summary>
    private async Task HangUpWithAgentAsync(CallLeg agent)
    {
        await agent.Ended;
        lock (_gate)
        {
            if (_connected is not null) return; // the connected call watches the agent from now on
        }
        _cancel.Cancel();
        await agent.Media.DisposeAsync();
    }

    private ICallMedia? Connected
    {
        get { lock (_gate) return _connected; }
    }

    public Task OfferToSeatAsync(string jobNo) => Connected?.OfferToSeatAsync(jobNo) ?? Task.CompletedTask;
    public Task WithdrawOfferAsync(string jobNo) => Connected?.WithdrawOfferAsync(jobNo) ?? Task.CompletedTask;
    public Task ConnectToSeatAsync(string jobNo) => Connected?.ConnectToSeatAsync(jobNo) ?? Task.CompletedTask;
    public Task HoldAsync(bool onHold) => Connected?.HoldAsync(onHold) ?? Task.CompletedTask;
    public Task WaitInQueueAsync(string queueId) => Connected?.WaitInQueueAsync(queueId) ?? Task.CompletedTask;
    public Task ChangePartyRoleAsync(ParticipantRole role) => Connected?.ChangePartyRoleAsync(role) ?? Task.CompletedTask;
    public Task DropPartyAsync() => Connected?.DropPartyAsync() ?? Task.CompletedTask;
    public Task CompleteTransferAsync(string? newJobNo) => Connected?.CompleteTransferAsync(newJobNo) ?? Task.CompletedTask;

    public Task<DialOutcome?> AddPartyAsync(ParticipantRole role, PartyAddress target) =>
        Connected?.AddPartyAsync(role, target) ?? Task.FromResult<DialOutcome?>(DialOutcome.Failed);

    public async Task HangupAsync()
    {
        CallLeg? agent;
        ICallMedia? connected;
        lock (_gate)
        {
            _cancel.Cancel();
            agent = _agent;
            connected = _connected;
        }
        if (connected is not null) await connected.HangupAsync();
        else if (agent is not null) await agent.HangupAsync();
    }
}
