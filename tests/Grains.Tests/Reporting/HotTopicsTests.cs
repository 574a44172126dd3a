using Hotline.Reporting;

namespace Hotline.Tests.Reporting;

public sealed class HotTopicsTests
{
    [Fact]
    public void A_topic_alerts_when_its_daily_level_reaches_three_times_the_usual_one()
    {
        var topics = HotTopics.Compare(TopicKind.Category,
            new Dictionary<string, long> { ["water"] = 90, ["traffic"] = 60, ["noise"] = 4 }, 30,
            new Dictionary<string, long> { ["water"] = 30, ["traffic"] = 31, ["noise"] = 0 }, 30,
            HotTopicSettings.Default);

        Assert.Equal(["water", "traffic", "noise"], topics.Select(t => t.Key));
        Assert.Equal([true, false, false], topics.Select(t => t.Alert)); // water 3.0×; traffic 1.9×; noise new but below 5
        Assert.Equal(3, topics[0].Rise);
        Assert.Null(topics[2].Rise);
    }

    [Fact]
    public void Periods_of_different_lengths_are_compared_per_day()
    {
        var topics = HotTopics.Compare(TopicKind.District,
            new Dictionary<string, long> { ["历下区"] = 21 }, 7, new Dictionary<string, long> { ["历下区"] = 30 }, 30, HotTopicSettings.Default);

        Assert.Equal(3, topics.Single().Rise);
        Assert.True(topics.Single().Alert);
    }

    [Fact]
    public void Keywords_count_orders_not_words_and_skip_stop_words_single_characters_and_numbers()
    {
        static IReadOnlyList<string> Cut(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries);

        var counts = HotTopics.Keywords(
            ["小区 停水 停水 市民 反映", "小区 停水 3 天", "电动自行车 充电 小区"], Cut, HotTopics.DefaultStopWords, ["电动自行车"]);

        Assert.Equal(3, counts["小区"]);
        Assert.Equal(2, counts["停水"]);
        Assert.Equal(1, counts["电动自行车"]);
        Assert.False(counts.ContainsKey("市民"));
        Assert.False(counts.ContainsKey("天"));
        Assert.False(counts.ContainsKey("3"));
    }

    [Fact]
    public void An_administrator_term_is_counted_whole_where_a_cutter_would_split_it()
    {
        // A cutter that splits 电动自行车 into 电动 + 自行车, as a general dictionary does.
        static IReadOnlyList<string> Cut(string text) =>
            text.Replace("电动自行车", "电动 自行车", StringComparison.Ordinal).Split(' ', StringSplitOptions.RemoveEmptyEntries);

        var withTerm = HotTopics.Keywords(["电动自行车 充电 起火"], Cut, HotTopics.DefaultStopWords, ["电动自行车"]);
        var without = HotTopics.Keywords(["电动自行车 充电 起火"], Cut, HotTopics.DefaultStopWords, []);

        Assert.Equal(["充电", "电动自行车", "起火"], withTerm.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["充电", "电动", "自行车", "起火"], without.Keys.Order(StringComparer.Ordinal));
    }
}
