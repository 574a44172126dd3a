using Hotline.Api.Contracts;
using Hotline.Tickets;

namespace Hotline.Api.Open311;

/// <summary>An attribute of every service's definition (GeoReport v2 "service definition").</summary>
public sealed record Open311Attribute(
    string Code, string Datatype, bool Required, string DatatypeDescription, int Order, string Description,
    IReadOnlyList<(string Key, string Name)> Values);

/// <summary>
/// Open311 services are the categories of the hotline's category tree (性质类别) that have no sub-categories:
/// <c>service_code</c> is the category id, <c>group</c> its parent's name. Every service has the same two
/// attributes: the kind of matter (诉求类型) and the district, which become the work order's kind and district.
/// </summary>
public static class Open311Services
{
    public const string KindAttribute = "kind";
    public const string DistrictAttribute = "district";
    public const int MaxDistrict = 64;
    /// <summary>The kind when the client sends none: a request for something to be fixed.</summary>
    public const TicketKind DefaultKind = TicketKind.Help;

    public static readonly IReadOnlyList<Open311Attribute> Attributes =
    [
        new(KindAttribute, "singlevaluelist", false, "One of the keys listed; help when absent.", 1,
            "What kind of matter this is (诉求类型)",
            [
                (Names.Of(TicketKind.Help), "求助 Help: something needs fixing or doing"),
                (Names.Of(TicketKind.Consultation), "咨询 Consultation: a question"),
                (Names.Of(TicketKind.Complaint), "投诉 Complaint"),
                (Names.Of(TicketKind.Report), "举报 Report of wrongdoing"),
                (Names.Of(TicketKind.Suggestion), "建议 Suggestion"),
                (Names.Of(TicketKind.Praise), "表扬 Praise"),
            ]),
        new(DistrictAttribute, "string", false, $"At most {MaxDistrict} characters.", 2,
            "The district (区/县) where the matter is", []),
    ];

    /// <summary>The categories offered as services, in the tree's order.</summary>
    public static IReadOnlyList<Category> Offered(Catalogue catalogue)
    {
        var parents = catalogue.Categories.Select(c => c.ParentId).OfType<string>().ToHashSet(StringComparer.Ordinal);
        return catalogue.Categories.Where(c => !parents.Contains(c.Id)).ToArray();
    }

    public static Open311Object Service(Category category, Catalogue catalogue)
    {
        var group = category.ParentId is { } parent ? catalogue.Categories.FirstOrDefault(c => c.Id == parent) : null;
        return new Open311Object()
            .With("service_code", category.Id)
            .With("service_name", category.Name)
            .With("description", category.EnglishName is { } english ? $"{category.Name} ({english})" : category.Name)
            .With("metadata", true)
            .With("type", "realtime")
            .With("keywords", string.Join(",", new[] { category.Name, category.EnglishName?.ToLowerInvariant() }.OfType<string>()))
            .With("group", group?.Name ?? category.Name);
    }

    public static Open311Object Definition(string serviceCode) =>
        new Open311Object()
            .With("service_code", serviceCode)
            .With("attributes", new Open311List("attribute", Attributes.Select(a => (object?)new Open311Object()
                .With("variable", true)
                .With("code", a.Code)
                .With("datatype", a.Datatype)
                .With("required", a.Required)
                .With("datatype_description", a.DatatypeDescription)
                .With("order", a.Order)
                .With("description", a.Description)
                .With("values", new Open311List("value", a.Values.Select(v => (object?)new Open311Object().With("key", v.Key).With("name", v.Name)).ToArray())))
                .ToArray()));

    /// <summary>
    /// Checks <c>attribute[code]</c> values against the definition: unknown codes, a kind not in the list, a district
    /// too long. Returns the kind and district, or the errors' descriptions.
    /// </summary>
    public static (TicketKind Kind, string? District, IReadOnlyList<string> Errors) ReadAttributes(IReadOnlyDictionary<string, string> values)
    {
        var errors = new List<string>();
        var kind = DefaultKind;
        string? district = null;
        foreach (var (code, value) in values)
        {
            switch (code)
            {
                case KindAttribute:
                    if (!ApiNames.TryParseTicketKind(value, out kind))
                        errors.Add($"attribute[{KindAttribute}]: must be one of {string.Join(", ", Attributes[0].Values.Select(v => v.Key))}.");
                    break;
                case DistrictAttribute:
                    district = string.IsNullOrWhiteSpace(value) ? null : value.Trim();
                    if (district is { Length: > MaxDistrict }) errors.Add($"attribute[{DistrictAttribute}]: at most {MaxDistrict} characters.");
                    break;
                default:
                    errors.Add($"attribute[{Shorten(code)}]: not an attribute of this service; see its service definition.");
                    break;
            }
        }
        return (kind, district, errors);
    }

    private static string Shorten(string value) => value.Length <= 32 ? value : value[..32] + "…";
}
