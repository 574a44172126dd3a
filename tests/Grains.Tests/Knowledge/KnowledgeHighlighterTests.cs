using Hotline.Knowledge;

namespace Hotline.Tests.Knowledge;

public sealed class KnowledgeHighlighterTests
{
    [Fact]
    public void Every_occurrence_of_a_term_is_marked_and_the_rest_is_encoded()
    {
        var html = KnowledgeHighlighter.Html("提取<公积金>，再提取", ["提取", "公积金"]);

        Assert.Equal("<mark>提取</mark>&lt;<mark>公积金</mark>&gt;，再<mark>提取</mark>", html);
    }

    [Fact]
    public void The_longest_term_wins_where_terms_overlap()
    {
        var html = KnowledgeHighlighter.Html("住房公积金", ["公积", "住房公积金", "金"]);

        Assert.Equal("<mark>住房公积金</mark>", html);
    }

    [Fact]
    public void Adjacent_words_are_marked_separately()
    {
        Assert.Equal("<mark>公积金</mark><mark>提取</mark>", KnowledgeHighlighter.Html("公积金提取", ["提取", "公积金"]));
    }

    [Fact]
    public void Matching_ignores_case()
    {
        Assert.Equal("<mark>ETC</mark>卡", KnowledgeHighlighter.Html("ETC卡", ["etc"]));
    }

    [Fact]
    public void An_excerpt_is_cut_around_the_first_match()
    {
        var text = new string('甲', 300) + "公积金" + new string('乙', 300);

        var excerpt = KnowledgeHighlighter.Excerpt(text, ["公积金"], length: 40);

        Assert.StartsWith("…", excerpt, StringComparison.Ordinal);
        Assert.EndsWith("…", excerpt, StringComparison.Ordinal);
        Assert.Contains("<mark>公积金</mark>", excerpt, StringComparison.Ordinal);
        Assert.Equal(40 + 2 + "<mark></mark>".Length, excerpt.Length);
    }

    [Fact]
    public void Text_without_a_match_is_only_encoded()
    {
        Assert.Equal("a &amp; b", KnowledgeHighlighter.Html("a & b", ["公积金"]));
    }
}
