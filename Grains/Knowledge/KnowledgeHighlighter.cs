using System.Net;
using System.Text;

namespace Hotline.Knowledge;

/// <summary>
/// Marks the matched words (命中词高亮) in a result: the text is HTML-encoded and each occurrence of a query term
/// (the longest first, case-insensitive) is wrapped in <c>&lt;mark&gt;</c>, so a page may insert it as markup.
/// Done here rather than by <c>ts_headline</c>, which cannot find Chinese words in unsegmented text.
/// </summary>
public static class KnowledgeHighlighter
{
    public const string Open = "<mark>";
    public const string Close = "</mark>";

    /// <summary><paramref name="text"/> HTML-encoded with every term marked.</summary>
    public static string Html(string? text, IReadOnlyCollection<string> terms)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var marked = Marks(text, terms);
        var html = new StringBuilder(text.Length + 16);
        var at = 0;
        foreach (var (start, end) in marked)
        {
            html.Append(WebUtility.HtmlEncode(text[at..start])).Append(Open).Append(WebUtility.HtmlEncode(text[start..end])).Append(Close);
            at = end;
        }
        return html.Append(WebUtility.HtmlEncode(text[at..])).ToString();
    }

    /// <summary>
    /// A window of about <paramref name="length"/> characters of <paramref name="text"/> around its first matched term
    /// (its start when none matches), with … where it was cut, HTML-encoded and marked.
    /// </summary>
    public static string Excerpt(string? text, IReadOnlyCollection<string> terms, int length = 160)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var flat = string.Join(' ', text.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();
        var marks = Marks(flat, terms);
        var first = marks.Count > 0 ? marks[0].Start : 0;
        var start = Math.Max(0, Math.Min(first - length / 4, flat.Length - length));
        var end = Math.Min(flat.Length, start + length);
        // Never cut a surrogate pair in two.
        if (start > 0 && char.IsLowSurrogate(flat[start])) start--;
        if (end < flat.Length && char.IsLowSurrogate(flat[end])) end++;
        var window = flat[start..end];
        return (start > 0 ? "…" : "") + Html(window, terms) + (end < flat.Length ? "…" : "");
    }

    /// <summary>The marked ranges, in order, not overlapping: where terms overlap the longest wins; adjacent words stay separate marks.</summary>
    public static IReadOnlyList<(int Start, int End)> Marks(string text, IReadOnlyCollection<string> terms)
    {
        var lower = text.ToLowerInvariant();
        var occurrences = new List<(int Start, int End)>();
        var covered = new bool[text.Length];
        foreach (var term in terms.Where(t => t.Length > 0).OrderByDescending(t => t.Length))
        {
            for (var i = lower.IndexOf(term, StringComparison.Ordinal); i >= 0; i = lower.IndexOf(term, i + 1, StringComparison.Ordinal))
            {
                if (covered.AsSpan(i, term.Length).Contains(true)) continue;
                covered.AsSpan(i, term.Length).Fill(true);
                occurrences.Add((i, i + term.Length));
            }
        }
        occurrences.Sort();
        return occurrences;
    }
}
