using System.Net;
using System.Text;
using System.Text.Json;
using CsCheck;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Security;

/// <summary>
/// Random JSON (CsCheck) at every POST and PUT route, as an administrator and as an agent: bad input must be a 4xx
/// problem, never a 500. The bodies mix the field names the API knows with random ones, so some reach deep validation.
/// </summary>
public sealed class RandomJsonTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly string[] Fields =
    [
        "jobNumber", "password", "oldPassword", "newPassword", "displayName", "roles", "departmentId", "channel", "kind", "category",
        "caller", "name", "phone", "summary", "content", "address", "location", "lat", "lng", "callId", "resolvedOnSpot", "answer",
        "lead", "co", "reason", "text", "note", "workingDays", "at", "satisfaction", "into", "to", "mode", "digits", "from",
        "language", "extension", "queues", "queueId", "level", "languages", "holidays", "workdays", "date", "strategy",
        "serviceLevelSeconds", "ringTimeoutSeconds", "overflow", "priority", "nodes", "start", "id", "type", "prompt", "next",
        "categories", "rules", "active", "seat", "campaign", "durationSeconds", "nationalHolidays",
    ];

    private static readonly Gen<string> Json = Gen.Int.Select(seed => RandomJson(new Random(seed), 0));

    [Fact]
    public async Task No_random_json_at_any_post_or_put_route_answers_500()
    {
        var admin = await api.SignedInAsync("9000");
        var agent = await api.SignedInAsync("1001");
        var ticket = (await agent.RegisterAsync()).Str("number");
        var failures = new List<string>();
        var sent = 0;
        var answers = new Dictionary<int, int>();
        foreach (var (method, pattern) in WriteRoutes())
        {
            foreach (var (client, principal) in new[] { (admin, "admin"), (agent, "agent") })
            {
                var url = AuthorizationMatrixTests.Fill(pattern, principal, ticket);
                await Json.SampleAsync(async body =>
                {
                    using var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                    using var response = await client.SendAsync(request);
                    sent++;
                    answers[(int)response.StatusCode] = answers.GetValueOrDefault((int)response.StatusCode) + 1;
                    if ((int)response.StatusCode >= 500 && response.StatusCode != HttpStatusCode.ServiceUnavailable)
                        failures.Add($"{method} {url} as {principal}: {(int)response.StatusCode} for {body}\n{await response.Content.ReadAsStringAsync()}");
                }, iter: 12, threads: 1);
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n\n", failures.Take(10)));
        Assert.True(sent >= 50 * 2 * 12, $"only {sent} requests");
        Assert.True(answers.Keys.Count(status => status is >= 400 and < 500) >= 3, string.Join(", ", answers.Select(a => $"{a.Key}: {a.Value}")));
    }

    /// <summary>Every POST and PUT route of the API but those that sign the caller out.</summary>
    private IEnumerable<(string Method, string Pattern)> WriteRoutes()
    {
        var endpoints = api.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();
        foreach (var endpoint in endpoints)
        {
            var pattern = "/" + endpoint.RoutePattern.RawText!.Trim('/');
            if (!pattern.StartsWith("/api/", StringComparison.Ordinal) || pattern is "/api/auth/logout") continue;
            // Changing one's own account (roles, password) would sign this test's clients out; other accounts are fuzzed.
            if (pattern.StartsWith("/api/users/", StringComparison.Ordinal)) pattern = pattern.Replace("{jobNo}", "1009", StringComparison.Ordinal);
            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])
                if (method is "POST" or "PUT") yield return (method, pattern);
        }
    }

    private static string RandomJson(Random random, int depth)
    {
        var pick = random.Next(depth >= 3 ? 6 : 9);
        return pick switch
        {
            0 => "null",
            1 => random.Next(2) == 0 ? "true" : "false",
            2 => random.Next(int.MinValue, int.MaxValue).ToString(System.Globalization.CultureInfo.InvariantCulture),
            3 => (random.NextDouble() * Math.Pow(10, random.Next(-5, 40))).ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            4 or 5 => JsonSerializer.Serialize(RandomString(random)),
            6 => "[" + string.Join(",", Enumerable.Range(0, random.Next(5)).Select(_ => RandomJson(random, depth + 1))) + "]",
            _ => "{" + string.Join(",", Enumerable.Range(0, random.Next(8)).Select(_ =>
                JsonSerializer.Serialize(random.Next(4) == 0 ? RandomString(random) : Fields[random.Next(Fields.Length)]) + ":" + RandomJson(random, depth + 1))) + "}",
        };
    }

    private static string RandomString(Random random)
    {
        var length = random.Next(10) == 0 ? random.Next(200, 5000) : random.Next(0, 20);
        var alphabet = "abc019-_ :/.%$\"\\\u0000\u001f<>'工单话务员𠀀\ud83d\ude00";
        var builder = new StringBuilder(length);
        for (var i = 0; i < length; i++) builder.Append(alphabet[random.Next(alphabet.Length)]);
        return builder.ToString();
    }
}
