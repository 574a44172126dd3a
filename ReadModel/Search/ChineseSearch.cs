using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Hotline.ReadModel;

/// <summary>
/// Full-text search for Chinese text on stock PostgreSQL. Its parsers do not segment Chinese and no extension
/// may be installed, so the text is cut here, into overlapping character bigrams, and PostgreSQL only indexes
/// and matches the pieces: the <c>tickets.search</c> tsvector is built from <see cref="Tokens"/> and a user's
/// query becomes a tsquery with <see cref="Query"/>. Both sides must use this one class: a change to the cutting
/// needs the stored vectors rebuilt.
/// </summary>
/// <remarks>
/// Cutting: the text is NFKC-normalised (full-width Ａ１ becomes A1). A run of CJK characters (Han, kana, Hangul)
/// becomes its bigrams plus its last character alone: 公积金 → 公积 积金 金; one character stays itself. The
/// extra last character lets a one-character query, a prefix match (<c>'金':*</c>), find a character wherever
/// it stands. A run of other letters and digits becomes one lower-case word. Everything else separates tokens.
/// No dependency but the BCL.
/// </remarks>
public static partial class ChineseSearch
{
    /// <summary>Tokens taken from one field; text beyond this (some 8,000 characters) is not searchable.</summary>
    public const int MaxTokensPerField = 8192;

    /// <summary>Terms of one query; a longer query only narrows the result, so the rest is dropped.</summary>
    public const int MaxQueryTerms = 32;

    /// <summary>Longer words are not indexed (PostgreSQL refuses lexemes over 2 KB; nobody searches for them).</summary>
    private const int MaxWordLength = 64;

    /// <summary>The tokens to index for <paramref name="text"/>, in order: CJK bigrams (and a run's last character), lower-case words.</summary>
    public static IEnumerable<string> Tokens(string? text)
    {
        foreach (var (run, cjk) in Runs(text))
        {
            if (!cjk)
            {
                yield return run;
                continue;
            }

            var characters = Characters(run);
            for (var i = 0; i + 1 < characters.Count; i++)
            {
                yield return characters[i] + characters[i + 1];
            }
            yield return characters[^1];
        }
    }

    /// <summary>
    /// The tsquery text for a user's search box, to pass as a parameter to <c>to_tsquery('simple', $n)</c>:
    /// every bigram and word of the query, ANDed (公积金 → <c>'公积' &amp; '积金'</c>); a lone CJK character
    /// matches as a prefix (<c>'公':*</c>). Null when the query holds nothing to search for (only spaces or
    /// punctuation): leave the condition out then. tsquery operators in the input are plain punctuation here,
    /// so no input can change the query's shape.
    /// </summary>
    public static string? Query(string? userQuery)
    {
        var terms = new List<string>();
        foreach (var (run, cjk) in Runs(userQuery))
        {
            if (!cjk)
            {
                terms.Add(Quote(run));
                continue;
            }

            var characters = Characters(run);
            if (characters.Count == 1)
            {
                terms.Add(Quote(characters[0]) + ":*");
                continue;
            }
            for (var i = 0; i + 1 < characters.Count; i++)
            {
                terms.Add(Quote(characters[i] + characters[i + 1]));
            }
        }

        var distinct = terms.Distinct(StringComparer.Ordinal).Take(MaxQueryTerms).ToList();
        return distinct.Count == 0 ? null : string.Join(" & ", distinct);
    }

