using Hotline.Common;
using Hotline.Silo.Schema;

namespace Hotline.Silo.Hosting;

/// <summary>Applies the schema before the silo joins the cluster: the Orleans tables must exist first.</summary>
public static class SchemaMigration
{
    /// <summary>Returns the process exit code for <c>--migrate-only</c>; failures become one clear line.</summary>
    public static async Task<int> RunAsync(IConfiguration configuration)
    {
        var connectionString = configuration.RequireConnectionString("Hotline");
        using var loggers = LoggerFactory.Create(b => b.AddConfiguration(configuration.GetSection("Logging")).AddSimpleConsole(o => o.SingleLine = true));
        try
        {
            await SchemaMigrator.EnsureDatabaseAsync(connectionString);
            var result = await new SchemaMigrator(connectionString, loggers.CreateLogger<SchemaMigrator>()).MigrateAsync();
            Console.WriteLine(result.Applied.Count == 0
                ? $"hotline-silo: schema up to date (version {result.AlreadyApplied.DefaultIfEmpty(0).Max()})"
                : $"hotline-silo: applied schema migrations {string.Join(", ", result.Applied)}");
            return 0;
        }
        catch (InvalidOperationException e)
        {
            throw new ConfigurationException(e.Message);
        }
    }
}
