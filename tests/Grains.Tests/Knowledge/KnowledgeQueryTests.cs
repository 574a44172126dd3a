using Hotline.Knowledge;

namespace Hotline.Tests.Knowledge;

/// <summary>Query building with a fixed dictionary cutter, so the test shows the rule, not a segmenter's mood.</summary>
public sealed class KnowledgeQueryTests
{
    private static readonly string[] Dictionary = ["住房", "公积金", "提取", "医疗", "保险", "医保", "报销", "怎么", "的", "异地", "就医", "社保", "卡"];

    /// <summary>Greedy longest match over <see cref="Dictionary"/>; unknown characters stand alone.</summary>
    private static IReadOnlyList<string> Cut(string text)
    {
        var words = new List<string>();
        for (var i = 0; i < text.Length;)
        {
            if (char.IsWhiteSpace(text[i])) { i++; continue; }
            var word = Dictionary.Where(w => string.CompareOrdinal(text, i, w, 0, w.Length) == 0).OrderByDescending(w => w.Length).FirstOrDefault();
            words.Add(word ?? text[i].ToString());
            i += word?.Length ?? 1;
        }
        return words;
    }

    [Fact]
    public void Every_word_of_a_search_box_query_must_match_and_the_last_may_be_a_prefix()
    {
        var query = KnowledgeQuery.Build("公积金提取", Cut, SynonymSet.Empty, MatchMode.All, prefixLast: true)!;

        Assert.Equal("'公积金' & '提取':*", query.TsQuery);
    }

    [Fact]
    public void A_single_character_being_typed_matches_as_a_word_not_as_a_prefix()
    {
        Assert.Equal("'公'", KnowledgeQuery.Build("公", Cut, SynonymSet.Empty, MatchMode.All, prefixLast: true)!.TsQuery);
    }

    [Fact]
    public void Words_of_an_order_text_match_any_and_stop_words_are_dropped()
    {
        var query = KnowledgeQuery.Build("怎么提取公积金", Cut, SynonymSet.Empty, MatchMode.Any, prefixLast: false)!;

        Assert.Equal("'提取' | '公积金'", query.TsQuery);
    }

    [Fact]
    public void A_query_of_stop_words_only_still_searches_for_them()
    {
        Assert.Equal("'怎么'", KnowledgeQuery.Build("怎么", Cut, SynonymSet.Empty, MatchMode.All, prefixLast: false)!.TsQuery);
    }

    [Fact]
    public void A_synonym_in_the_query_matches_any_term_of_its_group_each_cut_into_words()
    {
        var synonyms = new SynonymSet([["医保", "医疗保险"]]);

        var query = KnowledgeQuery.Build("医保报销", Cut, synonyms, MatchMode.All, prefixLast: false)!;

        Assert.Equal("('医保' | ('医疗' & '保险')) & '报销'", query.TsQuery);
        Assert.Contains("医疗保险", query.Terms);
        Assert.Contains("医疗", query.Terms);
    }

    [Fact]
    public void The_longest_synonym_term_wins_even_across_the_cutters_words()
    {
        var synonyms = new SynonymSet([["社保卡", "社会保障卡"], ["社保", "社会保险"]]);

        var query = KnowledgeQuery.Build("社保卡", Cut, synonyms, MatchMode.All, prefixLast: true)!;

        Assert.Equal("(('社保' & '卡') | ('社' & '会' & '保' & '障' & '卡'))", query.TsQuery);
    }

    [Fact]
    public void Punctuation_and_quotes_cannot_change_the_query_shape()
    {
        var query = KnowledgeQuery.Build("公积金' | !", Cut, SynonymSet.Empty, MatchMode.All, prefixLast: true)!;

        Assert.Equal("'公积金' & '''' & '|' & '!'", query.TsQuery);
    }

    [Fact]
    public void Nothing_searchable_gives_no_query()
    {
        Assert.Null(KnowledgeQuery.Build("   ", Cut, SynonymSet.Empty, MatchMode.All, prefixLast: true));
    }

    [Fact]
    public void Full_width_letters_and_upper_case_are_normalised()
    {
        Assert.Equal("'abc':*", KnowledgeQuery.Build("ＡＢＣ", t => [t], SynonymSet.Empty, MatchMode.All, prefixLast: true)!.TsQuery);
    }
}
