using System.Threading.Channels;

namespace Hotline.Telephony.Media;

/// <summary>
/// A WAV file fed by the pacing loop. The loop only copies samples into memory; a background task does the file
/// writes, so a slow disk never delays the packets of every call on the edge.
/// </summary>
internal sealed class RecordingSink
{
    private const int ChunkSamples = 8000;
    private readonly WavWriter _writer;
    private readonly Channel<(short[] Samples, int Count)> _chunks =
        Channel.CreateUnbounded<(short[], int)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly Task _pump;
    private readonly Lock _gate = new();
    private short[] _current = new short[ChunkSamples];
    private int _count;
    private long _samples;
    private bool _completed;

    public RecordingSink(string path, int channels)
    {
        _writer = new WavWriter(path, channels);
        _pump = Task.Run(PumpAsync);
    }

    public int Channels => _writer.Channels;

    /// <summary>Sample frames accepted so far.</summary>
    public long Frames
    {
        get
        {
            lock (_gate)
            {
                return _samples / _writer.Channels;
            }
        }
    }

    /// <summary>Appends samples (interleaved if stereo); ignored once completed.</summary>
    public void Write(ReadOnlySpan<short> samples)
    {
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }
            _samples += samples.Length;
            while (!samples.IsEmpty)
            {
                int count = Math.Min(samples.Length, _current.Length - _count);
                samples[..count].CopyTo(_current.AsSpan(_count));
                _count += count;
                samples = samples[count..];
                if (_count == _current.Length)
                {
                    _chunks.Writer.TryWrite((_current, _count));
                    _current = new short[ChunkSamples];
                    _count = 0;
                }
            }
        }
    }

    /// <summary>Flushes, patches the WAV header and closes the file. Returns the recorded duration.</summary>
    public async Task<TimeSpan> CompleteAsync()
    {
        lock (_gate)
        {
            if (!_completed)
            {
                _completed = true;
                if (_count > 0)
                {
                    _chunks.Writer.TryWrite((_current, _count));
                }
                _chunks.Writer.TryComplete();
            }
        }
        await _pump.ConfigureAwait(false);
        return _writer.Duration;
    }

    private async Task PumpAsync()
    {
        try
        {
            await foreach (var (samples, count) in _chunks.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                _writer.Write(samples.AsSpan(0, count));
            }
        }
        finally
        {
            _writer.Dispose();
        }
    }
}
