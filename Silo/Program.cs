using Hotline.Common;
using Hotline.Silo.Hosting;
using Hotline.Silo.Schema;
using Hotline.Edge;

// The hotline silo: grains, the telephony edge (SIP/RTP, IVR, recordings), the dashboard, health probes. `--migrate-only` applies the schema and exits.
try
{
    // Settings come from next to the executable, wherever it is started from (./run.sh starts it from the root).
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
    var settings = builder.AddHotlineSilo();
    builder.AddHotlineTelephony(settings);
    if (settings.Storage == StorageMode.AdoNet)
    {
        var migrated = await SchemaMigration.RunAsync(builder.Configuration);
        if (args.Contains("--migrate-only")) return migrated;
    }
    var app = builder.Build();
    if (settings.Storage == StorageMode.Memory)
        app.Logger.LogWarning("IN-MEMORY MODE: one silo, nothing is durable, everything is lost at exit. For demos and tests only.");
    app.MapHotlineSilo(settings);
    app.MapHotlineTelephony();
    await app.RunAsync();
    return 0;
}
catch (ConfigurationException e)
{
    Console.Error.WriteLine($"hotline-silo: {e.Message}");
    return 2;
}
