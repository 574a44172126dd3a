using System.Net;
using System.Text.Json;
using System.Xml.Linq;

namespace Hotline.Tests.Integrations;

/// <summary>
/// An Open311 response read the same way from either format: objects as field lists, lists as item lists, leaf
/// values as text (JSON null and an empty XML element both as null). The test reads the XML with no knowledge
/// of the JSON and the other way round, so both are checked against the spec's field lists.
/// </summary>
internal abstract record Open311Node
{
    public sealed record Obj(IReadOnlyList<(string Name, Open311Node Value)> Fields) : Open311Node
    {
        public IReadOnlyList<string> Names => Fields.Select(f => f.Name).ToArray();
        public Open311Node this[string name] => Fields.Single(f => f.Name == name).Value;
        public string? Text(string name) => (this[name] as Leaf)?.Value;
    }

    public sealed record Items(IReadOnlyList<Open311Node> Values) : Open311Node
    {
        public IReadOnlyList<Obj> Objects => Values.Cast<Obj>().ToArray();
    }

    public sealed record Leaf(string? Value) : Open311Node;

    /// <summary>The spec's lists whose XML wrapper holds items: wrapper → item element.</summary>
    private static readonly Dictionary<string, string> ListItems = new()
    {
        ["services"] = "service",
        ["service_requests"] = "request",
        ["errors"] = "error",
        ["endpoints"] = "endpoint",
        ["formats"] = "format",
        ["attributes"] = "attribute",
        ["values"] = "value",
    };

    public static async Task<(HttpStatusCode Status, Open311Node Body, string Text)> ReadAsync(HttpResponseMessage response, string format)
    {
        var text = await response.Content.ReadAsStringAsync();
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (format == "xml")
        {
            Assert.Equal("text/xml", mediaType);
            Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>", text);
            var root = XDocument.Parse(text).Root!;
            return (response.StatusCode, FromXml(root), text);
        }
        Assert.Equal("application/json", mediaType);
        return (response.StatusCode, FromJson(JsonDocument.Parse(text).RootElement), text);
    }

    private static Open311Node FromXml(XElement e)
    {
        if (ListItems.TryGetValue(e.Name.LocalName, out var item))
        {
            Assert.All(e.Elements(), c => Assert.Equal(item, c.Name.LocalName));
            return new Items(e.Elements().Select(FromXml).ToArray());
        }
        if (e.HasElements) return new Obj(e.Elements().Select(c => (c.Name.LocalName, FromXml(c))).ToArray());
        return new Leaf(e.Value.Length == 0 ? null : e.Value);
    }

    private static Open311Node FromJson(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => new Obj(e.EnumerateObject().Select(p => (p.Name, FromJson(p.Value))).ToArray()),
        JsonValueKind.Array => new Items(e.EnumerateArray().Select(FromJson).ToArray()),
        JsonValueKind.Null => new Leaf(null),
        JsonValueKind.String => new Leaf(e.GetString()),
        JsonValueKind.True => new Leaf("true"),
        JsonValueKind.False => new Leaf("false"),
        _ => new Leaf(e.GetRawText()),
    };
}

/// <summary>The field lists of GeoReport v2, in the spec's order.</summary>
internal static class Open311Spec
{
    public static readonly string[] Discovery = ["changeset", "contact", "key_service", "endpoints"];
    public static readonly string[] Endpoint = ["specification", "url", "changeset", "type", "formats"];
    public static readonly string[] Service = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"];
    public static readonly string[] Definition = ["service_code", "attributes"];
    public static readonly string[] Attribute = ["variable", "code", "datatype", "required", "datatype_description", "order", "description", "values"];
    public static readonly string[] Value = ["key", "name"];
    public static readonly string[] Request =
    [
        "service_request_id", "status", "status_notes", "service_name", "service_code", "description", "agency_responsible",
        "service_notice", "requested_datetime", "updated_datetime", "expected_datetime", "address", "address_id", "zipcode",
        "lat", "long", "media_url",
    ];
    public static readonly string[] Created = ["service_request_id", "service_notice", "account_id"];
    public static readonly string[] Accepted = ["token", "service_notice", "account_id"];
    public static readonly string[] Token = ["service_request_id", "token"];
    public static readonly string[] Error = ["code", "description"];
    public static readonly string[] Formats = ["json", "xml"];
}
