using Hotline.Api.Apis;
using Hotline.Api.Problems;

namespace Hotline.Api.Voicemail;

/// <summary>How a desk closed a voicemail.</summary>
public enum VoicemailOutcome
{
    /// <summary>The desk called the citizen back (已回拨).</summary>
    CalledBack,
    /// <summary>A work order was registered for it (已登记工单); its number is kept.</summary>
    TicketRegistered,
    /// <summary>Nothing to do: an empty or silent message, a wrong number (无需处理).</summary>
    NoAction,
}

/// <summary>A checked request to mark a voicemail handled.</summary>
public sealed record VoicemailDecision(VoicemailOutcome Outcome, string? TicketNumber, string? Note);

/// <summary>
/// The rule for closing a voicemail, without storage: one of the outcomes; a work-order number exactly when a work
/// order was registered (and a well-formed one); a note of at most <see cref="MaxNote"/> characters.
/// </summary>
public static class VoicemailOutcomes
{
    public const int MaxNote = 500;

    /// <summary>The outcomes as the API names them: called_back, ticket_registered, no_action.</summary>
    public static IReadOnlyList<string> Known { get; } = Enum.GetValues<VoicemailOutcome>().Select(Hotline.Names.Of).ToArray();

    public static VoicemailDecision? Check(VoicemailHandleRequest? body, FieldErrors errors)
    {
        if (body is null)
        {
            errors.Add("outcome", "Required.");
            return null;
        }
        VoicemailOutcome outcome = default;
        if (string.IsNullOrEmpty(body.Outcome)) errors.Add("outcome", "Required.");
        else if (!Hotline.Names.TryParse(body.Outcome, out outcome)) errors.Add("outcome", $"Must be one of {string.Join(", ", Known)}.");
        var ticket = string.IsNullOrWhiteSpace(body.TicketNumber) ? null : body.TicketNumber.Trim();
        if (!errors.Any && outcome == VoicemailOutcome.TicketRegistered)
        {
            if (ticket is null) errors.Add("ticketNumber", "Required when a work order was registered.");
            else if (!TicketNumberCheck.IsValid(ticket)) errors.Add("ticketNumber", TicketNumberCheck.Rule);
        }
        else if (!errors.Any && ticket is not null)
            errors.Add("ticketNumber", "Only a voicemail that became a work order names one.");
        var note = string.IsNullOrWhiteSpace(body.Note) ? null : body.Note.Trim();
        if (note is { Length: > MaxNote }) errors.Add("note", $"At most {MaxNote} characters.");
        return errors.Any ? null : new VoicemailDecision(outcome, ticket, note);
    }
}
