using Hotline.Calls;
using Hotline.Ivr;
using Hotline.Seats;
using Hotline.Telephony.Media;
using Hotline.Telephony.Sip;

namespace Hotline.Silo.Telephony;

/// <summary>
/// One inbound SIP call on this silo: the caller's leg, the agent's phone leg when there is one, the IVR, and the
/// whole-call recording. Its call grain commands it through <see cref="ICallMedia"/>; what the phones do (the
/// caller hangs up, the agent's phone answers or hangs up, a phone asks to transfer) goes back to the grain.
/// </summary>
public sealed class SipCall : ICallMedia
{
    private readonly EdgeServices _edge;
    private readonly CallLeg _caller;
    private readonly ICallGrain _grain;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _ivr = new();
    private readonly Lock _gate = new();
    private CallLeg? _agent;
    private string? _agentJobNo;
    private CancellationTokenSource? _dialing;
    private string? _connectWanted;
    private IDisposable? _bridge;
    private bool _ivrRunning;
    private bool _over;
    /// <summary>The IVR put the caller through to an outside number: the hotline's part is over, the two stay connected.</summary>
    private bool _handedOver;

    public SipCall(EdgeServices edge, CallLeg caller, string callId)
    {
        _edge = edge;
        _caller = caller;
        CallId = callId;
        _grain = edge.Grains.GetGrain<ICallGrain>(callId);
        _logger = edge.Logger;
    }

    public string CallId { get; }

    /// <summary>Answers, records, hands the call to its grain and runs the IVR until the call leaves it.</summary>
    public async Task RunAsync()
    {
        try
        {
            if (_edge.AnswerAfter > TimeSpan.Zero)
            {
                await _caller.RingAsync();
                await Task.WhenAny(Task.Delay(_edge.AnswerAfter), _caller.Ended);
                if (_caller.Ended.IsCompleted) return; // CANCEL while ringing: 487 is the SIP layer's answer
            }
            await _caller.AnswerAsync();
        }
        catch (SipCallFailedException e)
        {
            _logger.LogInformation("Call {CallId} not answered: {Status} {Reason}", CallId, e.Status, e.Reason);
            return;
        }

        _edge.Registry.Register(CallId, this);
        var recording = _edge.Recordings.NewRelativePath(CallId, "call");
        _caller.Media.StartCallRecording(_edge.Recordings.FullPath(recording));
        _ = WatchCallerAsync(recording);
        try
        {
            _ivrRunning = true;
            await _grain.BeginIvrAsync(new CallStart(CallChannel.Sip, _caller.FromUser, _caller.ToUser, null, null, 0));
            var media = new IvrMediaAdapter(CallId, _caller.Media, _edge.Prompts, _edge.Recordings, _edge.Speech, TransferOutAsync);
            await _edge.Ivr.RunAsync(CallId, _caller.FromUser, media, _ivr.Token);
        }
        catch (OperationCanceledException) when (_ivr.IsCancellationRequested)
        {
            // The caller hung up or an agent took the call: the IVR's part is over.
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Call {CallId} failed in the IVR; hanging up", CallId);
            await HangupAsync();
        }
        finally
        {
            _ivrRunning = false;
        }
    }

    // ---- the grain's commands ------------------------------------------------------------------------

    public async Task OfferToSeatAsync(string jobNo)
    {
        var registration = await _edge.Grains.GetGrain<IPhoneRegistrationGrain>(jobNo).GetAsync();
        if (registration is null)
        {
            _logger.LogDebug("Seat {JobNo} has no registered phone; call {CallId} is answered at the desk", jobNo, CallId);
            return;
        }
        _ = Task.Run(() => DialAgentAsync(jobNo, new Uri(registration.Contact)));
    }

    public Task WithdrawOfferAsync(string jobNo)
    {
        CallLeg? ringing = null;
        lock (_gate)
        {
            if (_agentJobNo != jobNo || _bridge is not null) return Task.CompletedTask;
            _dialing?.Cancel();
            ringing = _agent;
            _agent = null;
            _agentJobNo = null;
        }
        return ringing?.HangupAsync() ?? Task.CompletedTask;
    }

    public Task ConnectToSeatAsync(string jobNo)
    {
        _ivr.Cancel();
        lock (_gate)
        {
            if (_agent is not null && _agentJobNo == jobNo) Bridge();
            else _connectWanted = jobNo; // answered at the desk while the phone still rings: bridge when it answers
        }
        return Task.CompletedTask;
    }

    public Task HoldAsync(bool onHold)
    {
        lock (_gate)
        {
            if (onHold)
            {
                _bridge?.Dispose();
                _bridge = null;
                _caller.Media.PlayLoop(_edge.Prompts.Waiting("zh"));
            }
            else if (_agent is not null)
            {
                Bridge();
            }
        }
        return Task.CompletedTask;
    }

    public Task WaitInQueueAsync(string queueId)
    {
        // The first time, the IVR's queue step is already announcing position and playing music.
        if (_ivrRunning) return Task.CompletedTask;
        var released = ReleaseAgent();
        _caller.Media.PlayLoop(_edge.Prompts.Waiting("zh"));
        return released;
    }

