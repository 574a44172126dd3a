using Hotline.Calls;
using Hotline.Ivr;
using Hotline.Seats;
using Hotline.Telephony.Media;
using Hotline.Telephony.Sip;

namespace Hotline.Edge;

/// <summary>
/// One SIP call on this silo: the citizen's leg, the agent's phone leg when there is one, a third party's leg
/// (a department in a three-way call, a consulted colleague, a supervisor), the IVR, and the whole-call recording.
/// Its call grain commands it through <see cref="ICallMedia"/>; what the phones do (the caller hangs up, the agent's
/// phone answers or hangs up, a phone asks to transfer, a third party answers) goes back to the grain.
/// </summary>
/// <remarks>Who hears whom is recomputed in one place, <see cref="RewireAudio"/> (SipCall.WhoHearsWhom.cs), from the
/// legs present and the third party's role: a bridge for two, a mixing conference for three, music for a caller left
/// waiting. The agent's phone is in SipCall.AgentPhone.cs, third parties in SipCall.ThirdParty.cs.</remarks>
public sealed partial class SipCall : ICallMedia
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
    private CallLeg? _party;
    private ParticipantRole? _partyRole;
    private CancellationTokenSource? _partyDialing;
    private IDisposable? _topology;
    private bool _onHold;
    private bool _ivrRunning;
    private bool _over;
    /// <summary>The caller was put through to an outside number: the hotline's part is over, the two stay connected.</summary>
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
        StartRecording();
        // The caller's hang-up reaches the IVR through its media closing, at once: waiting for the edge to report the
        // hang-up would let the IVR take the closed stream's silence for "no input" and walk the caller into a queue.
        using var ivr = CancellationTokenSource.CreateLinkedTokenSource(_ivr.Token, _caller.Media.Closed);
        try
        {
            _ivrRunning = true;
            var media = new IvrMediaAdapter(CallId, _caller.Media, _edge.Prompts, _edge.Recordings, _edge.Speech, TransferOutFromIvrAsync);
            await _edge.Ivr.RunAsync(CallId, _caller.FromUser,
                () => _grain.BeginIvrAsync(new CallStart(CallChannel.Sip, _caller.FromUser, _caller.ToUser, _edge.LanguageOf(_caller.ToUser), null, 0)),
                media, ivr.Token);
        }
        catch (OperationCanceledException) when (ivr.IsCancellationRequested)
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

    /// <summary>An outbound call whose agent phone and citizen both answered: the two talk, the call is recorded.</summary>
    internal void StartConnected(CallLeg agent, string jobNo)
    {
        _ivr.Cancel();
        StartRecording();
        lock (_gate)
        {
            _agent = agent;
            _agentJobNo = jobNo;
            agent.TransferRequested = target => OnAgentTransferAsync(jobNo, target);
            RewireAudio();
        }
        _ = WatchAgentAsync(agent);
    }

    private void StartRecording()
    {
        var recording = _edge.Recordings.NewRelativePath(CallId, "call");
        _caller.Media.StartCallRecording(_edge.Recordings.FullPath(recording));
        _ = WatchCallerAsync(recording);
    }

    public async Task OfferToSeatAsync(string jobNo)
    {
        var contact = await _edge.PhoneOfAsync(jobNo);
        if (contact is null)
        {
            _logger.LogDebug("Seat {JobNo} has no registered phone; call {CallId} is answered at the desk", jobNo, CallId);
            return;
        }
        if (_edge.Sip.WhyUnreachable(contact) is { } why)
        {
            // Said at once: ringing a phone the edge cannot reach would only end in a ring-no-answer.
            _logger.LogWarning("Phone of seat {JobNo} cannot be rung for call {CallId}: {Reason}", jobNo, CallId, why);
            throw new DomainException(CallErrors.PhoneUnreachable, $"The phone of seat {jobNo} cannot be rung: {why}.", status: 503);
        }
        _ = Task.Run(() => DialAgentAsync(jobNo, contact));
    }

    public Task WithdrawOfferAsync(string jobNo)
    {
        CallLeg? ringing = null;
        lock (_gate)
        {
            if (_agentJobNo != jobNo || _topology is not null) return Task.CompletedTask;
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
            if (_agent is not null && _agentJobNo == jobNo) RewireAudio();
            else _connectWanted = jobNo; // answered at the desk while the phone still rings: bridge when it answers
        }
        return Task.CompletedTask;
    }

    public Task HoldAsync(bool onHold)
    {
        lock (_gate)
        {
            _onHold = onHold;
            RewireAudio();
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
        await Task.WhenAll(ReleaseAgent(), ReleaseParty());
        await _caller.HangupAsync();
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
        var duration = await _caller.Media.StopCallRecordingAsync() ?? TimeSpan.Zero;
        try
        {
            await _edge.Recordings.SaveAsync(new RecordingRow($"{CallId}-call", CallId, null, "call", recording, 2, duration), CancellationToken.None);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or IOException)
        {
            _logger.LogError(e, "Could not record the recording of call {CallId}; the file stays at {Path}", CallId, recording);
        }
        await ReleaseParty();
        if (!byUs)
        {
            _logger.LogDebug("Caller hung up call {CallId} ({Reason})", CallId, end.Reason);
            await ReleaseAgent();
            await TellGrainAsync(() => _grain.HangupAsync(CallParty.Caller), "the caller hung up");
        }
        await _caller.Media.DisposeAsync();
        _edge.Registry.Release(CallId);
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
}
