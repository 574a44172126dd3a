using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Hotline.Tests;

/// <summary>
/// Third parties through the API on the simulated trunk, whose parties answer at once: a three-way call with a
/// department, a supervisor who listens and then barges in, an attended transfer to a colleague, a blind transfer
/// out, and the refusals (no department phone, no call, bad outbound requests). The SIP legs behind the same
/// commands are tested with real phones in the integration tests.
/// </summary>
public sealed class CallPartyTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task A_three_way_call_with_a_department_joins_it_and_ending_it_leaves_the_caller_with_the_agent()
    {
        var (agent, callId) = await TalkingCallAsync("1003", "party-a");

        var joined = await agent.PostOkAsync("/api/seats/1003/conference", new { to = new { kind = "department", id = "housing" } });

        var party = joined.GetProperty("participant");
        Assert.Equal("conference", party.Str("role"));
        Assert.Equal("number", party.Str("kind"));
        Assert.Equal("住建局", party.Str("label"));
        Assert.Equal("1003", party.Str("by"));
        Assert.True(party.GetProperty("connected").GetBoolean());

        var second = await agent.PostAsJsonAsync("/api/seats/1003/conference", new { to = new { kind = "number", id = "02088880000" } });
        await second.AssertProblemAsync(HttpStatusCode.Conflict, "call.party_present");
        var hold = await agent.PostAsync("/api/seats/1003/hold", null);
        await hold.AssertProblemAsync(HttpStatusCode.Conflict, "call.party_present");

        var ended = await agent.PostOkAsync("/api/seats/1003/conference/end");
        Assert.Equal(JsonValueKind.Null, ended.GetProperty("participant").ValueKind);
        Assert.Equal("talking", ended.Str("state"));
        Assert.Equal(callId, ended.Str("id"));
    }

    [Fact]
    public async Task A_supervisor_listens_then_barges_in_and_leaves()
    {
        var (_, callId) = await TalkingCallAsync("1004", "party-b");
        var supervisor = await api.SignedInAsync("9001");

        var monitoring = (await supervisor.PostOkAsync("/api/seats/1004/monitor")).GetProperty("participant");
        Assert.Equal("monitor", monitoring.Str("role"));
        Assert.Equal("9001", monitoring.Str("by"));
        Assert.Equal("seat", monitoring.Str("kind"));

        var barging = (await supervisor.PostOkAsync("/api/seats/1004/barge")).GetProperty("participant");
        Assert.Equal("barge", barging.Str("role"));
        Assert.Equal(monitoring.Str("since"), barging.Str("since")); // the same phone stays on the line

        var left = await supervisor.PostOkAsync("/api/seats/1004/supervision/end");
        Assert.Equal(JsonValueKind.Null, left.GetProperty("participant").ValueKind);
        Assert.Equal("talking", (await supervisor.GetOkAsync($"/api/calls/{callId}")).Str("state"));
    }

    [Fact]
    public async Task An_attended_transfer_to_a_colleague_consults_first_then_hands_the_caller_over()
    {
        var (agent, callId) = await TalkingCallAsync("1005", "party-c");
        var colleague = await api.SignedInAsync("1006");
        await colleague.PostOkAsync("/api/seats/1006/login", new { queues = new[] { new { queueId = "party-c", level = 3 } } });
        await colleague.PostOkAsync("/api/seats/1006/ready");

        await agent.PostOkAsync("/api/seats/1005/transfer", new { to = new { kind = "seat", id = "1006" }, mode = "attended" });
        var consulting = await agent.GetOkAsync($"/api/calls/{callId}");
        Assert.Equal("consultation", consulting.GetProperty("participant").Str("role"));
        Assert.Equal("reserved", (await colleague.GetOkAsync("/api/seats/1006")).Str("state")); // no queue offers it anything meanwhile

        var handedOver = await agent.PostOkAsync("/api/seats/1005/transfer/complete");

        Assert.Equal("1006", handedOver.Str("seat"));
        Assert.Equal("talking", handedOver.Str("state"));
        Assert.Equal(JsonValueKind.Null, handedOver.GetProperty("participant").ValueKind);
        Assert.Equal("talking", (await colleague.GetOkAsync("/api/seats/1006")).Str("state"));
        Assert.Equal("wrapup", (await agent.GetOkAsync("/api/seats/1005")).Str("state"));
    }

    [Fact]
    public async Task A_blind_transfer_to_a_department_hands_the_caller_over_and_frees_the_agent()
    {
        var (agent, callId) = await TalkingCallAsync("1007", "party-d");

        await agent.PostOkAsync("/api/seats/1007/transfer", new { to = new { kind = "department", id = "education" } });

        var call = await agent.GetOkAsync($"/api/calls/{callId}");
        Assert.Equal("ended", call.Str("state"));
        Assert.Equal("transferred_out", call.Str("endReason"));
        Assert.Equal("教育局", call.GetProperty("participant").Str("label"));
        Assert.Equal("wrapup", (await agent.GetOkAsync("/api/seats/1007")).Str("state"));
    }

    [Fact]
    public async Task A_department_without_a_phone_cannot_be_called_in()
    {
        var admin = await api.SignedInAsync("9000");
        await (await admin.PutAsJsonAsync("/api/departments/no-phone", new { name = "无电话单位" })).AssertOkAsync();
        var (agent, _) = await TalkingCallAsync("1008", "party-e");

        var response = await agent.PostAsJsonAsync("/api/seats/1008/conference", new { to = new { kind = "department", id = "no-phone" } });

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "department.no_phone");
    }

    [Fact]
    public async Task Monitoring_a_seat_that_is_not_on_a_call_is_a_409()
    {
        var supervisor = await api.SignedInAsync("9001");

        var response = await supervisor.PostAsync("/api/seats/1010/monitor", null);

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "seat.no_call");
    }

    [Fact]
    public async Task A_bad_outbound_request_names_its_fields_and_an_agent_dials_only_from_their_own_seat()
    {
        var agent = await api.SignedInAsync("1009");

        var bad = await agent.PostAsJsonAsync("/api/calls", new { to = "not-a-number", campaign = "2026-q4", purpose = "sales", ticketNumber = "123" });
        var errors = (await bad.AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed")).GetProperty("errors");
        foreach (var field in new[] { "to", "campaign", "purpose", "ticketNumber" })
            Assert.True(errors.TryGetProperty(field, out _), $"an error for {field}");

        var other = await agent.PostAsJsonAsync("/api/calls", new { to = "13800138000", seat = "1001" });
        await other.AssertProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");

        // The test host runs no telephony edge: a well-formed call is refused with the edge's reason.
        var noEdge = await agent.PostAsJsonAsync("/api/calls", new { to = "13800138000", purpose = "return_visit" });
        await noEdge.AssertProblemAsync(HttpStatusCode.NotImplemented, "telephony.not_available");
    }

    /// <summary>A simulated call in its own queue, answered by the seat: the seat's client and the call's id.</summary>
    private async Task<(HttpClient Agent, string CallId)> TalkingCallAsync(string jobNo, string queue)
    {
        using var timeout = new CancellationTokenSource(TestHelpers.Timeout);
        var admin = await api.SignedInAsync("9000");
        var agent = await api.SignedInAsync(jobNo);
        var trunk = await api.SignedInAsync("9900");
        await (await admin.PutAsJsonAsync($"/api/queues/{queue}", new { name = queue, wrapUpSeconds = 30 })).AssertOkAsync();
        await agent.PostOkAsync($"/api/seats/{jobNo}/login", new { queues = new[] { new { queueId = queue, level = 3 } } });

        using var events = await admin.GetAsync("/api/events?topics=calls", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        using var sse = new SseReader(await events.Content.ReadAsStreamAsync(timeout.Token));
        await sse.WaitConnectedAsync(timeout.Token);
        await agent.PostOkAsync($"/api/seats/{jobNo}/ready");
        var created = await trunk.PostAsJsonAsync("/api/sim/calls", new { from = "13800138000", queue }, timeout.Token);
        var callId = (await created.AssertOkAsync()).Str("callId");
        await sse.WaitForAsync(e => e.Type == "call.offered" && e.Data.Str("id") == callId, timeout.Token);
        Assert.Equal("talking", (await agent.PostOkAsync($"/api/seats/{jobNo}/answer")).Str("state"));
        return (agent, callId);
    }
}
