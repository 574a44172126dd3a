using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Hotline.LoadTest.Cluster;

/// <summary>One silo process the harness started, with the ports that name it in the membership table.</summary>
public sealed record SiloProcess(int Index, int SiloPort, int GatewayPort, string Url, ChildProcess Process, int SipPort)
{
    public bool Killed { get; set; }
    public DateTimeOffset? KilledAt { get; set; }
}

/// <summary>
/// The hotline the harness starts for a run: a private PostgreSQL (scripts/pg.sh, a fresh database), N silos as
/// separate processes on distinct ports (the first applies the schema before the others join) and Client.Api;
/// and the failures it injects (SIGKILL of a silo, a PostgreSQL restart). Disposing stops all of it, also after
/// a failure or Ctrl-C.
/// </summary>
public sealed class LocalHotline : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(120);
    private readonly HarnessOptions _options;
    private readonly Action<string> _say;
    private readonly List<SiloProcess> _silos = [];
    private readonly string _serverConnection;
    private readonly string? _pgDir;
    private bool _databaseCreated;

    private LocalHotline(HarnessOptions options, string logs, Action<string> say, string serverConnection, string? pgDir, string database)
    {
        _options = options;
        _say = say;
        Logs = logs;
        _serverConnection = serverConnection;
        _pgDir = pgDir;
        Database = database;
        ConnectionString = new NpgsqlConnectionStringBuilder(serverConnection) { Database = database }.ConnectionString;
    }

    public string Logs { get; }
    public string Database { get; }
    /// <summary>The cluster's database: membership, grain state, reminders and the read model.</summary>
    public string ConnectionString { get; }
    public IReadOnlyList<SiloProcess> Silos => _silos;
    public ChildProcess? Api { get; private set; }
    public string? ApiUrl { get; private set; }

    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>The configuration this driver was built in (Release from loadtest.sh; a test run's own otherwise), so the hosts match it.</summary>
    public static string Configuration { get; } = AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
    public static string SiloDll => Path.Combine(RepositoryRoot, "Silo", "bin", Configuration, "net10.0", "Hotline.Silo.dll");
    public static string ApiDll => Path.Combine(RepositoryRoot, "Client.Api", "bin", Configuration, "net10.0", "Hotline.Client.Api.dll");

    public static async Task<LocalHotline> StartAsync(HarnessOptions options, string logs, Action<string> say, CancellationToken cancellationToken)
    {
        foreach (var dll in options.Api ? [SiloDll, ApiDll] : new[] { SiloDll })
            if (!File.Exists(dll))
                throw new HarnessException($"{dll} is missing: run ./loadtest.sh (it builds Silo and Client.Api in Release) or build them first.");
        Directory.CreateDirectory(logs);

        string server;
        string? pgDir = null;
        if (options.PgServer is { } given)
        {
            server = given;
        }
        else
        {
            pgDir = Path.Combine(Path.GetTempPath(), $"hotline-loadtest-pg-{options.PgPort}");
            say($"starting PostgreSQL on 127.0.0.1:{options.PgPort} (data in {pgDir})…");
            var (code, output) = await PgScriptAsync("start", pgDir, options.PgPort, logs, cancellationToken);
            if (code != 0)
                throw new HarnessException($"PostgreSQL did not start on port {options.PgPort} (scripts/pg.sh start exit {code}; --pg-port or ${HarnessOptions.PgPortVariable} picks another port): {LastLine(output)}");
            server = $"Host=127.0.0.1;Port={options.PgPort};Database=postgres;Username=hotline;Password=hotline";
        }

        var database = $"loadtest_{DateTime.UtcNow:yyyyMMdd_HHmmss}_{Environment.ProcessId}";
        var hotline = new LocalHotline(options, logs, say, server, pgDir, database);
        try
        {
            await hotline.CreateDatabaseAsync(cancellationToken);
            await hotline.StartSilosAsync(cancellationToken);
            if (options.Api) await hotline.StartApiAsync(cancellationToken);
        }
        catch
        {
            await hotline.DisposeAsync();
            throw;
        }
        return hotline;
    }

    /// <summary>SIGKILL of the silo; the cluster learns of it only from missed probes, as after a power cut.</summary>
    public void KillSilo(SiloProcess silo, DateTimeOffset now)
    {
        silo.Process.Kill();
        silo.Killed = true;
        silo.KilledAt = now;
    }

    /// <summary>
    /// A graceful stop (SIGTERM: the silo leaves the cluster and hands its grains over; SIGKILL only after
    /// <paramref name="stopTimeout"/>), then a new silo process in its place, ready before this returns.
    /// </summary>
    public async Task<(SiloProcess Replacement, TimeSpan Stopped, int ExitCode)> RestartSiloAsync(SiloProcess silo, TimeSpan stopTimeout, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await silo.Process.StopAsync(stopTimeout);
        var stopped = Stopwatch.GetElapsedTime(started);
        silo.Killed = true;
        silo.KilledAt = DateTimeOffset.UtcNow;
        var replacement = StartSilo(silo.Index, generation: _silos.Count(s => s.Index == silo.Index));
        await WaitReadyAsync(replacement, cancellationToken);
        return (replacement, stopped, silo.Process.ExitCode);
    }

    /// <summary>Stops PostgreSQL (fast: open connections are cut), waits, starts it again; returns when it accepts connections.</summary>
    public async Task RestartDatabaseAsync(TimeSpan down, CancellationToken cancellationToken)
    {
        if (_pgDir is null) throw new HarnessException("--restart-db needs the PostgreSQL the harness starts (not --pg-server).");
        var (stopCode, stopOutput) = await PgScriptAsync("stop", _pgDir, _options.PgPort, Logs, cancellationToken);
        if (stopCode != 0) throw new HarnessException($"could not stop PostgreSQL: {LastLine(stopOutput)}");
        await Task.Delay(down, cancellationToken);
        var (startCode, startOutput) = await PgScriptAsync("start", _pgDir, _options.PgPort, Logs, cancellationToken);
        if (startCode != 0) throw new HarnessException($"could not start PostgreSQL again: {LastLine(startOutput)}");
    }

    /// <summary>Runs a query on the cluster's database with a fresh connection.</summary>
    public async Task<T?> ScalarAsync<T>(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? default : (T)Convert.ChangeType(value, typeof(T), CultureInfo.InvariantCulture);
    }

    private async Task CreateDatabaseAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(_serverConnection);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{Database}\"", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
            _databaseCreated = true;
        }
        catch (NpgsqlException e)
        {
            throw new HarnessException($"cannot create database {Database}: {e.Message}");
        }
    }

    private async Task StartSilosAsync(CancellationToken cancellationToken)
    {
        // The first silo applies the schema migrations; the others join once it is up, so none races it.
        _say($"starting silo 1 of {_options.Silos} (schema migrations run first)…");
        await WaitReadyAsync(StartSilo(0), cancellationToken);
        if (_options.Silos > 1)
        {
            _say($"starting silos 2–{_options.Silos}…");
            var rest = Enumerable.Range(1, _options.Silos - 1).Select(i => StartSilo(i)).ToList();
            await Task.WhenAll(rest.Select(s => WaitReadyAsync(s, cancellationToken)));
        }
    }

    private SiloProcess StartSilo(int index) => StartSilo(index, generation: 0);

    /// <summary>A silo process; <paramref name="generation"/> above 0 is a replacement after a restart, with a log of its own.</summary>
    private SiloProcess StartSilo(int index, int generation)
    {
        var (siloPort, gatewayPort, httpPort, sipPort) = (FreePort(), FreePort(), FreePort(), FreePort());
        // Silos on one machine: each edge its own SIP port and its own slice of RTP ports.
        var rtpMin = 20000 + index * 2000;
        var url = $"http://127.0.0.1:{httpPort}";
        string[] args =
        [
            SiloDll,
            "--urls", url,
            $"--ConnectionStrings:Hotline={ConnectionString}",
            $"--Hotline:Silo:SiloPort={siloPort}",
            $"--Hotline:Silo:GatewayPort={gatewayPort}",
            "--Hotline:Silo:DashboardRequiresSignIn=false",
            "--Hotline:Grains:SimulatedTrunkEnabled=true",
            // The harness measures offer delivery on the Orleans stream; the event log (the default) is measured apart.
            "--Hotline:Events:Transport=Streams",
            // The survivors look for calls left on a dead silo every 5 s rather than 30 s, so a drill settles sooner.
            "--Hotline:Silo:LostCallSweepSeconds=5",
            $"--Hotline:Telephony:SipPort={sipPort}",
            $"--Hotline:Telephony:RtpPortMin={rtpMin}",
            $"--Hotline:Telephony:RtpPortMax={rtpMin + 1999}",
            $"--Hotline:Telephony:RecordingsPath={Path.Combine(Logs, "recordings")}",
        ];
        var name = generation == 0 ? $"silo-{index + 1}" : $"silo-{index + 1}-restart-{generation}";
        var process = ChildProcess.Start(name, "dotnet", args, Path.Combine(Logs, $"{name}.log"),
            workingDirectory: RepositoryRoot, environment: Production);
        var silo = new SiloProcess(index, siloPort, gatewayPort, url, process, sipPort);
        lock (_silos) _silos.Add(silo);
        return silo;
    }

    private async Task StartApiAsync(CancellationToken cancellationToken)
    {
        _say("starting Client.Api…");
        ApiUrl = $"http://127.0.0.1:{FreePort()}";
        Api = ChildProcess.Start("api", "dotnet",
            [ApiDll, "--urls", ApiUrl, $"--ConnectionStrings:Hotline={ConnectionString}", "--Hotline:SimulatedTrunk:Enabled=true", "--Hotline:Events:Transport=Streams"],
            Path.Combine(Logs, "api.log"), workingDirectory: Path.GetDirectoryName(ApiDll), environment: Production);
        await WaitReadyAsync(Api, ApiUrl, cancellationToken);
    }

    private static readonly Dictionary<string, string> Production = new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["DOTNET_ENVIRONMENT"] = "Production",
    };

    private static Task WaitReadyAsync(SiloProcess silo, CancellationToken cancellationToken) => WaitReadyAsync(silo.Process, silo.Url, cancellationToken);

    /// <summary>Waits for <c>/health/ready</c>; a process that exits or takes too long fails the run with its log's last lines.</summary>
    public static async Task WaitReadyAsync(ChildProcess process, string url, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.GetTimestamp() + (long)(ReadyTimeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (process.HasExited)
                throw new HarnessException($"{process.Name} exited with code {process.ExitCode} during start-up; {process.LogPath} ends with:\n{process.Tail()}");
            try
            {
                using var response = await http.GetAsync($"{url}/health/ready", cancellationToken);
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
            await Task.Delay(250, cancellationToken);
        }
        throw new HarnessException($"{process.Name} was not ready at {url} within {ReadyTimeout.TotalSeconds:0} s; see {process.LogPath}:\n{process.Tail()}");
    }

    private static Task<(int, string)> PgScriptAsync(string verb, string dir, int port, string logs, CancellationToken cancellationToken) =>
        ChildProcess.RunAsync("pg", "bash", [Path.Combine(RepositoryRoot, "scripts", "pg.sh"), verb, dir, port.ToString(CultureInfo.InvariantCulture)],
            Path.Combine(logs, $"pg-{verb}-{Stopwatch.GetTimestamp()}.log"), cancellationToken, RepositoryRoot);

    private static string LastLine(string output) => output.Trim().Split('\n').LastOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "(no output)";

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Client.Api first (it is a client of the silos), then the silos, then the database and its server.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Api is not null)
        {
            await Api.StopAsync(TimeSpan.FromSeconds(10));
            await Api.DisposeAsync();
        }
        await Task.WhenAll(_silos.Select(async s =>
        {
            await s.Process.StopAsync(TimeSpan.FromSeconds(15));
            await s.Process.DisposeAsync();
        }));
        if (_databaseCreated && _pgDir is null)
        {
            try
            {
                NpgsqlConnection.ClearAllPools();
                await using var connection = new NpgsqlConnection(_serverConnection);
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Database}\" WITH (FORCE)", connection);
                await command.ExecuteNonQueryAsync();
            }
            catch (NpgsqlException e)
            {
                _say($"could not drop database {Database}: {e.Message}");
            }
        }
        if (_pgDir is not null)
        {
            var (code, output) = await PgScriptAsync("stop", _pgDir, _options.PgPort, Logs, CancellationToken.None);
            if (code != 0) _say($"could not stop PostgreSQL in {_pgDir}: {LastLine(output)}");
            else
            {
                try
                {
                    Directory.Delete(_pgDir, recursive: true);
                }
                catch (IOException e)
                {
                    _say($"could not remove {_pgDir}: {e.Message}");
                }
                catch (UnauthorizedAccessException e)
                {
                    _say($"could not remove {_pgDir}: {e.Message}");
                }
            }
        }
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Orleans.sln"))) dir = dir.Parent;
        return dir?.FullName ?? Environment.CurrentDirectory;
    }
}

/// <summary>The harness could not start or drive the hotline; the message says what to fix.</summary>
public sealed class HarnessException(string message) : Exception(message);
