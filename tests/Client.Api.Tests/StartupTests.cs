using System.Diagnostics;

namespace Hotline.Tests;

/// <summary>The built API host, started as a process, refuses a bad setting the way operators need it to.</summary>
public sealed class StartupTests
{
    [Theory]
    [InlineData("Hotline__Auth__TokenLifetime", "soon", "Hotline:Auth:TokenLifetime")]
    [InlineData("Hotline__Orleans__Mode", "Carrier-pigeon", "Hotline:Orleans:Mode")]
    [InlineData("Hotline__Demo__Seed", "true", "HOTLINE_DEMO_PASSWORD")]
    public async Task A_bad_setting_stops_the_host_with_one_line_on_stderr_and_exit_code_1(string name, string value, string named)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Hotline.Client.Api.dll"));
        start.ArgumentList.Add("--urls=http://127.0.0.1:0");
        start.Environment["Hotline__Orleans__Mode"] = "Localhost";
        start.Environment.Remove("HOTLINE_DEMO_PASSWORD");
        start.Environment[name] = value;

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(1, process.ExitCode);
        var lines = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("hotline-api: invalid configuration:", line);
        Assert.Contains(named, line);
        Assert.DoesNotContain(" at ", await stdout);
    }
}
