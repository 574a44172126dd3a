using Hotline.ReadModel.Tickets;
using Hotline.Silo.Storage;
using Npgsql;
using static Hotline.Tests.Storage.TicketSamples;

namespace Hotline.Tests.Storage;

/// <summary>The read-model library's names are the migrated tables' columns, and its mapping binds each written column once.</summary>
public sealed class TicketTableTests : IAsyncLifetime
{
    private TicketDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TicketDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task Every_name_the_read_model_uses_is_a_column_of_the_migrated_tables()
    {
        var tickets = await _db.Db.ColumnAsync("SELECT column_name::text FROM information_schema.columns WHERE table_name = 'tickets'");
        var history = await _db.Db.ColumnAsync("SELECT column_name::text FROM information_schema.columns WHERE table_name = 'ticket_history'");

        Assert.Empty(TicketTable.Written.Concat([TicketTable.Number, TicketTable.Etag, TicketTable.Payload, TicketTable.Search]).Except(tickets));
        Assert.Empty(TicketTable.HistoryColumns.All.Append(TicketTable.Number).Except(history));
        Assert.Equal(TicketTable.Written.Count, TicketTable.Written.Distinct().Count());
    }

    [Fact]
    public void A_record_binds_one_parameter_per_written_column_named_after_it()
    {
        var parameters = new NpgsqlCommand().Parameters;

        TicketRecordStorage.Row(Full(), Full().Intake!).Bind(parameters);

        Assert.Equal(TicketTable.Written.Order(StringComparer.Ordinal), parameters.Select(p => p.ParameterName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_due_sort_follows_the_deadline_rule_status_by_status()
    {
        Assert.Equal(
            "CASE status WHEN 'registered' THEN reply_due WHEN 'dispatched' THEN coalesce(sign_due, reply_due) WHEN 'signed' THEN reply_due "
            + "WHEN 'returned' THEN reply_due WHEN 'replied' THEN finish_due WHEN 'reopened' THEN reply_due END",
            TicketTable.RunningDeadlineSql);
        Assert.Equal("status IN ('registered', 'dispatched', 'signed', 'returned', 'replied', 'reopened')", TicketTable.IsOpenSql);
    }
}
