using System.Globalization;
using Npgsql;

namespace Hotline.Tests.Schema;

/// <summary>
/// A fresh, uniquely named database on the test PostgreSQL server, dropped on dispose. The server comes from
/// <c>HOTLINE_TEST_DB</c>, a connection string whose role may CREATEDB (./test.sh starts the server and sets it).
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string Variable = "HOTLINE_TEST_DB";

    private readonly NpgsqlConnectionStringBuilder _maintenance;

    private TestDatabase(NpgsqlConnectionStringBuilder maintenance, string name)
    {
        _maintenance = maintenance;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(maintenance.ConnectionString) { Database = name }.ConnectionString;
    }

    public string Name { get; }

    /// <summary>Connection string of the fresh database.</summary>
    public string ConnectionString { get; }

    /// <summary>The server's connection string from <c>HOTLINE_TEST_DB</c>; fails the test when it is not set.</summary>
    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{Variable} is not set. These tests need a PostgreSQL server: run ./test.sh, or " +
                "`source scripts/pg.sh && pg_start /tmp/hotline-pgtest 55433` and " +
                $"`export {Variable}='Host=127.0.0.1;Port=55433;Database=postgres;Username=hotline;Password=hotline'`.");

    public static async Task<TestDatabase> CreateAsync()
    {
        var maintenance = new NpgsqlConnectionStringBuilder(ServerConnectionString) { Pooling = false };
        var name = string.Create(CultureInfo.InvariantCulture, $"hotline_test_{Guid.NewGuid():N}");
        await using var connection = new NpgsqlConnection(maintenance.ConnectionString);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await create.ExecuteNonQueryAsync();
        return new TestDatabase(maintenance, name);
    }

    public async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async Task<List<string>> ColumnAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    public async ValueTask DisposeAsync()
    {
        using (var pooled = new NpgsqlConnection(ConnectionString))
        {
            NpgsqlConnection.ClearPool(pooled);
        }

        await using var connection = new NpgsqlConnection(_maintenance.ConnectionString);
        await connection.OpenAsync();
        await DropAsync(connection, Name);
    }

    /// <summary>
    /// Drops a database; FORCE ends sessions the providers may still hold open. An autovacuum worker in the database
    /// makes FORCE fail for a non-superuser (42501) for a moment, so it is tried again for up to five seconds.
    /// </summary>
    public static async Task DropAsync(NpgsqlConnection connection, string name)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < 50)
            {
                await Task.Delay(100);
            }
        }
    }
}
