using Hotline.Ivr;

namespace Hotline.Tests.Ivr;

/// <summary>
/// A caller scripted step by step, for the interpreter: keys pressed when the IVR next listens, a key pressed
/// during the next interruptible prompt (barge-in), silence (a timeout), how long they speak when recorded. When
/// the script runs out and the IVR waits for the caller, the caller hangs up (the token is cancelled). Every
/// prompt played, recording and transfer is written to <see cref="Log"/> (<c>zh/welcome</c>, <c>barge:1</c>,
/// <c>record</c>, <c>replay:rec-1</c>, <c>speak:…</c>).
/// </summary>
internal sealed class FakeIvrMedia(CancellationTokenSource hangup) : IIvrMedia
{
    private readonly Queue<(string Kind, string Digits, TimeSpan Duration)> _script = new();
    private readonly Queue<Task> _gates = new();
    private string _buffer = "";
    private int _recordings;

    public List<string> Log { get; } = [];
    public List<IvrRecording> Discarded { get; } = [];
    public bool TransferSucceeds { get; set; } = true;

    /// <summary>The caller keys these digits when the IVR next listens (after the prompt).</summary>
    public FakeIvrMedia Press(string digits) => Add("keys", digits);

    /// <summary>The caller presses a key during the next interruptible prompt.</summary>
    public FakeIvrMedia BargeIn(char digit) => Add("barge", digit.ToString());

    /// <summary>The caller says nothing when the IVR next listens: it times out.</summary>
    public FakeIvrMedia Silence() => Add("timeout", "");

    /// <summary>The caller speaks this long when next recorded, then presses #.</summary>
    public FakeIvrMedia Speak(double seconds) => Add("speak", "", TimeSpan.FromSeconds(seconds));

    public FakeIvrMedia HangUp() => Add("hangup", "");

    /// <summary>The next time the IVR listens, nothing happens until <paramref name="gate"/> completes; then it times out.</summary>
    public FakeIvrMedia SilenceUntil(Task gate)
    {
        _gates.Enqueue(gate);
        return Add("wait", "");
    }

    private FakeIvrMedia Add(string kind, string digits, TimeSpan duration = default)
    {
        _script.Enqueue((kind, digits, duration));
        return this;
    }

    public Task<char?> PlayAsync(IReadOnlyList<PromptRef> prompts, bool bargeIn, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var prompt in prompts)
        {
            Log.Add(prompt.ToString());
            if (bargeIn && TryBargeIn(out var digit)) return Task.FromResult<char?>(digit);
        }
        return Task.FromResult<char?>(null);
    }

    public async Task<string> CollectDigitsAsync(int maxDigits, TimeSpan firstDigitTimeout, TimeSpan interDigitTimeout, string terminators,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_buffer.Length == 0 && _script.TryPeek(out var waiting) && waiting.Kind == "wait")
        {
            _script.Dequeue();
            await _gates.Dequeue().WaitAsync(cancellationToken);
            Log.Add("keys:");
            return "";
        }
        var keyed = _buffer;
        _buffer = "";
        if (keyed.Length < maxDigits && !keyed.Any(terminators.Contains))
        {
            if (_script.Count == 0 && keyed.Length == 0) HangUpNow(cancellationToken);
            if (_script.TryPeek(out var next))
            {
                switch (next.Kind)
                {
                    case "keys" or "barge":
                        _script.Dequeue();
                        keyed += next.Digits;
                        break;
                    case "timeout":
                        if (keyed.Length == 0) _script.Dequeue();
                        break;
                    case "hangup":
                        if (keyed.Length == 0) HangUpNow(cancellationToken);
                        break;
                    default:
                        throw new InvalidOperationException($"The IVR listened for keys but the caller was scripted to {next.Kind}.");
                }
            }
        }
        var end = keyed.IndexOfAny(terminators.ToCharArray());
        string result;
        if (end >= 0 && end < maxDigits + 1)
        {
            result = keyed[..end];
            _buffer = keyed[(end + 1)..];
        }
        else
        {
            result = keyed[..Math.Min(maxDigits, keyed.Length)];
            _buffer = keyed[result.Length..];
        }
        Log.Add($"keys:{result}");
        return result;
    }

    public void ClearDigits() => _buffer = "";

    public Task<IvrRecording> RecordAsync(TimeSpan maxDuration, string terminators, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_script.Count == 0 || _script.Peek().Kind == "hangup") HangUpNow(cancellationToken);
        var duration = _script.Peek().Kind == "speak" ? _script.Dequeue().Duration : TimeSpan.FromSeconds(12);
        if (duration > maxDuration) duration = maxDuration;
        var id = $"rec-{++_recordings}";
        Log.Add("record");
        return Task.FromResult(new IvrRecording(id, $"/tmp/{id}.wav", duration));
    }

    public Task<char?> PlayRecordingAsync(IvrRecording recording, bool bargeIn, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Log.Add($"replay:{recording.Id}");
        return Task.FromResult<char?>(bargeIn && TryBargeIn(out var digit) ? digit : null);
    }

    public void Discard(IvrRecording recording)
    {
        Discarded.Add(recording);
        Log.Add($"discard:{recording.Id}");
    }

    public void StartWaitingMusic(string language) => Log.Add("music");

    public Task<char?> SpeakAsync(string text, string language, bool bargeIn, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Log.Add($"speak:{language}:{text}");
        return Task.FromResult<char?>(bargeIn && TryBargeIn(out var digit) ? digit : null);
    }

    public Task<bool> TransferAsync(string number, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Log.Add($"transfer:{number}");
        return Task.FromResult(TransferSucceeds);
    }

    private bool TryBargeIn(out char digit)
    {
        digit = default;
        if (!_script.TryPeek(out var next) || next.Kind != "barge") return false;
        _script.Dequeue();
        digit = next.Digits[0];
        _buffer += next.Digits;
        Log.Add($"barge:{digit}");
        return true;
    }

    private void HangUpNow(CancellationToken token)
    {
        Log.Add("hangup");
        hangup.Cancel();
        throw new OperationCanceledException(token);
    }
}
