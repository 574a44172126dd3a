using Hotline.ReadModel;

namespace Hotline.Tests.Storage;

public sealed class ChineseSearchTests
{
    [Theory]
    [InlineData("公积金", new[] { "公积", "积金", "金" })]
    [InlineData("路", new[] { "路" })]
    [InlineData("3号楼电梯坏了", new[] { "3", "号楼", "楼电", "电梯", "梯坏", "坏了", "了" })]
    [InlineData("Elevator, Building-12!", new[] { "elevator", "building", "12" })]
    [InlineData("ＡＢＣ１２３，公交", new[] { "abc123", "公交", "交" })] // full-width forms are folded
    [InlineData("𠀀𠀁", new[] { "𠀀𠀁", "𠀁" })] // extension B: one character is one surrogate pair
    [InlineData("  ，。！ ", new string[0])]
    public void Text_is_cut_into_cjk_bigrams_and_lower_case_words(string text, string[] tokens) =>
        Assert.Equal(tokens, ChineseSearch.Tokens(text));

    [Theory]
    [InlineData("公积金", "'公积' & '积金'")]
    [InlineData("积金", "'积金'")]
    [InlineData("公", "'公':*")]
    [InlineData("公积金 提取", "'公积' & '积金' & '提取'")]
    [InlineData("Elevator 12", "'elevator' & '12'")]
    [InlineData("公积 公积", "'公积'")]
    [InlineData("a & !b | :*", "'a' & 'b'")]
    [InlineData("x' | 'y", "'x' & 'y'")]
    [InlineData("'); DROP TABLE tickets; --", "'drop' & 'table' & 'tickets'")]
    public void A_query_ands_its_bigrams_and_words_and_keeps_no_operator_of_the_input(string query, string tsquery) =>
        Assert.Equal(tsquery, ChineseSearch.Query(query));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("&|!:*()<->'")]
    public void A_query_with_nothing_to_search_for_is_null(string? query) => Assert.Null(ChineseSearch.Query(query));

    [Fact]
    public void A_long_query_keeps_a_bounded_number_of_terms()
    {
        var query = ChineseSearch.Query(string.Concat(Enumerable.Range(0, 200).Select(i => (char)(0x4E00 + i))))!;

        Assert.Equal(ChineseSearch.MaxQueryTerms, query.Split(" & ").Length);
    }

    [Fact]
    public void Where_builds_the_condition_and_rank_for_a_placeholder()
    {
        var search = ChineseSearch.Where("公积金", "@q", "t.search")!;

        Assert.Equal("t.search @@ to_tsquery('simple', @q)", search.Sql);
        Assert.Equal("ts_rank(t.search, to_tsquery('simple', @q))", search.Rank);
        Assert.Equal("'公积' & '积金'", search.Parameter);
        Assert.Equal("search @@ to_tsquery('simple', $4)", ChineseSearch.Where("x", "$4")!.Sql);
        Assert.Null(ChineseSearch.Where("！", "@q"));
    }

    [Theory]
    [InlineData("q")]
    [InlineData("@q); DROP TABLE tickets; --")]
    [InlineData("$0")]
    public void Where_refuses_anything_but_a_placeholder(string placeholder) =>
        Assert.Throws<ArgumentException>(() => ChineseSearch.Where("公积金", placeholder));
}
