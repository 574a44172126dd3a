using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hotline.Tests.Ivr;

/// <summary>The IVR flow as an admin edits it: versions, validation errors by node and field, prompts, who may do what.</summary>
public sealed class IvrApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static StringContent Body(JsonNode flow) => new(flow.ToJsonString(), Encoding.UTF8, "application/json");

    private static JsonNode FlowOf(JsonElement version) => JsonNode.Parse(version.GetProperty("flow").GetRawText())!;

    private static JsonObject Node(JsonNode flow, string id) =>
        flow["nodes"]!.AsArray().Single(n => (string?)n!["id"] == id)!.AsObject();

    [Fact]
    public async Task The_current_flow_is_the_default_menu_as_version_1_and_supervisors_may_read_it()
    {
        var supervisor = await api.SignedInAsync("9001");

        var current = await supervisor.GetOkAsync("/api/ivr/flow");

        Assert.True(current.GetProperty("version").GetInt32() >= 1);
        var flow = current.GetProperty("flow");
        Assert.Equal("welcome", flow.Str("start"));
        var welcome = flow.GetProperty("nodes").EnumerateArray().First(n => n.Str("id") == "welcome");
        Assert.Equal("menu", welcome.Str("$type"));
        Assert.Equal(["1", "2", "9"], welcome.GetProperty("choices").EnumerateArray().Select(c => c.Str("digit")));
        var versions = (await supervisor.GetOkAsync("/api/ivr/flow/versions")).EnumerateArray().ToList();
        Assert.Equal(1, versions[0].GetProperty("number").GetInt32());
        Assert.Equal("system", versions[0].Str("savedBy"));
    }

    [Fact]
    public async Task An_admin_saves_a_new_version_and_the_old_one_stays_readable()
    {
        var admin = await api.SignedInAsync("9000");
        var before = await admin.GetOkAsync("/api/ivr/flow");
        var flow = FlowOf(before);
        flow["name"] = "春节版语音导航";
        Node(flow, "to_agent")["announceEverySeconds"] = 45;

        var saved = await (await admin.PutAsync("/api/ivr/flow", Body(flow))).AssertOkAsync();

        var number = saved.GetProperty("saved").GetProperty("version").GetInt32();
        Assert.Equal(before.GetProperty("version").GetInt32() + 1, number);
        Assert.Equal("9000", saved.GetProperty("saved").Str("savedBy"));
        Assert.Empty(saved.GetProperty("warnings").EnumerateArray());
        var current = await admin.GetOkAsync("/api/ivr/flow");
        Assert.Equal(number, current.GetProperty("version").GetInt32());
        Assert.Equal("春节版语音导航", current.GetProperty("flow").Str("name"));
        var old = await admin.GetOkAsync($"/api/ivr/flow/versions/{number - 1}");
        Assert.Equal(30, old.GetProperty("flow").GetProperty("nodes").EnumerateArray().First(n => n.Str("id") == "to_agent")
            .GetProperty("announceEverySeconds").GetInt32());
        var versions = (await admin.GetOkAsync("/api/ivr/flow/versions")).EnumerateArray().ToList();
        Assert.True(versions.Single(v => v.GetProperty("number").GetInt32() == number).GetProperty("current").GetBoolean());
    }

    [Fact]
    public async Task An_invalid_flow_is_refused_with_every_error_by_node_id_and_field()
    {
        var admin = await api.SignedInAsync("9000");
        var before = await admin.GetOkAsync("/api/ivr/flow");
        var flow = FlowOf(before);
        Node(flow, "welcome")["choices"]!.AsArray().Add(new JsonObject { ["digit"] = "3", ["next"] = "nowhere" });
        Node(flow, "goodbye")["prompts"] = new JsonArray("no_such_prompt");
        Node(flow, "self_service")["timeoutSeconds"] = 0;

        var response = await admin.PutAsync("/api/ivr/flow", Body(flow));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("nodes[welcome].choices[3].next", out _), errors.ToString());
        Assert.True(errors.TryGetProperty("nodes[goodbye].prompts[0]", out _), errors.ToString());
        Assert.True(errors.TryGetProperty("nodes[self_service].timeoutSeconds", out _), errors.ToString());
        Assert.Contains(problem.GetProperty("issues").EnumerateArray(), i => i.Str("nodeId") == "welcome" && i.Str("field") == "choices[3].next");
        Assert.Equal(before.GetProperty("version").GetInt32(), (await admin.GetOkAsync("/api/ivr/flow")).GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Malformed_json_and_an_unknown_node_type_are_400_not_500()
    {
        var admin = await api.SignedInAsync("9000");

        var malformed = await admin.PutAsync("/api/ivr/flow", new StringContent("{\"start\":", Encoding.UTF8, "application/json"));
        var unknown = await admin.PutAsync("/api/ivr/flow",
            new StringContent("""{"start":"a","nodes":[{"$type":"dance","id":"a"}]}""", Encoding.UTF8, "application/json"));

        await malformed.AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        await unknown.AssertProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
    }

    [Fact]
    public async Task Validating_a_flow_saves_nothing_and_reports_warnings()
    {
        var admin = await api.SignedInAsync("9000");
        var before = await admin.GetOkAsync("/api/ivr/flow");
        var flow = FlowOf(before);
        flow["nodes"]!.AsArray().Add(new JsonObject { ["$type"] = "hangup", ["id"] = "orphan" });

        var check = await (await admin.PostAsync("/api/ivr/flow/validate", Body(flow))).AssertOkAsync();

        Assert.True(check.GetProperty("valid").GetBoolean());
        Assert.Equal("orphan", check.GetProperty("warnings").EnumerateArray().Single().Str("nodeId"));
        Assert.Equal(before.GetProperty("version").GetInt32(), (await admin.GetOkAsync("/api/ivr/flow")).GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task The_prompt_names_per_language_are_listed_for_the_editor()
    {
        var admin = await api.SignedInAsync("9000");

        var prompts = (await admin.GetOkAsync("/api/ivr/prompts")).GetProperty("languages");

        var zh = prompts.GetProperty("zh").EnumerateArray().Select(p => p.GetString()).ToList();
        Assert.Contains("welcome", zh);
        Assert.Contains("digit_8", zh);
        Assert.Contains("welcome", prompts.GetProperty("en").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public async Task Only_admins_save_supervisors_read_and_agents_see_nothing()
    {
        var supervisor = await api.SignedInAsync("9001");
        var agent = await api.SignedInAsync("1001");
        var flow = FlowOf(await supervisor.GetOkAsync("/api/ivr/flow"));

        Assert.Equal(HttpStatusCode.Forbidden, (await supervisor.PutAsync("/api/ivr/flow", Body(flow))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("/api/ivr/flow")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.Anonymous().GetAsync("/api/ivr/flow")).StatusCode);
    }

    [Fact]
    public async Task An_unknown_version_is_404()
    {
        var admin = await api.SignedInAsync("9000");

        await (await admin.GetAsync("/api/ivr/flow/versions/9999")).AssertProblemAsync(HttpStatusCode.NotFound, "ivr.version_not_found");
    }

    [Fact]
    public async Task Poll_results_are_readable_by_supervisors()
    {
        var supervisor = await api.SignedInAsync("9001");
        await api.Cluster.GetGrain<Hotline.Ivr.IPollGrain>("service-satisfaction").AnswerAsync("call-a", 1);

        var results = await supervisor.GetOkAsync("/api/ivr/polls/service-satisfaction");

        Assert.Equal(1, results.GetProperty("total").GetInt32());
    }
}
