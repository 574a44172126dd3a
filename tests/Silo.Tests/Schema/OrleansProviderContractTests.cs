using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using Hotline.Silo.Schema;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Runtime.Membership;
using Orleans.Runtime.MembershipService;
using Orleans.Serialization.Activators;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Hotline.Tests.Schema;

/// <summary>
/// Drives the Orleans 10.4.2 ADO.NET provider classes themselves (membership table, gateway list, grain
/// storage, reminder table) against a database built by the migrations: the proof that query keys, parameter
/// names, result columns and etag semantics match what the packages expect.
/// </summary>
public sealed class OrleansProviderContractTests : IAsyncLifetime
{
    private const string Invariant = "Npgsql";
    private const string ClusterId = "hotline-contract";
    private const string ServiceId = "hotline";

    private static readonly DateTime T0 = new(2025, 3, 1, 8, 30, 15, 123, DateTimeKind.Utc);

    private readonly IOptions<ClusterOptions> _cluster = Options.Create(new ClusterOptions { ClusterId = ClusterId, ServiceId = ServiceId });
    private TestDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        await new SchemaMigrator(_db.ConnectionString, NullLogger<SchemaMigrator>.Instance).MigrateAsync();
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public void Migration_provides_exactly_the_query_keys_the_provider_assemblies_ask_for()
    {
        // Required keys are the DbStoredQueries properties of each package (checked at provider start-up) ...
        Assert.Equal(OrleansQueryKeys.Clustering.Order(StringComparer.Ordinal), StoredQueryProperties(typeof(AdoNetClusteringTable)));
        Assert.Equal(OrleansQueryKeys.Reminders.Order(StringComparer.Ordinal), StoredQueryProperties(typeof(AdoNetReminderTableOptions)));
        // ... and grain storage's start-up query names its keys.
        var storageKeys = Regex.Matches(AdoNetGrainStorage.DefaultInitializationQuery, @"'(\w+Key)'").Select(m => m.Groups[1].Value);
        Assert.Equal(
            OrleansQueryKeys.Persistence.Concat(OrleansQueryKeys.PersistenceOptional).Order(StringComparer.Ordinal),
            storageKeys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Membership_table_inserts_reads_updates_and_rejects_stale_versions()
    {
        var table = await StartMembershipTableAsync();
        var initial = await table.ReadAllAsync();
        Assert.Empty(initial.Members);
        Assert.Equal(0, initial.Version.Version);

        var silo = Silo(11111, 1);
        var entry = Entry(silo, SiloStatus.Joining, proxyPort: 30000);
        Assert.True(await table.InsertRowAsync(entry, initial.Version.Next()));
        Assert.False(await table.InsertRowAsync(entry, initial.Version.Next()));

        var afterInsert = await table.ReadAllAsync();
        Assert.Equal(1, afterInsert.Version.Version);
        // A duplicate insert with the current version must fail without bumping it.
        Assert.False(await table.InsertRowAsync(entry, afterInsert.Version.Next()));
        Assert.Equal(1, (await table.ReadAllAsync()).Version.Version);

        var (read, etag) = Assert.Single((await table.ReadRowAsync(silo)).Members);
        Assert.Equal("1", etag);
        AssertSameEntry(entry, read);

        var suspecter = Silo(11112, 2);
        entry.Status = SiloStatus.Active;
        entry.SuspectTimes = [Tuple.Create(suspecter, T0.AddSeconds(30))];
        entry.IAmAliveTime = T0.AddSeconds(30);
        Assert.True(await table.UpdateRowAsync(entry, etag, afterInsert.Version.Next()));
        Assert.False(await table.UpdateRowAsync(entry, etag, afterInsert.Version.Next()));

        await table.UpdateIAmAliveAsync(new MembershipEntry { SiloAddress = silo, IAmAliveTime = T0.AddSeconds(45) });
        var afterUpdate = await table.ReadAllAsync();
        Assert.Equal(2, afterUpdate.Version.Version);
        var (updated, _) = Assert.Single(afterUpdate.Members);
        Assert.Equal(SiloStatus.Active, updated.Status);
        Assert.Equal(T0.AddSeconds(45), updated.IAmAliveTime);
        Assert.NotNull(updated.SuspectTimes);
        var vote = Assert.Single(updated.SuspectTimes);
        Assert.Equal(suspecter, vote.Item1);
        Assert.Equal(T0.AddSeconds(30), vote.Item2);

        // A row the silo did not insert cannot be updated, and the failed update leaves the version alone.
        Assert.False(await table.UpdateRowAsync(Entry(Silo(11113, 3), SiloStatus.Active), "2", afterUpdate.Version.Next()));
        Assert.Equal(2, (await table.ReadAllAsync()).Version.Version);

        var missing = await table.ReadRowAsync(Silo(19999, 9));
        Assert.Empty(missing.Members);
        Assert.Equal(2, missing.Version.Version);
    }

    [Fact]
    public async Task Gateway_list_shows_active_silos_with_a_gateway_port()
    {
        var table = await StartMembershipTableAsync();
        await InsertAsync(table, Entry(Silo(11111, 1), SiloStatus.Active, proxyPort: 30000));
        await InsertAsync(table, Entry(Silo(11112, 2), SiloStatus.Active, proxyPort: 0));
        await InsertAsync(table, Entry(Silo(11113, 3), SiloStatus.Joining, proxyPort: 30003));

        var provider = new AdoNetGatewayListProvider(
            NullLogger<AdoNetGatewayListProvider>.Instance,
            new ServiceCollection().BuildServiceProvider(),
            Options.Create(new AdoNetClusteringClientOptions { Invariant = Invariant, ConnectionString = _db.ConnectionString }),
            Options.Create(new GatewayOptions()),
            _cluster);
        await provider.InitializeGatewayListProviderAsync();

        var uri = Assert.Single(await provider.GetGatewaysAsync());
        Assert.Equal(SiloAddress.New(IPAddress.Loopback, 30000, 1).ToGatewayUri(), uri);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Defunct_silo_cleanup_removes_only_long_dead_silos(bool withCapturedRowQuery)
    {
        if (!withCapturedRowQuery)
        {
            // Without the optional key the provider falls back to the set-based CleanupDefunctSiloEntriesKey.
            await ExecuteAsync("DELETE FROM OrleansQuery WHERE QueryKey = 'CleanupDefunctSiloEntryKey'");
        }

        var table = await StartMembershipTableAsync();
        var active = Entry(Silo(11111, 1), SiloStatus.Active);
        var longDead = Entry(Silo(11112, 2), SiloStatus.Dead);
        var longDeadWithVotes = Entry(Silo(11113, 3), SiloStatus.Dead);
        var recentlyDead = Entry(Silo(11114, 4), SiloStatus.Dead);
        recentlyDead.IAmAliveTime = T0.AddDays(2);
        foreach (var entry in new[] { active, longDead, longDeadWithVotes, recentlyDead })
        {
            await InsertAsync(table, entry);
        }

        longDeadWithVotes.SuspectTimes = [Tuple.Create(active.SiloAddress, T0.AddSeconds(10)), Tuple.Create(recentlyDead.SiloAddress, T0.AddSeconds(11))];
        var (_, etag) = Assert.Single((await table.ReadRowAsync(longDeadWithVotes.SiloAddress)).Members);
        Assert.True(await table.UpdateRowAsync(longDeadWithVotes, etag, (await table.ReadAllAsync()).Version.Next()));

        await table.CleanupDefunctSiloEntriesAsync(new DateTimeOffset(T0.AddDays(1)));

        var left = (await table.ReadAllAsync()).Members.Select(m => m.Item1.SiloAddress).ToHashSet();
        var expected = new HashSet<SiloAddress> { active.SiloAddress, recentlyDead.SiloAddress };
        if (!withCapturedRowQuery)
        {
            // The set-based query cannot read the votes' times, so it leaves voted-on rows alone.
            expected.Add(longDeadWithVotes.SiloAddress);
        }

        Assert.Equal(expected, left);
    }

    [Fact]
    public async Task Deleting_the_cluster_removes_its_rows_and_version()
    {
        var table = await StartMembershipTableAsync();
        await InsertAsync(table, Entry(Silo(11111, 1), SiloStatus.Active));

        await table.DeleteMembershipTableEntriesAsync(ClusterId);

        Assert.Equal(0L, await _db.ScalarAsync<long>("SELECT count(*) FROM OrleansMembershipTable"));
        Assert.Equal(0L, await _db.ScalarAsync<long>("SELECT count(*) FROM OrleansMembershipVersionTable"));
    }

    public static TheoryData<string> GrainIds => new()
    {
        "string",
        "integer-with-extension",
        "guid",
    };

    [Theory]
    [MemberData(nameof(GrainIds))]
    public async Task Grain_storage_writes_reads_and_clears_with_etags(string keyKind)
    {
        var storage = await StartGrainStorageAsync(deleteStateOnClear: false);
        var grainId = CreateGrainId(keyKind);
        const string grainType = "Hotline.Grains.Calls.CallGrain";

        var state = new GrainState<CallState>();
        await storage.ReadStateAsync(grainType, grainId, state);
        Assert.Null(state.ETag);
        Assert.False(state.RecordExists);

        state.State = new CallState { Status = "queued", Attempts = 1 };
        await storage.WriteStateAsync(grainType, grainId, state);
        Assert.Equal("1", state.ETag);
        Assert.True(state.RecordExists);

        // A second activation that never read the state cannot create it again.
        var rival = new GrainState<CallState>(new CallState { Status = "rival" });
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(grainType, grainId, rival));

        var reread = new GrainState<CallState>();
        await storage.ReadStateAsync(grainType, grainId, reread);
        Assert.Equal("1", reread.ETag);
        Assert.True(reread.RecordExists);
        Assert.Equal("queued", reread.State?.Status);

        state.State = new CallState { Status = "answered", Attempts = 1 };
        await storage.WriteStateAsync(grainType, grainId, state);
        Assert.Equal("2", state.ETag);
        reread.State = new CallState { Status = "stale" };
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(grainType, grainId, reread));

        await storage.ClearStateAsync(grainType, grainId, state);
        Assert.Equal("3", state.ETag);
        Assert.False(state.RecordExists);
        var cleared = new GrainState<CallState>();
        await storage.ReadStateAsync(grainType, grainId, cleared);
        Assert.Equal("3", cleared.ETag);
        Assert.False(cleared.RecordExists);
        Assert.NotNull(cleared.State);
        Assert.Null(cleared.State.Status);

        state.State = new CallState { Status = "reopened", Attempts = 2 };
        await storage.WriteStateAsync(grainType, grainId, state);
        Assert.Equal("4", state.ETag);

        // Another grain type with the same key is a different row.
        var other = new GrainState<CallState>();
        await storage.ReadStateAsync("Hotline.Grains.Queues.QueueGrain", grainId, other);
        Assert.Null(other.ETag);
        Assert.Equal(1L, await _db.ScalarAsync<long>("SELECT count(*) FROM OrleansStorage"));
    }

    [Fact]
    public async Task Grain_storage_with_delete_on_clear_removes_the_row()
    {
        var storage = await StartGrainStorageAsync(deleteStateOnClear: true);
        var grainId = GrainId.Create("call", "C-0002");
        const string grainType = "Hotline.Grains.Calls.CallGrain";
        var state = new GrainState<CallState>(new CallState { Status = "ended" });
        await storage.WriteStateAsync(grainType, grainId, state);

        var stale = new GrainState<CallState> { ETag = "7", RecordExists = true };
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(grainType, grainId, stale));

        await storage.ClearStateAsync(grainType, grainId, state);
        Assert.Null(state.ETag);
        Assert.Equal(0L, await _db.ScalarAsync<long>("SELECT count(*) FROM OrleansStorage"));

        await storage.WriteStateAsync(grainType, grainId, state);
        Assert.Equal("1", state.ETag);
    }

