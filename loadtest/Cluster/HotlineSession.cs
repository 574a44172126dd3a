using Hotline.LoadTest.Enqueue;
using Hotline.LoadTest.Scenarios;
using Microsoft.Extensions.Hosting;
using Spectre.Console;

namespace Hotline.LoadTest.Cluster;

/// <summary>
/// What a harness scenario runs against: the hotline (started here or <c>--target</c>) and an Orleans client
/// connected to it. Disposing closes the client, then stops whatever the harness started.
/// </summary>
public sealed class HotlineSession : IAsyncDisposable
{
    private readonly IHost _host;

    private HotlineSession(IHost host, string connectionString, LocalHotline? local, HarnessOptions options)
    {
        _host = host;
        ConnectionString = connectionString;
        Local = local;
        Options = options;
    }

    public string ConnectionString { get; }
    /// <summary>Null with <c>--target</c>: nothing to kill or restart.</summary>
    public LocalHotline? Local { get; }
    public HarnessOptions Options { get; }
    public IClusterClient Client => _host.Client();

    public static async Task<HotlineSession> StartAsync(HarnessOptions options, string? outDir, CancellationToken cancellationToken)
    {
        LocalHotline? local = null;
        string connectionString;
        if (options.Target is { } target)
        {
            connectionString = target;
        }
        else
        {
            var logs = options.Logs ?? (outDir is not null ? Path.Combine(outDir, "logs") : Path.Combine(Path.GetTempPath(), $"hotline-loadtest-{DateTime.UtcNow:yyyyMMddTHHmmss}"));
            try
            {
                local = await LocalHotline.StartAsync(options, Path.GetFullPath(logs), Say, cancellationToken);
            }
            catch (HarnessException e)
            {
                throw new ScenarioFailedException(e.Message, e);
            }
            Say($"hotline up: {local.Silos.Count} silo(s){(local.ApiUrl is { } api ? $", Client.Api at {api}" : "")}, database {local.Database}; logs in {local.Logs}");
            connectionString = local.ConnectionString;
        }

        var host = HotlineClient.Build(new EnqueueOptions { Database = connectionString });
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            host.Dispose();
            if (local is not null) await local.DisposeAsync();
            throw new ScenarioFailedException(
                $"cannot reach the hotline cluster through {EnqueueOptions.RedactPassword(connectionString)}: {e.Message} Is a silo running against that database?", e);
        }
        return new HotlineSession(host, connectionString, local, options);
    }

    public static void Say(string message) => AnsiConsole.MarkupLine($"[grey]harness[/] {Markup.Escape(message)}");

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is OperationCanceledException or OrleansException or TimeoutException)
        {
            // The cluster may already be gone (a drill, Ctrl-C): the client has nothing left to say goodbye to.
        }
        _host.Dispose();
        if (Local is not null)
        {
            Say("stopping the processes the harness started…");
            await Local.DisposeAsync();
        }
    }
}
