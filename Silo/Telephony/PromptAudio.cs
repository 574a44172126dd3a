using System.Collections.Concurrent;
using Hotline.Ivr;
using Hotline.Telephony.Media;

namespace Hotline.Silo.Telephony;

/// <summary>Prompt WAVs decoded once and shared by every call (a prompt is read from disk at most once per silo).</summary>
public sealed class PromptAudio(string root)
{
    private readonly ConcurrentDictionary<PromptRef, AudioClip> _clips = new();

    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>The clip of a prompt; throws <see cref="FileNotFoundException"/> naming the prompt when it is missing
    /// (a validated flow never asks for one that is).</summary>
    public AudioClip Get(PromptRef prompt) => _clips.GetOrAdd(prompt, p =>
    {
        var path = Path.Combine(Root, p.Language, p.Name + ".wav");
        if (!File.Exists(path)) throw new FileNotFoundException($"prompt {p} is missing", path);
        return AudioClip.Load(path);
    });
}
