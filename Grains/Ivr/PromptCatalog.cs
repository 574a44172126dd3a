using System.Reflection;

namespace Hotline.Ivr;

/// <summary>A prompt: a WAV file <c>prompts/{Language}/{Name}.wav</c> (e.g. zh/welcome, zh/digit_7).</summary>
public readonly record struct PromptRef(string Language, string Name)
{
    public override string ToString() => $"{Language}/{Name}";
}

/// <summary>The prompts a flow may name, per language: <c>prompts/{language}/{name}.wav</c>.</summary>
public interface IPromptCatalog
{
    /// <summary>Prompt names per language, sorted.</summary>
    IReadOnlyDictionary<string, IReadOnlyList<string>> Names { get; }

    bool Contains(PromptRef prompt);
}

/// <summary>The prompts on disk under a folder (the repository's <c>prompts/</c>): one sub-folder per language of WAV files.</summary>
public sealed class FolderPromptCatalog : IPromptCatalog
{
    private readonly HashSet<PromptRef> _prompts = [];

    public FolderPromptCatalog(string root)
    {
        Root = Path.GetFullPath(root);
        if (!Directory.Exists(Root)) throw new DirectoryNotFoundException($"The prompt folder '{Root}' does not exist.");
        var names = new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var folder in Directory.EnumerateDirectories(Root))
        {
            var language = Path.GetFileName(folder);
            var files = Directory.EnumerateFiles(folder, "*.wav").Select(Path.GetFileNameWithoutExtension).OfType<string>()
                .Order(StringComparer.Ordinal).ToList();
            if (files.Count == 0) continue;
            names[language] = files;
            foreach (var name in files) _prompts.Add(new PromptRef(language, name));
        }
        Names = names;
    }

    public string Root { get; }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Names { get; }

    public bool Contains(PromptRef prompt) => _prompts.Contains(prompt);

    /// <summary>The WAV file of a prompt.</summary>
    public string PathOf(PromptRef prompt) => Path.Combine(Root, prompt.Language, prompt.Name + ".wav");
}

/// <summary>
/// The prompt list <c>prompts/prompts.tsv</c> (language, name, text, and optionally the voice that speaks it, for
/// a prompt in another language than its list, like the English "press 9" on the Mandarin menu), embedded in this assembly: what the grains
/// validate flows against when the silo registers no <see cref="IPromptCatalog"/> of its own. A test keeps the list
/// and the WAV files in step.
/// </summary>
public sealed class PromptList : IPromptCatalog
{
    private readonly HashSet<PromptRef> _prompts = [];

    public PromptList(string tsv)
    {
        var names = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        var texts = new Dictionary<PromptRef, string>();
        foreach (var raw in tsv.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var fields = line.Split('\t');
            if (fields.Length is not (3 or 4)) throw new FormatException($"prompts.tsv: '{line}' is not language<TAB>name<TAB>text[<TAB>voice].");
            var prompt = new PromptRef(fields[0], fields[1]);
            if (!_prompts.Add(prompt)) throw new FormatException($"prompts.tsv: {prompt} appears twice.");
            texts[prompt] = fields[2];
            if (!names.TryGetValue(prompt.Language, out var list)) names[prompt.Language] = list = [];
            list.Add(prompt.Name);
        }
        Names = names.ToDictionary(n => n.Key, n => (IReadOnlyList<string>)n.Value.Order(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
        Texts = texts;
    }

    /// <summary>The list as built into this assembly.</summary>
    public static PromptList Embedded { get; } = new(EmbeddedText("Hotline.Ivr.prompts.tsv"));

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Names { get; }

    /// <summary>What each prompt says (for the admin UI and for checking the recordings).</summary>
    public IReadOnlyDictionary<PromptRef, string> Texts { get; }

    public bool Contains(PromptRef prompt) => _prompts.Contains(prompt);

    internal static string EmbeddedText(string resource)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The resource '{resource}' is not embedded in {Assembly.GetExecutingAssembly().GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

/// <summary>The seed's menu (DOMAIN.md, "The call path"), from <c>prompts/flows/default.json</c> embedded in this assembly.</summary>
public static class DefaultIvrFlow
{
    public static string Json { get; } = PromptList.EmbeddedText("Hotline.Ivr.default.json");

    public static IvrFlow Flow { get; } = IvrFlowJson.Parse(Json);
}
