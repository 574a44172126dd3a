using System.Globalization;
using Hotline.LoadTest.Cli;
using Npgsql;

namespace Hotline.LoadTest.Cluster;

/// <summary>
/// Where a scenario runs: against a hotline the harness starts itself (PostgreSQL, N silo processes, Client.Api;
/// the default) or one that is already up (<c>--target</c>), and which failures it injects during the run.
/// </summary>
public sealed record HarnessOptions
{
    public const string PgPortVariable = "HOTLINE_LOADTEST_PG_PORT";
    /// <summary>Not run.sh's 55432 nor test.sh's 55433, so the harness runs beside both.</summary>
    public const int DefaultPgPort = 55443;

    /// <summary>The cluster's database of an already running hotline; null: the harness starts one.</summary>
    public string? Target { get; init; }
    public int Silos { get; init; } = 1;
    public int PgPort { get; init; } = DefaultPgPort;
    /// <summary>An existing PostgreSQL server (a role that may create databases) to make a fresh database on, instead of starting one.</summary>
    public string? PgServer { get; init; }
    public bool Api { get; init; } = true;
    public TimeSpan? KillSiloAt { get; init; }
    public TimeSpan? RestartDbAt { get; init; }
    /// <summary>When the rolling restart begins: every silo in turn stopped gracefully (SIGTERM) and replaced.</summary>
    public TimeSpan? RollingRestartAt { get; init; }
    /// <summary>How long PostgreSQL stays down in <c>--restart-db</c>.</summary>
    public TimeSpan DbDown { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Folder for the processes' logs; null: a temporary folder (or <c>--out DIR/logs</c>).</summary>
    public string? Logs { get; init; }

    public bool StartsHotline => Target is null;

    public static readonly string Usage = $"""
          --target URL             run against a hotline that is already up: its PostgreSQL as postgresql://user:pass@host:port/db
                                   (or a Host=... connection string), where the driver finds the silos' gateways
          --silos N                silo processes to start on distinct ports, one PostgreSQL (default 1)
          --pg-port P              port of the PostgreSQL the harness starts (default ${PgPortVariable}, else {DefaultPgPort})
          --pg-server CONNECTION   use this PostgreSQL server instead (a fresh database is created on it and dropped after)
          --no-api                 do not start Client.Api
          --kill-silo AT           SIGKILL one silo (the one holding the busiest queue) AT into the run, e.g. 30s
          --restart-db AT          stop PostgreSQL AT into the run and start it again after --db-down (default 5s)
          --rolling-restart AT     from AT into the run, stop every silo in turn (SIGTERM, as a rolling update does), start its
                                   replacement and wait until it is ready before the next; count the calls and orders lost
          --logs DIR               where the processes' logs go (default DIR/logs with --out, else a temporary folder)
        """;

    public static HarnessOptions Parse(CommandLine args, Func<string, string?> environment)
    {
        var target = args.String("target");
        var o = new HarnessOptions
        {
            Target = target is null ? null : ToConnectionString(target),
            Silos = args.Int("silos", 1, min: 1, max: 16),
            PgPort = args.Int("pg-port", int.TryParse(environment(PgPortVariable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) ? p : DefaultPgPort, min: 1, max: 65535),
            PgServer = args.String("pg-server"),
            Api = !args.Flag("no-api"),
            KillSiloAt = args.Has("kill-silo") ? args.Duration("kill-silo", TimeSpan.Zero) : null,
            RestartDbAt = args.Has("restart-db") ? args.Duration("restart-db", TimeSpan.Zero) : null,
            RollingRestartAt = args.Has("rolling-restart") ? args.Duration("rolling-restart", TimeSpan.Zero) : null,
            DbDown = args.Duration("db-down", TimeSpan.FromSeconds(5), min: TimeSpan.FromMilliseconds(100)),
            Logs = args.String("logs"),
        };
        if (o.Target is not null && (args.Has("silos") || o.KillSiloAt is not null || o.RestartDbAt is not null || o.RollingRestartAt is not null || o.PgServer is not null))
            throw new UsageException("--target runs against a hotline that is already up: --silos, --kill-silo, --restart-db, --rolling-restart and --pg-server need the harness to start it.");
        if (o.RollingRestartAt is not null && o.Silos < 2)
            throw new UsageException("--rolling-restart needs at least two silos (--silos 3, say): the others carry the calls while one restarts.");
        if (o.RollingRestartAt is not null && (o.KillSiloAt is not null || o.RestartDbAt is not null))
            throw new UsageException("--rolling-restart is a drill of its own: run it without --kill-silo and --restart-db.");
        if (o.KillSiloAt is not null && o.Silos < 2)
            throw new UsageException("--kill-silo needs at least two silos (--silos 3, say): someone has to survive.");
        return o;
    }

    /// <summary>A <c>postgresql://</c> URL as an Npgsql connection string; a connection string is checked and kept.</summary>
    public static string ToConnectionString(string target)
    {
        if (target.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || target.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            var uri = new Uri(target);
            var b = new NpgsqlConnectionStringBuilder
            {
                Host = uri.Host,
                Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
                Database = uri.AbsolutePath.Trim('/') is { Length: > 0 } db ? Uri.UnescapeDataString(db) : "hotline",
            };
            if (uri.UserInfo.Split(':', 2) is [var user, .. var rest])
            {
                b.Username = Uri.UnescapeDataString(user);
                if (rest is [var password]) b.Password = Uri.UnescapeDataString(password);
            }
            return b.ConnectionString;
        }
        try
        {
            return new NpgsqlConnectionStringBuilder(target).ConnectionString;
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--target needs postgresql://user:pass@host:port/db or a connection string: {e.Message}");
        }
    }

    public void Describe(Dictionary<string, string> parameters)
    {
        parameters["hotline"] = StartsHotline ? $"started by the harness: {Silos} silo(s), PostgreSQL {(PgServer is null ? $"on port {PgPort}" : "on the given server")}{(Api ? ", Client.Api" : "")}" : "already running (--target)";
        if (KillSiloAt is { } k) parameters["kill_silo_at"] = Durations.Format(k);
        if (RollingRestartAt is { } rr) parameters["rolling_restart_at"] = Durations.Format(rr);
        if (RestartDbAt is { } r)
        {
            parameters["restart_db_at"] = Durations.Format(r);
            parameters["db_down"] = Durations.Format(DbDown);
        }
    }
}
