namespace Hotline.Tests;

public sealed class SiloStartupTests
{
    [Fact]
    public async Task A_bad_setting_stops_the_silo_with_one_clear_line()
    {
        await using var silo = HotlineProcess.StartSilo("Host=127.0.0.1;Port=1;Database=x;Username=x;Password=x", 0, 1, HotlineProcess.FreePort());
        Assert.True(await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)), "the silo should stop by itself");
        Assert.Equal(2, silo.ExitCode);
        var output = silo.Output.Trim();
        Assert.Equal("hotline-silo: invalid setting Hotline:Silo:SiloPort: The field SiloPort must be between 1 and 65535.", output);
    }

    [Fact]
    public async Task An_unreachable_database_stops_the_silo_with_one_line_that_names_it_without_the_password()
    {
        var port = HotlineProcess.FreePort(); // nothing listens there
        await using var silo = HotlineProcess.StartSilo($"Host=127.0.0.1;Port={port};Database=hotline;Username=hotline;Password=s3cret",
            HotlineProcess.FreePort(), HotlineProcess.FreePort(), HotlineProcess.FreePort());
        Assert.True(await silo.WaitForExitAsync(TimeSpan.FromSeconds(60)), "the silo should stop by itself");
        Assert.Equal(2, silo.ExitCode);
        var lines = silo.Output.Trim().Split('\n');
        var line = Assert.Single(lines, l => l.StartsWith("hotline-silo:", StringComparison.Ordinal));
        Assert.Contains($"127.0.0.1:{port}", line);
        Assert.DoesNotContain("s3cret", silo.Output);
        Assert.DoesNotContain("   at ", silo.Output); // no stack trace
    }

    [Fact]
    public async Task The_in_memory_mode_starts_without_a_database_runs_its_edge_and_says_it_is_not_durable()
    {
        await using var silo = HotlineProcess.StartSilo("unused", HotlineProcess.FreePort(), HotlineProcess.FreePort(), HotlineProcess.FreePort(),
            "--Hotline:Silo:Storage=Memory");
        await silo.WaitReadyAsync();

        Assert.Contains("IN-MEMORY MODE", silo.Output);
        Assert.Contains("Telephony edge listening for SIP", silo.Output);
        using var http = new HttpClient();
        var ready = await http.GetStringAsync($"{silo.Url}/health/ready");
        Assert.Contains("not used (in-memory mode)", ready);
    }

    [Fact]
    public async Task The_dashboard_asks_for_sign_in_outside_development()
    {
        await using var db = await TestDatabase.CreateAsync("dash");
        await using var silo = HotlineProcess.StartSilo(db.ConnectionString, HotlineProcess.FreePort(), HotlineProcess.FreePort(), HotlineProcess.FreePort());
        await silo.WaitReadyAsync();
        using var http = new HttpClient();

        using var anonymous = await http.GetAsync($"{silo.Url}/dashboard/");
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, anonymous.StatusCode);

        // A supervisor's token, as Client.Api stores it at sign-in (SHA-256 of the token).
        const string token = "integration-test-supervisor-token";
        await db.ScalarAsync<int>("INSERT INTO users (job_no, display_name, password_hash, roles) VALUES ('9001', '班长', 'x', '{supervisor}')");
        await db.ScalarAsync<int>(
            "INSERT INTO auth_tokens (token_hash, job_no, roles, issued_at, expires_at) VALUES (sha256(convert_to($1, 'UTF8')), '9001', '{supervisor}', now(), now() + interval '1 hour')",
            token);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{silo.Url}/dashboard/");
        request.Headers.Authorization = new("Bearer", token);
        using var signedIn = await http.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.OK, signedIn.StatusCode);
    }
}
