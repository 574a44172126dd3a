namespace Hotline.Telephony.Rtp;

/// <summary>
/// Turns RFC 4733 packets into digits, each reported once per (SSRC, event timestamp). Every packet of one
/// key press shares its start timestamp, and the end packet is sent three times (sipp even repeats the
/// sequence number), so the key, not the sequence number, tells a new press from a repeat. An event ends on
/// the E bit or after <see cref="EventTimeout"/> without an update. Not thread-safe: one receive path feeds it.
/// </summary>
public sealed class DtmfDetector
{
    /// <summary>How long an event without updates stays open (its end packets may all be lost).</summary>
    public static readonly TimeSpan EventTimeout = TimeSpan.FromMilliseconds(150);

    // A few recent keys, so that a late end packet of an earlier press is not taken for a new one.
    private const int History = 8;
    private readonly (uint Ssrc, uint Timestamp, byte Event)[] _recent = new (uint, uint, byte)[History];
    private int _recentCount;
    private int _recentNext;

    private bool _active;
    private (uint Ssrc, uint Timestamp, byte Event) _current;
    private TimeSpan _lastUpdate;

    /// <summary>Whether an event is in progress (started, neither ended nor timed out) as of <paramref name="now"/>.</summary>
    public bool IsActive(TimeSpan now) => _active && now - _lastUpdate < EventTimeout;

    /// <summary>Feeds one telephone-event packet; returns the digit when this packet starts a new press.</summary>
    /// <param name="now">Monotonic time of arrival.</param>
    public char? OnPacket(uint ssrc, uint timestamp, TelephoneEvent telephoneEvent, TimeSpan now)
    {
        var key = (ssrc, timestamp, telephoneEvent.Event);
        if (_active && now - _lastUpdate >= EventTimeout)
        {
            _active = false;
        }
        if (_active && _current == key)
        {
            _lastUpdate = now;
            _active = !telephoneEvent.End;
            return null;
        }
        if (Array.IndexOf(_recent, key, 0, _recentCount) >= 0)
        {
            // A repeated end packet, or a straggler of a press already reported.
            return null;
        }
        _recent[_recentNext] = key;
        _recentNext = (_recentNext + 1) % History;
        _recentCount = Math.Min(_recentCount + 1, History);
        _current = key;
        _lastUpdate = now;
        _active = !telephoneEvent.End;
        return TelephoneEvent.ToDigit(telephoneEvent.Event);
    }
}
