using Hotline.Api.Apis;
using Hotline.Api.Contracts;
using Hotline.Api.Problems;
using Hotline.Tickets;
using Microsoft.Extensions.Primitives;

namespace Hotline.Api.Open311;

/// <summary>
/// Reads a GeoReport v2 POST (form-encoded) into a work-order intake with channel <c>open311</c>, through the
/// same validation as <c>POST /api/tickets</c> and the web form. The spec's names come back in the errors
/// (<c>description</c>, <c>phone</c>, <c>lat</c>…).
/// </summary>
public static class Open311Submission
{
    public const int MaxMediaUrl = 2000;
    public const int MaxEmail = 254;
    public const int MaxId = 128;
    public const int MaxAddressId = 128;
    public const int SummaryPrefix = 60;

    public sealed record Parsed(TicketIntake Intake, Open311Extras Extras);

    /// <summary>The intake and what Open311 keeps beside it, or the errors' descriptions.</summary>
    public static (Parsed? Request, IReadOnlyList<string> Errors) Read(
        IFormCollection form, Catalogue catalogue, string keyId, string token, DateTimeOffset now)
    {
        var errors = new List<string>();
        string? Field(string name) => form.TryGetValue(name, out var v) && !StringValues.IsNullOrEmpty(v) ? v.ToString().Trim() : null;

        var serviceCode = Field("service_code");
        var service = serviceCode is null ? null : Open311Services.Offered(catalogue).FirstOrDefault(c => c.Id == serviceCode);
        if (serviceCode is null) errors.Add("service_code: required.");
        else if (service is null) errors.Add($"service_code: '{Shorten(serviceCode)}' is not a service; see services.json.");

        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (formName, value) in form)
        {
            if (formName.StartsWith("attribute[", StringComparison.Ordinal) && formName.EndsWith(']'))
                attributes[formName["attribute[".Length..^1]] = value.ToString();
        }
        var (kind, district, attributeErrors) = Open311Services.ReadAttributes(attributes);
        errors.AddRange(attributeErrors);

        double? lat = Number(Field("lat"), "lat", errors), lng = Number(Field("long"), "long", errors);
        if ((Field("lat") is null) != (Field("long") is null)) errors.Add("lat, long: give both or neither.");
        var address = Field("address_string");
        var addressId = Field("address_id");
        if (Field("lat") is null && Field("long") is null && address is null && addressId is null)
            errors.Add("lat and long, address_string or address_id: one is required, to say where the matter is.");
        if (addressId is { Length: > MaxAddressId }) errors.Add($"address_id: at most {MaxAddressId} characters.");

        var email = Field("email");
        if (email is not null && (email.Length > MaxEmail || email.IndexOf('@') is < 1 || email.IndexOf('@') == email.Length - 1))
            errors.Add("email: not an e-mail address.");
        var deviceId = Field("device_id");
        if (deviceId is { Length: > MaxId }) errors.Add($"device_id: at most {MaxId} characters.");
        var accountId = Field("account_id");
        if (accountId is { Length: > MaxId }) errors.Add($"account_id: at most {MaxId} characters.");
        var mediaUrl = Field("media_url");
        if (mediaUrl is not null && (mediaUrl.Length > MaxMediaUrl || !Uri.TryCreate(mediaUrl, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https")))
            errors.Add("media_url: must be an http or https URL.");

        var name = string.Join(" ", new[] { Field("first_name"), Field("last_name") }.OfType<string>());
        var description = Field("description");
        var summary = service is null || description is null
            ? description
            : $"{service.Name}：{(description.Length <= SummaryPrefix ? description : description[..SummaryPrefix] + "…")}";

        var request = new TicketIntakeRequest(
            Names.Of(TicketChannel.Open311), Names.Of(kind), service?.Id ?? serviceCode, new CallerRequest(name.Length == 0 ? null : name, Field("phone")),
            summary, description, address, lat is { } a && lng is { } b ? new LocationRequest(a, b) : null, district, CallId: null, ResolvedOnSpot: null);
        var fieldErrors = new FieldErrors();
        var known = catalogue.Categories.Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var intake = TicketIntakeValidation.Validate(request, known, phoneRequired: false, fieldErrors);
        foreach (var (field, message) in fieldErrors.Entries)
        {
            // The category was checked against the services above, with the spec's wording.
            if (field == "category") continue;
            errors.Add($"{SpecName(field)}: {message}");
        }

        if (errors.Count > 0 || intake is null) return (null, errors.Distinct().ToArray());
        var extras = new Open311Extras(token, service!.Id, keyId, lat, lng, address, addressId, mediaUrl, email, deviceId, accountId, now);
        return (new Parsed(intake, extras), []);
    }

    private static string SpecName(string field) => field switch
    {
        "caller.name" => "first_name, last_name",
        "caller.phone" => "phone",
        "summary" or "content" => "description",
        "address" => "address_string",
        "location.lat" => "lat",
        "location.lng" => "long",
        "district" => $"attribute[{Open311Services.DistrictAttribute}]",
        "kind" => $"attribute[{Open311Services.KindAttribute}]",
        _ => field,
    };

    private static double? Number(string? value, string field, List<string> errors)
    {
        if (value is null) return null;
        if (double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var n) && double.IsFinite(n))
            return n;
        errors.Add($"{field}: not a number.");
        return null;
    }

    private static string Shorten(string value) => value.Length <= 32 ? value : value[..32] + "…";
}
