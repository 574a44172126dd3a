using System.Globalization;
using Npgsql;

namespace Hotline.Silo.Schema;

/// <summary>
/// Brings the PostgreSQL schema up to date from the embedded <c>Schema/Migrations/NNNN_name.sql</c> files,
/// recording each applied file in <c>schema_migrations</c>.
/// </summary>
/// <remarks>
/// Several silos may start at once: the whole run holds a PostgreSQL advisory lock, so one of them applies
/// what is missing while the others wait and then find nothing left to do. Each migration commits together
/// with its <c>schema_migrations</c> row, so a failure leaves the database at the previous version.
/// </remarks>
public sealed partial class SchemaMigrator(string connectionString, ILogger<SchemaMigrator> logger)
{
    /// <summary>Advisory lock key ("Hotline" in ASCII); advisory locks are per database.</summary>
    internal const long AdvisoryLockKey = 0x486F746C696E65;

    /// <summary>The migrations to apply; tests replace them.</summary>
    internal IReadOnlyList<Migration> Migrations { get; init; } = Migration.LoadEmbedded();

    private const string CreateHistoryTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations
        (
            version    integer     NOT NULL PRIMARY KEY,
            name       text        NOT NULL,
            checksum   text        NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """;

    /// <summary>Applies every embedded migration the database does not have yet.</summary>
    /// <exception cref="InvalidOperationException">The database cannot be reached, an applied migration was
    /// edited afterwards, or a migration failed (it is then rolled back).</exception>
    public async Task<MigrationResult> MigrateAsync(CancellationToken cancellationToken = default)
    {
        // Not pooled: closing the connection must really end the session, and with it the advisory lock.
        var target = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        await using var connection = await OpenAsync(target, cancellationToken);
        try
        {
            await LockAsync(connection, cancellationToken);
            try
            {
                return await MigrateLockedAsync(connection, cancellationToken);
            }
            finally
            {
                await UnlockAsync(connection);
            }
        }
        catch (PostgresException ex)
        {
            throw new InvalidOperationException($"schema migration at {Describe(target)} failed: {Reason(ex)}", ex);
        }
        catch (NpgsqlException ex)
        {
            throw new InvalidOperationException($"lost the connection to PostgreSQL at {Describe(target)}: {Reason(ex)}", ex);
        }
    }

    /// <summary>
    /// Creates the connection string's database when it does not exist, connecting to the <c>postgres</c>
    /// maintenance database with the same credentials (the role needs CREATEDB). Returns whether it created it.
    /// </summary>
    public static async Task<bool> EnsureDatabaseAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        var database = target.Database;
        if (string.IsNullOrWhiteSpace(database))
        {
            throw new InvalidOperationException("the PostgreSQL connection string names no Database");
        }

        var maintenance = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false };
        await using var connection = await OpenAsync(maintenance, cancellationToken);

        await using (var exists = new NpgsqlCommand("SELECT EXISTS (SELECT FROM pg_database WHERE datname = @name)", connection))
        {
            exists.Parameters.AddWithValue("name", database);
            if ((bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
            {
                return false;
            }
        }

        try
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE {QuoteIdentifier(database)}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
            return true;
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            return false; // another starter created it between the check and here
        }
        catch (PostgresException ex)
        {
            throw new InvalidOperationException(
                $"cannot create database {database} at {Describe(maintenance)}: {ex.SqlState}: {ex.MessageText}", ex);
        }
    }

    private async Task<MigrationResult> MigrateLockedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using (var create = new NpgsqlCommand(CreateHistoryTable, connection))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var recorded = new Dictionary<int, string>();
        await using (var read = new NpgsqlCommand("SELECT version, checksum FROM schema_migrations", connection))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                recorded[reader.GetInt32(0)] = reader.GetString(1);
            }
        }

        // Refuse to touch a database whose history disagrees with the code before changing anything.
        foreach (var migration in Migrations)
        {
            if (recorded.TryGetValue(migration.Version, out var checksum) && checksum != migration.Checksum)
            {
                throw new InvalidOperationException(
                    $"migration {migration.Version:D4} was changed after it was applied ({migration.Label}: " +
                    $"database has checksum {checksum}, the embedded file {migration.Checksum}); " +
                    "put the change in a new migration instead");
            }
        }

        var known = Migrations.Select(m => m.Version).ToHashSet();
        foreach (var version in recorded.Keys.Where(v => !known.Contains(v)).Order())
        {
            LogUnknownMigration(version);
        }

        var applied = new List<int>();
        var alreadyApplied = new List<int>();
        foreach (var migration in Migrations)
        {
            if (recorded.ContainsKey(migration.Version))
            {
                alreadyApplied.Add(migration.Version);
                continue;
            }

            await ApplyAsync(connection, migration, cancellationToken);
            applied.Add(migration.Version);
        }

        LogSchemaUpToDate(applied.Count, Migrations.Count == 0 ? 0 : Migrations[^1].Version);
        return new MigrationResult(applied, alreadyApplied);
    }

    private async Task ApplyAsync(NpgsqlConnection connection, Migration migration, CancellationToken cancellationToken)
    {
        LogApplying(migration.Version, migration.Name);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            // A migration may rebuild a large table: no command timeout, the host's shutdown token still applies.
            await using (var script = new NpgsqlCommand(migration.Sql, connection, transaction) { CommandTimeout = 0 })
            {
                await script.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var record = new NpgsqlCommand(
                "INSERT INTO schema_migrations (version, name, checksum) VALUES (@version, @name, @checksum)",
                connection, transaction))
            {
                record.Parameters.AddWithValue("version", migration.Version);
                record.Parameters.AddWithValue("name", migration.Name);
                record.Parameters.AddWithValue("checksum", migration.Checksum);
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        catch (PostgresException ex)
        {
            throw new InvalidOperationException(
                $"migration {migration.Label} failed and was rolled back: {Reason(ex)}", ex);
        }
    }

    private async Task LockAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var tryLock = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection);
        tryLock.Parameters.AddWithValue("key", AdvisoryLockKey);
        if ((bool)(await tryLock.ExecuteScalarAsync(cancellationToken))!)
        {
            return;
        }

        LogWaitingForLock();
        await using var waitLock = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection) { CommandTimeout = 0 };
        waitLock.Parameters.AddWithValue("key", AdvisoryLockKey);
        await waitLock.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task UnlockAsync(NpgsqlConnection connection)
    {
        // Closing the unpooled connection releases the lock too; this only makes the release immediate.
        if (connection.State != System.Data.ConnectionState.Open)
        {
            return;
        }

        try
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
            unlock.Parameters.AddWithValue("key", AdvisoryLockKey);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (NpgsqlException)
        {
            // The session is gone, and its lock with it.
        }
    }

    private static async Task<NpgsqlConnection> OpenAsync(NpgsqlConnectionStringBuilder target, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(target.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch (NpgsqlException ex)
        {
            await connection.DisposeAsync();
            throw new InvalidOperationException($"cannot reach PostgreSQL at {Describe(target)}: {Reason(ex)}", ex);
        }
    }

    /// <summary>"host:port/database", never the credentials.</summary>
    internal static string Describe(NpgsqlConnectionStringBuilder target) =>
        string.Create(CultureInfo.InvariantCulture, $"{target.Host}:{target.Port}/{target.Database}");

    private static string Reason(NpgsqlException ex) => ex switch
    {
        PostgresException pg => $"{pg.SqlState}: {pg.MessageText}",
        { InnerException: { } inner } => $"{ex.Message} ({inner.Message})",
        _ => ex.Message,
    };

    private static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    [LoggerMessage(Level = LogLevel.Information, Message = "Applying schema migration {Version} ({MigrationName})")]
    private partial void LogApplying(int version, string migrationName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Schema is at version {Version}; {AppliedCount} migration(s) applied now")]
    private partial void LogSchemaUpToDate(int appliedCount, int version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Another instance is migrating the schema; waiting for it")]
    private partial void LogWaitingForLock();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database has schema migration {Version}, which this build does not know; a newer build migrated it")]
    private partial void LogUnknownMigration(int version);
}
