namespace Hotline.Tests.Telephony;

/// <summary>
/// One hotline for the telephony tests, as ./run.sh starts it: a silo with its SIP edge on a free port, Client.Api
/// with the demo data (queues, categories, the default IVR), on a fresh database; recordings in a scratch folder.
/// </summary>
public sealed class TelephonyFixture : IAsyncLifetime
{
    private TestDatabase? _db;
    private HotlineProcess? _silo;
    private HotlineProcess? _api;
    private ClusterClient? _client;

    public TestDatabase Db => _db!;
    public IClusterClient Grains => _client!.Client;
    public HotlineProcess Silo => _silo!;
    public int SipPort { get; private set; }
    public const string DemoPassword = "sip-tests-pw-1";
    public string SipTarget => $"127.0.0.1:{SipPort}";
    /// <summary>Where the edge's outbound gateway points: an outside phone in a test listens on this port.</summary>
    public int GatewayPort { get; private set; }
    public string Recordings { get; } = Directory.CreateTempSubdirectory("hotline-recordings-").FullName;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync("sip");
        SipPort = HotlineProcess.FreePort();
        GatewayPort = HotlineProcess.FreePort();
        _silo = HotlineProcess.StartSilo(_db.ConnectionString, HotlineProcess.FreePort(), HotlineProcess.FreePort(), HotlineProcess.FreePort(),
            $"--Hotline:Telephony:SipPort={SipPort}",
            // Outside numbers (citizens called back, departments' liaison lines) are dialled here; a test's outside phone listens on it.
            $"--Hotline:Telephony:OutboundGateway=127.0.0.1:{GatewayPort}",
            "--Hotline:Telephony:DialTimeoutSeconds=15",
            $"--Hotline:Telephony:RecordingsPath={Recordings}",
            "--Hotline:Grains:HeartbeatSeconds=10",
            // Agents answer round the clock here, so "1 for an agent" does not depend on when the suite runs.
            "--Hotline:Ivr:ServiceHours:0=00:00-24:00", "--Hotline:Ivr:ServiceOnDaysOff=true");
        await _silo.WaitReadyAsync();
        // The API reads the demo password only from its environment, which it inherits from this process.
        Environment.SetEnvironmentVariable("HOTLINE_DEMO_PASSWORD", DemoPassword);
        _api = HotlineProcess.StartApi(_db.ConnectionString, HotlineProcess.FreePort(),
            "--Hotline:Demo:Seed=true", $"--Hotline:RecordingsPath={Recordings}");
        await _api.WaitReadyAsync();
        _client = await ClusterClient.ConnectAsync(_db.ConnectionString);
    }

    public HotlineProcess Api => _api!;

    /// <summary>The silo's warnings, errors and call lines (not its start-up settings), for the message of a failed test.</summary>
    public string SiloLogTail(int lines = 80)
    {
        var all = Silo.Output.Split('\n');
        var kept = new List<string>();
        for (var i = 0; i < all.Length; i++)
        {
            if (!(all[i].StartsWith("warn:", StringComparison.Ordinal) || all[i].StartsWith("fail:", StringComparison.Ordinal)
                || all[i].Contains("Hotline.Edge", StringComparison.Ordinal))) continue;
            kept.Add(all[i]);
            if (i + 1 < all.Length) kept.Add(all[i + 1]);
        }
        return string.Join('\n', kept.TakeLast(lines));
    }

    /// <summary>The live call events, as supervisor 9001 sees them.</summary>
    public Task<EventTap> TapEventsAsync() => EventTap.StartAsync(Api.Url, "9001", DemoPassword);

    /// <summary>The id of the SIP call that arrived first since <paramref name="since"/> (waits for its record).</summary>
    public async Task<string> SipCallSinceAsync(DateTimeOffset since)
    {
        string? callId = null;
        await Eventually.HoldsAsync(async () => (callId = await Db.ScalarAsync<string>(
            "SELECT call_id FROM call_records WHERE channel = 'sip' AND arrived_at >= $1 ORDER BY arrived_at LIMIT 1", since)) is not null,
            "the SIP call is recorded");
        return callId!;
    }

    public async Task DisposeAsync()
    {
        if (_client is not null) await _client.DisposeAsync();
        if (_api is not null) await _api.DisposeAsync();
        if (_silo is not null) await _silo.DisposeAsync();
        if (_db is not null) await _db.DisposeAsync();
        Directory.Delete(Recordings, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class TelephonyCollection : ICollectionFixture<TelephonyFixture>
{
    public const string Name = "telephony";
}