    /// <summary>
    /// A ready condition for the <c>?q=</c> filter: <see cref="SearchCondition.Sql"/> goes into the WHERE clause,
    /// <see cref="SearchCondition.Rank"/> into ORDER BY (summary matches rank above content matches), and
    /// <see cref="SearchCondition.Parameter"/> is bound to <paramref name="placeholder"/>. Null when the query
    /// holds nothing to search for.
    /// </summary>
    /// <param name="userQuery">What the user typed.</param>
    /// <param name="placeholder">The parameter's placeholder in the command: <c>@q</c> (named) or <c>$3</c> (positional).</param>
    /// <param name="column">The tsvector column, qualified if the query joins: <c>search</c>, <c>t.search</c>.</param>
    /// <example><code>
    /// if (ChineseSearch.Where(q, "@q") is { } search)
    /// {
    ///     sql += $" AND {search.Sql}"; order = $"{search.Rank} DESC, created_at DESC";
    ///     command.Parameters.AddWithValue("q", search.Parameter);
    /// }
    /// </code></example>
    public static SearchCondition? Where(string? userQuery, string placeholder, string column = "search")
    {
        if (!Placeholder().IsMatch(placeholder))
            throw new ArgumentException($"'{placeholder}' is not a parameter placeholder such as @q or $3.", nameof(placeholder));
        if (!Column().IsMatch(column))
            throw new ArgumentException($"'{column}' is not a column name such as search or t.search.", nameof(column));
        if (Query(userQuery) is not { } query)
            return null;

        var tsquery = $"to_tsquery('simple', {placeholder})";
        return new SearchCondition($"{column} @@ {tsquery}", $"ts_rank({column}, {tsquery})", query);
    }

    /// <summary>The space-joined tokens of one field, for <c>to_tsvector('simple', …)</c>.</summary>
    public static string Document(string? text) => string.Join(' ', Tokens(text).Take(MaxTokensPerField));

    /// <summary>Maximal runs of CJK characters and of other letters/digits, the latter lower-cased.</summary>
    private static IEnumerable<(string Run, bool Cjk)> Runs(string? text)
    {
        if (string.IsNullOrEmpty(text))
            yield break;

        var normalized = text.Normalize(NormalizationForm.FormKC);
        var run = new StringBuilder();
        var runIsCjk = false;
        foreach (var rune in normalized.EnumerateRunes())
        {
            var cjk = IsCjk(rune);
            var word = !cjk && Rune.IsLetterOrDigit(rune);
            if (run.Length > 0 && (!(cjk || word) || cjk != runIsCjk))
            {
                if (Emit(run, runIsCjk) is { } finished) yield return finished;
                run.Clear();
            }
            if (cjk || word)
            {
                runIsCjk = cjk;
                run.Append(cjk ? rune.ToString() : Rune.ToLowerInvariant(rune).ToString());
            }
        }
        if (run.Length > 0 && Emit(run, runIsCjk) is { } last) yield return last;
    }

    private static (string, bool)? Emit(StringBuilder run, bool cjk) =>
        !cjk && run.Length > MaxWordLength ? null : (run.ToString(), cjk);

    /// <summary>The run's characters as strings, a supplementary-plane character (CJK extension B and on) being one.</summary>
    private static List<string> Characters(string run) => run.EnumerateRunes().Select(r => r.ToString()).ToList();

    private static bool IsCjk(Rune rune) => rune.Value switch
    {
        >= 0x4E00 and <= 0x9FFF => true,   // CJK unified ideographs
        >= 0x3400 and <= 0x4DBF => true,   // extension A
        >= 0x20000 and <= 0x3FFFF => true, // extensions B and on (planes 2 and 3)
        >= 0xF900 and <= 0xFAFF => true,   // compatibility ideographs
        0x3005 or 0x3007 => true,          // 々 〇
        >= 0x3040 and <= 0x30FF => true,   // hiragana, katakana
        >= 0xAC00 and <= 0xD7AF => true,   // Hangul syllables
        _ => false,
    };

    // Tokens hold only letters and digits, so this never fires; it keeps the quoting correct if that changes.
    private static string Quote(string token) =>
        "'" + token.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal) + "'";

    [GeneratedRegex(@"^(@[A-Za-z_][A-Za-z0-9_]*|\$[1-9][0-9]*)$", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"^([a-z_][a-z0-9_]*\.)?[a-z_][a-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Column();
}

/// <summary>A full-text condition from <see cref="ChineseSearch.Where"/>.</summary>
/// <param name="Sql">For WHERE: <c>search @@ to_tsquery('simple', @q)</c>.</param>
/// <param name="Rank">For ORDER BY … DESC: <c>ts_rank(search, to_tsquery('simple', @q))</c>.</param>
/// <param name="Parameter">The tsquery text to bind to the placeholder.</param>
public sealed record SearchCondition(string Sql, string Rank, string Parameter);
