// CONTRACT between the IVR interpreter (Edge/Ivr) and the edge's SIP call, which implements IIvrMedia over the
// caller's media stream, and RecordingStore, which implements IRecordingStore over PostgreSQL. Change only with notice.
namespace Hotline.Ivr;

/// <summary>A caller's recording made by the IVR (a complaint, a mayor's-mailbox message, a voicemail).</summary>
public sealed record IvrRecording(string Id, string Path, TimeSpan Duration);

/// <summary>
/// The media of one caller as the IVR drives it. Every method throws <see cref="OperationCanceledException"/>
/// once the caller hangs up (the token passed to the interpreter is cancelled) or the call leaves the IVR.
/// </summary>
public interface IIvrMedia
{
    /// <summary>Plays the prompts in order. With <paramref name="bargeIn"/> a digit stops playback and is
    /// returned; it also stays buffered as the first digit of the next collection. Null: played to the end.</summary>
    Task<char?> PlayAsync(IReadOnlyList<PromptRef> prompts, bool bargeIn, CancellationToken cancellationToken);

    /// <summary>Collects up to <paramref name="maxDigits"/> digits (buffered type-ahead first) until a terminator
    /// or a timeout. Returns the digits without the terminator; "" when nothing was keyed in time.</summary>
    Task<string> CollectDigitsAsync(int maxDigits, TimeSpan firstDigitTimeout, TimeSpan interDigitTimeout,
        string terminators, CancellationToken cancellationToken);

    /// <summary>Forgets type-ahead digits (before a question whose answer must be fresh).</summary>
    void ClearDigits();

    /// <summary>Records the caller until a terminator digit or the maximum; the file belongs to the call until
    /// kept with <see cref="IRecordingStore.KeepAsync"/>.</summary>
    Task<IvrRecording> RecordAsync(TimeSpan maxDuration, string terminators, CancellationToken cancellationToken);

    /// <summary>Plays a recording back to the caller (replay before confirming). Same barge-in rule as prompts.</summary>
    Task<char?> PlayRecordingAsync(IvrRecording recording, bool bargeIn, CancellationToken cancellationToken);

    /// <summary>Deletes a recording the caller cancelled.</summary>
    void Discard(IvrRecording recording);

    /// <summary>Music (or the waiting prompt) looped while the call waits in a queue, between announcements.</summary>
    void StartWaitingMusic(string language);

    /// <summary>Speaks runtime text (a department's reply to a work order) synthesised by the host (espeak-ng:
    /// <c>cmn</c> for zh, <c>en-us</c> for en). Same barge-in rule as prompts.</summary>
    Task<char?> SpeakAsync(string text, string language, bool bargeIn, CancellationToken cancellationToken);

    /// <summary>Hands the caller to an outside number (a department's line, 12333, 110): a blind transfer (REFER or
    /// a B2BUA leg). False when the edge could not place it; the IVR then continues on the node's failure branch.</summary>
    Task<bool> TransferAsync(string number, CancellationToken cancellationToken);
}

/// <summary>Keeps recordings with their metadata (the silo implements it on PostgreSQL and a folder on disk).</summary>
public interface IRecordingStore
{
    /// <summary>Makes an IVR recording permanent and links it to the call and, when there is one, the ticket.</summary>
    Task KeepAsync(IvrRecording recording, string callId, string kind, string? ticketNumber, CancellationToken cancellationToken);
}
