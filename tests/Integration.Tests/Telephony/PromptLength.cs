namespace Hotline.Tests.Telephony;

/// <summary>How long the hotline's prompts play, read from the WAV files, so the callers wait as long as they must.</summary>
public static class PromptLength
{
    public static TimeSpan Of(string name, string language = "zh")
    {
        var path = Path.Combine(HotlineProcess.RepositoryRoot, "prompts", language, name + ".wav");
        // PCM16 mono 8 kHz: 16,000 bytes a second; the header is small enough to ignore here.
        return TimeSpan.FromSeconds(new FileInfo(path).Length / 16000.0);
    }

    public static TimeSpan Sum(params string[] names) => names.Aggregate(TimeSpan.Zero, (total, name) => total + Of(name));
}
