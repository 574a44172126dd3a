using Hotline.Ivr;

namespace Hotline.Tests.Ivr;

public sealed class IvrFlowValidatorTests
{
    private static readonly IvrFlowValidator Validator = new(PromptList.Embedded);

    private static IvrFlow Flow(params IvrNode[] nodes) => new() { Name = "t", Start = nodes[0].Id, Nodes = nodes };

    private static MenuNode Menu(string id, params (string Digit, string Next)[] choices) => new()
    {
        Id = id,
        Prompts = ["welcome"],
        Choices = choices.Select(c => new MenuChoice(c.Digit, c.Next)).ToList(),
    };

    private static readonly EnqueueNode Agent = new() { Id = "agent" };

    [Fact]
    public void A_language_choice_needs_a_language_code_and_leads_on()
    {
        var flow = Flow(Menu("welcome", ("1", "agent"), ("9", "english")), Agent,
            new LanguageNode { Id = "english", Language = "English", Next = "nowhere" });

        var result = Validator.Validate(flow);

        Assert.Contains(result.Errors, e => (e.NodeId, e.Field) == ("english", "language"));
        Assert.Contains(result.Errors, e => (e.NodeId, e.Field) == ("english", "next"));
        Assert.Empty(Validator.Validate(Flow(Menu("welcome", ("1", "agent"), ("9", "english")), Agent,
            new LanguageNode { Id = "english", Language = "en", Next = "agent" })).Errors);
    }

