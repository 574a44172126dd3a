using System.Net;
using System.Net.Http.Json;

namespace Hotline.Tests;

public sealed class SeatsApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly object General3 = new { queues = new[] { new { queueId = "general", level = 3 } }, languages = new[] { "zh" } };

    [Fact]
    public async Task An_agent_cannot_force_another_seat_out()
    {
        var agent = await api.SignedInAsync("1001");

        var response = await agent.PostAsync("/api/seats/1002/force-logout", null);

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
    }

    [Fact]
    public async Task An_agent_cannot_sign_in_someone_elses_seat()
    {
        var agent = await api.SignedInAsync("1001");

        var response = await agent.PostAsJsonAsync("/api/seats/1002/login", General3);

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
    }

    [Fact]
    public async Task An_agent_reads_their_own_seat_but_not_the_board()
    {
        var agent = await api.SignedInAsync("1004");

        var own = await agent.GetOkAsync("/api/seats/1004");
        Assert.Equal("1004", own.Str("jobNo"));
        await (await agent.GetAsync("/api/seats")).AssertProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
        await (await agent.GetAsync("/api/seats/1005")).AssertProblemAsync(HttpStatusCode.Forbidden, "auth.forbidden");
    }

    [Fact]
    public async Task A_supervisor_can_force_a_seat_out()
    {
        var agent = await api.SignedInAsync("1003");
        var seat = await agent.PostOkAsync("/api/seats/1003/login", General3);
        Assert.Equal("not_ready", seat.Str("state"));
        await agent.PostOkAsync("/api/seats/1003/ready");
        var supervisor = await api.SignedInAsync("9001");

        var forced = await supervisor.PostOkAsync("/api/seats/1003/force-logout");

        Assert.Equal("logged_out", forced.Str("state"));
        var board = await supervisor.GetOkAsync("/api/seats");
        Assert.Contains(board.EnumerateArray(), s => s.Str("jobNo") == "1003");
    }

    [Fact]
    public async Task Signing_in_to_an_unknown_queue_or_level_is_a_400_naming_the_fields()
    {
        var agent = await api.SignedInAsync("1005");

        var response = await agent.PostAsJsonAsync("/api/seats/1005/login",
            new { queues = new object[] { new { queueId = "nowhere", level = 3 }, new { queueId = "general", level = 9 } } });

        var body = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        var errors = body.GetProperty("errors");
        Assert.True(errors.TryGetProperty("queues[0].queueId", out _), errors.GetRawText());
        Assert.True(errors.TryGetProperty("queues[1].level", out _), errors.GetRawText());
    }

    [Fact]
    public async Task Not_ready_with_an_unknown_or_system_reason_is_a_400_naming_reason()
    {
        var agent = await api.SignedInAsync("1006");
        await agent.PostOkAsync("/api/seats/1006/login", General3);

        var unknown = await agent.PostAsJsonAsync("/api/seats/1006/not-ready", new { reason = "nap" });
        var systemOnly = await agent.PostAsJsonAsync("/api/seats/1006/not-ready", new { reason = "no-answer" });
        var fine = await agent.PostOkAsync("/api/seats/1006/not-ready", new { reason = "meal" });

        Assert.True((await unknown.AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed")).GetProperty("errors").TryGetProperty("reason", out _));
        Assert.True((await systemOnly.AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed")).GetProperty("errors").TryGetProperty("reason", out _));
        Assert.Equal("meal", fine.Str("reason"));
    }

    [Fact]
    public async Task The_not_ready_reasons_come_with_chinese_and_english_labels()
    {
        var agent = await api.SignedInAsync("1007");

        var reasons = await agent.GetOkAsync("/api/seats/not-ready-reasons");

        var meal = reasons.EnumerateArray().Single(r => r.Str("code") == "meal");
        Assert.Equal("用餐", meal.Str("label"));
        Assert.Equal("Meal", meal.Str("labelEn"));
    }

    [Fact]
    public async Task A_refused_transition_is_a_409_naming_the_current_state()
    {
        var agent = await api.SignedInAsync("1002");

        var response = await agent.PostAsync("/api/seats/1002/answer", null);

        var body = await response.AssertProblemAsync(HttpStatusCode.Conflict, "seat.not_logged_in");
        Assert.Equal("logged_out", body.Str("currentState"));
    }
}
