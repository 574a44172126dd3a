using Hotline.Calls;
using Hotline.Telephony.Sip;

namespace Hotline.Edge;

/// <summary>A third party in the call: a department or colleague dialled in (three-way, consultation, transfer out), a
/// supervisor monitoring, whispering or barging in; its phone's answer or failure goes back to the grain.</summary>
public sealed partial class SipCall
{
    public async Task<DialOutcome?> AddPartyAsync(ParticipantRole role, PartyAddress target)
    {
        var uri = await _edge.AddressOfAsync(target);
        if (uri is null)
        {
            _logger.LogInformation("Call {CallId}: {Label} cannot be dialled (no phone registered, or no outbound gateway)", CallId, target.Label ?? target.Address);
            return DialOutcome.Failed;
        }
        var dialing = new CancellationTokenSource(_edge.DialTimeout);
        CallLeg? agentLeft = null;
        lock (_gate)
        {
            if (_over || _handedOver) return DialOutcome.Failed;
            _partyDialing?.Cancel();
            _partyDialing = dialing;
            _partyRole = role;
            _onHold = false;
            if (role == ParticipantRole.TransferOut)
            {
                // Blind: the agent's phone is let go now; the caller waits with music while the target rings.
                agentLeft = _agent;
                _agent = null;
                _agentJobNo = null;
            }
            RewireAudio();
        }
        if (agentLeft is not null) await agentLeft.HangupAsync();
        _ = Task.Run(() => DialPartyAsync(role, uri, dialing));
        return null;
    }

    public Task ChangePartyRoleAsync(ParticipantRole role)
    {
        lock (_gate)
        {
            if (_party is null) return Task.CompletedTask;
            _partyRole = role;
            RewireAudio();
        }
        return Task.CompletedTask;
    }

    public Task DropPartyAsync() => ReleaseParty();

    public async Task CompleteTransferAsync(string? newJobNo)
    {
        CallLeg? agentLeft;
        lock (_gate)
        {
            if (_party is null) return;
            agentLeft = _agent;
            if (newJobNo is not null)
            {
                // The consulted colleague's phone becomes the agent's leg.
                _agent = _party;
                _agentJobNo = newJobNo;
                _agent.TransferRequested = target => OnAgentTransferAsync(newJobNo, target);
                _party = null;
                _partyRole = null;
            }
            else
            {
                _agent = null;
                _agentJobNo = null;
                _partyRole = ParticipantRole.TransferOut;
                _handedOver = true;
            }
            RewireAudio();
        }
        if (agentLeft is not null) await agentLeft.HangupAsync();
    }

    /// <summary>The IVR's transfer to a department's or any outside number, through the outbound gateway.</summary>
    private async Task<bool> TransferOutFromIvrAsync(string number, CancellationToken cancellationToken)
    {
        var uri = _edge.GatewayAddress(number);
        if (uri is null) return false;
        CallLeg leg;
        try
        {
            leg = await _edge.Sip.DialAsync(uri, _caller.FromUser, null, cancellationToken);
        }
        catch (SipCallFailedException e)
        {
            _logger.LogInformation("Call {CallId} could not be put through to the outside number: {Status}", CallId, e.Status);
            return false;
        }
        lock (_gate)
        {
            _party = leg;
            _partyRole = ParticipantRole.TransferOut;
            _handedOver = true;
            RewireAudio();
        }
        _ = WatchPartyAsync(leg, ParticipantRole.TransferOut);
        return true;
    }

    private async Task DialPartyAsync(ParticipantRole role, Uri target, CancellationTokenSource dialing)
    {
        CallLeg leg;
        try
        {
            leg = await _edge.Sip.DialAsync(target, _edge.CallerIdFor(_caller), onRinging: null, dialing.Token);
        }
        catch (OperationCanceledException)
        {
            bool dropped;
            lock (_gate) dropped = _partyDialing != dialing || _over;
            if (!dropped) await PartyFailedAsync(role, dialing, "no_answer");
            return;
        }
        catch (SipCallFailedException e)
        {
            await PartyFailedAsync(role, dialing, DialFailure(e.Status));
            return;
        }

        lock (_gate)
        {
            if (_over || _partyDialing != dialing)
            {
                _ = leg.HangupAsync();
                return;
            }
            _partyDialing = null;
            _party = leg;
            // Handed over before the grain hears of it: its "call over" must not hang up the two now talking.
            if (role == ParticipantRole.TransferOut) _handedOver = true;
            RewireAudio();
        }
        _ = WatchPartyAsync(leg, role);
        await TellGrainAsync(() => _grain.OnPartyAsync(role, DialOutcome.Connected, null), "the third party answered");
    }

    private async Task PartyFailedAsync(ParticipantRole role, CancellationTokenSource dialing, string reason)
    {
        lock (_gate)
        {
            if (_partyDialing != dialing) return;
            _partyDialing = null;
            _partyRole = null;
            RewireAudio();
        }
        _logger.LogInformation("Call {CallId}: the third party was not reached ({Reason})", CallId, reason);
        await TellGrainAsync(() => _grain.OnPartyAsync(role, DialOutcome.Failed, reason), "the third party was not reached");
    }

    public static string DialFailure(int status) => status switch
    {
        486 or 600 => "busy",
        408 or 480 => "no_answer",
        403 or 603 => "rejected",
        404 or 484 or 604 => "unknown_number",
        _ => "unreachable",
    };

    private async Task WatchPartyAsync(CallLeg leg, ParticipantRole role)
    {
        await leg.Ended;
        bool left, handedOver, becameAgent;
        string? agentJobNo;
        lock (_gate)
        {
            left = _party == leg;
            becameAgent = _agent == leg; // an attended transfer to a colleague made this leg the agent's
            agentJobNo = _agentJobNo;
            handedOver = _handedOver;
            if (left)
            {
                _party = null;
                _partyRole = null;
                RewireAudio();
            }
            if (becameAgent)
            {
                _agent = null;
                RewireAudio();
            }
        }
        await leg.Media.DisposeAsync();
        if (left && handedOver)
        {
            // The two the hotline put through are done talking.
            await _caller.HangupAsync();
            return;
        }
        if (left)
        {
            await TellGrainAsync(() => _grain.OnPartyAsync(role, DialOutcome.Left, null), "the third party hung up");
        }
        else if (becameAgent && agentJobNo is not null)
        {
            var call = await _grain.GetAsync();
            if (call.State == CallState.Talking && call.SeatJobNo == agentJobNo)
                await TellGrainAsync(() => _grain.HangupAsync(CallParty.Agent), "the agent's phone hung up");
        }
    }

    private Task ReleaseParty()
    {
        CallLeg? party;
        lock (_gate)
        {
            _partyDialing?.Cancel();
            _partyDialing = null;
            party = _party;
            _party = null;
            if (!_handedOver) _partyRole = null;
            RewireAudio();
        }
        return party?.HangupAsync() ?? Task.CompletedTask;
    }
}
