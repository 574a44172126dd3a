namespace Hotline.Telephony.Media;

/// <summary>
/// A bounded FIFO of one stream's received samples for one consumer (a bridge partner, a conference, a
/// recording). The receive path writes whatever packet time arrives; the pacing loop reads 20 ms frames. An
/// underrun gives silence and waits for two frames before playing again, so arrival jitter does not chop every
/// frame; depth beyond 120 ms is trimmed to 40 ms, so latency cannot grow when the peer's clock runs fast.
/// </summary>
internal sealed class SampleTap
{
    private const int Capacity = 4096;
    private const int MaxDepth = 960;
    private const int TrimTo = 320;
    private const int Prime = 320;
    private readonly short[] _ring = new short[Capacity];
    private readonly Lock _gate = new();
    private int _start;
    private int _count;
    private bool _priming = true;

    public int Buffered
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    public void Write(ReadOnlySpan<short> samples)
    {
        if (samples.Length > Capacity - MaxDepth)
        {
            samples = samples[^(Capacity - MaxDepth)..];
        }
        lock (_gate)
        {
            int end = (_start + _count) % Capacity;
            int first = Math.Min(samples.Length, Capacity - end);
            samples[..first].CopyTo(_ring.AsSpan(end));
            samples[first..].CopyTo(_ring);
            _count += samples.Length;
            if (_count > MaxDepth)
            {
                int drop = _count - TrimTo;
                _start = (_start + drop) % Capacity;
                _count = TrimTo;
            }
        }
    }

    public void Read(Span<short> frame)
    {
        lock (_gate)
        {
            if (_count < frame.Length || (_priming && _count < Prime))
            {
                _priming = true;
                frame.Clear();
                return;
            }
            _priming = false;
            int first = Math.Min(frame.Length, Capacity - _start);
            _ring.AsSpan(_start, first).CopyTo(frame);
            _ring.AsSpan(0, frame.Length - first).CopyTo(frame[first..]);
            _start = (_start + frame.Length) % Capacity;
            _count -= frame.Length;
        }
    }
}
