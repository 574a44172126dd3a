namespace Hotline.Reporting;

/// <summary>What a topic is: a category (性质类别), a county/district (区县) or a keyword of the orders' text.</summary>
public enum TopicKind
{
    Category,
    District,
    Keyword,
}

/// <summary>When a topic counts as rising sharply (热点预警).</summary>
public sealed record HotTopicSettings(double RiseFactor = 3, int MinimumCount = 5)
{
    public static HotTopicSettings Default { get; } = new();

    public IEnumerable<(string Field, string Message)> Problems()
    {
        if (double.IsNaN(RiseFactor) || RiseFactor < 1 || RiseFactor > 100) yield return ("riseFactor", "Between 1 and 100.");
        if (MinimumCount is < 1 or > 100_000) yield return ("minimumCount", "Between 1 and 100,000.");
    }
}

/// <summary>A topic's orders this period and the period before, per day, and whether it alerts.</summary>
public sealed record HotTopic(TopicKind Kind, string Key, long Current, long Previous, double CurrentDaily, double PreviousDaily, bool Alert)
{
    /// <summary>This period's daily level over the previous one's (null when the topic is new).</summary>
    public double? Rise => PreviousDaily > 0 ? CurrentDaily / PreviousDaily : null;
}

/// <summary>
/// Hot topics (热点难点问题): the topics of this period, most orders first, against the period before. A topic alerts
/// when it has at least the minimum count and its daily level is at least the rise factor times the usual daily
/// level (the previous period's); a new topic (nothing before) alerts on the minimum count alone.
/// </summary>
public static class HotTopics
{
    public static IReadOnlyList<HotTopic> Compare(
        TopicKind kind, IReadOnlyDictionary<string, long> current, int currentDays, IReadOnlyDictionary<string, long> previous, int previousDays,
        HotTopicSettings settings, int top = 20)
    {
        return current
            .Select(c =>
            {
                var before = previous.GetValueOrDefault(c.Key);
                var daily = (double)c.Value / currentDays;
                var usual = (double)before / previousDays;
                var alert = c.Value >= settings.MinimumCount && (usual == 0 || daily >= settings.RiseFactor * usual);
                return new HotTopic(kind, c.Key, c.Value, before, daily, usual, alert);
            })
            .OrderByDescending(t => t.Current)
            .ThenBy(t => t.Key, StringComparer.Ordinal)
            .Take(top)
            .ToList();
    }

    /// <summary>
    /// Keyword counts: the number of orders whose text contains each word, after the cutter (<paramref name="words"/>)
    /// and the stop words. Single characters and numbers are dropped; administrator terms (e.g. 电动自行车, which a
    /// cutter splits) are counted where the text contains them, and their parts are not counted again.
    /// </summary>
    public static Dictionary<string, long> Keywords(
        IEnumerable<string> texts, Func<string, IReadOnlyList<string>> words, IReadOnlySet<string> stopWords, IReadOnlyList<string> terms)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var rest = text;
            foreach (var term in terms.Where(t => t.Length > 0).OrderByDescending(t => t.Length))
            {
                if (!rest.Contains(term, StringComparison.Ordinal)) continue;
                seen.Add(term);
                rest = rest.Replace(term, " ", StringComparison.Ordinal);
            }
            foreach (var word in words(rest))
            {
                if (word.Length < 2 || word.All(char.IsDigit) || stopWords.Contains(word)) continue;
                seen.Add(word);
            }
            foreach (var word in seen) counts[word] = counts.GetValueOrDefault(word) + 1;
        }
        return counts;
    }

    /// <summary>Words too common in hotline orders to be a topic.</summary>
    public static IReadOnlySet<string> DefaultStopWords { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "市民", "来电", "反映", "咨询", "投诉", "举报", "建议", "希望", "要求", "问题", "情况", "处理", "相关", "部门", "我们", "他们",
        "没有", "一个", "已经", "目前", "现在", "表示", "进行", "能否", "是否", "如何", "怎么", "什么", "可以", "需要", "请求", "尽快",
        "解决", "协调", "核实", "诉求", "称", "该", "其", "的", "了",
    };
}
