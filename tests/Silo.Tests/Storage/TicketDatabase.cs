using Hotline.Silo.Schema;
using Hotline.Silo.Storage;
using Hotline.Tests.Schema;
using Hotline.Tickets;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orleans;
using Orleans.Runtime;

namespace Hotline.Tests.Storage;

/// <summary>A fresh migrated database with a data source for <see cref="TicketRecordStorage"/>, dropped on dispose.</summary>
internal sealed class TicketDatabase : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private TicketDatabase(TestDatabase db, NpgsqlDataSource dataSource)
    {
        Db = db;
        DataSource = dataSource;
    }

    public TestDatabase Db { get; }

    public NpgsqlDataSource DataSource { get; }

    public static async Task<TicketDatabase> CreateAsync()
    {
        var db = await TestDatabase.CreateAsync();
        await new SchemaMigrator(db.ConnectionString, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        // Pooled, as the silo's data source is (TestDatabase's own connections are not): a write's session outlives it.
        var pooled = new NpgsqlConnectionStringBuilder(db.ConnectionString) { Pooling = true };
        return new TicketDatabase(db, NpgsqlDataSource.Create(pooled.ConnectionString));
    }

    /// <summary>A storage as the silo registers it; each call is a separate instance, as on separate silos.</summary>
    public TicketRecordStorage Storage(Func<NpgsqlConnection, Task>? beforeCommit = null) =>
        new(DataSource) { BeforeCommit = beforeCommit };

    public static GrainId Grain(string number) => GrainId.Create("ticket", number);

    public async Task<GrainState<TicketRecord>> ReadAsync(string number)
    {
        // A data source of its own: a test may have killed a session pooled in the other one.
        await using var fresh = NpgsqlDataSource.Create(Db.ConnectionString);
        var state = new GrainState<TicketRecord>();
        await new TicketRecordStorage(fresh).ReadStateAsync("ticket", Grain(number), state);
        return state;
    }

    public async Task<long> CountAsync(string sql, params object[] parameters)
    {
        await using var connection = await Db.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters) command.Parameters.AddWithValue(parameter);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public Task<long> RowsAsync(string number) => CountAsync("SELECT count(*) FROM tickets WHERE number = $1", number);

    public Task<long> HistoryLinesAsync(string number) => CountAsync("SELECT count(*) FROM ticket_history WHERE number = $1", number);

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await Db.DisposeAsync(); // drops the database, trying again while an autovacuum worker holds it
    }
}
