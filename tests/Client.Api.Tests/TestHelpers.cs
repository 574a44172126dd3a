using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Hotline.Tests;

internal static class TestHelpers
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>Asserts a problem+json answer with this status and code, and returns its body.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal(code, body.GetProperty("code").GetString());
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        return body;
    }

    /// <summary>Asserts a 2xx answer and returns its JSON body.</summary>
    public static async Task<JsonElement> AssertOkAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"expected success, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement;
    }

    public static async Task<JsonElement> PostOkAsync(this HttpClient client, string url, object? body = null) =>
        await (await client.PostAsJsonAsync(url, body ?? new { })).AssertOkAsync();

    public static async Task<JsonElement> GetOkAsync(this HttpClient client, string url) =>
        await (await client.GetAsync(url)).AssertOkAsync();

    public static string Str(this JsonElement e, string property) => e.GetProperty(property).GetString()!;
}
