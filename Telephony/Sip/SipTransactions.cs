using System.Net;

namespace Hotline.Telephony.Sip;

/// <summary>
/// A server transaction (RFC 3261 §17.2, with RFC 6026's Accepted state for 2xx to INVITE). It remembers the
/// last response so that a retransmitted request gets it again, and owns that response's retransmission timer.
/// All fields are guarded by the edge's lock.
/// </summary>
internal sealed class ServerTransaction(string key, SipMessage request, SipSource source)
{
    public string Key { get; } = key;
    public SipMessage Request { get; } = request;
    public SipSource Source { get; } = source;
    public bool IsInvite => Request.Method == "INVITE";
    public byte[]? LastResponse { get; set; }
    public int LastStatus { get; set; }
    public bool Acked { get; set; }
    public SipTimer? Retransmit { get; set; }
    public SipTimer? Timeout { get; set; }
    public TimeSpan Interval { get; set; }
    public CallLeg? Leg { get; set; }

    public bool IsFinal => LastStatus >= 200;

    public void StopTimers()
    {
        Retransmit?.Cancel();
        Timeout?.Cancel();
    }
}

/// <summary>A client transaction (RFC 3261 §17.1): Timers A/B/D for INVITE, E/F/K for the rest.</summary>
internal sealed class ClientTransaction(string key, SipMessage request, byte[] bytes, IPEndPoint destination, SipTcpConnection? connection)
{
    public string Key { get; } = key;
    public SipMessage Request { get; } = request;
    public byte[] Bytes { get; } = bytes;
    public IPEndPoint Destination { get; } = destination;
    public SipTcpConnection? Connection { get; } = connection;
    public bool IsInvite => Request.Method == "INVITE";
    public TaskCompletionSource<SipMessage> Final { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public Action<SipMessage>? OnProvisional { get; init; }
    /// <summary>A retransmitted 2xx to INVITE: the dialog re-sends its ACK.</summary>
    public Action<SipMessage>? On2xxRetransmission { get; init; }
    public bool GotProvisional { get; set; }
    public bool Completed { get; set; }
    public byte[]? AckForFailure { get; set; }
    public SipTimer? Retransmit { get; set; }
    public SipTimer? Timeout { get; set; }
    public TimeSpan Interval { get; set; }

    public void StopTimers()
    {
        Retransmit?.Cancel();
        Timeout?.Cancel();
    }
}
