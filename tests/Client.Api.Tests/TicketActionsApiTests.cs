using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hotline.Ivr;
using Hotline.Tickets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Hotline.Tests;

/// <summary>
/// Every order the API returns carries its caller's actions now, its public progress and the deadline that
/// matters; the web portal and the IVR answer a citizen alike, by one look-up.
/// </summary>
public sealed class TicketActionsApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static string[] Actions(JsonElement order) => order.GetProperty("actions").EnumerateArray().Select(a => a.GetString()!).ToArray();

    [Fact]
    public async Task A_dispatched_order_offers_each_caller_what_they_may_do_now_in_the_detail_and_the_list()
    {
        var agent = await api.SignedInAsync("1001");
        var dispatcher = await api.SignedInAsync("8001");
        var housing = await api.SignedInAsync("7001");
        var market = await api.SignedInAsync("7004");
        var number = (await agent.RegisterAsync()).Str("number");
        await dispatcher.PostOkAsync($"/api/tickets/{number}/dispatch", new { lead = "housing", co = new[] { "market" } });

        var seen = await dispatcher.GetOkAsync($"/api/tickets/{number}");
        Assert.Equal(["dispatch", "urge", "schedule_urge", "supervise", "merge"], Actions(seen));
        Assert.Equal(["sign", "return"], Actions(await housing.GetOkAsync($"/api/tickets/{number}")));
        Assert.Empty(Actions(await market.GetOkAsync($"/api/tickets/{number}")));
        Assert.Equal(["urge"], Actions(await agent.GetOkAsync($"/api/tickets/{number}")));
        Assert.Equal("in_progress", seen.Str("progress"));
        Assert.Equal("sign", seen.GetProperty("due").Str("kind"));
        Assert.Equal(seen.GetProperty("deadlines").GetProperty("sign").GetDateTimeOffset(), seen.GetProperty("due").GetProperty("at").GetDateTimeOffset());

        var listed = (await housing.GetOkAsync($"/api/departments/housing/tickets?status=dispatched&pageSize=200")).GetProperty("items")
            .EnumerateArray().Single(i => i.Str("number") == number);
        Assert.Equal(["sign", "return"], Actions(listed));
        Assert.Equal(("in_progress", "sign"), (listed.Str("progress"), listed.GetProperty("due").Str("kind")));
        var coListed = (await market.GetOkAsync("/api/tickets?status=dispatched&pageSize=200")).GetProperty("items")
            .EnumerateArray().Single(i => i.Str("number") == number);
        Assert.Empty(Actions(coListed));
    }

    [Fact]
    public async Task A_co_handling_department_is_refused_what_its_actions_leave_out()
    {
        var dispatcher = await api.SignedInAsync("8001");
        var housing = await api.SignedInAsync("7001");
        var market = await api.SignedInAsync("7004");
        var number = (await (await api.SignedInAsync("1001")).RegisterAsync()).Str("number");
        await dispatcher.PostOkAsync($"/api/tickets/{number}/dispatch", new { lead = "housing", co = new[] { "market" } });
        await housing.PostOkAsync($"/api/tickets/{number}/sign");

        Assert.Empty(Actions(await market.GetOkAsync($"/api/tickets/{number}")));
        foreach (var (route, body) in new (string, object)[] { ("return", new { reason = "非本单位职责" }), ("extend", new { workingDays = 3, reason = "需现场核实" }), ("reply", new { text = "已处理" }) })
            await (await market.PostAsJsonAsync($"/api/tickets/{number}/{route}", body)).AssertProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
        var requested = await housing.PostOkAsync($"/api/tickets/{number}/extend", new { workingDays = 3, reason = "需现场核实" });
        Assert.Equal(["return", "reply"], Actions(requested));
        Assert.Contains("approve_extension", Actions(await dispatcher.GetOkAsync($"/api/tickets/{number}")));
    }

    [Fact]
    public async Task For_every_status_the_portal_and_the_ivr_give_the_same_progress_and_reply_by_the_same_filer_rule()
    {
        var orders = await OrdersInEveryStatusAsync();
        var ivr = new GrainIvrServices(api.Cluster, new NoRecordings(), TimeProvider.System, Options.Create(new IvrOptions()), NullLogger<GrainIvrServices>.Instance);
        var citizen = api.Anonymous();
        Assert.Equal(Enum.GetValues<TicketStatus>().Order(), orders.Keys.Order());

        foreach (var (status, number) in orders)
        {
            foreach (var phone in new[] { TicketTestData.CitizenPhone, "+8613912345678", TicketTestData.CitizenPhone[^4..], "13900000000", "0000" })
            {
                var heard = await ivr.LookUpTicketAsync(number, phone, default);
                var read = await citizen.GetAsync($"/api/public/tickets/{number}?phone={Uri.EscapeDataString(phone)}");
                Assert.NotNull(heard);
                var what = $"{status}, phone {phone}";
                Assert.True(heard.CallerIsFiler == (read.StatusCode == HttpStatusCode.OK), $"{what}: the IVR says filer {heard.CallerIsFiler}, the portal {read.StatusCode}");
                if (read.StatusCode != HttpStatusCode.OK) continue;
                var shown = await read.Content.ReadFromJsonAsync<JsonElement>();
                Assert.True(Names.Of((TicketProgress)heard.Progress) == shown.Str("progress"), $"{what}: IVR {heard.Progress}, portal {shown.Str("progress")}");
                Assert.Equal(heard.Reply, shown.TryGetProperty("reply", out var reply) && reply.ValueKind == JsonValueKind.String ? reply.GetString() : null);
            }
        }
        var merged = await ivr.LookUpTicketAsync(orders[TicketStatus.Merged], TicketTestData.CitizenPhone, default);
        Assert.Equal(IvrTicketProgress.Replied, merged!.Progress); // it joined a replied order, and tells its reply
        Assert.Equal("已于今日完成审核。", merged.Reply);
    }

    /// <summary>One order in each status, all filed from <see cref="TicketTestData.CitizenPhone"/>; the merged one joined a replied order.</summary>
    private async Task<Dictionary<TicketStatus, string>> OrdersInEveryStatusAsync()
    {
        var agent = await api.SignedInAsync("1001");
        var dispatcher = await api.SignedInAsync("8001");
        var housing = await api.SignedInAsync("7001");
        async Task<string> New() => (await agent.RegisterAsync()).Str("number");
        async Task<string> Dispatched()
        {
            var n = await New();
            await dispatcher.PostOkAsync($"/api/tickets/{n}/dispatch", new { lead = "housing" });
            return n;
        }
        async Task<string> Signed()
        {
            var n = await Dispatched();
            await housing.PostOkAsync($"/api/tickets/{n}/sign");
            return n;
        }
        async Task<string> Replied()
        {
            var n = await Signed();
            await housing.PostOkAsync($"/api/tickets/{n}/reply", new { text = "已于今日完成审核。" });
            return n;
        }

        var orders = new Dictionary<TicketStatus, string>
        {
            [TicketStatus.Registered] = await New(),
            [TicketStatus.Dispatched] = await Dispatched(),
            [TicketStatus.Signed] = await Signed(),
            [TicketStatus.Replied] = await Replied(),
        };
        var resolved = new Dictionary<string, object?>(JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(TicketTestData.Intake()))!)
        {
            ["resolvedOnSpot"] = new { answer = "可通过公积金中心网站在线提取。" },
        };
        orders[TicketStatus.Resolved] = (await agent.RegisterAsync(resolved)).Str("number");
        orders[TicketStatus.Returned] = await Dispatched();
        await housing.PostOkAsync($"/api/tickets/{orders[TicketStatus.Returned]}/return", new { reason = "非本单位职责" });
        orders[TicketStatus.Reopened] = await Replied();
        await dispatcher.PostOkAsync($"/api/tickets/{orders[TicketStatus.Reopened]}/reopen", new { reason = "答复未解决问题" });
        orders[TicketStatus.Closed] = await Replied();
        await dispatcher.PostOkAsync($"/api/tickets/{orders[TicketStatus.Closed]}/close");
        orders[TicketStatus.Merged] = await New();
        var survivor = await Signed();
        await dispatcher.PostOkAsync($"/api/tickets/{orders[TicketStatus.Merged]}/merge", new { into = survivor });
        await housing.PostOkAsync($"/api/tickets/{survivor}/reply", new { text = "已于今日完成审核。" });

        foreach (var (status, number) in orders)
            Assert.Equal(Names.Of(status), (await dispatcher.GetOkAsync($"/api/tickets/{number}")).Str("status"));
        return orders;
    }

    /// <summary>Look-ups keep no recording; the IVR services ask for a store all the same.</summary>
    private sealed class NoRecordings : IRecordingStore
    {
        public Task KeepAsync(IvrRecording recording, string callId, string kind, string? ticketNumber, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("A ticket look-up keeps no recording.");
    }
}