    [Fact]
    public async Task Reminder_table_upserts_reads_ranges_and_deletes_with_etags()
    {
        await using var services = ReminderServices(ServiceId);
        var table = services.GetRequiredService<IReminderTable>();
        await table.StartAsync();

        var grain = GrainId.Create("call", "C-0003");
        var reminder = new ReminderEntry { GrainId = grain, ReminderName = "wrap-up", StartAt = T0, Period = TimeSpan.FromMinutes(1) };
        Assert.Equal("0", await table.UpsertRow(reminder));
        reminder.Period = TimeSpan.FromDays(30); // more milliseconds than an int holds
        Assert.Equal("1", await table.UpsertRow(reminder));

        var read = await table.ReadRow(grain, "wrap-up");
        Assert.NotNull(read);
        Assert.Equal(grain, read.GrainId);
        Assert.Equal(T0, read.StartAt);
        Assert.Equal(TimeSpan.FromDays(30), read.Period);
        Assert.Equal("1", read.ETag);
        Assert.Null(await table.ReadRow(grain, "no-such-reminder"));

        var second = new ReminderEntry { GrainId = grain, ReminderName = "callback", StartAt = T0.AddHours(1), Period = TimeSpan.FromHours(1) };
        Assert.Equal("0", await table.UpsertRow(second));
        Assert.Equal(["callback", "wrap-up"], (await table.ReadRows(grain)).Reminders.Select(r => r.ReminderName).Order());

        Assert.False(await table.RemoveRow(grain, "wrap-up", "0"));
        Assert.True(await table.RemoveRow(grain, "wrap-up", "1"));
        Assert.Null(await table.ReadRow(grain, "wrap-up"));
    }

