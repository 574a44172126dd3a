using Hotline.Api.Auth;
using Microsoft.AspNetCore.Identity;
using Npgsql;

namespace Hotline.Api.Hosting;

/// <summary>
/// <c>dotnet Hotline.Client.Api.dll create-admin --job-number 9000 [--name 系统管理员] [--password-file FILE]</c>: the
/// first administrator of a production hotline, where no demo accounts are seeded. The password comes from the file
/// or, without one, from the first line of standard input (never from the command line, where <c>ps</c> shows it);
/// the password policy applies. The database is <c>ConnectionStrings:Hotline</c> (environment
/// <c>ConnectionStrings__Hotline</c>), migrated by the silo first. Refuses a job number that exists.
/// </summary>
public static class CreateAdminCommand
{
    public const string Name = "create-admin";

    public static async Task<int> RunAsync(string[] args, TextReader stdin, TextWriter output, TextWriter error)
    {
        var options = Parse(args[1..]);
        if (options is null || !options.TryGetValue("--job-number", out var jobNo))
            return Fail(error, "usage: create-admin --job-number N [--name NAME] [--password-file FILE] (password on stdin without a file)");
        if (!Apis.InputRules.JobNo().IsMatch(jobNo)) return Fail(error, $"'{jobNo}' is not a job number.");
        var name = options.GetValueOrDefault("--name") ?? "系统管理员";
        if (name.Length is 0 or > 64) return Fail(error, "--name must be 1 to 64 characters.");

        string? password;
        if (options.TryGetValue("--password-file", out var file))
        {
            if (!File.Exists(file)) return Fail(error, $"no password file {file}.");
            password = (await File.ReadAllLinesAsync(file)).FirstOrDefault();
        }
        else password = await stdin.ReadLineAsync();
        if (PasswordPolicy.Check(password, jobNo) is { } weak) return Fail(error, $"password refused: {weak}");

        var configuration = new ConfigurationBuilder().AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables().AddCommandLine(args.Where(a => a.StartsWith("--ConnectionStrings", StringComparison.Ordinal)).ToArray())
            .Build();
        var connectionString = configuration.GetConnectionString("Hotline");
        if (string.IsNullOrWhiteSpace(connectionString)) return Fail(error, "set ConnectionStrings__Hotline to the hotline database.");

        await using var db = NpgsqlDataSource.Create(connectionString);
        var users = new PostgresUserStore(db);
        var account = new UserAccount(jobNo, name, "", [Roles.Admin], null, 0, null);
        account = account with { PasswordHash = new PasswordHasher<UserAccount>().HashPassword(account, password!) };
        try
        {
            if (!await users.AddIfMissingAsync(account, DateTimeOffset.UtcNow, CancellationToken.None))
                return Fail(error, $"job number {jobNo} exists; change it with PUT /api/users/{jobNo}.");
        }
        catch (NpgsqlException e)
        {
            return Fail(error, $"the database refused: {e.Message}");
        }
        await output.WriteLineAsync($"administrator {jobNo} created");
        return 0;
    }

    private static Dictionary<string, string>? Parse(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (args[i].StartsWith("--ConnectionStrings", StringComparison.Ordinal)) { i--; continue; }
            if (args[i] is not ("--job-number" or "--name" or "--password-file") || i + 1 >= args.Length) return null;
            options[args[i]] = args[i + 1];
        }
        return options;
    }

    private static int Fail(TextWriter error, string message)
    {
        error.WriteLine($"hotline-api create-admin: {message}");
        return 1;
    }
}
