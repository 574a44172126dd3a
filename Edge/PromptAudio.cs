using System.Collections.Concurrent;
using Hotline.Ivr;
using Hotline.Telephony.Media;

namespace Hotline.Edge;

/// <summary>Prompt WAVs decoded once and shared by every call (a prompt is read from disk at most once per silo).</summary>
public sealed class PromptAudio(string root)
{
    private readonly ConcurrentDictionary<PromptRef, AudioClip> _clips = new();

    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>What a waiting caller hears between announcements: the prompt <c>waiting_music</c> when the folder has
    /// one, else the Chinese ringback cadence (425 Hz, one second on, four off) that callers know means "hold on".</summary>
    public AudioClip Waiting(string language)
    {
        var music = new PromptRef(language, "waiting_music");
        if (File.Exists(Path.Combine(Root, music.Language, music.Name + ".wav"))) return Get(music);
        return _ringback;
    }

    private readonly AudioClip _ringback = MakeRingback();

    /// <summary>The Chinese ringback cadence an agent hears while the citizen's phone rings.</summary>
    public AudioClip Ringback => _ringback;

    private static AudioClip MakeRingback()
    {
        return AudioClip.Concat([AudioClip.Tone(425, TimeSpan.FromSeconds(1), 6000), AudioClip.FromSamples(new short[8000 * 4])]);
    }

    /// <summary>The clip of a prompt; throws <see cref="FileNotFoundException"/> naming the prompt when it is missing
    /// (a validated flow never asks for one that is).</summary>
    public AudioClip Get(PromptRef prompt) => _clips.GetOrAdd(prompt, p =>
    {
        var path = Path.Combine(Root, p.Language, p.Name + ".wav");
        if (!File.Exists(path)) throw new FileNotFoundException($"prompt {p} is missing", path);
        return AudioClip.Load(path);
    });
}
