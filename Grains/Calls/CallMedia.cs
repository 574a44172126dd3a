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