    public async Task HangupAsync()
    {
        lock (_gate)
        {
            if (_handedOver)
            {
                _ivr.Cancel();
                return;
            }
            _over = true;
        }
        _ivr.Cancel();
        await ReleaseAgent();
        await _caller.HangupAsync();
    }

    /// <summary>The IVR's transfer to a department's or any outside number, through the outbound gateway.</summary>
    private async Task<bool> TransferOutAsync(string number, CancellationToken cancellationToken)
    {
        if (_edge.OutboundGateway is null || number.Length is 0 or > 32 || !number.All(c => char.IsAsciiDigit(c) || c is '+' or '*' or '#'))
            return false;
        CallLeg leg;
        try
        {
            leg = await _edge.Sip.DialAsync(new Uri($"sip:{Uri.EscapeDataString(number)}@{_edge.OutboundGateway}"), _caller.FromUser, null, cancellationToken);
        }
        catch (SipCallFailedException e)
        {
            _logger.LogInformation("Call {CallId} could not be put through to the outside number: {Status}", CallId, e.Status);
            return false;
        }
        lock (_gate)
        {
            _agent = leg;
            _agentJobNo = null;
            _handedOver = true;
            Bridge();
        }
        _ = Task.Run(async () =>
        {
            await leg.Ended;
            await leg.Media.DisposeAsync();
            await _caller.HangupAsync();
        });
        return true;
    }

    // ---- what the phones do ----------------------------------------------------------------------------

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
                _bridge?.Dispose();
                _bridge = null;
                _agent = null;
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
            if (bridgeNow) Bridge();
        }
        _ = WatchAgentAsync(leg, jobNo);
        if (bridgeNow) return;
        try
        {
            await _grain.AnswerAsync(jobNo); // the grain then asks ConnectToSeatAsync to bridge
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
        var target = request.Target.UserInfo;
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

    private async Task WatchCallerAsync(string recording)
    {
        var end = await _caller.Ended;
        bool byUs;
        lock (_gate)
        {
            byUs = _over;
            _over = true;
        }
        _ivr.Cancel();
        var duration = _caller.Media.StopCallRecording() ?? TimeSpan.Zero;
        try
        {
            await _edge.Recordings.SaveAsync(new RecordingRow($"{CallId}-call", CallId, null, "call", recording, 2, duration), CancellationToken.None);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or IOException)
        {
            _logger.LogError(e, "Could not record the recording of call {CallId}; the file stays at {Path}", CallId, recording);
        }
        if (!byUs)
        {
            _logger.LogDebug("Caller hung up call {CallId} ({Reason})", CallId, end.Reason);
            await ReleaseAgent();
            await TellGrainAsync(() => _grain.HangupAsync(CallParty.Caller), "the caller hung up");
        }
        await _caller.Media.DisposeAsync();
        _edge.Registry.Release(CallId);
    }

    private async Task WatchAgentAsync(CallLeg leg, string jobNo)
    {
        await leg.Ended;
        bool byPhone;
        lock (_gate)
        {
            byPhone = _agent == leg; // otherwise we let it go ourselves (transfer, ring-out, the call ended)
            if (byPhone)
            {
                _agent = null;
                _bridge?.Dispose();
                _bridge = null;
            }
        }
        await leg.Media.DisposeAsync();
        if (!byPhone) return;
        var call = await _grain.GetAsync();
        if (call.State == CallState.Talking && call.SeatJobNo == jobNo)
            await _grain.HangupAsync(CallParty.Agent);
    }

    /// <summary>Tells the call grain what the phones did, again if the cluster is briefly unreachable (its silo or the
    /// queue's silo just died): a hang-up the grain never hears leaves the call open for good.</summary>
    private async Task TellGrainAsync(Func<Task> tell, string what)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await tell();
                return;
            }
            catch (Exception e) when (e is OrleansException or TimeoutException && attempt < 5)
            {
                _logger.LogWarning(e, "Call {CallId}: could not tell its grain that {What} (attempt {Attempt}); retrying", CallId, what, attempt);
                await Task.Delay(TimeSpan.FromSeconds(attempt));
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                _logger.LogError(e, "Call {CallId}: its grain never heard that {What}; the lost-call sweep is left to record it", CallId, what);
                return;
            }
        }
    }

    private Task ReleaseAgent()
    {
        CallLeg? agent;
        lock (_gate)
        {
            _dialing?.Cancel();
            _bridge?.Dispose();
            _bridge = null;
            agent = _agent;
            _agent = null;
            _agentJobNo = null;
            _connectWanted = null;
        }
        return agent?.HangupAsync() ?? Task.CompletedTask;
    }

    private void Bridge()
    {
        _caller.Media.StopPlayback();
        _bridge?.Dispose();
        _bridge = MediaBridge.Connect(_caller.Media, _agent!.Media);
        _connectWanted = null;
    }
}
