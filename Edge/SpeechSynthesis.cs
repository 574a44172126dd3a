using System.Diagnostics;
using Hotline.Telephony.Media;

namespace Hotline.Edge;

/// <summary>
/// Runtime text-to-speech for text no prompt can hold (a department's reply read to the caller), with the same
/// voices the prompts are made with: espeak-ng, then sox down to 8 kHz mono. Null when either is missing or fails,
/// so the IVR can fall back to a recorded prompt.
/// </summary>
public sealed class SpeechSynthesis(ILogger<SpeechSynthesis> logger)
{
    public async Task<AudioClip?> SynthesiseAsync(string text, string language, CancellationToken cancellationToken)
    {
        var voice = language.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? "en-us" : "cmn";
        var raw = Path.Combine(Path.GetTempPath(), $"hotline-tts-{Guid.NewGuid():N}.wav");
        var narrow = Path.ChangeExtension(raw, ".8k.wav");
        try
        {
            if (!await RunAsync("espeak-ng", ["-v", voice, "-w", raw, text], cancellationToken)) return null;
            if (!await RunAsync("sox", [raw, "-r", "8000", "-c", "1", "-b", "16", "-e", "signed-integer", narrow], cancellationToken)) return null;
            return AudioClip.Load(narrow);
        }
        finally
        {
            File.Delete(raw);
            File.Delete(narrow);
        }
    }

    private async Task<bool> RunAsync(string program, string[] arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        try
        {
            using var process = Process.Start(start)!;
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode == 0) return true;
            logger.LogWarning("{Program} failed ({ExitCode}): {Error}", program, process.ExitCode, await process.StandardError.ReadToEndAsync(cancellationToken));
        }
        catch (System.ComponentModel.Win32Exception)
        {
            logger.LogWarning("{Program} is not installed: replies cannot be read out, the IVR plays its fallback prompt", program);
        }
        return false;
    }
}
