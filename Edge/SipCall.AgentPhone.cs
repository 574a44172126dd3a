using Hotline.Calls;
using Hotline.Seats;
using Hotline.Telephony.Sip;

namespace Hotline.Edge;

/// <summary>The agent's phone: rung when the queue offers the call, its answer told to the grain, its hang-up and its
/// REFER (the phone's own transfer button) followed.</summary>
public sealed partial class SipCall
{
    private async Task DialAgentAsync(string jobNo, Uri contact)
    {
        var dialing = new CancellationTokenSource();
        CallLeg? previous;
        lock (_gate)
        {
            if (_over) return;
            _dialing?.Cancel();
            _dialing = dialing;
            // A transfer to another seat: the first agent's phone is let go, the caller waits with music.
            previous = _agentJobNo != jobNo ? _agent : null;
            if (previous is not null)
            {
                _agent = null;
                _onHold = false;
                RewireAudio();
                _caller.Media.PlayLoop(_edge.Prompts.Waiting("zh"));
            }
            _agentJobNo = jobNo;
        }
        if (previous is not null) await previous.HangupAsync();

        CallLeg leg;
        try
        {
            leg = await _edge.Sip.DialAsync(contact, _caller.FromUser, onRinging: null, dialing.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (SipCallFailedException e) when (e.Status == SipEdge.FlowFailedStatus)
        {
            _logger.LogWarning("Phone of seat {JobNo} cannot be rung for call {CallId}: its TCP connection closed as the offer began", jobNo, CallId);
            return;
        }
        catch (SipCallFailedException e)
        {
            // The call's ring timer decides what happens next (ring-no-answer); the phone just did not take it.
            _logger.LogInformation("Phone of seat {JobNo} refused call {CallId}: {Status}", jobNo, CallId, e.Status);
            return;
        }

        bool bridgeNow;
        lock (_gate)
        {
            if (_over || dialing.IsCancellationRequested || _agentJobNo != jobNo)
            {
                _ = leg.HangupAsync();
                return;
            }
            _agent = leg;
            leg.TransferRequested = target => OnAgentTransferAsync(jobNo, target);
            bridgeNow = _connectWanted == jobNo;
            if (bridgeNow) RewireAudio();
        }
        _ = WatchAgentAsync(leg);
        if (bridgeNow) return;
        try
        {
            // The grain records the answer; this edge saw the phone answer, so it connects the audio itself.
            var answered = await _grain.PhoneAnsweredAsync(jobNo);
            if (answered is { State: CallState.Talking } && answered.SeatJobNo == jobNo)
            {
                _ivr.Cancel();
                lock (_gate)
                {
                    if (!_over && _agent == leg && _agentJobNo == jobNo) RewireAudio();
                }
            }
        }
        catch (DomainException e)
        {
            _logger.LogInformation("Phone of seat {JobNo} answered call {CallId} too late: {Message}", jobNo, CallId, e.Message);
            lock (_gate)
            {
                if (_agent == leg) _agent = null;
            }
            await leg.HangupAsync();
        }
    }

    private async Task<bool> OnAgentTransferAsync(string jobNo, TransferRequest request)
    {
        var target = UserOf(request.Target);
        if (string.IsNullOrEmpty(target)) return false;
        var kind = target.All(char.IsAsciiDigit) ? TransferTargetKind.Seat : TransferTargetKind.Queue;
        try
        {
            await _grain.TransferAsync(jobNo, new TransferTarget(kind, target, Attended: request.ReplacesCallId is not null));
            return true;
        }
        catch (DomainException e)
        {
            _logger.LogInformation("Transfer of call {CallId} by seat {JobNo} to {Target} refused: {Message}", CallId, jobNo, target, e.Message);
            return false;
        }
    }

    /// <summary>The user part of a SIP URI (<c>sip:1002@host</c> → <c>1002</c>); .NET's Uri sees no authority in <c>sip:</c>.</summary>
    public static string? UserOf(Uri target)
    {
        var text = target.OriginalString;
        var colon = text.IndexOf(':');
        var at = text.IndexOf('@');
        if (colon < 0 || at <= colon + 1) return null;
        var user = Uri.UnescapeDataString(text[(colon + 1)..at]);
        var semicolon = user.IndexOf(';');
        return semicolon >= 0 ? user[..semicolon] : user;
    }

    private async Task WatchAgentAsync(CallLeg leg)
    {
        await leg.Ended;
        string? jobNo;
        lock (_gate)
        {
            // Otherwise we let it go ourselves (transfer, ring-out, the call ended).
            jobNo = _agent == leg ? _agentJobNo : null;
            if (_agent == leg)
            {
                _agent = null;
                RewireAudio();
            }
        }
        await leg.Media.DisposeAsync();
        if (jobNo is null) return;
        var call = await _grain.GetAsync();
        if (call.State == CallState.Talking && call.SeatJobNo == jobNo)
            await TellGrainAsync(() => _grain.HangupAsync(CallParty.Agent), "the agent's phone hung up");
    }

    private Task ReleaseAgent()
    {
        CallLeg? agent;
        lock (_gate)
        {
            _dialing?.Cancel();
            agent = _agent;
            _agent = null;
            _agentJobNo = null;
            _connectWanted = null;
            _onHold = false;
            RewireAudio();
        }
        return agent?.HangupAsync() ?? Task.CompletedTask;
    }
}
