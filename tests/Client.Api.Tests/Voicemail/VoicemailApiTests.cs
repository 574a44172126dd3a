using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hotline.Calls;
using Hotline.Queues;
using Npgsql;

namespace Hotline.Tests.Voicemail;

/// <summary>
/// The voicemail work list against real grains and PostgreSQL: calls that ended as voicemail (a message left after
/// hours in the IVR, a full queue) wait oldest first until a desk marks them handled, once, with an outcome.
/// </summary>
public sealed class VoicemailApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    /// <summary>A call that went into the IVR and ended there as voicemail, as the IVR's voicemail node ends it, with its message's row.</summary>
    private async Task<string> LeaveMessageAsync(string from, int durationMs, string? path = null)
    {
        var callId = CallIds.New("sim", TimeProvider.System);
        var call = api.Cluster.GetGrain<ICallGrain>(callId);
        await call.BeginIvrAsync(new CallStart(CallChannel.Simulated, from, "12345", "zh", null, 0));
        await call.EndInIvrAsync("after_hours_voicemail", CallState.Voicemail);
        await using var db = NpgsqlDataSource.Create(api.ConnectionString);
        await using var command = db.CreateCommand(
            "INSERT INTO recordings (recording_id, call_id, kind, path, channels, duration_ms) VALUES ($1, $2, 'voicemail', $3, 1, $4)");
        command.Parameters.AddWithValue($"{callId}-vm");
        command.Parameters.AddWithValue(callId);
        command.Parameters.AddWithValue(path ?? $"2026/12/08/{callId}-voicemail-1.wav");
        command.Parameters.AddWithValue(durationMs);
        await command.ExecuteNonQueryAsync();
        return callId;
    }

    /// <summary>A call refused by a queue that is full and sends overflow to voicemail: no message, but the caller waits for a call back.</summary>
    private async Task<string> RefusedByFullQueueAsync(string from)
    {
        var queueId = $"vm-{Guid.NewGuid():N}"[..12];
        await api.Cluster.GetGrain<IQueueGrain>(queueId).ConfigureAsync(new QueueConfig { Name = "留言测试", MaxLength = 1 });
        var first = api.Cluster.GetGrain<ICallGrain>(CallIds.New("sim", TimeProvider.System));
        await first.StartAsync(new CallStart(CallChannel.Simulated, "13000000000", "12345", null, queueId, 0));
        var callId = CallIds.New("sim", TimeProvider.System);
        var refused = await api.Cluster.GetGrain<ICallGrain>(callId).StartAsync(new CallStart(CallChannel.Simulated, from, "12345", null, queueId, 0));
        Assert.Equal((CallState.Voicemail, "queue_full"), (refused.State, refused.EndReason));
        await first.HangupAsync(CallParty.Caller);
        return callId;
    }

    private static List<string> Ids(JsonElement list) => list.GetProperty("items").EnumerateArray().Select(i => i.Str("callId")).ToList();

    private static JsonElement Item(JsonElement list, string callId) =>
        list.GetProperty("items").EnumerateArray().Single(i => i.Str("callId") == callId);

    [Fact]
    public async Task Voicemails_from_the_ivr_and_from_a_full_queue_wait_oldest_first_until_a_desk_marks_them_handled()
    {
        var agent = await api.SignedInAsync("1001");
        var supervisor = await api.SignedInAsync("9001");
        var before = (await supervisor.GetOkAsync("/api/voicemails/count")).GetProperty("open").GetInt32();

        var message = await LeaveMessageAsync("13812345678", 6400);
        var refused = await RefusedByFullQueueAsync("13987654321");

        var open = await agent.GetOkAsync("/api/voicemails?pageSize=200");
        Assert.Equal("open", open.Str("status"));
        var ids = Ids(open);
        Assert.True(ids.IndexOf(message) >= 0 && ids.IndexOf(message) < ids.IndexOf(refused), string.Join(", ", ids));
        var arrived = open.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("arrivedAt").GetDateTimeOffset()).ToList();
        Assert.Equal(arrived.Order(), arrived);

        var left = Item(open, message);
        Assert.Equal("13812345678", left.Str("caller"));
        Assert.Equal("after_hours_voicemail", left.Str("reason"));
        Assert.Equal(JsonValueKind.Null, left.GetProperty("queueId").ValueKind);
        Assert.Equal(6400, left.GetProperty("message").GetProperty("durationMs").GetInt32());
        Assert.Equal($"/api/recordings/{message}-vm", left.GetProperty("message").Str("audio"));
        Assert.Equal(JsonValueKind.Null, left.GetProperty("handled").ValueKind);
        var full = Item(open, refused);
        Assert.Equal("queue_full", full.Str("reason"));
        Assert.StartsWith("vm-", full.Str("queueId"));
        Assert.Equal(JsonValueKind.Null, full.GetProperty("message").ValueKind);

        var count = await supervisor.GetOkAsync("/api/voicemails/count");
        Assert.Equal(before + 2, count.GetProperty("open").GetInt32());
        Assert.True(count.GetProperty("oldestArrivedAt").GetDateTimeOffset() <= left.GetProperty("arrivedAt").GetDateTimeOffset());

        var handled = await agent.PostOkAsync($"/api/voicemails/{message}/handled", new { outcome = "called_back", note = "已回电说明办理流程" });
        Assert.Equal("called_back", handled.GetProperty("handled").Str("outcome"));
        Assert.Equal("1001", handled.GetProperty("handled").Str("handledBy"));
        Assert.Equal("已回电说明办理流程", handled.GetProperty("handled").Str("note"));

        Assert.DoesNotContain(message, Ids(await agent.GetOkAsync("/api/voicemails?pageSize=200")));
        var done = await supervisor.GetOkAsync("/api/voicemails?status=handled");
        Assert.Equal(message, Ids(done)[0]);
        Assert.Equal(before + 1, (await supervisor.GetOkAsync("/api/voicemails/count")).GetProperty("open").GetInt32());
    }

    [Fact]
    public async Task A_voicemail_is_handled_once_and_a_second_desk_is_told_who_did_it_with_nothing_changed()
    {
        var callId = await LeaveMessageAsync("13711112222", 3000);
        var first = await api.SignedInAsync("1002");
        var second = await api.SignedInAsync("1003");
        await first.PostOkAsync($"/api/voicemails/{callId}/handled", new { outcome = "no_action" });

        var conflict = await (await second.PostAsJsonAsync($"/api/voicemails/{callId}/handled", new { outcome = "called_back" }))
            .AssertProblemAsync(HttpStatusCode.Conflict, "voicemail.already_handled");
        Assert.Equal("1002", conflict.Str("handledBy"));
        Assert.Equal("no_action", conflict.Str("outcome"));

        var kept = Item(await second.GetOkAsync("/api/voicemails?status=handled&pageSize=200"), callId).GetProperty("handled");
        Assert.Equal(("no_action", "1002"), (kept.Str("outcome"), kept.Str("handledBy")));
    }

    [Fact]
    public async Task Marking_a_voicemail_checks_the_outcome_and_names_a_work_order_that_exists_and_writes_nothing_when_refused()
    {
        var callId = await LeaveMessageAsync("13655556666", 5000);
        var agent = await api.SignedInAsync("1004");
        var url = $"/api/voicemails/{callId}/handled";

        async Task Refused(object body, string field)
        {
            var problem = await (await agent.PostAsJsonAsync(url, body)).AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        }
        await Refused(new { outcome = "done" }, "outcome");
        await Refused(new { outcome = "ticket_registered" }, "ticketNumber");
        await Refused(new { outcome = "ticket_registered", ticketNumber = "123" }, "ticketNumber");
        await Refused(new { outcome = "ticket_registered", ticketNumber = Hotline.Tickets.TicketNumber.Format(99_999_999 / 10) }, "ticketNumber");
        await Refused(new { outcome = "called_back", ticketNumber = Hotline.Tickets.TicketNumber.Format(1) }, "ticketNumber");
        Assert.Contains(callId, Ids(await agent.GetOkAsync("/api/voicemails?pageSize=200")));

        await (await agent.PostAsJsonAsync("/api/voicemails/sim-no-such-call/handled", new { outcome = "no_action" }))
            .AssertProblemAsync(HttpStatusCode.NotFound, "voicemail.not_found");
        var answered = CallIds.New("sim", TimeProvider.System);
        await api.Cluster.GetGrain<ICallGrain>(answered).StartAsync(new CallStart(CallChannel.Simulated, "13500000000", "12345", null, null, 0));
        await (await agent.PostAsJsonAsync($"/api/voicemails/{answered}/handled", new { outcome = "no_action" }))
            .AssertProblemAsync(HttpStatusCode.NotFound, "voicemail.not_found");

        var number = (await agent.RegisterAsync()).Str("number");
        var handled = await agent.PostOkAsync(url, new { outcome = "ticket_registered", ticketNumber = number });
        Assert.Equal(("ticket_registered", number), (handled.GetProperty("handled").Str("outcome"), handled.GetProperty("handled").Str("ticketNumber")));
    }

    [Fact]
    public async Task Auditors_read_the_list_with_callers_masked_and_may_not_mark_one_handled_while_agents_hear_the_message()
    {
        var folder = Directory.CreateTempSubdirectory("hotline-voicemail-api-");
        try
        {
            var host = await api.HostWithAsync(("Hotline:RecordingsPath", folder.FullName));
            Directory.CreateDirectory(Path.Combine(folder.FullName, "vm"));
            var wav = new byte[] { (byte)'R', (byte)'I', (byte)'F', (byte)'F', 9, 9 };
            await File.WriteAllBytesAsync(Path.Combine(folder.FullName, "vm", "message.wav"), wav);
            var callId = await LeaveMessageAsync("13822223333", 2000, "vm/message.wav");

            var auditor = await api.SignedInAsync("9500");
            Assert.Equal("138****3333", Item(await auditor.GetOkAsync("/api/voicemails?pageSize=200"), callId).Str("caller"));
            await (await auditor.PostAsJsonAsync($"/api/voicemails/{callId}/handled", new { outcome = "no_action" }))
                .AssertProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
            var dispatcher = await api.SignedInAsync("8001");
            await (await dispatcher.GetAsync("/api/voicemails")).AssertProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");

            // Any agent hears a voicemail (no seat answered it): the list's player uses the recordings API.
            var agent = await api.SignedInAsync("1005");
            var item = Item(await agent.GetOkAsync("/api/voicemails?pageSize=200"), callId);
            Assert.Equal("13822223333", item.Str("caller"));
            var player = host.CreateClient();
            player.DefaultRequestHeaders.Authorization = agent.DefaultRequestHeaders.Authorization;
            var audio = await player.GetAsync(item.GetProperty("message").Str("audio"));
            Assert.Equal(HttpStatusCode.OK, audio.StatusCode);
            Assert.Equal(wav, await audio.Content.ReadAsByteArrayAsync());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_bad_page_or_status_is_refused_by_field_and_every_voicemail_route_is_in_the_openapi_document()
    {
        var agent = await api.SignedInAsync("1006");
        var problem = await (await agent.GetAsync("/api/voicemails?status=all&pageSize=0")).AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("status", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("pageSize", out _));

        var paths = (await api.Anonymous().GetOkAsync("/openapi/v1.json")).GetProperty("paths");
        Assert.True(paths.GetProperty("/api/voicemails").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/api/voicemails/count").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/api/voicemails/{callId}/handled").TryGetProperty("post", out _));
    }

    [Fact]
    public async Task The_demo_leaves_three_after_hours_voicemails_with_their_messages()
    {
        var supervisor = await api.SignedInAsync("9001");
        var all = await supervisor.GetOkAsync("/api/voicemails?pageSize=200");
        var handled = await supervisor.GetOkAsync("/api/voicemails?status=handled&pageSize=200");
        var demo = all.GetProperty("items").EnumerateArray().Concat(handled.GetProperty("items").EnumerateArray())
            .Where(i => i.Str("callId").StartsWith("demo-voicemail-", StringComparison.Ordinal)).ToList();

        Assert.Equal(3, demo.Count);
        Assert.All(demo, d => Assert.Equal("after_hours_voicemail", d.Str("reason")));
        Assert.All(demo, d => Assert.True(d.GetProperty("message").GetProperty("durationMs").GetInt32() > 0));
    }
}
