using Hotline.Api.Audit;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Hotline.Api.Hosting;

/// <summary>
/// <c>dotnet Hotline.Client.Api.dll audit-verify [--ConnectionStrings:Hotline=…]</c>: walks the audit trail's hash chain
/// and prints the first broken row; exit code 0 when it holds, 2 when it is broken, 1 when it cannot be read.
/// </summary>
public static class AuditVerifyCommand
{
    public const string Name = "audit-verify";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var configuration = new ConfigurationBuilder().AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables().AddCommandLine(args[1..]).Build();
        var connectionString = configuration.GetConnectionString("Hotline");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            await error.WriteLineAsync("hotline-api audit-verify: set ConnectionStrings__Hotline to the hotline database.");
            return 1;
        }
        await using var db = NpgsqlDataSource.Create(connectionString);
        try
        {
            var (broken, checkedRows) = await new AuditLog(db, NullLogger<AuditLog>.Instance).VerifyAsync(CancellationToken.None);
            if (broken is null)
            {
                await output.WriteLineAsync($"audit trail intact: {checkedRows} rows");
                return 0;
            }
            await output.WriteLineAsync($"audit trail BROKEN at row {broken.Id}: {broken.Reason} ({checkedRows} rows hold before it)");
            return 2;
        }
        catch (NpgsqlException e)
        {
            await error.WriteLineAsync($"hotline-api audit-verify: {e.Message}");
            return 1;
        }
    }
}
