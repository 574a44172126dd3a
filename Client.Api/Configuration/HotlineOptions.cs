namespace Hotline.Api.Configuration;

/// <summary>How the API host reaches the Orleans cluster.</summary>
public enum OrleansClientMode
{
    /// <summary>Gateways listed in PostgreSQL by the silos (production and the demo stack).</summary>
    AdoNet,
    /// <summary>One silo on this machine, users in memory: a development mode where nothing is durable.</summary>
    Localhost,
    /// <summary>Someone else registers the <see cref="Orleans.IClusterClient"/> (tests, or a co-hosted silo).</summary>
    External,
}

/// <summary>The <c>Hotline</c> configuration section, plus the connection string and demo password read beside it.</summary>
public sealed class HotlineOptions
{
    public const string Section = "Hotline";

    public string ClusterId { get; set; } = "hotline";
    /// <summary>Must match the silos' service id: grain state and reminders are keyed by it.</summary>
    public string ServiceId { get; set; } = "hotline";
    public OrleansClientOptions Orleans { get; set; } = new();
    public SimulatedTrunkOptions SimulatedTrunk { get; set; } = new();
    public AuthOptions Auth { get; set; } = new();
    public DemoOptions Demo { get; set; } = new();
    public EventOptions Events { get; set; } = new();
    public MetricsOptions Metrics { get; set; } = new();
    public PublicOptions Public { get; set; } = new();
    /// <summary>Not-ready (示忙) reason codes; empty means <see cref="NotReadyReason.Defaults"/>.</summary>
    public List<NotReadyReason> NotReadyReasons { get; set; } = [];

    /// <summary>The silos' recordings folder (Hotline:Telephony:RecordingsPath on the silos), read to play recordings back.</summary>
    public string RecordingsPath { get; set; } = "recordings";

    /// <summary><c>ConnectionStrings:Hotline</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Users and tokens live in PostgreSQL in every mode but the in-memory development one.</summary>
    public bool UsesDatabase => Orleans.Mode != OrleansClientMode.Localhost;

    public IReadOnlyList<NotReadyReason> EffectiveNotReadyReasons =>
        NotReadyReasons.Count == 0 ? NotReadyReason.Defaults : NotReadyReasons;
}

public sealed class OrleansClientOptions
{
    public OrleansClientMode Mode { get; set; } = OrleansClientMode.AdoNet;
    /// <summary>Gateway port of the local silo in <see cref="OrleansClientMode.Localhost"/> mode.</summary>
    public int GatewayPort { get; set; } = 30000;
    /// <summary>Pause between attempts while the cluster cannot be reached.</summary>
    public TimeSpan ConnectRetryDelay { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>How long the readiness probe waits for its grain call.</summary>
    public TimeSpan HealthCheckTimeout { get; set; } = TimeSpan.FromSeconds(3);
}

public sealed class SimulatedTrunkOptions
{
    /// <summary>Off in production: the /api/sim routes answer 404 <c>sim.disabled</c>.</summary>
    public bool Enabled { get; set; }
}

public sealed class AuthOptions
{
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(12);
    /// <summary>Failed sign-ins on one job number from one source address that bar that pair (not the account everywhere).</summary>
    public int MaxFailedAttempts { get; set; } = 5;
    /// <summary>The first bar; each further failure doubles it, up to <see cref="LongestLockout"/>.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(5);
    public TimeSpan LongestLockout { get; set; } = TimeSpan.FromHours(1);
    /// <summary>Failures older than this are forgotten.</summary>
    public TimeSpan FailureMemory { get; set; } = TimeSpan.FromHours(24);
    /// <summary>How long an API process trusts what it read of an account's token version and state (disabling bites within it).</summary>
    public TimeSpan RevocationCheckInterval { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>Sign-in attempts one source address may make per window, whatever the job numbers (429 beyond).</summary>
    public PublicRateLimitOptions SignInRateLimit { get; set; } = new() { PermitLimit = 20, Window = TimeSpan.FromMinutes(1) };
    /// <summary>How long a validated token is trusted without a database read (at most 30 s, so a logout elsewhere bites soon).</summary>
    public TimeSpan TokenCacheDuration { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class DemoOptions
{
    /// <summary>Create the demo users and queues when missing.</summary>
    public bool Seed { get; set; }
    /// <summary>With <see cref="Seed"/>: also write a year of finished calls and orders for the reports (Reports/ReportsDemo.cs).</summary>
    public bool History { get; set; }
    /// <summary>From the environment variable <c>HOTLINE_DEMO_PASSWORD</c>, never from a file in the repository.</summary>
    public string? Password { get; set; }
}

public sealed class EventOptions
{
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);
    /// <summary>Events buffered per connected client before that client starts losing events.</summary>
    public int ClientBufferSize { get; set; } = 512;
    /// <summary>
    /// <c>Postgres</c> (the default with a database: follow the <c>hotline_events</c> log) or <c>Streams</c> (the in-memory
    /// Orleans stream); the silos must use the same (<see cref="Hotline.Events.EventTransport"/>).
    /// </summary>
    public string? Transport { get; set; }

    /// <summary>The transport in effect (a value the validator refuses counts as unset: the host stops at validation anyway).</summary>
    public static Hotline.Events.EventTransport TransportFor(string? transport, bool usesDatabase) =>
        Enum.TryParse<Hotline.Events.EventTransport>(transport, ignoreCase: true, out var chosen) && Enum.IsDefined(chosen)
            ? chosen
            : usesDatabase ? Hotline.Events.EventTransport.Postgres : Hotline.Events.EventTransport.Streams;
}

public sealed class MetricsOptions
{
    /// <summary>Let a scraper read /metrics without a token (only on a private network).</summary>
    public bool AllowAnonymous { get; set; }
}

/// <summary>The citizens' routes under <c>/api/public</c>.</summary>
public sealed class PublicOptions
{
    public PublicRateLimitOptions RateLimit { get; set; } = new();
}

/// <summary>Requests one client address may make to the public routes per window (a fixed window).</summary>
public sealed class PublicRateLimitOptions
{
    public int PermitLimit { get; set; } = 30;
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>A not-ready reason (示忙原因) as the desk offers it.</summary>
public sealed class NotReadyReason
{
    public string Code { get; set; } = "";
    /// <summary>The Chinese label staff see.</summary>
    public string Label { get; set; } = "";
    public string LabelEn { get; set; } = "";
    /// <summary>Set by the system only (ring-no-answer, supervisor): an agent cannot choose it.</summary>
    public bool SystemOnly { get; set; }

    public static IReadOnlyList<NotReadyReason> Defaults { get; } =
    [
        new() { Code = "break", Label = "休息", LabelEn = "Break" },
        new() { Code = "meal", Label = "用餐", LabelEn = "Meal" },
        new() { Code = "training", Label = "培训", LabelEn = "Training" },
        new() { Code = "meeting", Label = "会议", LabelEn = "Meeting" },
        new() { Code = "after-call", Label = "整理", LabelEn = "After-call work" },
        new() { Code = "no-answer", Label = "未应答", LabelEn = "No answer", SystemOnly = true },
        new() { Code = "supervisor", Label = "班长置忙", LabelEn = "Set by supervisor", SystemOnly = true },
    ];
}
