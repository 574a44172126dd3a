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

    /// <summary>
    /// A packet of an earlier press that arrives this long after that press's last packet is a new press. Real phones
    /// give each press its own timestamp, but a replayed recording (sipp's pcaps) repeats the same SSRC and timestamp
    /// every time the same key is sent, so "2 then 2" would otherwise be heard once.
    /// </summary>
    public static readonly TimeSpan ReplayGap = TimeSpan.FromMilliseconds(250);

    // A few recent keys with when each was last seen, so that a late end packet of an earlier press is not taken
    // for a new one.
    private const int History = 8;
    private readonly (uint Ssrc, uint Timestamp, byte Event)[] _recent = new (uint, uint, byte)[History];
    private readonly TimeSpan[] _recentSeen = new TimeSpan[History];
    private readonly ushort[] _recentDuration = new ushort[History];
    private int _recentCount;
    private int _recentNext;

    private bool _active;
    private (uint Ssrc, uint Timestamp, byte Event) _current;
    private TimeSpan _lastUpdate;
    private int _currentSlot;

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
            _recentSeen[_currentSlot] = now;
            _recentDuration[_currentSlot] = Math.Max(_recentDuration[_currentSlot], telephoneEvent.Duration);
            _active = !telephoneEvent.End;
            return null;
        }
        var slot = Array.IndexOf(_recent, key, 0, _recentCount);
        if (slot >= 0)
        {
            var quiet = now - _recentSeen[slot];
            var continues = telephoneEvent.End || telephoneEvent.Duration > _recentDuration[slot];
            _recentSeen[slot] = now;
            _recentDuration[slot] = Math.Max(_recentDuration[slot], telephoneEvent.Duration);
            // A repeated end packet, or a straggler of a press already reported: soon after it, or later when the
            // sender stalled mid-press (its end, or a longer duration, continues the press). A replay starts over,
            // with a short duration and no end bit.
            if (quiet < ReplayGap || continues) return null;
            _recentDuration[slot] = telephoneEvent.Duration;
        }
        else
        {
            slot = _recentNext;
            _recent[slot] = key;
            _recentSeen[slot] = now;
            _recentDuration[slot] = telephoneEvent.Duration;
            _recentNext = (_recentNext + 1) % History;
            _recentCount = Math.Min(_recentCount + 1, History);
        }
        _current = key;
        _currentSlot = slot;
        _lastUpdate = now;
        _active = !telephoneEvent.End;
        return TelephoneEvent.ToDigit(telephoneEvent.Event);
    }
}
