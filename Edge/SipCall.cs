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
/// <remarks>Who hears whom is recomputed in one place, <see cref="Connect"/>, from the legs present and the third
/// party's role: a bridge for two, a mixing conference for three, music for a caller left waiting.</remarks>
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
            Connect();
        }
        _ = WatchAgentAsync(agent);
    }

    private void StartRecording()
    {
        var recording = _edge.Recordings.NewRelativePath(CallId, "call");
        _caller.Media.StartCallRecording(_edge.Recordings.FullPath(recording));
        _ = WatchCallerAsync(recording);
    }

    // ---- the grain's commands ------------------------------------------------------------------------

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
            throw new DomainException(PhoneUnreachable, $"The phone of seat {jobNo} cannot be rung: {why}.", status: 503);
        }
        _ = Task.Run(() => DialAgentAsync(jobNo, contact));
    }

    /// <summary>The code <see cref="OfferToSeatAsync"/> fails with when the seat's phone is registered but cannot be
    /// reached from this edge (a TCP phone whose connection closed).</summary>
    public const string PhoneUnreachable = "seat.phone_unreachable";

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
            if (_agent is not null && _agentJobNo == jobNo) Connect();
            else _connectWanted = jobNo; // answered at the desk while the phone still rings: bridge when it answers
        }
        return Task.CompletedTask;
    }

    public Task HoldAsync(bool onHold)
    {
        lock (_gate)
        {
            _onHold = onHold;
            Connect();
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
            Connect();
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
            Connect();
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
            Connect();
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
            Connect();
        }
        _ = WatchPartyAsync(leg, ParticipantRole.TransferOut);
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
                _agent = null;
                _onHold = false;
                Connect();
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
            if (bridgeNow) Connect();
        }
        _ = WatchAgentAsync(leg);
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
            Connect();
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
            Connect();
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
                Connect();
            }
        }
        await leg.Media.DisposeAsync();
        if (jobNo is null) return;
        var call = await _grain.GetAsync();
        if (call.State == CallState.Talking && call.SeatJobNo == jobNo)
            await TellGrainAsync(() => _grain.HangupAsync(CallParty.Agent), "the agent's phone hung up");
    }

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
                Connect();
            }
            if (becameAgent)
            {
                _agent = null;
                Connect();
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
            agent = _agent;
            _agent = null;
            _agentJobNo = null;
            _connectWanted = null;
            _onHold = false;
            Connect();
        }
        return agent?.HangupAsync() ?? Task.CompletedTask;
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
            Connect();
        }
        return party?.HangupAsync() ?? Task.CompletedTask;
    }

    /// <summary>Who hears whom, from the legs present and the third party's role. Called under the lock.</summary>
    private void Connect()
    {
        _topology?.Dispose();
        _topology = null;
        if (_over && !_handedOver) return;
        var caller = _caller.Media;
        switch (_partyRole)
        {
            case ParticipantRole.TransferOut:
                if (_party is not null) Bridge(caller, _party.Media);
                else caller.PlayLoop(_edge.Prompts.Waiting("zh"));
                return;
            case ParticipantRole.Consultation:
                // The caller waits with music while the agent talks to the colleague or department.
                caller.PlayLoop(_edge.Prompts.Waiting("zh"));
                if (_agent is not null && _party is not null) _topology = MediaBridge.Connect(_agent.Media, _party.Media);
                return;
        }
        if (_onHold)
        {
            caller.PlayLoop(_edge.Prompts.Waiting("zh"));
            return;
        }
        if (_agent is null) return; // in the IVR or the queue: their prompts and music play
        if (_party is null || _partyRole is null)
        {
            Bridge(caller, _agent.Media);
            return;
        }
        caller.StopPlayback();
        var conference = new Conference();
        conference.Add(caller);
        conference.Add(_agent.Media);
        switch (_partyRole)
        {
            case ParticipantRole.Monitor:
                conference.Add(_party.Media, ConferenceVoice.NoOne);
                break;
            case ParticipantRole.Whisper:
                conference.Add(_party.Media, ConferenceVoice.OneMember, heardBy: _agent.Media);
                break;
            default:
                conference.Add(_party.Media);
                break;
        }
        _topology = conference;
        _connectWanted = null;
    }

    private void Bridge(MediaStream caller, MediaStream other)
    {
        caller.StopPlayback();
        _topology = MediaBridge.Connect(caller, other);
        _connectWanted = null;
    }
}
