using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Hotline.Tests;

/// <summary>Ready means ready for traffic: a script or an orchestrator that trusts <c>/health/ready</c> is served at once.</summary>
public sealed class ReadinessTests
{
    private const string Password = "readiness-demo-password";

    [Fact]
    public async Task Once_the_api_says_ready_the_demo_dispatcher_signs_in_and_the_general_queue_exists()
    {
        await using var db = await TestDatabase.CreateAsync("ready");
        await using var silo = HotlineProcess.StartSilo(db.ConnectionString, HotlineProcess.FreePort(), HotlineProcess.FreePort(), HotlineProcess.FreePort());
        await silo.WaitReadyAsync();
        var silos = JsonDocument.Parse(await new HttpClient().GetStringAsync($"{silo.Url}/health/ready")).RootElement;
        Assert.Equal("listening or disabled", silos.GetProperty("checks").GetProperty("edge").GetString());

        await using var api = HotlineProcess.Start("api",
            Path.Combine(HotlineProcess.RepositoryRoot, "Client.Api", "bin", HotlineProcess.Configuration, "net10.0", "Hotline.Client.Api.dll"),
            $"http://127.0.0.1:{HotlineProcess.FreePort()}",
            [$"--ConnectionStrings:Hotline={db.ConnectionString}", "--Hotline:Demo:Seed=true"],
            new Dictionary<string, string> { ["HOTLINE_DEMO_PASSWORD"] = Password });
        await api.WaitReadyAsync();

        using var http = new HttpClient { BaseAddress = new Uri(api.Url) };
        using var login = await http.PostAsJsonAsync("/api/auth/login", new { jobNumber = "8001", password = Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        using var supervisor = await http.PostAsJsonAsync("/api/auth/login", new { jobNumber = "9001", password = Password });
        var token = (await supervisor.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/queues/general");
        request.Headers.Authorization = new("Bearer", token);
        using var queue = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, queue.StatusCode);
        var ready = JsonDocument.Parse(await http.GetStringAsync("/health/ready")).RootElement;
        Assert.Equal("healthy", ready.GetProperty("checks").GetProperty("demo").GetProperty("status").GetString());
    }
}
