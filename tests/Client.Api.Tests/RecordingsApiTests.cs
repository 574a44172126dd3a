using System.Net;
using System.Net.Http.Headers;
using Npgsql;

namespace Hotline.Tests;

/// <summary>Recordings are heard by supervisors, admins, auditors and the agent who handled the matter; nobody
/// else learns they exist; a row can never lead outside the recordings folder.</summary>
public sealed class RecordingsApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task A_work_orders_recording_is_heard_by_its_agent_and_oversight_and_by_no_one_else()
    {
        var folder = Directory.CreateTempSubdirectory("hotline-recordings-api-");
        try
        {
            var host = await api.HostWithAsync(("Hotline:RecordingsPath", folder.FullName));
            var agent = await api.SignedInAsync("1001");
            var number = (await agent.RegisterAsync()).Str("number");
            var wav = new byte[] { (byte)'R', (byte)'I', (byte)'F', (byte)'F', 1, 2, 3, 4 };
            Directory.CreateDirectory(Path.Combine(folder.FullName, "2026/11/23"));
            await File.WriteAllBytesAsync(Path.Combine(folder.FullName, "2026/11/23/rec-1.wav"), wav);
            await InsertAsync("rec-1", number, "2026/11/23/rec-1.wav");
            await InsertAsync("rec-gone", number, "2026/11/23/not-there.wav");
            await InsertAsync("rec-escape", number, "../../etc/passwd");

            foreach (var who in new[] { "1001", "9001", "9500" })
            {
                var client = Authorised(host, await TokenAsync(who));
                var list = await client.GetOkAsync($"/api/tickets/{number}/recordings");
                Assert.Equal(["rec-1", "rec-gone", "rec-escape"], list.EnumerateArray().Select(r => r.Str("id")));
                var audio = await client.GetAsync("/api/recordings/rec-1");
                Assert.Equal(HttpStatusCode.OK, audio.StatusCode);
                Assert.Equal("audio/wav", audio.Content.Headers.ContentType?.MediaType);
                Assert.Equal(wav, await audio.Content.ReadAsByteArrayAsync());
                await (await client.GetAsync("/api/recordings/rec-gone")).AssertProblemAsync(HttpStatusCode.Gone, "recording.file_missing");
                await (await client.GetAsync("/api/recordings/rec-escape")).AssertProblemAsync(HttpStatusCode.Gone, "recording.file_missing");
            }

            var otherAgent = Authorised(host, await TokenAsync("1002"));
            Assert.Empty((await otherAgent.GetOkAsync($"/api/tickets/{number}/recordings")).EnumerateArray());
            await (await otherAgent.GetAsync("/api/recordings/rec-1")).AssertProblemAsync(HttpStatusCode.NotFound, "recording.not_found");
            // Roles that never hear recordings are refused at the gate, whatever the id.
            foreach (var who in new[] { "7001", "8001" })
            {
                var client = Authorised(host, await TokenAsync(who));
                await (await client.GetAsync($"/api/tickets/{number}/recordings")).AssertProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
                await (await client.GetAsync("/api/recordings/rec-1")).AssertProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
            }
            await (await host.CreateClient().GetAsync("/api/recordings/rec-1")).AssertProblemAsync(HttpStatusCode.Unauthorized, "auth.required");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private async Task InsertAsync(string id, string ticketNumber, string path)
    {
        await using var db = NpgsqlDataSource.Create(api.ConnectionString);
        await using var command = db.CreateCommand(
            "INSERT INTO recordings (recording_id, call_id, ticket_number, kind, path, channels, duration_ms) VALUES ($1, $2, $3, 'complaint', $4, 1, 9100)");
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue($"sip-test-{id}");
        command.Parameters.AddWithValue(ticketNumber);
        command.Parameters.AddWithValue(path);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<string> TokenAsync(string jobNo)
    {
        var client = await api.SignedInAsync(jobNo);
        return client.DefaultRequestHeaders.Authorization!.Parameter!;
    }

    private static HttpClient Authorised(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> host, string token)
    {
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
