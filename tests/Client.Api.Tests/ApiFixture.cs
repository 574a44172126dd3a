extern alias silo;

using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Hotline.Api.Demo;
using Hotline.Api.EventStream;
using Hotline.Calls;
using Hotline.Common;
using Hotline.Events;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;
using Orleans.TestingHost;
using Hotline.Tickets;
using CallRecordStorage = silo::Hotline.Silo.Storage.CallRecordStorage;
using SchemaMigrator = silo::Hotline.Silo.Schema.SchemaMigrator;
using TicketRecordStorage = silo::Hotline.Silo.Storage.TicketRecordStorage;
using TicketDeadlineIndex = silo::Hotline.Silo.Storage.TicketDeadlineIndex;

namespace Hotline.Tests;

/// <summary>
/// One API host per test class: a fresh PostgreSQL database migrated with the silo's real migrations, an
/// in-process Orleans cluster running the real grains, and the API in External mode using that cluster's client.
/// </summary>
public sealed class ApiFixture : IAsyncLifetime
{
    public const string DemoPassword = "demo-password-for-tests";

    private InProcessTestCluster? _cluster;
    private NpgsqlDataSource? _readModel;
    private string? _serverConnectionString;
    private string? _database;

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;
    public string ConnectionString { get; private set; } = "";
    public IClusterClient Cluster => _cluster!.Client;
    /// <summary>The survey campaigns' dialler: a test says which interviewers are free and how each call went.</summary>
    public Hotline.Tests.Surveys.FakeCampaignDialer CampaignDialer { get; } = new();

    public async Task InitializeAsync()
    {
        _serverConnectionString = Environment.GetEnvironmentVariable("HOTLINE_TEST_DB");
        if (string.IsNullOrWhiteSpace(_serverConnectionString))
            throw new InvalidOperationException(
                "HOTLINE_TEST_DB is not set: it must hold a PostgreSQL connection string whose role may CREATE DATABASE, e.g. " +
                "source scripts/pg.sh; pg_start /tmp/hotline-pgtest 55433; " +
                "export HOTLINE_TEST_DB='Host=127.0.0.1;Port=55433;Database=postgres;Username=hotline;Password=hotline'");

        _database = $"capi_{Guid.NewGuid():N}"[..20];
        await using (var server = NpgsqlDataSource.Create(_serverConnectionString))
        await using (var create = server.CreateCommand($"CREATE DATABASE \"{_database}\""))
            await create.ExecuteNonQueryAsync();
        ConnectionString = new NpgsqlConnectionStringBuilder(_serverConnectionString) { Database = _database }.ConnectionString;
        await new SchemaMigrator(ConnectionString, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
        _readModel = NpgsqlDataSource.Create(ConnectionString);

        var readModel = _readModel;
        var campaignDialer = CampaignDialer;
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryStreams(EventTopics.StreamProvider);
            silo.AddMemoryGrainStorage("PubSubStore");
            silo.AddMemoryGrainStorageAsDefault();
            silo.AddMemoryGrainStorage("hotline");
            silo.Services.AddGrainStorage(CallRecordStorage.Name, (_, _) => new CallRecordStorage(readModel));
            silo.Services.AddGrainStorage(TicketRecordStorage.Name, (_, _) => new TicketRecordStorage(readModel));
            silo.Services.AddOptions<TicketOptions>();
            silo.Services.AddOptions<TimeLimitPolicy>();
            silo.Services.AddSingleton<ITicketDeadlines>(new TicketDeadlineIndex(readModel));
            silo.Services.AddSingleton<TicketReferenceData>();
            silo.UseInMemoryReminderService();
            silo.Services.AddHotlineGrains();
            silo.Services.AddSingleton<Hotline.Surveys.ICampaignDialer>(campaignDialer);
            silo.Services.AddOptions<HotlineGrainOptions>().Configure(o => o.SimulatedTrunkEnabled = true);
        });
        builder.ConfigureClient(client => client.AddMemoryStreams(EventTopics.StreamProvider));
        _cluster = builder.Build();
        await _cluster.DeployAsync();

        Factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Testing");
            web.UseSetting("Hotline:Orleans:Mode", "External");
            web.UseSetting("Hotline:Events:Transport", "Streams"); // the in-process silo publishes on the memory stream
            web.UseSetting("ConnectionStrings:Hotline", ConnectionString);
            web.UseSetting("Hotline:SimulatedTrunk:Enabled", "true");
            web.UseSetting("Hotline:Demo:Seed", "true");
            web.UseSetting("HOTLINE_DEMO_PASSWORD", DemoPassword);
            web.UseSetting("Hotline:Orleans:ConnectRetryDelay", "00:00:00.200");
            web.UseSetting("Hotline:Events:KeepAliveInterval", "00:00:01");
            // Every test class shares one client address; the rate-limit test builds its own host with a tiny limit.
            web.UseSetting("Hotline:Public:RateLimit:PermitLimit", "10000");
            web.UseSetting("Hotline:Auth:SignInRateLimit:PermitLimit", "10000");
            web.ConfigureTestServices(services => services.AddSingleton<IClusterClient>(_cluster.Client));
        });

        var services = Factory.Services;
        await services.GetRequiredService<DemoSeeder>().Completed.WaitAsync(TimeSpan.FromSeconds(60));
        await services.GetRequiredService<EventStreamSubscriber>().Subscribed.WaitAsync(TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync()
    {
        if (Factory is not null) await Factory.DisposeAsync();
        if (_cluster is not null) await _cluster.DisposeAsync();
        if (_readModel is not null) await _readModel.DisposeAsync();
        if (_database is not null && _serverConnectionString is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var server = NpgsqlDataSource.Create(_serverConnectionString);
            // An autovacuum worker in the database makes FORCE fail for a non-superuser (42501) for a moment: retry.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await using var drop = server.CreateCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)");
                    await drop.ExecuteNonQueryAsync();
                    break;
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < 50)
                {
                    await Task.Delay(100);
                }
            }
        }
    }

    /// <summary>A client without a token.</summary>
    public HttpClient Anonymous() => Factory.CreateClient();

    /// <summary>
    /// Another API host on the same cluster and database with extra settings (e.g. a tiny public rate limit),
    /// ready when its demo seeding is done. Disposed with the fixture's factory.
    /// </summary>
    public async Task<WebApplicationFactory<Program>> HostWithAsync(params (string Key, string Value)[] settings)
    {
        var factory = Factory.WithWebHostBuilder(web =>
        {
            foreach (var (key, value) in settings) web.UseSetting(key, value);
        });
        await factory.Services.GetRequiredService<DemoSeeder>().Completed.WaitAsync(TimeSpan.FromSeconds(60));
        return factory;
    }

    /// <summary>A client signed in as <paramref name="jobNo"/> with the demo password.</summary>
    public async Task<HttpClient> SignedInAsync(string jobNo)
    {
        var client = Factory.CreateClient();
        var response = await client.PostAsJsonAsync("/api/auth/login", new { jobNumber = jobNo, password = DemoPassword });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, $"sign-in of {jobNo} failed: {(int)response.StatusCode} {body}");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body.GetProperty("token").GetString());
        return client;
    }
}
