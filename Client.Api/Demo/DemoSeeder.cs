using Hotline.Api.Auth;
using Hotline.Api.Cluster;
using Hotline.Api.Configuration;
using Hotline.Queues;
using Microsoft.Extensions.Options;

namespace Hotline.Api.Demo;

/// <summary>
/// With <c>Hotline:Demo:Seed</c>: the demo accounts (agents 1001–1010, supervisor 9001, admin 9000, integration
/// 9900, password from <c>HOTLINE_DEMO_PASSWORD</c>) and the four demo queues, each created only when missing,
/// so a changed password or queue setting survives a restart. Runs in the background until the database and the
/// cluster answer; the HTTP host does not wait for it.
/// </summary>
internal sealed partial class DemoSeeder(
    IUserStore users,
    SignInService signIn,
    IClusterClient cluster,
    ClusterConnection connection,
    IOptions<HotlineOptions> options,
    TimeProvider time,
    ILogger<DemoSeeder> logger) : BackgroundService
{
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the demo data is in place (at once when seeding is off).</summary>
    public Task Completed => _completed.Task;

    public static IReadOnlyList<UserAccount> Accounts { get; } =
    [
        .. Enumerable.Range(1, 10).Select(i => Account($"{1000 + i}", $"话务员{i:00}", Roles.Agent)),
        Account("9001", "值班长", Roles.Supervisor),
        Account("9000", "系统管理员", Roles.Admin),
        Account("9900", "集成账号", Roles.Integration),
    ];

    /// <summary>The demo queues in the order they must be configured (overflow targets first).</summary>
    public static IReadOnlyList<(string Id, QueueConfig Config)> Queues { get; } =
    [
        ("general", new QueueConfig { Name = "综合", ServiceLevelSeconds = 10 }),
        ("english", new QueueConfig
        {
            Name = "English", Language = "en", ServiceLevelSeconds = 10, MinimumLevel = 3,
            Widening = [new LevelWidening(30, 1)],
        }),
        ("social-security", new QueueConfig { Name = "社保", ServiceLevelSeconds = 10, Overflow = [new OverflowRule(60, "general")] }),
        ("housing-fund", new QueueConfig { Name = "公积金", ServiceLevelSeconds = 10, Overflow = [new OverflowRule(60, "general")] }),
    ];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var demo = options.Value.Demo;
        if (!demo.Seed)
        {
            _completed.TrySetResult();
            return;
        }

        if (options.Value.Orleans.Mode == OrleansClientMode.Localhost)
            LogNotDurable(logger);

        var delay = options.Value.Orleans.ConnectRetryDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SeedUsersAsync(demo.Password!, stoppingToken);
                break;
            }
            catch (Npgsql.NpgsqlException e)
            {
                LogWaiting(logger, "the database", e.Message, delay.TotalSeconds);
                if (!await DelayAsync(delay, stoppingToken)) return;
            }
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            if (connection.IsConnected)
            {
                try
                {
                    await SeedQueuesAsync();
                    break;
                }
                catch (Exception e) when (e is TimeoutException or OrleansException)
                {
                    LogWaiting(logger, "the Orleans cluster", e.Message, delay.TotalSeconds);
                }
            }
            else LogWaiting(logger, "the Orleans cluster", "the client is still connecting", delay.TotalSeconds);
            if (!await DelayAsync(delay, stoppingToken)) return;
        }

        LogSeeded(logger);
        _completed.TrySetResult();
    }

    private async Task SeedUsersAsync(string password, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var created = 0;
        foreach (var account in Accounts)
        {
            var user = account with { PasswordHash = signIn.HashPassword(account, password) };
            if (await users.AddIfMissingAsync(user, now, ct)) created++;
        }
        LogUsersSeeded(logger, created, Accounts.Count);
    }

    private async Task SeedQueuesAsync()
    {
        var directory = cluster.GetGrain<IQueueDirectoryGrain>(IQueueDirectoryGrain.Centre);
        var existing = (await directory.GetAllAsync()).ToHashSet(StringComparer.Ordinal);
        foreach (var (id, config) in Queues)
        {
            if (existing.Contains(id)) continue;
            await cluster.GetGrain<IQueueGrain>(id).ConfigureAsync(config);
            LogQueueSeeded(logger, id, config.Name);
        }
    }

    private async Task<bool> DelayAsync(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, time, ct);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static UserAccount Account(string jobNo, string name, string role) => new(jobNo, name, "", [role], null, 0, null);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo seeding waits for {What}: {Reason}; retrying in {DelaySeconds} s")]
    private static partial void LogWaiting(ILogger logger, string what, string reason, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo users: {Created} created, {Total} in the demo set")]
    private static partial void LogUsersSeeded(ILogger logger, int created, int total);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo queue {QueueId} ({QueueName}) configured")]
    private static partial void LogQueueSeeded(ILogger logger, string queueId, string queueName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo data in place")]
    private static partial void LogSeeded(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Localhost mode: the demo users live in memory and vanish at restart")]
    private static partial void LogNotDurable(ILogger logger);
}
