using System.Text;

namespace Hotline.Knowledge;

/// <summary>How the words of a query combine: the search box wants every word, a suggestion for order text any.</summary>
public enum MatchMode
{
    All,
    Any,
}

/// <summary>
/// Synonym groups (同义词) administrators maintain, e.g. 医保 = 医疗保险 = 医疗保障. Applied at query time: a query
/// term from a group matches any term of the group, so adding a group changes results without re-indexing.
/// </summary>
public sealed class SynonymSet
{
    private readonly Dictionary<string, IReadOnlyList<string>> _groupOf = new(StringComparer.Ordinal);
    private readonly int _longest;

    public SynonymSet(IEnumerable<IReadOnlyList<string>> groups)
    {
        foreach (var group in groups)
        {
            var terms = group.Select(KnowledgeRules.Normalize).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).ToList();
            foreach (var term in terms)
            {
                // A term in two groups joins both: its alternatives are the union.
                _groupOf[term] = _groupOf.TryGetValue(term, out var known) ? known.Union(terms, StringComparer.Ordinal).ToList() : terms;
                _longest = Math.Max(_longest, term.Length);
            }
        }
    }

    public static SynonymSet Empty { get; } = new([]);

    /// <summary>The group of <paramref name="term"/> (itself included), or null.</summary>
    public IReadOnlyList<string>? GroupOf(string term) => _groupOf.GetValueOrDefault(term);

    /// <summary>The longest synonym term starting at <paramref name="index"/> of the normalised <paramref name="text"/>.</summary>
    public string? LongestAt(string text, int index)
    {
        for (var length = Math.Min(_longest, text.Length - index); length > 0; length--)
        {
            var candidate = text.Substring(index, length);
            if (_groupOf.ContainsKey(candidate)) return candidate;
        }
        return null;
    }
}

/// <summary>A query ready for PostgreSQL: <see cref="TsQuery"/> for <c>to_tsquery('simple', …)</c>, and the words to highlight.</summary>
public sealed record KnowledgeQuery(string TsQuery, IReadOnlyList<string> Terms)
{
    /// <summary>Groups of one query; a longer query (an order's text) keeps its first distinct words.</summary>
    public const int MaxGroups = 32;

    /// <summary>The shortest last word that also matches as a prefix while typing.</summary>
    public const int MinPrefix = 2;

    /// <summary>
    /// Words that carry no subject in a question (的, 怎么, 需要…): dropped unless nothing else is left, so
    /// "公积金怎么提取" finds the article that never says 怎么.
    /// </summary>
    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "的", "了", "是", "我", "你", "他", "她", "在", "有", "和", "与", "及", "就", "不", "都", "也", "还", "吗", "呢", "啊", "吧",
        "怎么", "怎样", "如何", "什么", "哪里", "哪些", "需要", "请问", "可以", "能否", "能不能", "一下", "这个", "那个", "要", "想",
        "能", "去", "办", "问", "说", "到", "给", "被", "把", "对", "为", "从", "让", "没有", "现在", "已经", "市民", "来电", "反映", "咨询",
    };

    /// <summary>
    /// Builds the query for <paramref name="text"/>: synonym terms are found in the text first (longest match), the
    /// rest is cut into words by <paramref name="segment"/> (the same cutter the index was built with). Each word
    /// becomes a group of alternatives (its synonyms), each alternative the AND of its own words; groups are
    /// combined by <paramref name="mode"/>. With <paramref name="prefixLast"/> the last word (of two characters or more) also
    /// matches as a prefix, for a search box being typed into. Null when nothing searchable is left.
    /// </summary>
    public static KnowledgeQuery? Build(string? text, Func<string, IReadOnlyList<string>> segment, SynonymSet synonyms, MatchMode mode, bool prefixLast)
    {
        var normalized = KnowledgeRules.Normalize(text);
        var groups = new List<(IReadOnlyList<string> Alternatives, bool FromSynonyms)>();
        var gap = new StringBuilder();

        void FlushGap()
        {
            if (gap.Length == 0) return;
            foreach (var word in segment(gap.ToString()))
            {
                var term = KnowledgeRules.Normalize(word);
                if (term.Length == 0) continue;
                var group = synonyms.GroupOf(term);
                groups.Add(group is null ? ([term], false) : (group, true));
            }
            gap.Clear();
        }

        for (var i = 0; i < normalized.Length;)
        {
            if (synonyms.LongestAt(normalized, i) is { } term)
            {
                FlushGap();
                groups.Add((synonyms.GroupOf(term)!, true));
                i += term.Length;
            }
            else gap.Append(normalized[i++]);
        }
        FlushGap();

        var meaningful = groups.Where(g => g.FromSynonyms || !StopWords.Contains(g.Alternatives[0])).ToList();
        if (meaningful.Count > 0) groups = meaningful;
        var endsInWord = normalized.Length > 0 && char.IsLetterOrDigit(normalized[^1]);

        var clauses = new List<string>();
        var terms = new HashSet<string>(StringComparer.Ordinal);
        for (var g = 0; g < groups.Count && clauses.Count < MaxGroups; g++)
        {
            var (alternatives, fromSynonyms) = groups[g];
            var prefix = prefixLast && endsInWord && g == groups.Count - 1 && !fromSynonyms;
            var parts = new List<string>();
            foreach (var alternative in alternatives)
            {
                terms.Add(alternative);
                var tokens = segment(alternative).Select(KnowledgeRules.Normalize).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).ToList();
                if (tokens.Count == 0) continue;
                foreach (var token in tokens) terms.Add(token);
                // A one-letter prefix (公:*) would match most of a large base and say little; it matches as a word.
                var quoted = tokens.Select(t => Quote(t) + (prefix && t.Length >= MinPrefix ? ":*" : "")).ToList();
                parts.Add(quoted.Count == 1 ? quoted[0] : "(" + string.Join(" & ", quoted) + ")");
            }
            if (parts.Count == 0) continue;
            var clause = parts.Count == 1 ? parts[0] : "(" + string.Join(" | ", parts) + ")";
            if (!clauses.Contains(clause)) clauses.Add(clause);
        }
        if (clauses.Count == 0) return null;
        var tsquery = string.Join(mode == MatchMode.All ? " & " : " | ", clauses);
        return new KnowledgeQuery(tsquery, terms.OrderByDescending(t => t.Length).ThenBy(t => t, StringComparer.Ordinal).ToList());
    }

    private static string Quote(string token) =>
        "'" + token.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal) + "'";
}
