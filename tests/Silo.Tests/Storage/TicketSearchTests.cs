using Hotline.ReadModel;
using Hotline.Silo.Storage;
using Hotline.Tickets;
using Npgsql;
using Orleans;
using static Hotline.Tests.Storage.TicketSamples;

namespace Hotline.Tests.Storage;

/// <summary>The <c>?q=</c> search as the API runs it: orders written by the storage, found through <see cref="ChineseSearch.Where"/>.</summary>
public sealed class TicketSearchTests : IAsyncLifetime
{
    private static readonly string HousingFund = Number(1);
    private static readonly string Police = Number(2);
    private static readonly string Elevator = Number(3);
    private static readonly string FundInSummary = Number(4);

    private TicketDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _db = await TicketDatabase.CreateAsync();
        await WriteAsync(HousingFund, Registered(summary: "咨询提取材料", content: "市民来电咨询住房公积金提取需要哪些材料。"));
        await WriteAsync(Police, Registered(summary: "户籍办理", content: "咨询公安局户籍窗口的办公时间。", category: "public-security"));
        await WriteAsync(Elevator, Registered(summary: "Elevator broken", content: "The elevator in Building 12 has been broken since Monday.", category: "property"));
        await WriteAsync(FundInSummary, Registered(summary: "公积金贷款额度", content: "市民询问贷款额度如何计算。"));
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Theory]
    [InlineData("公积金", new[] { "FundInSummary", "HousingFund" })] // the summary match ranks first
    [InlineData("积金", new[] { "FundInSummary", "HousingFund" })]
    [InlineData("住房公积金提取", new[] { "HousingFund" })]
    [InlineData("公安", new[] { "Police" })]
    [InlineData("公安局 户籍", new[] { "Police" })]
    [InlineData("金", new[] { "FundInSummary", "HousingFund" })] // one character, last of its run
    [InlineData("户", new[] { "Police" })] // one character, first of its run
    [InlineData("ELEVATOR", new[] { "Elevator" })]
    [InlineData("building 12", new[] { "Elevator" })]
    [InlineData("public security", new[] { "Police" })] // the category id
    [InlineData("公积金 elevator", new string[0])]
    [InlineData("公民", new string[0])]
    public async Task Orders_are_found_by_bigrams_words_and_single_characters(string query, string[] expected) =>
        Assert.Equal(expected, await SearchAsync(query));

    [Fact]
    public async Task An_order_is_found_by_its_number() =>
        Assert.Equal(["Elevator"], await SearchAsync(Elevator));

    [Theory]
    [InlineData("a & !b | :*", new string[0])]
    [InlineData("公积金' | '", new[] { "FundInSummary", "HousingFund" })]
    [InlineData("!公积金", new[] { "FundInSummary", "HousingFund" })] // not a negation
    [InlineData("'); DELETE FROM tickets; --", new string[0])]
    [InlineData("<-> (金", new[] { "FundInSummary", "HousingFund" })]
    public async Task Query_syntax_in_the_input_is_plain_punctuation(string query, string[] expected)
    {
        Assert.Equal(expected, await SearchAsync(query));
        Assert.Equal(4L, await _db.CountAsync("SELECT count(*) FROM tickets"));
    }

    [Fact]
    public async Task Searching_uses_the_gin_index()
    {
        await using var connection = await _db.Db.OpenAsync();
        await using (var off = new NpgsqlCommand("SET enable_seqscan = off", connection)) await off.ExecuteNonQueryAsync();
        var search = ChineseSearch.Where("公积金", "@q")!;
        await using var explain = new NpgsqlCommand($"EXPLAIN SELECT number FROM tickets WHERE {search.Sql}", connection);
        explain.Parameters.AddWithValue("q", search.Parameter);
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
            while (await reader.ReadAsync()) plan.Add(reader.GetString(0));

        Assert.Contains(plan, line => line.Contains("tickets_search_idx", StringComparison.Ordinal));
    }

    private Task WriteAsync(string number, TicketRecord record) =>
        _db.Storage().WriteStateAsync("ticket", TicketDatabase.Grain(number), new GrainState<TicketRecord>(record));

    /// <summary>The names of the orders the search finds, best first.</summary>
    private async Task<List<string>> SearchAsync(string query)
    {
        var search = ChineseSearch.Where(query, "@q");
        if (search is null) return [];
        await using var connection = await _db.Db.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT number FROM tickets WHERE {search.Sql} ORDER BY {search.Rank} DESC, number", connection);
        command.Parameters.AddWithValue("q", search.Parameter);
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var number = reader.GetString(0);
            names.Add(number == HousingFund ? "HousingFund" : number == Police ? "Police" : number == Elevator ? "Elevator" : "FundInSummary");
        }
        return names;
    }
}