    [Fact]
    public async Task Reminder_ranges_follow_the_ring_including_ranges_that_wrap()
    {
        await using var services = ReminderServices(ServiceId);
        var table = services.GetRequiredService<IReminderTable>();
        await table.StartAsync();
        var grains = Enumerable.Range(0, 40).Select(i => GrainId.Create("call", $"C-{i:D4}")).ToList();
        foreach (var grain in grains)
        {
            await table.UpsertRow(new ReminderEntry { GrainId = grain, ReminderName = "tick", StartAt = T0, Period = TimeSpan.FromMinutes(5) });
        }

        var hashes = grains.Select(g => g.GetUniformHashCode()).Order().ToList();
        var median = hashes[hashes.Count / 2];
        (uint Begin, uint End)[] ranges =
        [
            (0, uint.MaxValue),
            (median, uint.MaxValue),
            (0x4000_0000, 0xC000_0000), // crosses int.MaxValue: non-wrapping as uint, wrapping as int
            (0xC000_0000, 0x4000_0000), // wraps through zero
            (median, median - 1),
            (hashes[3], hashes[7]),
        ];
        foreach (var (begin, end) in ranges)
        {
            var expected = grains.Where(g => InRange(g.GetUniformHashCode(), begin, end)).Order().ToList();
            var actual = (await table.ReadRows(begin, end)).Reminders.Select(r => r.GrainId).Order().ToList();
            Assert.True(expected.SequenceEqual(actual), $"range ({begin:X8}, {end:X8}]: expected {expected.Count} reminders, got {actual.Count}");
        }
    }

