using System.Net;
using Hotline.Calls;
using Hotline.Common;
using Hotline.Events;
using Hotline.Silo.Storage;
using Npgsql;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Runtime.Hosting;

namespace Hotline.Silo.Hosting;

public static class HotlineSilo
{
    /// <summary>Grain storage for seats, queues and the directory.</summary>
    public const string StateStorage = "hotline";

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
        var grainOptions = configuration.GetValidated<HotlineGrainOptions>(HotlineGrainOptions.Section);
        builder.Services.AddOptions<HotlineGrainOptions>().Bind(configuration.GetSection(HotlineGrainOptions.Section));
        builder.Services.AddSingleton<ICallMediaRegistry, CallMediaRegistry>();

        string? connectionString = null;
        if (settings.Storage == StorageMode.AdoNet)
        {
            connectionString = configuration.RequireConnectionString("Hotline");
            builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        }

        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = settings.ClusterId;
                o.ServiceId = settings.ServiceId;
            });
            silo.AddMemoryStreams(EventTopics.StreamProvider);
            silo.AddDashboard(o => o.HideTrace = true);

            if (settings.Storage == StorageMode.AdoNet)
            {
                silo.ConfigureEndpoints(IPAddress.Parse(settings.AdvertisedAddress), settings.SiloPort, settings.GatewayPort);
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
                silo.AddAdoNetGrainStorage("PubSubStore", o =>
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
            }
            else
            {
                silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort, serviceId: settings.ServiceId, clusterId: settings.ClusterId);
                silo.AddMemoryGrainStorage(StateStorage);
                silo.AddMemoryGrainStorage("PubSubStore");
                silo.AddMemoryGrainStorage(CallRecordStorage.Name);
                silo.UseInMemoryReminderService();
            }
        });
        _ = grainOptions;
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
