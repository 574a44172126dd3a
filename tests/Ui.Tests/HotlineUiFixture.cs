using System.Net.Http.Json;
using System.Text.Json;
using Hotline.Tests;
using Microsoft.Playwright;

namespace Hotline.Ui.Tests;

/// <summary>
/// One hotline for the browser tests: a fresh database, a silo and Client.Api started from the build output with the
/// demo data, and Debian's Chromium driven by Playwright (no browser download: <c>ExecutablePath</c>).
/// </summary>
public sealed class HotlineUiFixture : IAsyncLifetime
{
    public const string Password = "ui-test-pass-1";
    public const string ChromiumPath = "/usr/bin/chromium";

    private TestDatabase? _database;
    private HotlineProcess? _silo;
    private HotlineProcess? _api;
    private IPlaywright? _playwright;

    public string BaseUrl => _api?.Url ?? throw new InvalidOperationException("not started");
    public IBrowser Browser { get; private set; } = null!;
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(20) };

    /// <summary>Screenshots of every screen, for people to look at: printed at start.</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(HotlineProcess.RepositoryRoot, "tests", "Ui.Tests", "TestResults", "screenshots");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(ScreenshotFolder);
        foreach (var old in Directory.GetFiles(ScreenshotFolder, "*.png")) File.Delete(old);
        Console.WriteLine($"UI screenshots: {ScreenshotFolder}");

        _database = await TestDatabase.CreateAsync("ui");
        var siloHttp = HotlineProcess.FreePort();
        _silo = HotlineProcess.StartSilo(_database.ConnectionString, HotlineProcess.FreePort(), HotlineProcess.FreePort(), siloHttp);
        var browserStart = StartBrowserAsync();
        await _silo.WaitReadyAsync();
        _api = HotlineProcess.Start("api",
            Path.Combine(HotlineProcess.RepositoryRoot, "Client.Api", "bin", HotlineProcess.Configuration, "net10.0", "Hotline.Client.Api.dll"),
            $"http://127.0.0.1:{HotlineProcess.FreePort()}",
            [
                $"--ConnectionStrings:Hotline={_database.ConnectionString}",
                "--Hotline:SimulatedTrunk:Enabled=true",
                "--Hotline:Demo:Seed=true",
                "--Hotline:Auth:MaxFailedAttempts=3",
                // Every sign-in of the suite comes from 127.0.0.1, the start-up probe's included.
                "--Hotline:Auth:SignInRateLimit:PermitLimit=10000",
            ],
            new Dictionary<string, string> { ["HOTLINE_DEMO_PASSWORD"] = Password });
        await _api.WaitReadyAsync();
        await browserStart;
    }

    private async Task StartBrowserAsync()
    {
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--lang=zh-CN"],
        });
    }

    /// <summary>A bearer token for API calls the test makes as staff (the simulated trunk, checks).</summary>
    public async Task<string> TokenAsync(string jobNo)
    {
        using var response = await Http.PostAsJsonAsync($"{BaseUrl}/api/auth/login", new { jobNumber = jobNo, password = Password });
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("token").GetString()!;
    }

    public async Task<JsonDocument> PostAsync(string token, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, BaseUrl + path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new("Bearer", token);
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text);
    }

    /// <summary>A fresh browser session (its own cookies), signed in as <paramref name="jobNo"/> unless null.</summary>
    public async Task<IPage> OpenAsync(string? jobNo, string path = "/")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            Locale = "zh-CN",
            ViewportSize = new ViewportSize { Width = 1400, Height = 900 },
        });
        // The browser tests run beside the rest of the suite on two cores: a page may take longer than 15 s to become
        // interactive there (a clean-clone run timed out once at 15 s on the audit screen), never minutes.
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        if (jobNo is null)
        {
            await page.GotoAsync(path);
            return page;
        }
        await page.GotoAsync("/login");
        await page.GetByTestId("job-number").FillAsync(jobNo);
        await page.GetByTestId("password").FillAsync(Password);
        await page.GetByTestId("sign-in").ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/login", StringComparison.Ordinal));
        if (path != "/") await page.GotoAsync(path);
        await WaitInteractiveAsync(page);
        return page;
    }

    /// <summary>Waits until Blazor's circuit is up, so clicks reach the server.</summary>
    public static Task WaitInteractiveAsync(IPage page) =>
        page.WaitForFunctionAsync("() => window.Blazor !== undefined && document.querySelector('[data-live]')?.dataset.live === 'on'");

    public static async Task ShotAsync(IPage page, string name)
    {
        var file = Path.Combine(ScreenshotFolder, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        if (_api is not null) await _api.DisposeAsync();
        if (_silo is not null) await _silo.DisposeAsync();
        if (_database is not null) await _database.DisposeAsync();
        Http.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class HotlineUiCollection : ICollectionFixture<HotlineUiFixture>
{
    public const string Name = "hotline-ui";
}