    [Fact]
    public void The_default_flow_has_no_errors_and_no_warnings()
    {
        var result = Validator.Validate(DefaultIvrFlow.Flow, new HashSet<string> { "livelihood" });

        Assert.Empty(result.Errors);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void A_branch_to_a_missing_node_is_an_error_naming_the_node_and_field()
    {
        var result = Validator.Validate(Flow(Menu("welcome", ("1", "agent"), ("2", "nowhere")), Agent));

        var error = Assert.Single(result.Errors);
        Assert.Equal(("welcome", "choices[1].next"), (error.NodeId, error.Field));
        Assert.Equal("nodes[welcome].choices[1].next", error.Path);
        Assert.Contains("nowhere", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_start_node_is_an_error()
    {
        var result = Validator.Validate(Flow(Agent) with { Start = "welcome" });

        Assert.Equal((null, "start"), (result.Errors.Single().NodeId, result.Errors.Single().Field));
    }

    [Fact]
    public void Two_nodes_with_one_id_are_an_error()
    {
        var result = Validator.Validate(Flow(Menu("welcome", ("1", "agent")), Agent, new HangupNode { Id = "agent" }));

        Assert.Contains(result.Errors, e => e is { NodeId: "agent", Field: "id" });
    }

    [Fact]
    public void A_prompt_missing_from_the_catalogue_is_an_error()
    {
        var result = Validator.Validate(Flow(new PlayNode { Id = "hello", Prompts = ["welcome", "no_such_prompt"], Next = "agent" }, Agent));

        var error = Assert.Single(result.Errors);
        Assert.Equal(("hello", "prompts[1]"), (error.NodeId, error.Field));
    }

    [Fact]
    public void A_flow_language_without_prompts_is_an_error()
    {
        var result = Validator.Validate(Flow(Agent) with { Language = "fr" });

        Assert.Contains(result.Errors, e => e is { NodeId: null, Field: "language" });
    }

    [Theory]
    [InlineData("12")]
    [InlineData("x")]
    [InlineData("")]
    public void A_menu_key_that_is_not_one_phone_key_is_an_error(string digit)
    {
        var result = Validator.Validate(Flow(Menu("welcome", (digit, "agent")), Agent));

        Assert.Contains(result.Errors, e => e is { NodeId: "welcome", Field: "choices[0].digit" });
    }

    [Fact]
    public void A_key_used_twice_in_a_menu_is_an_error()
    {
        var result = Validator.Validate(Flow(Menu("welcome", ("1", "agent"), ("1", "agent")), Agent));

        Assert.Contains(result.Errors, e => e is { NodeId: "welcome", Field: "choices[1].digit" });
    }

    [Fact]
    public void Non_positive_timeouts_are_errors()
    {
        var result = Validator.Validate(Flow(
            Menu("welcome", ("1", "agent"), ("2", "query")) with { TimeoutSeconds = 0 },
            Agent,
            new TicketLookupNode { Id = "query", TimeoutSeconds = -1, Next = "agent" }));

        Assert.Contains(result.Errors, e => e is { NodeId: "welcome", Field: "timeoutSeconds" });
        Assert.Contains(result.Errors, e => e is { NodeId: "query", Field: "timeoutSeconds" });
    }

    [Fact]
    public void An_agent_three_menu_levels_deep_is_an_error_but_two_is_allowed()
    {
        var two = Validator.Validate(Flow(Menu("m1", ("1", "m2")), Menu("m2", ("1", "agent")), Agent));
        var three = Validator.Validate(Flow(Menu("m1", ("1", "m2")), Menu("m2", ("1", "m3")), Menu("m3", ("1", "agent")), Agent));

        Assert.Empty(two.Errors);
        var error = Assert.Single(three.Errors);
        Assert.Equal(("agent", "id"), (error.NodeId, error.Field));
        Assert.Contains("3 menu levels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_shortest_way_to_an_agent_counts_even_when_a_deeper_one_exists()
    {
        var result = Validator.Validate(Flow(
            Menu("m1", ("1", "agent"), ("2", "m2")), Menu("m2", ("1", "m3")), Menu("m3", ("1", "deep")), Agent, new EnqueueNode { Id = "deep" }));

        Assert.Empty(result.Errors);
    }

    [Fact]
    public void An_unreachable_node_is_a_warning_not_an_error()
    {
        var result = Validator.Validate(Flow(Menu("welcome", ("1", "agent")), Agent, new HangupNode { Id = "orphan" }));

        Assert.Empty(result.Errors);
        Assert.Equal(("orphan", "id"), (result.Warnings.Single().NodeId, result.Warnings.Single().Field));
    }

    [Fact]
    public void A_flow_without_any_agent_is_a_warning()
    {
        var result = Validator.Validate(Flow(new VoicemailNode { Id = "night" }));

        Assert.Empty(result.Errors);
        Assert.Contains(result.Warnings, w => w is { NodeId: null, Field: "nodes" });
    }

    [Fact]
    public void An_unknown_category_and_an_odd_channel_are_errors()
    {
        var result = Validator.Validate(Flow(
            new CreateTicketNode { Id = "t", Category = "parking", Channel = Hotline.Tickets.TicketChannel.Web, Next = "agent" }, Agent),
            new HashSet<string> { "livelihood" });

        Assert.Contains(result.Errors, e => e is { NodeId: "t", Field: "category" });
        Assert.Contains(result.Errors, e => e is { NodeId: "t", Field: "channel" });
    }

    [Fact]
    public void A_time_switch_needs_both_branches_and_a_transfer_number_must_be_a_number()
    {
        var result = Validator.Validate(Flow(
            new TimeSwitchNode { Id = "hours", Open = "agent" }, Agent,
            new TransferNode { Id = "out", Target = IvrTransferKind.Number, To = "call 110" }));

        Assert.Contains(result.Errors, e => e is { NodeId: "hours", Field: "closed" });
        Assert.Contains(result.Errors, e => e is { NodeId: "out", Field: "to" });
    }

    [Fact]
    public void Flows_read_and_write_as_json_with_a_type_discriminator()
    {
        var json = IvrFlowJson.Write(DefaultIvrFlow.Flow);
        var again = IvrFlowJson.Parse(json);

        Assert.Contains("\"$type\": \"menu\"", json, StringComparison.Ordinal);
        Assert.Contains("\"channel\": \"mayorMailbox\"", json, StringComparison.Ordinal);
        Assert.Equal(json, IvrFlowJson.Write(again));
        Assert.IsType<TimeSwitchNode>(again.Find("agent_hours"));
    }

    [Fact]
    public void An_unknown_node_type_is_refused_when_read()
    {
        const string json = """{"start":"a","nodes":[{"id":"a","$type":"dance"}]}""";

        Assert.ThrowsAny<System.Text.Json.JsonException>(() => IvrFlowJson.Parse(json));
    }
}
