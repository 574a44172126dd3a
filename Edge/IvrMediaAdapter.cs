using Hotline.Ivr;
using Hotline.Telephony.Media;

namespace Hotline.Edge;

/// <summary>The IVR's view of one SIP caller: prompts, digits and recordings on the caller leg's media stream.</summary>
public sealed class IvrMediaAdapter(
    string callId, MediaStream stream, PromptAudio prompts, RecordingStore recordings, SpeechSynthesis speech,
    Func<string, CancellationToken, Task<bool>> transfer) : IIvrMedia
{
    public Task<char?> PlayAsync(IReadOnlyList<PromptRef> prompts1, bool bargeIn, CancellationToken cancellationToken) =>
        stream.PlayAsync(prompts1.Select(prompts.Get).ToList(), bargeIn, cancellationToken);

    public Task<string> CollectDigitsAsync(int maxDigits, TimeSpan firstDigitTimeout, TimeSpan interDigitTimeout, string terminators,
        CancellationToken cancellationToken) =>
        stream.CollectDigitsAsync(new DigitRequest(maxDigits, firstDigitTimeout, interDigitTimeout, terminators), cancellationToken);

    public void ClearDigits() => stream.ClearDigits();

    public async Task<IvrRecording> RecordAsync(TimeSpan maxDuration, string terminators, CancellationToken cancellationToken)
    {
        var relative = recordings.NewRelativePath(callId, "message");
        var recorded = await stream.RecordAsync(recordings.FullPath(relative), maxDuration, terminators, cancellationToken);
        return new IvrRecording(Path.GetFileNameWithoutExtension(relative), recorded.Path, recorded.Duration);
    }

    public Task<char?> PlayRecordingAsync(IvrRecording recording, bool bargeIn, CancellationToken cancellationToken) =>
        stream.PlayAsync([AudioClip.Load(recording.Path)], bargeIn, cancellationToken);

    public void Discard(IvrRecording recording) => File.Delete(recording.Path);

    public void StartWaitingMusic(string language) => stream.PlayLoop(prompts.Waiting(language));

    public Task<bool> TransferAsync(string number, CancellationToken cancellationToken) => transfer(number, cancellationToken);

    public async Task<char?> SpeakAsync(string text, string language, bool bargeIn, CancellationToken cancellationToken)
    {
        var clip = await speech.SynthesiseAsync(text, language, cancellationToken);
        return clip is null ? null : await stream.PlayAsync([clip], bargeIn, cancellationToken);
    }
}
