using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hotline.Surveys;

namespace Hotline.Tests;

/// <summary>
/// Campaigns, interviews and return visits through the API against real PostgreSQL; the campaign grain dials through
/// the fixture's fake dialler, which the test tells how each call went.
/// </summary>
public sealed class SurveyCampaignsApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    /// <summary>A draw of the demo frame: 3 numbers from 住建局 × hotline source.</summary>
    private async Task<(HttpClient Lead, long DrawId, string Stratum)> DrawAsync()
    {
        var lead = await api.SignedInAsync("6001");
        var frame = (await lead.GetOkAsync("/api/surveys/frames")).EnumerateArray().First(f => f.Str("name").Contains("民主评议演示"));
        var draw = await lead.PostOkAsync($"/api/surveys/frames/{frame.GetProperty("id").GetInt64()}/draws", new
        {
            seed = 7L,
            stratifyBy = new[] { "department", "source" },
            targets = new[] { new { values = new Dictionary<string, string> { ["department"] = "housing", ["source"] = "hotline" }, size = 3 } },
        });
        return (lead, draw.GetProperty("id").GetInt64(), draw.GetProperty("strata")[0].Str("stratum"));
    }

    private static object Campaign(long drawId, string stratum, string seat, int quota = 1) => new
    {
        name = "住建局评议",
        drawId,
        questionnaireId = "demo-evaluation",
        lines = 60,
        seats = new[] { seat },
        // Round the clock, every day: the test does not depend on when it runs.
        windowStart = "00:00",
        windowEnd = "23:59",
        workingDaysOnly = false,
        maxAttempts = 3,
        quotas = new Dictionary<string, int> { [stratum] = quota },
    };

    private async Task<string> AnsweredCallAsync(long campaignId, string seat)
    {
        string? callId = null;
        await Eventually(() => (callId = api.CampaignDialer.Dials.FirstOrDefault(d => d.CallId.StartsWith($"svy-{campaignId}-", StringComparison.Ordinal)).CallId) is not null,
            "the campaign places a call");
        api.CampaignDialer.Reports[callId!] = new CallReport(CallProgress.Talking, true, null);
        await Eventually(() => (api.Cluster.GetGrain<ISurveyCampaignGrain>(campaignId).GetCaseOfCallAsync(callId!).Result)?.Status == CaseStatus.Interviewing,
            "the campaign sees the answer");
        Assert.Equal(seat, api.CampaignDialer.Dials.First(d => d.CallId == callId).Call.JobNo);
        return callId!;
    }

    private static async Task Eventually(Func<bool> condition, string what)
    {
        var until = DateTime.UtcNow + TestHelpers.Timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > until) Assert.Fail($"Timed out waiting for {what}.");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task An_interview_runs_from_the_answered_call_to_a_complete_and_the_live_view_counts_it()
    {
        var (lead, drawId, stratum) = await DrawAsync();
        api.CampaignDialer.FreeSeats["1003"] = true;
        var created = await lead.PostAsJsonAsync("/api/surveys/campaigns", Campaign(drawId, stratum, "1003"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.AssertOkAsync()).GetProperty("campaign").GetProperty("id").GetInt64();
        var supervisor = await api.SignedInAsync("9001");
        Assert.Equal("running", (await supervisor.PostOkAsync($"/api/surveys/campaigns/{id}/start")).GetProperty("campaign").Str("status"));
        var callId = await AnsweredCallAsync(id, "1003");

        var interviewer = await api.SignedInAsync("1003");
        var view = await interviewer.GetOkAsync($"/api/surveys/interviews/{callId}");
        Assert.Equal(("interviewing", "demo-evaluation"), (view.Str("caseStatus"), view.Str("questionnaireId")));
        Assert.StartsWith("1370000", view.Str("number")); // the interviewer dials it, and sees it whole
        Assert.Equal(6, view.GetProperty("questionnaire").GetProperty("questions").GetArrayLength());

        var outside = await interviewer.PutAsJsonAsync($"/api/surveys/interviews/{callId}/answers/overall", new { value = 7 });
        var problem = await outside.AssertProblemAsync(HttpStatusCode.BadRequest, "survey.answers_invalid");
        Assert.True(problem.GetProperty("errors").TryGetProperty("answers.overall", out _));
        Assert.Empty((await interviewer.GetOkAsync($"/api/surveys/interviews/{callId}")).GetProperty("answers").EnumerateObject());

        foreach (var (question, value) in new (string, object)[] { ("contact", "yes"), ("overall", 1) })
            await (await interviewer.PutAsJsonAsync($"/api/surveys/interviews/{callId}/answers/{question}", new { value })).AssertOkAsync();
        // Not complete yet: the attitude question is required on this path.
        var early = await interviewer.PostAsJsonAsync($"/api/surveys/interviews/{callId}/disposition", new { disposition = "complete" });
        Assert.True((await early.AssertProblemAsync(HttpStatusCode.BadRequest, "survey.answers_invalid")).GetProperty("errors").TryGetProperty("answers.attitude", out _));
        Assert.Equal(CaseStatus.Interviewing, (await api.Cluster.GetGrain<ISurveyCampaignGrain>(id).GetCaseOfCallAsync(callId))!.Status);

        await (await interviewer.PutAsJsonAsync($"/api/surveys/interviews/{callId}/answers/attitude", new { value = 5 })).AssertOkAsync();
        var other = await api.SignedInAsync("1004");
        await (await other.GetAsync($"/api/surveys/interviews/{callId}")).AssertProblemAsync(HttpStatusCode.Forbidden, "interview.not_yours");

        var done = await (await interviewer.PostAsJsonAsync($"/api/surveys/interviews/{callId}/disposition", new { disposition = "complete" })).AssertOkAsync();
        Assert.Equal(("final", "complete"), (done.Str("caseStatus"), done.Str("disposition")));
        await (await interviewer.PutAsJsonAsync($"/api/surveys/interviews/{callId}/answers/suggestion", new { value = "晚了" }))
            .AssertProblemAsync(HttpStatusCode.Conflict, "interview.closed");

        var live = await supervisor.GetOkAsync($"/api/surveys/campaigns/{id}");
        var complete = live.GetProperty("finals").EnumerateArray().Single();
        Assert.Equal(("complete", "1.1", "完成", 1), (complete.Str("disposition"), complete.Str("code"), complete.Str("label"), complete.GetProperty("cases").GetInt32()));
        Assert.Equal(1.0, live.GetProperty("rates").GetProperty("responseRate1").GetDouble());
        var quota = live.GetProperty("quotas")[0];
        Assert.Equal((stratum, 1, 1), (quota.Str("stratum"), quota.GetProperty("target").GetInt32(), quota.GetProperty("completed").GetInt32()));
        // The quota is met: the stratum's other numbers are never dialled and the campaign is finished.
        await Eventually(() => supervisor.GetOkAsync($"/api/surveys/campaigns/{id}").Result.GetProperty("campaign").Str("status") == "finished", "the campaign finishes");
        Assert.Single(await api.Cluster.GetGrain<ISurveyCampaignGrain>(id).GetAttemptsAsync());
        var attempts = await supervisor.GetOkAsync($"/api/surveys/campaigns/{id}/attempts");
        Assert.Equal(("1003", "complete"), (attempts[0].Str("jobNo"), attempts[0].Str("outcome")));
        Assert.Contains("****", (await supervisor.GetOkAsync($"/api/surveys/campaigns/{id}/cases"))[0].Str("number"));
        // The respondent counts as surveyed now: later draws leave the number out for the "recent days" rule.
        await using var db = Npgsql.NpgsqlDataSource.Create(api.ConnectionString);
        await using var contacts = db.CreateCommand($"SELECT count(*) FROM survey_contacts WHERE survey = 'campaign-{id}'");
        Assert.Equal(1L, await contacts.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_bad_campaign_is_refused_with_the_offending_field_and_nothing_is_created()
    {
        var (lead, drawId, stratum) = await DrawAsync();
        var before = (await lead.GetOkAsync("/api/surveys/campaigns")).GetArrayLength();

        await (await lead.PostAsJsonAsync("/api/surveys/campaigns", new { name = "x", drawId = 999999, questionnaireId = "demo-evaluation", seats = new[] { "1001" } }))
            .AssertProblemAsync(HttpStatusCode.NotFound, "survey.draw_not_found");
        await (await lead.PostAsJsonAsync("/api/surveys/campaigns", new { name = "x", drawId, questionnaireId = "demo-evaluation", questionnaireVersion = 99, seats = new[] { "1001" } }))
            .AssertProblemAsync(HttpStatusCode.NotFound, "survey.questionnaire_version_not_found");
        var badSeats = await (await lead.PostAsJsonAsync("/api/surveys/campaigns", new { name = "x", drawId, questionnaireId = "demo-evaluation", seats = Array.Empty<string>(), windowStart = "25:00", lines = 0 }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        var fields = badSeats.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(["lines", "seats", "windowStart"], fields.Order(StringComparer.Ordinal));
        var badQuota = await (await lead.PostAsJsonAsync("/api/surveys/campaigns", new
        {
            name = "x",
            drawId,
            questionnaireId = "demo-evaluation",
            seats = new[] { "1001" },
            quotas = new Dictionary<string, int> { ["department=none|source=x"] = 3 },
        })).AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.True(badQuota.GetProperty("errors").TryGetProperty("quotas.department=none|source=x", out _));

        Assert.Equal(before, (await lead.GetOkAsync("/api/surveys/campaigns")).GetArrayLength());
        await (await lead.GetAsync("/api/surveys/campaigns/999999")).AssertProblemAsync(HttpStatusCode.NotFound, "campaign.not_found");
        Assert.NotNull(stratum);
    }

    [Fact]
    public async Task A_bad_disposition_is_refused_and_an_appointment_needs_a_time()
    {
        var (lead, drawId, stratum) = await DrawAsync();
        api.CampaignDialer.FreeSeats["1005"] = true;
        var id = (await lead.PostOkAsync("/api/surveys/campaigns", Campaign(drawId, stratum, "1005", quota: 3))).GetProperty("campaign").GetProperty("id").GetInt64();
        await lead.PostOkAsync($"/api/surveys/campaigns/{id}/start");
        var callId = await AnsweredCallAsync(id, "1005");
        var interviewer = await api.SignedInAsync("1005");

        await (await interviewer.PostAsJsonAsync($"/api/surveys/interviews/{callId}/disposition", new { disposition = "maybe" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        var noTime = await (await interviewer.PostAsJsonAsync($"/api/surveys/interviews/{callId}/disposition", new { disposition = "appointment" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.True(noTime.GetProperty("errors").TryGetProperty("appointmentAt", out _));

        var at = DateTimeOffset.UtcNow.AddDays(1);
        var booked = await (await interviewer.PostAsJsonAsync($"/api/surveys/interviews/{callId}/disposition", new { disposition = "appointment", appointmentAt = at })).AssertOkAsync();
        Assert.Equal(("pending", "appointment"), (booked.Str("caseStatus"), booked.Str("disposition")));
        var c = (await api.Cluster.GetGrain<ISurveyCampaignGrain>(id).GetCasesAsync(0, 10)).Single(x => x.LastOutcome == Disposition.Appointment);
        Assert.Equal(at.ToUnixTimeMilliseconds(), c.NextDueAt.ToUnixTimeMilliseconds());
        await lead.PostOkAsync($"/api/surveys/campaigns/{id}/pause");
    }

    [Fact]
    public async Task A_return_visit_writes_the_citizens_satisfaction_onto_the_order_and_into_the_departments_rate()
    {
        var dispatcher = await api.SignedInAsync("8001");
        var housing = await api.SignedInAsync("7001");
        var from = DateTimeOffset.UtcNow.AddMinutes(-1);
        var number = (await dispatcher.RegisterAsync(TicketTestData.Intake(phone: "13911112222"))).Str("number");
        await dispatcher.PostOkAsync($"/api/tickets/{number}/dispatch", new { lead = "housing" });
        await housing.PostOkAsync($"/api/tickets/{number}/sign");
        await housing.PostOkAsync($"/api/tickets/{number}/reply", new { text = "已处理。" });

        var desk = await api.SignedInAsync("8101");
        api.CampaignDialer.FreeSeats["8101"] = true;
        var empty = await desk.PostAsJsonAsync("/api/return-visits/campaigns", new { name = "回访", department = "housing", from = from.AddDays(-30), to = from, seats = new[] { "8101" } });
        await empty.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "return_visit.no_orders");
        var created = await desk.PostAsJsonAsync("/api/return-visits/campaigns", new
        {
            name = "住建局回访",
            department = "housing",
            from,
            to = DateTimeOffset.UtcNow.AddMinutes(1),
            seats = new[] { "8101" },
            windowStart = "00:00",
            windowEnd = "23:59",
            workingDaysOnly = false,
        });
        var id = (await created.AssertOkAsync()).GetProperty("campaign").GetProperty("id").GetInt64();
        await desk.PostOkAsync($"/api/surveys/campaigns/{id}/start");
        var callId = await AnsweredCallAsync(id, "8101");
        Assert.Equal(("13911112222", number), (api.CampaignDialer.Dials.First(d => d.CallId == callId).Call.To, api.CampaignDialer.Dials.First(d => d.CallId == callId).Call.TicketNumber));

        var view = await desk.GetOkAsync($"/api/surveys/interviews/{callId}");
        Assert.Equal((number, "replied"), (view.GetProperty("ticket").Str("number"), view.GetProperty("ticket").Str("status")));
        var missing = await (await desk.PostAsJsonAsync($"/api/surveys/interviews/{callId}/disposition", new { disposition = "complete" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.True(missing.GetProperty("errors").TryGetProperty("satisfaction", out _));
        Assert.Equal("replied", (await dispatcher.GetOkAsync($"/api/tickets/{number}")).Str("status"));

        await (await desk.PostAsJsonAsync($"/api/surveys/interviews/{callId}/disposition", new { disposition = "complete", satisfaction = "basically", note = "办得还行" })).AssertOkAsync();
        var order = await dispatcher.GetOkAsync($"/api/tickets/{number}");
        Assert.Equal(("closed", "basically"), (order.Str("status"), order.Str("satisfaction")));
        var rates = await desk.GetOkAsync($"/api/return-visits/satisfaction?from={Uri.EscapeDataString(from.ToString("O"))}");
        var row = rates.EnumerateArray().Single(r => r.Str("department") == "housing");
        Assert.Equal((1, 1, 1.0, 0.0), (row.GetProperty("visited").GetInt32(), row.GetProperty("basically").GetInt32(),
            row.GetProperty("satisfactionRate").GetDouble(), row.GetProperty("satisfiedRate").GetDouble()));
        // Answered once: the order is in no later return-visit list.
        await (await desk.PostAsJsonAsync("/api/return-visits/campaigns", new { name = "再回访", department = "housing", from, to = DateTimeOffset.UtcNow.AddMinutes(1), seats = new[] { "8101" } }))
            .AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "return_visit.no_orders");
    }

    [Fact]
    public async Task The_campaign_interview_and_return_visit_routes_are_in_the_OpenAPI_document_and_the_demo_campaign_is_ready()
    {
        var openApi = await api.Anonymous().GetOkAsync("/openapi/v1.json");
        var paths = openApi.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        foreach (var path in new[]
        {
            "/api/surveys/campaigns", "/api/surveys/campaigns/{id}", "/api/surveys/campaigns/{id}/start", "/api/surveys/campaigns/{id}/pause",
            "/api/surveys/campaigns/{id}/cases", "/api/surveys/campaigns/{id}/attempts", "/api/surveys/interviews/current",
            "/api/surveys/interviews/{callId}", "/api/surveys/interviews/{callId}/answers/{questionId}", "/api/surveys/interviews/{callId}/disposition",
            "/api/return-visits/campaigns", "/api/return-visits/satisfaction",
        })
            Assert.Contains(path, paths);

        var lead = await api.SignedInAsync("6001");
        var demo = (await lead.GetOkAsync("/api/surveys/campaigns")).EnumerateArray().Single(c => c.Str("name") == "2026 民主评议电话调查（演示）");
        Assert.Equal(("draft", 120), (demo.Str("status"), demo.GetProperty("cases").GetInt32()));
    }
}
