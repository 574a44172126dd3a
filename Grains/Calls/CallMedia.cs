namespace Hotline.Calls;

/// <summary>
/// The media side of one call as its grain commands it. The telephony edge implements it for SIP calls;
/// the simulated trunk's session obeys at once.
/// </summary>
public interface ICallMedia
{
    /// <summary>The queue offers the call to this seat: ring the agent's phone, if the seat has one. When the
    /// phone answers, the media side tells the call grain (<c>AnswerAsync</c>), as the desk's answer button does.</summary>
    Task OfferToSeatAsync(string jobNo);

    /// <summary>The offer to this seat is over without an answer (it rang out): stop ringing the phone.</summary>
    Task WithdrawOfferAsync(string jobNo);

    /// <summary>Connect the caller with the agent at this seat (the B2BUA bridge).</summary>
    Task ConnectToSeatAsync(string jobNo);
    Task HoldAsync(bool onHold);
    /// <summary>Play the caller the waiting line again (after a transfer or a ring-no-answer).</summary>
    Task WaitInQueueAsync(string queueId);
    Task HangupAsync();

    /// <summary>
    /// Dials a third party into the call in the given role. Returns the outcome when it is known at once (the
    /// simulated trunk), or null when the edge reports it later through <see cref="ICallGrain.OnPartyAsync"/>.
    /// For <see cref="ParticipantRole.TransferOut"/> the agent's leg is let go at once and the caller hears music;
    /// once the party answers, the caller is connected to it and the hotline's part is over.
    /// </summary>
    Task<DialOutcome?> AddPartyAsync(ParticipantRole role, PartyAddress target);

    /// <summary>The third party's role changes (a supervisor monitoring starts to barge in).</summary>
    Task ChangePartyRoleAsync(ParticipantRole role);

    /// <summary>Lets the third party go; the caller and the agent talk again.</summary>
    Task DropPartyAsync();

    /// <summary>
    /// Attended transfer: connects the caller to the consulted party and lets the agent's leg go. With
    /// <paramref name="newJobNo"/> (a consulted seat) that phone becomes the agent's leg; otherwise the caller is
    /// handed over to the outside number and the hotline's part is over.
    /// </summary>
    Task CompleteTransferAsync(string? newJobNo);
}

/// <summary>Places outbound calls (外呼) from this silo's telephony edge.</summary>
public interface IOutboundDialer
{
    /// <summary>Why this silo cannot place outbound calls (no telephony edge, no outbound gateway); null when it can.</summary>
    string? CannotDial { get; }

    /// <summary>
    /// Starts the call: the agent's registered phone rings, then the citizen's number through the outbound gateway.
    /// The returned session is the call's media; it reports through <see cref="ICallGrain.OnDialedAsync"/> and,
    /// once talking, hang-ups as for an inbound call.
    /// </summary>
    ICallMedia Dial(string callId, OutboundCall call);
}

/// <summary>A silo without a telephony edge: outbound calls are refused with a clear reason.</summary>
public sealed class NoOutboundDialer : IOutboundDialer
{
    public string? CannotDial => "This silo has no telephony edge to place outbound calls from.";

    public ICallMedia Dial(string callId, OutboundCall call) =>
        throw new InvalidOperationException("This silo has no telephony edge to dial from.");
}

/// <summary>Finds the media session for a call on this silo; null when the silo holds none (the media is lost).</summary>
public interface ICallMediaRegistry
{
    ICallMedia? Find(string callId, CallChannel channel);

    /// <summary>The telephony edge hands over the media of a new SIP call before starting its grain.</summary>
    void Register(string callId, ICallMedia media);

    /// <summary>The call is over: forget its session.</summary>
    void Release(string callId);
}

/// <summary>Media for calls from the simulated trunk: every command succeeds at once and is remembered.</summary>
public sealed class SimulatedCallMedia : ICallMedia
{
    private readonly List<string> _commands = [];

    /// <summary>The commands received, in order, e.g. <c>connect:1001</c>, <c>hangup</c>.</summary>
    public IReadOnlyList<string> Commands => _commands;

    public Task OfferToSeatAsync(string jobNo) => Record($"offer:{jobNo}");
    public Task WithdrawOfferAsync(string jobNo) => Record($"withdraw:{jobNo}");
    public Task ConnectToSeatAsync(string jobNo) => Record($"connect:{jobNo}");
    public Task HoldAsync(bool onHold) => Record(onHold ? "hold" : "unhold");
    public Task WaitInQueueAsync(string queueId) => Record($"queue:{queueId}");
    public Task HangupAsync() => Record("hangup");

    /// <summary>The simulated party answers at once.</summary>
    public async Task<DialOutcome?> AddPartyAsync(ParticipantRole role, PartyAddress target)
    {
        await Record($"party:{Names.Of(role)}:{target.Address}");
        return DialOutcome.Connected;
    }

    public Task ChangePartyRoleAsync(ParticipantRole role) => Record($"party-role:{Names.Of(role)}");
    public Task DropPartyAsync() => Record("party-drop");
    public Task CompleteTransferAsync(string? newJobNo) => Record($"transfer-complete:{newJobNo}");

    private Task Record(string command)
    {
        _commands.Add(command);
        return Task.CompletedTask;
    }
}

/// <summary>
/// Media sessions of this silo. Simulated sessions are created on demand; the telephony edge registers the
/// sessions of SIP calls before their grains start.
/// </summary>
public sealed class CallMediaRegistry : ICallMediaRegistry
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ICallMedia> _sessions = new(StringComparer.Ordinal);

    public void Release(string callId) => _sessions.TryRemove(callId, out _);

    public void Register(string callId, ICallMedia media) => _sessions[callId] = media;

    public ICallMedia? Find(string callId, CallChannel channel) => channel switch
    {
        CallChannel.Simulated => _sessions.GetOrAdd(callId, _ => new SimulatedCallMedia()),
        _ => _sessions.GetValueOrDefault(callId),
    };
}
