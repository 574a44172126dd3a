using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Hotline.Tests;

/// <summary>A silo or Client.Api started as a real process from the build output, as ./run.sh starts them.</summary>
public sealed class HotlineProcess : ToolProcess
{
    private HotlineProcess(string name, Process process, string url)
        : base(process)
    {
        Name = name;
        Url = url;
    }

    public string Name { get; }
    public string Url { get; }
    public int Id => Child.Id;
    public bool HasExited => Child.HasExited;
    public int ExitCode => Child.ExitCode;

    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>Release or Debug: the configuration these tests were built with, so the hosts match.</summary>
    public static string Configuration { get; } = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static HotlineProcess StartSilo(string connectionString, int siloPort, int gatewayPort, int httpPort, params string[] extra) =>
        Start("silo", Path.Combine(RepositoryRoot, "Silo", "bin", Configuration, "net10.0", "Hotline.Silo.dll"), $"http://127.0.0.1:{httpPort}",
        [
            $"--ConnectionStrings:Hotline={connectionString}",
            $"--Hotline:Silo:SiloPort={siloPort}",
            $"--Hotline:Silo:GatewayPort={gatewayPort}",
            "--Hotline:Grains:SimulatedTrunkEnabled=true",
            "--Hotline:Grains:HeartbeatSeconds=2",
            "--Hotline:Silo:LostCallSweepSeconds=1",
            // Several silos share this machine: each edge takes a free SIP port, recordings go to a scratch folder.
            "--Hotline:Telephony:SipPort=0",
            $"--Hotline:Telephony:RecordingsPath={Path.Combine(Path.GetTempPath(), "hotline-test-recordings")}",
            .. extra,
        ]);

    /// <summary>
    /// Client.Api as run.sh starts it (no simulated trunk setting), with the demo data when <paramref name="seedDemo"/> and
    /// the demo password in its environment, on a free port; ready when this returns.
    /// </summary>
    public static async Task<HotlineProcess> StartDemoApiAsync(string name, string connectionString, string demoPassword, bool seedDemo)
    {
        var dll = Path.Combine(RepositoryRoot, "Client.Api", "bin", Configuration, "net10.0", "Hotline.Client.Api.dll");
        string[] args = seedDemo
            ? [$"--ConnectionStrings:Hotline={connectionString}", "--Hotline:Demo:Seed=true"]
            : [$"--ConnectionStrings:Hotline={connectionString}"];
        var api = Start(name, dll, $"http://127.0.0.1:{FreePort()}", args, new Dictionary<string, string> { ["HOTLINE_DEMO_PASSWORD"] = demoPassword });
        try
        {
            await api.WaitReadyAsync();
            return api;
        }
        catch
        {
            await api.DisposeAsync();
            throw;
        }
    }

    public static HotlineProcess StartApi(string connectionString, int httpPort, params string[] extra) =>
        Start("api", Path.Combine(RepositoryRoot, "Client.Api", "bin", Configuration, "net10.0", "Hotline.Client.Api.dll"), $"http://127.0.0.1:{httpPort}",
        [
            $"--ConnectionStrings:Hotline={connectionString}",
            "--Hotline:SimulatedTrunk:Enabled=true",
            .. extra,
        ]);

    public static HotlineProcess Start(string name, string dll, string url, IReadOnlyList<string> args, IDictionary<string, string>? environment = null)
    {
        if (!File.Exists(dll)) throw new FileNotFoundException($"{dll} is missing: build the solution ({Configuration}) first.");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add(url);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        if (environment is not null)
            foreach (var (k, v) in environment) info.Environment[k] = v;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {dll}");
        return new HotlineProcess(name, process, url);
    }

    /// <summary>Waits until <c>/health/ready</c> answers 200, failing with the process output if it dies or takes too long.</summary>
    public async Task WaitReadyAsync(TimeSpan? timeout = null)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        while (DateTime.UtcNow < deadline)
        {
            if (Child.HasExited)
                throw new InvalidOperationException($"{Name} exited with {Child.ExitCode} during start-up:\n{Output}");
            try
            {
                using var response = await http.GetAsync($"{Url}/health/ready");
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"{Name} was not ready at {Url} in time:\n{Output}");
    }

    /// <summary>Kills the process at once, as a machine failure would (SIGKILL).</summary>
    public void Kill()
    {
        if (!Child.HasExited) Child.Kill(entireProcessTree: true);
        Child.WaitForExit();
    }

    /// <summary>Asks the process to stop (SIGTERM), as Kubernetes or systemd does before it kills.</summary>
    public void Terminate()
    {
        if (Child.HasExited) return;
        using var kill = Process.Start("kill", ["-TERM", Child.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public Task<bool> WaitForExitAsync(TimeSpan timeout) => Child.WaitForExitAsync(new CancellationTokenSource(timeout).Token)
        .ContinueWith(t => t.IsCompletedSuccessfully, TaskScheduler.Default);


    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Orleans.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("cannot find the repository root (Orleans.sln) above " + AppContext.BaseDirectory);
    }
}
