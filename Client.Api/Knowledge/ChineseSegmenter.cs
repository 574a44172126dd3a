using Lucene.Net.Analysis.Cn.Smart;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Util;

namespace Hotline.Api.Knowledge;

/// <summary>
/// Cuts Chinese text into words (分词) with Lucene.Net's SmartCn analyzer (a hidden-Markov word model with its
/// dictionaries embedded, so nothing is read from disk). The index and every query use this one cutter: a change of
/// package or version needs the <c>search</c> columns rebuilt. Latin words come out lower-cased and stemmed.
/// Thread-safe: the analyzer keeps one token stream per thread.
/// </summary>
public sealed class ChineseSegmenter : IDisposable
{
    private readonly SmartChineseAnalyzer _analyzer = new(LuceneVersion.LUCENE_48);

    public static ChineseSegmenter Shared { get; } = new();

    /// <summary>The words of <paramref name="text"/> in order, punctuation dropped.</summary>
    public IReadOnlyList<string> Words(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        var words = new List<string>();
        using var stream = _analyzer.GetTokenStream("text", new StringReader(text));
        var term = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            var word = term.ToString();
            if (word.Length > 0 && word.Any(char.IsLetterOrDigit)) words.Add(word);
        }
        stream.End();
        return words;
    }

    /// <summary>The space-joined words, for <c>to_tsvector('simple', …)</c>.</summary>
    public string Document(string? text, int maxChars = int.MaxValue) =>
        string.Join(' ', Words(text is { } t && t.Length > maxChars ? t[..maxChars] : text));

    public void Dispose() => _analyzer.Dispose();
}
