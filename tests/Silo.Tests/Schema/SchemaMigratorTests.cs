using System.Net;
using System.Net.Sockets;
using Hotline.Silo.Schema;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Hotline.Tests.Schema;

public sealed class SchemaMigratorTests : IAsyncLifetime
{
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    /// <summary>Every embedded migration's version: the tests follow new migrations without edits.</summary>
    private static readonly IReadOnlyList<int> AllVersions = Migration.LoadEmbedded().Select(m => m.Version).ToList();

    private SchemaMigrator Migrator(string? connectionString = null) =>
        new(connectionString ?? _db.ConnectionString, NullLogger<SchemaMigrator>.Instance);

    [Fact]
    public void Embedded_migrations_are_found_in_version_order()
    {
        var migrations = Migration.LoadEmbedded();

        Assert.Equal(["0001_orleans", "0002_app", "0003_tickets", "0004_call_silo", "0005_recordings", "0006_ticket_next_due", "0140_surveys", "0150_knowledge", "0151_knowledge_roles", "0160_integrations_open311", "0170_event_log", "0180_sign_in_hardening", "0181_data_protection_keys", "0190_voicemail_handling", "0200_survey_campaigns", "0220_reports"], migrations.Select(m => m.Label));
        Assert.All(migrations, m => Assert.Matches("^[0-9a-f]{64}$", m.Checksum));
    }

    [Fact]
    public void Checksum_ignores_line_ending_style()
    {
        Assert.Equal(Migration.ComputeChecksum("SELECT 1;\nSELECT 2;\n"), Migration.ComputeChecksum("SELECT 1;\r\nSELECT 2;\r\n"));
        Assert.NotEqual(Migration.ComputeChecksum("SELECT 1;"), Migration.ComputeChecksum("SELECT 2;"));
    }

    [Fact]
    public async Task Migrations_apply_to_an_empty_database_and_create_the_orleans_and_application_tables()
    {
        var result = await Migrator().MigrateAsync();

        Assert.Equal(AllVersions, result.Applied);
        Assert.Empty(result.AlreadyApplied);
        var tables = await _db.ColumnAsync(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1");
        Assert.Equal(
            [
                "auth_tokens", "call_records", "data_protection_keys", "hotline_events", "idempotent_requests", "integration_keys",
                "knowledge_articles", "knowledge_attachments", "knowledge_categories", "knowledge_feedback", "knowledge_history",
                "knowledge_search", "knowledge_synonyms", "knowledge_versions", "open311_requests", "orleansmembershiptable",
                "orleansmembershipversiontable", "orleansquery", "orleansreminderstable", "orleansstorage", "recordings",
                "report_evaluation_weights", "report_hot_topic_settings", "return_visit_results", "schema_migrations",
                "sign_in_throttle", "survey_campaigns", "survey_contacts", "survey_do_not_call", "survey_draw_members", "survey_draws",
                "survey_frame_units", "survey_frames", "survey_import_issues", "survey_import_rows", "survey_imports",
                "survey_interviews", "survey_questionnaire_versions", "survey_questionnaires", "ticket_history", "tickets", "users",
                "voicemail_handling",
            ],
            tables);
        Assert.Equal(OrleansQueryKeys.All.Order(StringComparer.Ordinal), await _db.ColumnAsync("SELECT QueryKey FROM OrleansQuery ORDER BY QueryKey COLLATE \"C\""));
        var history = await _db.ColumnAsync("SELECT format('%s %s %s', version, name, checksum) FROM schema_migrations ORDER BY version");
        Assert.Equal(Migration.LoadEmbedded().Select(m => $"{m.Version} {m.Name} {m.Checksum}"), history);
    }

    [Fact]
    public async Task Running_the_migrator_again_applies_nothing()
    {
        await Migrator().MigrateAsync();

        var second = await Migrator().MigrateAsync();

        Assert.Empty(second.Applied);
        Assert.Equal(AllVersions, second.AlreadyApplied);
        Assert.Equal(AllVersions.Count, (int)await _db.ScalarAsync<long>("SELECT count(*) FROM schema_migrations"));
    }

    [Fact]
    public async Task Silos_starting_together_apply_each_migration_exactly_once()
    {
        const int starters = 6;
        using var start = new Barrier(starters);
        var runs = Enumerable.Range(0, starters)
            .Select(_ => Task.Run(async () =>
            {
                start.SignalAndWait(TimeSpan.FromSeconds(30));
                return await Migrator().MigrateAsync();
            }))
            .ToArray();

        var results = await Task.WhenAll(runs);

        // The lock spans the whole run: one starter applies everything, the others find it done.
        Assert.Single(results, r => r.Applied.SequenceEqual(AllVersions));
        Assert.Equal(starters - 1, results.Count(r => r.Applied.Count == 0 && r.AlreadyApplied.SequenceEqual(AllVersions)));
        Assert.Equal(AllVersions.Count, (int)await _db.ScalarAsync<long>("SELECT count(*) FROM schema_migrations"));
        Assert.Equal(OrleansQueryKeys.All.Count, (int)await _db.ScalarAsync<long>("SELECT count(*) FROM OrleansQuery"));
    }

    [Fact]
    public async Task A_migration_edited_after_it_was_applied_is_refused_naming_its_version()
    {
        await Migrator().MigrateAsync();
        var embedded = Migration.LoadEmbedded();
        var edited = embedded.Select(m => m.Version == 1 ? Migration.Create(1, m.Name, m.Sql + "\n-- an afterthought\n") : m).ToList();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => new SchemaMigrator(_db.ConnectionString, NullLogger<SchemaMigrator>.Instance) { Migrations = edited }.MigrateAsync());

        Assert.StartsWith("migration 0001 was changed after it was applied", error.Message);
    }