    [Fact]
    public async Task Clearing_reminders_touches_only_the_own_service()
    {
        await using var ours = ReminderServices(ServiceId);
        await using var theirs = ReminderServices("another-service");
        var ourTable = ours.GetRequiredService<IReminderTable>();
        var theirTable = theirs.GetRequiredService<IReminderTable>();
        await ourTable.StartAsync();
        await theirTable.StartAsync();
        var grain = GrainId.Create("call", "C-0004");
        await ourTable.UpsertRow(new ReminderEntry { GrainId = grain, ReminderName = "r", StartAt = T0, Period = TimeSpan.FromMinutes(1) });
        await theirTable.UpsertRow(new ReminderEntry { GrainId = grain, ReminderName = "r", StartAt = T0, Period = TimeSpan.FromMinutes(1) });

        await ourTable.TestOnlyClearTable();

        Assert.Null(await ourTable.ReadRow(grain, "r"));
        Assert.NotNull(await theirTable.ReadRow(grain, "r"));
    }

    // (begin, end] on the uint ring, the reminder service's definition of a range.
    private static bool InRange(uint hash, uint begin, uint end) =>
        begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;

    private static SiloAddress Silo(int port, int generation) => SiloAddress.New(IPAddress.Loopback, port, generation);

    private static MembershipEntry Entry(SiloAddress silo, SiloStatus status, int proxyPort = 0) => new()
    {
        SiloAddress = silo,
        SiloName = $"silo-{silo.Endpoint.Port}",
        HostName = "hotline-host",
        Status = status,
        ProxyPort = proxyPort,
        StartTime = T0,
        IAmAliveTime = T0.AddSeconds(5),
    };

