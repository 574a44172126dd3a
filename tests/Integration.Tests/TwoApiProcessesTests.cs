using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Hotline.Tests;

/// <summary>Two API processes behind one load balancer behave as one: a retried registration reaching the other process is recognised.</summary>
public sealed class TwoApiProcessesTests
{
    private const string Password = "two-apis-demo-password";

    [Fact]
    public async Task A_registration_retried_with_its_Idempotency_Key_on_the_other_api_process_returns_the_first_order()
    {
        await using var db = await TestDatabase.CreateAsync("twoapis");
        await using var silo = HotlineProcess.StartSilo(db.ConnectionString, HotlineProcess.FreePort(), HotlineProcess.FreePort(), HotlineProcess.FreePort());
        await silo.WaitReadyAsync();
        await using var first = await HotlineProcess.StartDemoApiAsync("api-1", db.ConnectionString, Password, seedDemo: true);
        await using var second = await HotlineProcess.StartDemoApiAsync("api-2", db.ConnectionString, Password, seedDemo: false);

        using var http = new HttpClient();
        using var login = await http.PostAsJsonAsync($"{first.Url}/api/auth/login", new { jobNumber = "1001", password = Password });
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        var order = new
        {
            channel = "phone", kind = "complaint", category = "housing-fund",
            caller = new { name = "张先生", phone = "13800138000" },
            summary = "公积金提取被拒", content = "申请提取住房公积金三次被拒，窗口没有说明理由。",
        };
        async Task<(HttpStatusCode Status, JsonElement Body)> RegisterAsync(string url, object body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{url}/api/tickets") { Content = JsonContent.Create(body) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Headers.Add("Idempotency-Key", "desk-1001-0001");
            using var response = await http.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
        }

        var created = await RegisterAsync(first.Url, order);
        // The answer was lost; the desk retries, and the load balancer sends it to the other process.
        var retried = await RegisterAsync(second.Url, order);

        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal(HttpStatusCode.OK, retried.Status);
        Assert.Equal(created.Body.GetProperty("number").GetString(), retried.Body.GetProperty("number").GetString());
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM tickets WHERE summary = $1", "公积金提取被拒"));
        var other = await RegisterAsync(second.Url, new { order.channel, order.kind, order.category, order.caller, summary = "另一件事", order.content });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.Status);
        Assert.Equal("idempotency.key_reused", other.Body.GetProperty("code").GetString());
    }
}
