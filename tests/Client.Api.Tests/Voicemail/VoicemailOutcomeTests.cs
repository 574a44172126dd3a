using Hotline.Api.Problems;
using Hotline.Api.Voicemail;

namespace Hotline.Tests.Voicemail;

/// <summary>The rule for closing a voicemail, without storage.</summary>
public sealed class VoicemailOutcomeTests
{
    private static (VoicemailDecision? Decision, Dictionary<string, string[]> Errors) Check(string? outcome, string? ticket = null, string? note = null)
    {
        var errors = new FieldErrors();
        var decision = VoicemailOutcomes.Check(new VoicemailHandleRequest(outcome, ticket, note), errors);
        return (decision, errors.Entries.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()));
    }

    [Fact]
    public void The_outcomes_are_named_called_back_ticket_registered_and_no_action()
    {
        Assert.Equal(["called_back", "ticket_registered", "no_action"], VoicemailOutcomes.Known);
    }

    [Fact]
    public void A_call_back_needs_no_work_order_and_keeps_a_trimmed_note()
    {
        var (decision, errors) = Check("called_back", note: "  回拨两次无人接听后接通  ");

        Assert.Empty(errors);
        Assert.Equal(new VoicemailDecision(VoicemailOutcome.CalledBack, null, "回拨两次无人接听后接通"), decision);
    }

    [Fact]
    public void A_registered_work_order_must_be_named_by_a_well_formed_number()
    {
        Assert.Equal(["ticketNumber"], Check("ticket_registered").Errors.Keys);
        Assert.Equal(["ticketNumber"], Check("ticket_registered", "12345678").Errors.Keys);
        var number = Hotline.Tickets.TicketNumber.Format(2026);
        var (decision, errors) = Check("ticket_registered", $" {number} ");
        Assert.Empty(errors);
        Assert.Equal(new VoicemailDecision(VoicemailOutcome.TicketRegistered, number, null), decision);
    }

    [Fact]
    public void Only_a_registered_work_order_names_a_number()
    {
        var (decision, errors) = Check("no_action", Hotline.Tickets.TicketNumber.Format(2026));

        Assert.Null(decision);
        Assert.Equal(["ticketNumber"], errors.Keys);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("CalledBack")]
    [InlineData("0")]
    [InlineData("done")]
    public void Anything_but_the_three_outcome_names_is_refused_on_the_outcome_field(string? outcome)
    {
        var (decision, errors) = Check(outcome);

        Assert.Null(decision);
        Assert.Equal(["outcome"], errors.Keys);
    }

    [Fact]
    public void A_missing_body_and_an_overlong_note_are_refused()
    {
        var errors = new FieldErrors();
        Assert.Null(VoicemailOutcomes.Check(null, errors));
        Assert.Equal(["outcome"], errors.Entries.Select(e => e.Field));

        Assert.Equal(["note"], Check("no_action", note: new string('字', VoicemailOutcomes.MaxNote + 1)).Errors.Keys);
        Assert.Empty(Check("no_action", note: new string('字', VoicemailOutcomes.MaxNote)).Errors);
    }
}