    private static void AssertSameEntry(MembershipEntry expected, MembershipEntry actual)
    {
        Assert.Equal(expected.SiloAddress, actual.SiloAddress);
        Assert.Equal(expected.SiloName, actual.SiloName);
        Assert.Equal(expected.HostName, actual.HostName);
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.ProxyPort, actual.ProxyPort);
        Assert.Equal(expected.StartTime, actual.StartTime);
        Assert.Equal(expected.IAmAliveTime, actual.IAmAliveTime);
    }

    private static GrainId CreateGrainId(string keyKind) => keyKind switch
    {
        "string" => GrainId.Create("call", "C-20250301-0001"),
        "integer-with-extension" => GrainId.Create(GrainType.Create("queue"), GrainIdKeyExtensions.CreateIntegerKey(12345, "hotline")),
        "guid" => GrainId.Create(GrainType.Create("ticket"), GrainIdKeyExtensions.CreateGuidKey(new Guid("6f1c1c5e-8b0a-4f43-9a53-0e0c7a1d2b3c"))),
        _ => throw new ArgumentOutOfRangeException(nameof(keyKind), keyKind, null),
    };

    private static IEnumerable<string> StoredQueryProperties(Type providerType)
    {
        var storedQueries = providerType.Assembly.GetTypes().Single(t => t.Name == "DbStoredQueries");
        return storedQueries.GetProperties(BindingFlags.Instance | BindingFlags.NonPublic)
            .Where(p => p.PropertyType == typeof(string))
            .Select(p => p.Name)
            .Order(StringComparer.Ordinal);
    }

    private async Task<AdoNetClusteringTable> StartMembershipTableAsync()
    {
        var table = new AdoNetClusteringTable(
            new ServiceCollection().BuildServiceProvider(),
            _cluster,
            Options.Create(new AdoNetClusteringSiloOptions { Invariant = Invariant, ConnectionString = _db.ConnectionString }),
            NullLogger<AdoNetClusteringTable>.Instance);
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);
        return table;
    }

    // The etag a membership write presents is the table version last read, so every write reads first.
    private static async Task InsertAsync(AdoNetClusteringTable table, MembershipEntry entry) =>
        Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));

    private async Task<AdoNetGrainStorage> StartGrainStorageAsync(bool deleteStateOnClear)
    {
        var options = new AdoNetGrainStorageOptions
        {
            Invariant = Invariant,
            ConnectionString = _db.ConnectionString,
            GrainStorageSerializer = new JsonStorageSerializer(),
            DeleteStateOnClear = deleteStateOnClear,
        };
        var storage = new AdoNetGrainStorage(new NewInstanceActivators(), NullLogger<AdoNetGrainStorage>.Instance, Options.Create(options), _cluster, "Default");
        var lifecycle = new StartOnlyLifecycle();
        storage.Participate(lifecycle);
        await lifecycle.StartAsync();
        return storage;
    }

    private ServiceProvider ReminderServices(string serviceId)
    {
        var services = new ServiceCollection();
        services.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = ClusterId;
            o.ServiceId = serviceId;
        });
        services.UseAdoNetReminderService(builder => builder.Configure(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = _db.ConnectionString;
        }));
        return services.BuildServiceProvider();
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await _db.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public sealed class CallState
    {
        public string? Status { get; set; }

        public int Attempts { get; set; }
    }

    private sealed class JsonStorageSerializer : IGrainStorageSerializer
    {
        public BinaryData Serialize<T>(T? input) => BinaryData.FromObjectAsJson(input);

        public T? Deserialize<T>(BinaryData input) => input.ToObjectFromJson<T>();
    }

    private sealed class NewInstanceActivators : IActivatorProvider
    {
        public IActivator<T> GetActivator<T>() => new NewInstance<T>();

        private sealed class NewInstance<T> : IActivator<T>
        {
            public T Create() => Activator.CreateInstance<T>();
        }
    }

    /// <summary>Runs the start-up callbacks a provider subscribes, as the silo would.</summary>
    private sealed class StartOnlyLifecycle : ISiloLifecycle
    {
        private readonly List<(int Stage, ILifecycleObserver Observer)> _observers = [];

        public int HighestCompletedStage { get; private set; }

        public int LowestStoppedStage => int.MaxValue;

        public IDisposable Subscribe(string observerName, int stage, ILifecycleObserver observer)
        {
            _observers.Add((stage, observer));
            return new NoSubscription();
        }

        public async Task StartAsync()
        {
            foreach (var (stage, observer) in _observers.OrderBy(o => o.Stage))
            {
                await observer.OnStart(CancellationToken.None);
                HighestCompletedStage = stage;
            }
        }

        private sealed class NoSubscription : IDisposable
        {
            public void Dispose()
            {
            }
        }
    }
}
