using System.Net;
using Hotline.Calls;
using Hotline.Common;
using Hotline.Events;
using Hotline.Silo.Events;
using Hotline.Silo.Storage;
using Hotline.Tickets;
using Npgsql;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Runtime.Hosting;

namespace Hotline.Silo.Hosting;

public static class HotlineSilo
{
    /// <summary>Grain storage for seats, queues and the directory.</summary>
    public const string StateStorage = GrainStorage.Hotline;

    /// <summary>Configures the Orleans silo of the hotline from validated settings.</summary>
    public static SiloSettings AddHotlineSilo(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var settings = configuration.GetValidated<SiloSettings>("Hotline:Silo", c =>
        {
            var s = new SiloSettings();
            c.GetSection("Hotline").Bind(s);
            c.GetSection("Hotline:Silo").Bind(s);
            return s;
        });
        configuration.GetValidated<HotlineGrainOptions>(HotlineGrainOptions.Section);
        builder.Services.AddOptions<HotlineGrainOptions>().Bind(configuration.GetSection(HotlineGrainOptions.Section));
        var tickets = configuration.GetValidated<TicketOptions>(TicketOptions.Section);
        if (TimeZoneInfo.TryFindSystemTimeZoneById(tickets.TimeZone, out _) is false)
            throw new ConfigurationException($"invalid setting {TicketOptions.Section}:TimeZone: unknown time zone '{tickets.TimeZone}'");
        builder.Services.AddOptions<TicketOptions>().Bind(configuration.GetSection(TicketOptions.Section));
        configuration.GetValidated<TimeLimitPolicy>(TimeLimitPolicy.Section);
        builder.Services.AddOptions<TimeLimitPolicy>().Bind(configuration.GetSection(TimeLimitPolicy.Section), o => o.ErrorOnUnknownConfiguration = true);
        builder.Services.AddHotlineGrains();
        builder.Services.AddSingleton<TicketReferenceData>();
        builder.Services.AddSingleton(settings);

        string? connectionString = null;
        if (settings.Storage == StorageMode.AdoNet)
        {
            // Half the connections for Orleans' providers, half for the read model, so that two pools of a
            // silo (or several silos) never exhaust the server's max_connections between them.
            var raw = new NpgsqlConnectionStringBuilder(configuration.RequireConnectionString("Hotline"));
            raw.MaxPoolSize = settings.MaxDatabaseConnections / 2;
            // Nothing here keeps session state, so a pooled connection needs no DISCARD ALL round trip on return,
            // and the statements every work order repeats (its row and history, reminders) are parsed and
            // planned once per connection instead of once per write.
            raw.NoResetOnClose = true;
            raw.MaxAutoPrepare = 64;
            connectionString = raw.ConnectionString;
            builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
            builder.Services.AddSingleton<ITicketDeadlines>(sp => new TicketDeadlineIndex(sp.GetRequiredService<NpgsqlDataSource>()));
            builder.Services.AddHostedService<LostCallSweep>();
        }
        if (EventTransportSetting.Read(configuration, usesDatabase: settings.Storage == StorageMode.AdoNet) == EventTransport.Postgres)
        {
            builder.Services.AddSingleton<PostgresEventLog>();
            builder.Services.AddSingleton<IEventLog>(sp => sp.GetRequiredService<PostgresEventLog>());
            builder.Services.AddHostedService(sp => sp.GetRequiredService<PostgresEventLog>());
        }

        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = settings.ClusterId;
                o.ServiceId = settings.ServiceId;
            });
            silo.AddMemoryStreams(EventTopics.StreamProvider);
            // The default (eventually consistent) directory loses the entries a dead silo held and deactivates the live
            // activations they pointed to, about a third of each survivor's; in a kill drill 7 of 78 calls talking on the
            // survivors were recorded lost so. The distributed directory rebuilds a dead silo's ranges from the
            // survivors' own activations (BENCHMARKS.md, kill drill, item 8).
#pragma warning disable ORLEANSEXP003 // experimental in Orleans 10; the kill drill is its test here
            silo.AddDistributedGrainDirectory();
#pragma warning restore ORLEANSEXP003
            silo.AddDashboard(o => o.HideTrace = true);
            // Work orders' deadlines fire from one sweep with one reminder; every silo makes sure it is registered.
            silo.AddStartupTask((sp, _) => sp.GetRequiredService<IGrainFactory>().GetGrain<IDeadlineSweepGrain>(0).StartAsync());

            if (settings.Storage == StorageMode.AdoNet)
            {
                silo.ConfigureEndpoints(IPAddress.Parse(settings.AdvertisedAddress), settings.SiloPort, settings.GatewayPort);
                if (settings.UsesKubernetesHosting(Environment.GetEnvironmentVariable))
                {
                    KubernetesPod.RequireDownwardApi(Environment.GetEnvironmentVariable);
                    silo.UseKubernetesHosting();
                }
                silo.UseAdoNetClustering(o =>
                {
                    o.Invariant = "Npgsql";
                    o.ConnectionString = connectionString;
                });
                silo.AddAdoNetGrainStorage(StateStorage, o =>
                {
                    o.Invariant = "Npgsql";
                    o.ConnectionString = connectionString;
                });
                silo.AddAdoNetGrainStorage(GrainStorage.PubSub, o =>
                {
                    o.Invariant = "Npgsql";
                    o.ConnectionString = connectionString;
                });
                silo.UseAdoNetReminderService(o =>
                {
                    o.Invariant = "Npgsql";
                    o.ConnectionString = connectionString;
                });
                silo.Services.AddGrainStorage(CallRecordStorage.Name, (sp, _) => new CallRecordStorage(sp.GetRequiredService<NpgsqlDataSource>()));
                silo.Services.AddGrainStorage(TicketRecordStorage.Name, (sp, _) => new TicketRecordStorage(sp.GetRequiredService<NpgsqlDataSource>()));
                silo.AddIncomingGrainCallFilter<StorageErrorFilter>();
            }
            else
            {
                silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort, serviceId: settings.ServiceId, clusterId: settings.ClusterId);
                silo.AddMemoryGrainStorage(StateStorage);
                silo.AddMemoryGrainStorage(GrainStorage.PubSub);
                silo.AddMemoryGrainStorage(CallRecordStorage.Name);
                silo.AddMemoryGrainStorage(TicketRecordStorage.Name);
                silo.UseInMemoryReminderService();
                silo.Services.AddSingleton<ITicketDeadlines, InMemoryTicketDeadlines>();
            }
        });
        return settings;
    }

    /// <summary>Health probes and the dashboard (signed-in supervisors and admins only, outside Development).</summary>
    public static WebApplication MapHotlineSilo(this WebApplication app, SiloSettings settings)
    {
        var requireSignIn = settings.DashboardRequiresSignIn ?? !app.Environment.IsDevelopment();
        if (requireSignIn) app.UseMiddleware<DashboardSignIn>();
        app.MapOrleansDashboard("/dashboard");
        app.MapSiloHealth();
        return app;
    }
}
