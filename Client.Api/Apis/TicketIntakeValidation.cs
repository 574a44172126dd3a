using Hotline.Api.Contracts;
using Hotline.Api.Problems;
using Hotline.Tickets;

namespace Hotline.Api.Apis;

/// <summary>The one set of rules for registering a work order, from staff desks and the citizens' web form alike.</summary>
internal static class TicketIntakeValidation
{
    public const int MaxSummary = 200;
    public const int MaxContent = 4000;
    public const int MaxName = 64;
    public const int MaxAddress = 200;
    public const int MaxDistrict = 64;

    /// <summary>The intake, or null with <paramref name="errors"/> naming every bad field.</summary>
    /// <param name="knownCategories">The category ids of the catalogue.</param>
    /// <param name="phoneRequired">A web order needs a number the citizen can later prove with (status query).</param>
    public static TicketIntake? Validate(TicketIntakeRequest body, IReadOnlySet<string> knownCategories, bool phoneRequired, FieldErrors errors)
    {
        TicketChannel channel = default;
        if (body.Channel is null) errors.Add("channel", "Required.");
        else if (!ApiNames.TryParseTicketChannel(body.Channel, out channel))
            errors.Add("channel", $"Must be one of {string.Join(", ", ApiNames.TicketChannels)}.");

        TicketKind kind = default;
        if (body.Kind is null) errors.Add("kind", "Required.");
        else if (!ApiNames.TryParseTicketKind(body.Kind, out kind))
            errors.Add("kind", $"Must be one of {string.Join(", ", ApiNames.TicketKinds)}.");

        if (string.IsNullOrEmpty(body.Category)) errors.Add("category", "Required.");
        else if (!knownCategories.Contains(body.Category)) errors.Add("category", $"Unknown category '{Shorten(body.Category)}'; see GET /api/categories.");

        var name = Trimmed(body.Caller?.Name);
        errors.Check(name is null || name.Length <= MaxName, "caller.name", $"At most {MaxName} characters.");
        var phone = Trimmed(body.Caller?.Phone);
        if (phone is null) errors.Check(!phoneRequired, "caller.phone", "Required: the status query asks for it.");
        else if (!InputRules.Phone().IsMatch(phone)) errors.Add("caller.phone", "Must be a phone number: 3 to 20 digits, optionally after +.");
        else errors.Check(!phoneRequired || phone.Count(char.IsAsciiDigit) >= 7, "caller.phone", "Must be a number the centre can call back: at least 7 digits.");

        var summary = Required(body.Summary, "summary", MaxSummary, errors);
        var content = Required(body.Content, "content", MaxContent, errors);
        var address = Trimmed(body.Address);
        errors.Check(address is null || address.Length <= MaxAddress, "address", $"At most {MaxAddress} characters.");
        var district = Trimmed(body.District);
        errors.Check(district is null || district.Length <= MaxDistrict, "district", $"At most {MaxDistrict} characters.");

        GeoPoint? location = null;
        if (body.Location is { } l)
        {
            if (l.Lat is not { } lat) errors.Add("location.lat", "Required.");
            else errors.Check(double.IsFinite(lat) && lat is >= -90 and <= 90, "location.lat", "Must be between -90 and 90.");
            if (l.Lng is not { } lng) errors.Add("location.lng", "Required.");
            else errors.Check(double.IsFinite(lng) && lng is >= -180 and <= 180, "location.lng", "Must be between -180 and 180.");
            if (l.Lat is { } a && l.Lng is { } b) location = new GeoPoint(a, b);
        }

        errors.Check(body.CallId is null || InputRules.CallId().IsMatch(body.CallId), "callId", "Not a call id.");
        string? answer = null;
        if (body.ResolvedOnSpot is { } spot) answer = Required(spot.Answer, "resolvedOnSpot.answer", MaxContent, errors);

        if (errors.Any) return null;
        return new TicketIntake
        {
            Channel = channel,
            Kind = kind,
            Category = body.Category!,
            Caller = new Caller(name, phone),
            Summary = summary!,
            Content = content!,
            Address = address,
            Location = location,
            District = district,
            CallId = body.CallId,
            ResolvedAnswer = answer,
        };
    }

    /// <summary>Trimmed text, or null when blank.</summary>
    public static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>Trimmed text that must be there and fit.</summary>
    public static string? Required(string? value, string field, int max, FieldErrors errors)
    {
        var text = Trimmed(value);
        if (text is null) errors.Add(field, "Required.");
        else if (text.Length > max) errors.Add(field, $"At most {max} characters.");
        return text;
    }

    /// <summary>Optional trimmed text that must fit.</summary>
    public static string? Optional(string? value, string field, int max, FieldErrors errors)
    {
        var text = Trimmed(value);
        errors.Check(text is null || text.Length <= max, field, $"At most {max} characters.");
        return text;
    }

    private static string Shorten(string value) => value.Length <= 64 ? value : value[..64] + "…";
}
