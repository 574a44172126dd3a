using Hotline.Calendar;
using Hotline.Departments;
using Hotline.Tests.Calendar;
using Hotline.Tests.Cluster;
using Hotline.Tickets;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;

namespace Hotline.Tests.Tickets;

/// <summary>
/// The hotline cluster plus what work orders need: the "tickets" storage, the default time limits, the 2026
/// calendar, two departments and a small catalogue. Reminders keep real time: a test moves the grains' clock
/// and delivers the reminder tick itself, as the reminder service would. The orders' next deadlines go into one
/// table for both silos, as they go into the read model's next_due_at in production.
/// </summary>
public class TicketCluster : HotlineCluster
{
    public InMemoryTicketDeadlines Deadlines { get; } = new();

    protected override void ConfigureSilo(ISiloBuilder silo)
    {
        silo.Services.AddGrainStorage("tickets", (sp, name) => new SharedGrainStorage(name, Store, sp.GetRequiredService<Serializer>()));
        silo.Services.AddSingleton<ITicketDeadlines>(Deadlines);
        silo.Services.AddSingleton<TicketReferenceData>();
        silo.Services.Configure<TicketOptions>(_ => { });
        silo.Services.Configure<TimeLimitPolicy>(_ => { });
    }

    public async Task SeedAsync()
    {
        await Client.GetGrain<IWorkCalendarGrain>(IWorkCalendarGrain.Centre).SetYearAsync(China.Year2026);
        await Client.GetGrain<IDepartmentGrain>("housing").SaveAsync(new DepartmentProfile { Name = "住建局", Categories = ["housing-fund"] });
        await Client.GetGrain<IDepartmentGrain>("hrss").SaveAsync(new DepartmentProfile { Name = "人社局", Categories = ["social-insurance"] });
        await Client.GetGrain<ICatalogueGrain>(ICatalogueGrain.Centre).SaveAsync(
            [new Category("livelihood", "民生", null, "Livelihood"), new Category("housing-fund", "公积金", "livelihood", "Housing fund"),
             new Category("social-insurance", "社保", "livelihood", "Social insurance")],
            [new DispatchRule("housing-fund", null, "housing"), new DispatchRule("social-insurance", null, "hrss")]);
    }
}

/// <summary>The ticket cluster with membership that declares a killed silo dead within a second or two.</summary>
public sealed class FastFailoverTicketCluster : TicketCluster
{
    protected override void ConfigureSilo(ISiloBuilder silo)
    {
        base.ConfigureSilo(silo);
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromMilliseconds(500);
            o.NumMissedProbesLimit = 1;
            o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
        });
    }
}
