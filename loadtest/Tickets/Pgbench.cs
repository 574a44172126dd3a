using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace Hotline.LoadTest.Tickets;

/// <summary>One pgbench run: its client count and what it printed.</summary>
public sealed record PgbenchResult(int Clients, double? Tps, double? LatencyAverageMs, long? Transactions, long? Failed, string? Error);

/// <summary>
/// PostgreSQL's own single-row INSERT rate, measured with pgbench against the database of the silo: a table
/// <c>bench_insert(id bigserial primary key, payload text)</c>, a script of one INSERT of 200 bytes, one run per
/// client count (each client one connection, the server's synchronous_commit as configured).
/// </summary>
public static partial class Pgbench
{
    public const string Table = "bench_insert";
    public const string Script = "INSERT INTO bench_insert(payload) VALUES (repeat('x', 200));\n";

    [GeneratedRegex(@"^tps = ([0-9.]+) \(without initial connection time\)", RegexOptions.Multiline)]
    private static partial Regex TpsLine();
    [GeneratedRegex(@"^latency average = ([0-9.]+) ms", RegexOptions.Multiline)]
    private static partial Regex LatencyLine();
    [GeneratedRegex(@"^number of transactions actually processed: ([0-9]+)", RegexOptions.Multiline)]
    private static partial Regex TransactionsLine();
    [GeneratedRegex(@"^number of failed transactions: ([0-9]+)", RegexOptions.Multiline)]
    private static partial Regex FailedLine();

    /// <summary>The figures of pgbench's summary; null for a line it did not print.</summary>
    public static (double? Tps, double? LatencyAverageMs, long? Transactions, long? Failed) ParseOutput(string output)
    {
        static double? Number(Regex regex, string text) =>
            regex.Match(text) is { Success: true } m ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;
        static long? Count(Regex regex, string text) =>
            regex.Match(text) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;
        return (Number(TpsLine(), output), Number(LatencyLine(), output), Count(TransactionsLine(), output), Count(FailedLine(), output));
    }

    /// <summary>pgbench's arguments for the connection string (host, port, user, database) and one run; the password goes in PGPASSWORD.</summary>
    public static (IReadOnlyList<string> Arguments, string? Password) CommandFor(string connectionString, string scriptPath, int clients, TimeSpan duration)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        var args = new List<string> { "-n", "-f", scriptPath, "-c", clients.ToString(CultureInfo.InvariantCulture),
            "-j", Math.Min(2, clients).ToString(CultureInfo.InvariantCulture),
            "-T", Math.Max(1, (int)Math.Round(duration.TotalSeconds)).ToString(CultureInfo.InvariantCulture) };
        if (!string.IsNullOrEmpty(b.Host)) args.AddRange(["-h", b.Host]);
        args.AddRange(["-p", b.Port.ToString(CultureInfo.InvariantCulture)]);
        if (!string.IsNullOrEmpty(b.Username)) args.AddRange(["-U", b.Username]);
        if (!string.IsNullOrEmpty(b.Database)) args.Add(b.Database);
        return (args, b.Password);
    }

    public static async Task<string> ShowAsync(string connectionString, string setting, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SHOW {setting}", connection);
        return (string)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Creates the table, runs pgbench once per client count, drops the table (also on failure).</summary>
    public static async Task<IReadOnlyList<PgbenchResult>> RunAsync(TicketsOptions o, Action<string> progress, CancellationToken cancellationToken)
    {
        var scriptPath = Path.Combine(Path.GetTempPath(), $"hotline-bench-insert-{Environment.ProcessId}.sql");
        await File.WriteAllTextAsync(scriptPath, Script, cancellationToken);
        await ExecuteAsync(o.Database, $"DROP TABLE IF EXISTS {Table}; CREATE TABLE {Table}(id bigserial primary key, payload text)", cancellationToken);
        var results = new List<PgbenchResult>();
        try
        {
            foreach (var clients in o.PgbenchClients)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress($"pgbench -c {clients} -T {Math.Round(o.PgbenchDuration.TotalSeconds)}…");
                results.Add(await RunOnceAsync(o, scriptPath, clients, cancellationToken));
                progress(results[^1].Error is { } error ? $"pgbench -c {clients}: {error}" : $"pgbench -c {clients}: tps {results[^1].Tps}, latency average {results[^1].LatencyAverageMs} ms");
            }
        }
        finally
        {
            await ExecuteAsync(o.Database, $"DROP TABLE IF EXISTS {Table}", CancellationToken.None);
            File.Delete(scriptPath);
        }
        return results;
    }

    private static async Task<PgbenchResult> RunOnceAsync(TicketsOptions o, string scriptPath, int clients, CancellationToken cancellationToken)
    {
        var (arguments, password) = CommandFor(o.Database, scriptPath, clients, o.PgbenchDuration);
        var start = new ProcessStartInfo(o.PgbenchPath) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        if (password is not null) start.Environment["PGPASSWORD"] = password;
        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            var output = await stdout + "\n" + await stderr;
            var (tps, latency, transactions, failed) = ParseOutput(output);
            var error = process.ExitCode != 0 || tps is null
                ? $"exit code {process.ExitCode}: {output.Trim().Split('\n').LastOrDefault(l => l.Length > 0)}"
                : null;
            return new PgbenchResult(clients, tps, latency, transactions, failed, error);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return new PgbenchResult(clients, null, null, null, null, $"cannot run {o.PgbenchPath}: {e.Message}");
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
