using Hotline.Api.Auth;
using Hotline.Api.Cluster;
using Hotline.Api.Configuration;
using Hotline.Calendar;
using Hotline.Departments;
using Hotline.Queues;
using Hotline.Tickets;
using Microsoft.Extensions.Options;

namespace Hotline.Api.Demo;

/// <summary>
/// With <c>Hotline:Demo:Seed</c>: the demo accounts (agents 1001–1010, supervisor 9001, admin 9000, integration
/// 9900, department staff 7001–7006, dispatcher 8001, return-visit staff 8101, auditor 9500, survey lead 6001, knowledge
/// editor 6201 and reviewer 6202, password from <c>HOTLINE_DEMO_PASSWORD</c>), the four demo queues, six departments, a
/// category tree with its dispatch catalogue, the 2026 work calendar, a small evaluation survey
/// (<see cref="Surveys.SurveyDemo"/>), three voicemails for the voicemail desk (<see cref="Voicemail.VoicemailDemo"/>, with the simulated trunk), each created only when missing, so a changed password or setting
/// survives a restart. Runs in the background until the database and the cluster answer; the HTTP host does
/// not wait for it.
/// </summary>
internal sealed partial class DemoSeeder(
    IUserStore users,
    SignInService signIn,
    IClusterClient cluster,
    ClusterConnection connection,
    IOptions<HotlineOptions> options,
    TimeProvider time,
    IServiceProvider services,
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
        Account("9500", "督查员", Roles.Auditor),
        Account("6001", "调查组长", Roles.SurveyLead),
        .. Enumerable.Range(0, 6).Select(i => Account($"{7001 + i}", $"{DepartmentNames[i].Name}承办员", Roles.Department, DepartmentNames[i].Id)),
        Account("8001", "派单员", Roles.Dispatcher),
        // Return visits (回访) are the dispatch desk's in the life cycle's role table; there is no visit-only role.
        Account("8101", "回访员", Roles.Dispatcher),
        Account("6201", "知识编辑", Roles.KnowledgeEditor),
        Account("6202", "知识审核员", Roles.KnowledgeReviewer),
    ];

    /// <summary>The demo departments, in the order of their staff accounts 7001–7006.</summary>
    private static (string Id, string Name)[] DepartmentNames =>
    [
        ("housing", "住建局"), ("hrss", "人社局"), ("education", "教育局"),
        ("market", "市场监管局"), ("environment", "生态环境局"), ("police-liaison", "公安联络"),
    ];

    /// <summary>The category tree (性质类别): four groups and the categories under them.</summary>
    public static IReadOnlyList<Category> Categories { get; } =
    [
        new("livelihood", "民生保障", null, "Livelihood"),
        new("housing-fund", "公积金", "livelihood", "Housing provident fund"),
        new("social-insurance", "社保", "livelihood", "Social insurance"),
        new("housing", "住房", "livelihood", "Housing"),
        new("public-services", "公共服务", null, "Public services"),
        new("education", "教育", "public-services", "Education"),
        new("traffic", "交通", "public-services", "Traffic"),
        new("market-environment", "市场与环境", null, "Market and environment"),
        new("consumer", "消费维权", "market-environment", "Consumer rights"),
        new("environment", "环境保护", "market-environment", "Environmental protection"),
        new("public-order", "治安与安全", null, "Public order"),
        new("public-safety", "公共安全", "public-order", "Public safety"),
    ];

    /// <summary>
    /// The dispatch catalogue (派单目录). Many cities run a separate housing-fund centre (公积金中心); the demo sends
    /// 公积金 to housing, as in the walkthrough.
    /// </summary>
    public static IReadOnlyList<DispatchRule> Rules { get; } =
    [
        new("housing-fund", null, "housing"),
        new("social-insurance", null, "hrss"),
        new("housing", null, "housing"),
        new("education", null, "education"),
        new("consumer", null, "market"),
        new("environment", null, "environment"),
        new("traffic", null, "police-liaison"),
        new("public-safety", null, "police-liaison"),
    ];

    public static IReadOnlyList<(string Id, DepartmentProfile Profile)> Departments { get; } =
        DepartmentNames.Select((d, i) => (d.Id, new DepartmentProfile
        {
            Name = d.Name,
            Categories = Rules.Where(r => r.DepartmentId == d.Id).Select(r => r.CategoryId).ToArray(),
            // The liaison line transfers and three-way calls dial (through the outbound gateway).
            Phone = $"2000{i + 1:0000}",
        })).ToArray();

    /// <summary>
    /// 2026 from the State Council's notice (国务院办公厅关于2026年部分节假日安排的通知, 4 November 2025): holidays
    /// that fall on working days and the weekend days worked in exchange. Holiday days that are weekends anyway
    /// need no entry, but are listed so the year reads like the notice.
    /// </summary>
    public static CalendarYear Calendar2026 { get; } = new(
        2026,
        [
            .. Days(2026, 1, 1, 3),   // 元旦
            .. Days(2026, 2, 15, 23), // 春节
            .. Days(2026, 4, 4, 6),   // 清明节
            .. Days(2026, 5, 1, 5),   // 劳动节
            .. Days(2026, 6, 19, 21), // 端午节
            .. Days(2026, 9, 25, 27), // 中秋节
            .. Days(2026, 10, 1, 7),  // 国庆节
        ],
        [
            new DateOnly(2026, 1, 4), new DateOnly(2026, 2, 14), new DateOnly(2026, 2, 28), new DateOnly(2026, 5, 9),
            new DateOnly(2026, 9, 20), new DateOnly(2026, 10, 10),
        ]);

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
                await Surveys.SurveyDemo.SeedAsync(services, DepartmentNames.Select(d => d.Id).ToArray(), stoppingToken);
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
                    await SeedCaseDataAsync();
                    if (options.Value.SimulatedTrunk.Enabled)
                        await Voicemail.VoicemailDemo.SeedAsync(cluster, services.GetService<Npgsql.NpgsqlDataSource>(), options.Value.RecordingsPath,
                            logger, stoppingToken);
                    await Surveys.CampaignDemo.SeedAsync(services, stoppingToken);
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

    /// <summary>Departments, then the catalogue that routes to them, then the calendar their deadlines count on.</summary>
    private async Task SeedCaseDataAsync()
    {
        var existing = (await cluster.GetGrain<IDepartmentDirectoryGrain>(IDepartmentDirectoryGrain.Centre).GetAllAsync())
            .ToHashSet(StringComparer.Ordinal);
        foreach (var (id, profile) in Departments)
        {
            if (existing.Contains(id)) continue;
            await cluster.GetGrain<IDepartmentGrain>(id).SaveAsync(profile);
            LogSeeded(logger, "department", id);
        }

        var catalogue = cluster.GetGrain<ICatalogueGrain>(ICatalogueGrain.Centre);
        if ((await catalogue.GetAsync()).Categories.Count == 0)
        {
            await catalogue.SaveAsync(Categories, Rules);
            LogSeeded(logger, "catalogue", $"{Categories.Count} categories, {Rules.Count} rules");
        }

        var calendar = cluster.GetGrain<IWorkCalendarGrain>(IWorkCalendarGrain.Centre);
        if (await calendar.GetYearAsync(Calendar2026.Year) is null)
        {
            await calendar.SetYearAsync(Calendar2026);
            LogSeeded(logger, "work calendar", "2026");
        }
    }

    private static IEnumerable<DateOnly> Days(int year, int month, int first, int last) =>
        Enumerable.Range(first, last - first + 1).Select(day => new DateOnly(year, month, day));

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

    private static UserAccount Account(string jobNo, string name, string role, string? departmentId = null) =>
        new(jobNo, name, "", [role], departmentId, 0, null);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo seeding waits for {What}: {Reason}; retrying in {DelaySeconds} s")]
    private static partial void LogWaiting(ILogger logger, string what, string reason, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo users: {Created} created, {Total} in the demo set")]
    private static partial void LogUsersSeeded(ILogger logger, int created, int total);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo queue {QueueId} ({QueueName}) configured")]
    private static partial void LogQueueSeeded(ILogger logger, string queueId, string queueName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo {What} seeded: {Which}")]
    private static partial void LogSeeded(ILogger logger, string what, string which);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo data in place")]
    private static partial void LogSeeded(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Localhost mode: the demo users live in memory and vanish at restart")]
    private static partial void LogNotDurable(ILogger logger);
}