    [Fact]
    public async Task A_changed_checksum_blocks_later_migrations_too()
    {
        await Migrator().MigrateAsync();
        await using (var connection = await _db.OpenAsync())
        await using (var tamper = new NpgsqlCommand("UPDATE schema_migrations SET checksum = 'feed' WHERE version = 2", connection))
        {
            await tamper.ExecuteNonQueryAsync();
        }

        var withThird = Migration.LoadEmbedded().Append(Migration.Create(3, "later", "CREATE TABLE later_table (id int);")).ToList();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => new SchemaMigrator(_db.ConnectionString, NullLogger<SchemaMigrator>.Instance) { Migrations = withThird }.MigrateAsync());

        Assert.Contains("migration 0002 was changed after it was applied", error.Message);
        Assert.Equal(0L, await _db.ScalarAsync<long>("SELECT count(*) FROM pg_tables WHERE tablename = 'later_table'"));
    }

    [Fact]
    public async Task A_failing_migration_is_rolled_back_with_its_record_and_named_in_the_error()
    {
        var withBroken = Migration.LoadEmbedded()
            .Append(Migration.Create(3, "broken", "CREATE TABLE half_done (id int);\n\nSELECT no_such_column\nFROM half_done;\n"))
            .ToList();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => new SchemaMigrator(_db.ConnectionString, NullLogger<SchemaMigrator>.Instance) { Migrations = withBroken }.MigrateAsync());

        Assert.Equal("migration 0003_broken failed and was rolled back: 42703: column \"no_such_column\" does not exist", error.Message);
        Assert.Equal(AllVersions, (await _db.ColumnAsync("SELECT version::text FROM schema_migrations ORDER BY schema_migrations.version")).Select(int.Parse));
        Assert.Equal(0L, await _db.ScalarAsync<long>("SELECT count(*) FROM pg_tables WHERE tablename = 'half_done'"));
    }

    [Fact]
    public async Task An_unreachable_server_fails_with_one_line_naming_host_port_and_database_but_not_the_password()
    {
        var port = UnusedPort();
        var connectionString = $"Host=127.0.0.1;Port={port};Database=hotline;Username=hotline;Password=s3cret-pw;Timeout=5";

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Migrator(connectionString).MigrateAsync());

        Assert.StartsWith($"cannot reach PostgreSQL at 127.0.0.1:{port}/hotline: ", error.Message);
        Assert.DoesNotContain("s3cret-pw", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.IsAssignableFrom<NpgsqlException>(error.InnerException);
    }

    [Fact]
    public async Task A_wrong_password_is_reported_as_unreachable_without_echoing_it()
    {
        var wrong = new NpgsqlConnectionStringBuilder(_db.ConnectionString) { Password = "not-the-password-42" };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Migrator(wrong.ConnectionString).MigrateAsync());

        Assert.StartsWith($"cannot reach PostgreSQL at {wrong.Host}:{wrong.Port}/{_db.Name}: 28P01: ", error.Message);
        Assert.DoesNotContain("not-the-password-42", error.Message);
    }

    [Fact]
    public async Task EnsureDatabase_creates_a_missing_database_once()
    {
        var name = _db.Name + "_ensured";
        var target = new NpgsqlConnectionStringBuilder(_db.ConnectionString) { Database = name, Pooling = false }.ConnectionString;
        try
        {
            Assert.True(await SchemaMigrator.EnsureDatabaseAsync(target));
            Assert.False(await SchemaMigrator.EnsureDatabaseAsync(target));

            var result = await Migrator(target).MigrateAsync();
            Assert.Equal(AllVersions, result.Applied);
        }
        finally
        {
            await using var connection = await _db.OpenAsync();
            await TestDatabase.DropAsync(connection, name);
        }
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
