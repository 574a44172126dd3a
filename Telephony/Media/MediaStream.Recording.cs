namespace Hotline.Telephony.Media;

/// <summary>Recordings: a caller's message (mono, until a terminator, the maximum or a hang-up) and the whole call
/// (two channels: the peer, and what is sent to it), both fed by the pacing thread and written off it.</summary>
public sealed partial class MediaStream
{
    // Recordings (started and stopped under _gate, read by the pacing thread).
    private volatile CallRecording? _callRecording;
    private volatile MonoRecording? _monoRecording;
    private readonly short[] _peerFrame = new short[FrameSamples];
    private readonly short[] _stereo = new short[2 * FrameSamples];

    /// <summary>Records what the peer says to a mono WAV until a terminator digit, the maximum, or cancellation
    /// (a caller hanging up mid-message still leaves a recording, so cancellation returns rather than throws).
    /// Digits typed before the recording started do not end it.</summary>
    public async Task<RecordedAudio> RecordAsync(string wavPath, TimeSpan maxDuration, string terminators, CancellationToken cancellationToken)
    {
        ThrowIfClosed();
        long maxSamples = (long)(maxDuration.TotalSeconds * AudioClip.SampleRate);
        var recording = new MonoRecording(new RecordingSink(wavPath, 1), new SampleTap(), maxSamples, terminators);
        lock (_gate)
        {
            if (_monoRecording is not null)
            {
                throw new InvalidOperationException("A recording is already running on this stream");
            }
            AddTap(recording.Tap);
            _monoRecording = recording;
        }
        try
        {
            using var registration = cancellationToken.Register(() => recording.End.TrySetResult(null));
            using var closing = _closing.Token.Register(() => recording.End.TrySetResult(null));
            var end = await recording.End.Task.ConfigureAwait(false);
            if (end is { } terminator && terminator != MonoRecording.Timeout)
            {
                // The terminator answered this recording; it must not leak into the next menu.
                ClearDigits();
            }
            return new RecordedAudio(wavPath, await StopMonoRecordingAsync(recording).ConfigureAwait(false),
                end is MonoRecording.Timeout ? null : end, end is MonoRecording.Timeout);
        }
        finally
        {
            await StopMonoRecordingAsync(recording).ConfigureAwait(false);
        }
    }

    /// <summary>Records the whole call to a two-channel WAV: channel 1 what the peer says, channel 2 what is sent
    /// to the peer (prompts, the agent, the conference). Runs until <see cref="StopCallRecordingAsync"/> or disposal.</summary>
    public void StartCallRecording(string wavPath)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_gate)
        {
            if (_callRecording is not null)
            {
                throw new InvalidOperationException("A call recording is already running on this stream");
            }
            var recording = new CallRecording(new RecordingSink(wavPath, 2), new SampleTap());
            AddTap(recording.Tap);
            _callRecording = recording;
        }
    }

    /// <summary>Finishes the call recording's file (header sizes written). Returns its duration, or null if none ran.</summary>
    /// <remarks>Asynchronous: hundreds of calls ending at once must not each hold a pool thread while their files close
    /// (a synchronous wait here starved the thread pool for 29 s at 50 calls a second).</remarks>
    public async Task<TimeSpan?> StopCallRecordingAsync()
    {
        CallRecording? recording;
        lock (_gate)
        {
            recording = _callRecording;
            if (recording is null)
            {
                return null;
            }
            _callRecording = null;
            RemoveTap(recording.Tap);
        }
        return await recording.Sink.CompleteAsync().ConfigureAwait(false);
    }

    private async Task<TimeSpan> StopMonoRecordingAsync(MonoRecording recording)
    {
        lock (_gate)
        {
            if (_monoRecording == recording)
            {
                _monoRecording = null;
                RemoveTap(recording.Tap);
            }
        }
        recording.End.TrySetResult(null);
        return await recording.Sink.CompleteAsync().ConfigureAwait(false);
    }

    private void Record(ReadOnlySpan<short> sent)
    {
        if (_monoRecording is { } mono)
        {
            mono.Tap.Read(_peerFrame);
            mono.Write(_peerFrame);
        }
        if (_callRecording is { } call)
        {
            call.Tap.Read(_peerFrame);
            for (int i = 0; i < FrameSamples; i++)
            {
                _stereo[2 * i] = _peerFrame[i];
                _stereo[2 * i + 1] = sent[i];
            }
            call.Sink.Write(_stereo);
        }
    }

    private sealed class CallRecording(RecordingSink sink, SampleTap tap)
    {
        public RecordingSink Sink { get; } = sink;
        public SampleTap Tap { get; } = tap;
    }

    private sealed class MonoRecording(RecordingSink sink, SampleTap tap, long maxSamples, string terminators)
    {
        /// <summary>The End result when the maximum duration was reached.</summary>
        public const char Timeout = '\0';

        public RecordingSink Sink { get; } = sink;
        public SampleTap Tap { get; } = tap;

        /// <summary>The terminator digit, <see cref="Timeout"/>, or null (cancelled or stopped).</summary>
        public TaskCompletionSource<char?> End { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private long _written;

        public void Write(ReadOnlySpan<short> samples)
        {
            if (End.Task.IsCompleted)
            {
                return;
            }
            int count = (int)Math.Min(samples.Length, maxSamples - _written);
            Sink.Write(samples[..count]);
            _written += count;
            if (_written >= maxSamples)
            {
                End.TrySetResult(Timeout);
            }
        }

        public void OnDigit(char digit)
        {
            if (terminators.Contains(digit))
            {
                End.TrySetResult(digit);
            }
        }
    }
}
