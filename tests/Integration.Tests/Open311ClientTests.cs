using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Hotline.Tests;

/// <summary>
/// The independent Open311 client (tests/open311-client, Python's standard library only, written from the spec)
/// against a real silo and Client.Api started as ./run.sh starts them, with a key issued through the admin API.
/// </summary>
public sealed class Open311ClientTests
{
    private const string DemoPassword = "open311-client-demo";

    [Fact]
    public async Task The_independent_python_client_finds_the_running_hotline_conforms_to_georeport_v2()
    {
        await using var db = await TestDatabase.CreateAsync("o311");
        await using var silo = HotlineProcess.StartSilo(db.ConnectionString, HotlineProcess.FreePort(), HotlineProcess.FreePort(), HotlineProcess.FreePort());
        await silo.WaitReadyAsync();
        await using var api = HotlineProcess.Start("api",
            Path.Combine(HotlineProcess.RepositoryRoot, "Client.Api", "bin", HotlineProcess.Configuration, "net10.0", "Hotline.Client.Api.dll"),
            $"http://127.0.0.1:{HotlineProcess.FreePort()}",
            [$"--ConnectionStrings:Hotline={db.ConnectionString}", "--Hotline:Demo:Seed=true"],
            new Dictionary<string, string> { ["HOTLINE_DEMO_PASSWORD"] = DemoPassword });
        await api.WaitReadyAsync();

        using var http = new HttpClient { BaseAddress = new Uri(api.Url) };
        string? token = null;
        await Eventually.HoldsAsync(async () =>
        {
            using var login = await http.PostAsJsonAsync("/api/auth/login", new { jobNumber = "9000", password = DemoPassword });
            if (!login.IsSuccessStatusCode) return false;
            token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
            // The catalogue is seeded after the accounts: the client needs services.
            using var services = await http.GetAsync("/open311/v2/services.json");
            return services.IsSuccessStatusCode && (await services.Content.ReadAsStringAsync()).Contains("service_code", StringComparison.Ordinal);
        }, "the demo admin can sign in and the catalogue is seeded", TimeSpan.FromSeconds(90));
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var created = await http.PostAsJsonAsync("/api/integrations/keys",
            new { account = "9900", name = "python client", scopes = new[] { "open311:write" } });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var key = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;

        var (exitCode, output) = await RunPythonAsync(
            Path.Combine(HotlineProcess.RepositoryRoot, "tests", "open311-client", "open311_client.py"), "--base-url", $"{api.Url}/open311/v2", "--api-key", key);

        Assert.True(exitCode == 0, $"the client failed (exit {exitCode}):\n{output}\n--- api ---\n{api.Output}");
        Assert.Contains("ok discovery.json and discovery.xml", output);
        Assert.Contains("ok POST requests.json created request", output);
        Assert.Contains("ok requests filters", output);
        Assert.Contains("open311-client: all 7 checks passed", output);
        Assert.DoesNotContain(key, output);
    }

    private static async Task<(int ExitCode, string Output)> RunPythonAsync(params string[] args)
    {
        var info = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start python3");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
