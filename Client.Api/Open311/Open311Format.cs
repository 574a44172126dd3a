using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml;

namespace Hotline.Api.Open311;

/// <summary>An Open311 object: its fields in the spec's order. A value is text, a number, a bool, an instant, null,
/// another <see cref="Open311Object"/> or an <see cref="Open311List"/>.</summary>
public sealed class Open311Object : List<KeyValuePair<string, object?>>
{
    public Open311Object With(string name, object? value)
    {
        Add(new(name, value));
        return this;
    }
}

/// <summary>A list: a JSON array, and in XML an element per item named <see cref="ItemName"/>.</summary>
public sealed record Open311List(string ItemName, IReadOnlyList<object?> Items);

/// <summary>
/// Writes GeoReport v2 responses in the two formats the spec names: <c>.json</c> (application/json) and
/// <c>.xml</c> (text/xml, UTF-8 with its declaration). Instants are ISO 8601 in Beijing time with its offset; absent values are
/// JSON nulls and empty XML elements.
/// </summary>
public static class Open311Format
{
    public const string Json = "json";
    public const string Xml = "xml";
    public const string JsonContentType = "application/json; charset=utf-8";
    public const string XmlContentType = "text/xml; charset=utf-8";

    public static bool IsKnown(string? format) => format is Json or Xml;

    /// <summary>The response body: <paramref name="root"/> is the XML document element (a list's wrapper).</summary>
    public static string Write(string format, string root, object value) => format == Xml ? ToXml(root, value) : ToJson(value);

    public static IResult Result(string format, string root, object value, int status = StatusCodes.Status200OK) =>
        TypedResults.Text(Write(format, root, value), format == Xml ? XmlContentType : JsonContentType, Encoding.UTF8, status);

    /// <summary>The spec's error list: <c>[{code, description}]</c> or <c>&lt;errors&gt;&lt;error&gt;…</c>; the HTTP status is the first code.</summary>
    public static IResult Errors(string format, int status, params string[] descriptions) =>
        Result(format, "errors",
            new Open311List("error", descriptions.Select(d => (object?)new Open311Object().With("code", status).With("description", d)).ToArray()),
            status);

    /// <summary>Beijing time, as the hotline's other answers give it (2026-11-23T09:30:00+08:00).</summary>
    public static string Instant(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, China).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private static readonly TimeZoneInfo China = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private static string ToJson(object value)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            WriteJson(json, value);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteJson(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null: json.WriteNullValue(); break;
            case string s: json.WriteStringValue(s); break;
            case bool b: json.WriteBooleanValue(b); break;
            case int i: json.WriteNumberValue(i); break;
            case long l: json.WriteNumberValue(l); break;
            case double d: json.WriteNumberValue(d); break;
            case DateTimeOffset at: json.WriteStringValue(Instant(at)); break;
            case Open311Object o:
                json.WriteStartObject();
                foreach (var (name, field) in o)
                {
                    json.WritePropertyName(name);
                    WriteJson(json, field);
                }
                json.WriteEndObject();
                break;
            case Open311List list:
                json.WriteStartArray();
                foreach (var item in list.Items) WriteJson(json, item);
                json.WriteEndArray();
                break;
            default: throw new ArgumentException($"No Open311 form for {value.GetType().Name}.", nameof(value));
        }
    }

    private static string ToXml(string root, object value)
    {
        var text = new Utf8StringWriter();
        using (var xml = XmlWriter.Create(text, new XmlWriterSettings { Encoding = Encoding.UTF8, Indent = false }))
        {
            xml.WriteStartDocument();
            WriteXml(xml, root, value);
            xml.WriteEndDocument();
        }
        return text.ToString();
    }

    private static void WriteXml(XmlWriter xml, string name, object? value)
    {
        xml.WriteStartElement(name);
        switch (value)
        {
            case null: break;
            case string s: xml.WriteString(s); break;
            case bool b: xml.WriteString(b ? "true" : "false"); break;
            case int i: xml.WriteString(i.ToString(CultureInfo.InvariantCulture)); break;
            case long l: xml.WriteString(l.ToString(CultureInfo.InvariantCulture)); break;
            case double d: xml.WriteString(d.ToString("R", CultureInfo.InvariantCulture)); break;
            case DateTimeOffset at: xml.WriteString(Instant(at)); break;
            case Open311Object o:
                foreach (var (field, fieldValue) in o) WriteXml(xml, field, fieldValue);
                break;
            case Open311List list:
                foreach (var item in list.Items) WriteXml(xml, list.ItemName, item);
                break;
            default: throw new ArgumentException($"No Open311 form for {value.GetType().Name}.", nameof(value));
        }
        xml.WriteEndElement();
    }

    /// <summary>A StringWriter whose declaration says UTF-8, which is what the response is sent as.</summary>
    private sealed class Utf8StringWriter : StringWriter
    {
        public Utf8StringWriter() : base(CultureInfo.InvariantCulture) { }
        public override Encoding Encoding => Encoding.UTF8;
    }
}
