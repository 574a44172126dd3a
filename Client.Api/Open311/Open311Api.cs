using System.Security.Cryptography;
using System.Text.Json;
using Hotline.Api.Apis;
using Hotline.Api.Cluster;
using Hotline.Api.Integrations;
using Hotline.Api.Problems;
using Hotline.Departments;
using Hotline.Tickets;
using Microsoft.Extensions.Options;

namespace Hotline.Api.Open311;

/// <summary>
/// Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) under <c>/open311/v2/</c>, every resource in
/// <c>.json</c> and <c>.xml</c>. Services are the category tree's leaves; requests are the work orders, open or
/// closed, with the life-cycle detail in <c>status_notes</c> and the lead department as <c>agency_responsible</c>.
/// No personal data leaves: no name, phone, e-mail, nor the citizen's own words. Reading is public (rate limited
/// per address); POST needs an API key with <c>open311:write</c>. Errors use the spec's list of code and description.
/// </summary>
public static class Open311Api
{
    public const string Base = "/open311/v2";
    public const string Specification = "http://wiki.open311.org/GeoReport_v2";
    private const string Format = "{format:regex(^(json|xml)$)}";

    public static RouteGroupBuilder MapOpen311Api(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(Base).WithTags("Open311 GeoReport v2").AllowAnonymous()
            // One budget per address across every Open311 route: the filter is the singleton, not one per endpoint.
            .AddEndpointFilter((context, next) => context.HttpContext.RequestServices.GetRequiredService<Open311RateLimit>().InvokeAsync(context, next));
        api.MapGet($"/discovery.{Format}", Discovery).WithSummary("Service discovery: the endpoint, its formats and where to get a key");
        var cluster = api.MapGroup("").AddEndpointFilter<RequireClusterFilter>();
        cluster.MapGet($"/services.{Format}", Services).WithSummary("The services (categories) a request can be filed under");
        cluster.MapGet($"/services/{{code}}.{Format}", Definition).WithSummary("A service's definition: its attributes (kind, district)");
        cluster.MapGet($"/requests.{Format}", Requests)
            .WithSummary("Requests by service_request_id, or by service_code, status and start_date/end_date (90 days, newest 1000)");
        cluster.MapPost($"/requests.{Format}", Post).DisableAntiforgery()
            .WithSummary("File a request (form-encoded, api_key with open311:write): it becomes a work order with channel open311");
        cluster.MapGet($"/requests/{{id}}.{Format}", Request).WithSummary("One request by its id (the work order's number)");
        cluster.MapGet($"/tokens/{{token}}.{Format}", Token).WithSummary("The request id an asynchronous POST's token became, once it exists");
        return api;
    }

    internal static IResult Discovery(string format, HttpContext http, IOptions<Open311Options> options)
    {
        var o = options.Value;
        var url = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}{Base}";
        var endpoint = new Open311Object()
            .With("specification", Specification)
            .With("url", url)
            .With("changeset", o.Changeset)
            .With("type", o.EndpointType)
            .With("formats", new Open311List("format", ["text/xml", "application/json"]));
        return Open311Format.Result(format, "discovery", new Open311Object()
            .With("changeset", o.Changeset)
            .With("contact", o.Contact)
            .With("key_service", o.KeyService)
            .With("endpoints", new Open311List("endpoint", [endpoint])));
    }

    internal static async Task<IResult> Services(string format, string? jurisdiction_id, IClusterClient cluster, IOptions<Open311Options> options)
    {
        if (WrongJurisdiction(format, jurisdiction_id, options) is { } wrong) return wrong;
        var catalogue = await Catalogue(cluster);
        return Open311Format.Result(format, "services",
            new Open311List("service", Open311Services.Offered(catalogue).Select(c => (object?)Open311Services.Service(c, catalogue)).ToArray()));
    }

    internal static async Task<IResult> Definition(string format, string code, string? jurisdiction_id, IClusterClient cluster, IOptions<Open311Options> options)
    {
        if (WrongJurisdiction(format, jurisdiction_id, options) is { } wrong) return wrong;
        var catalogue = await Catalogue(cluster);
        return Open311Services.Offered(catalogue).Any(c => c.Id == code)
            ? Open311Format.Result(format, "service_definition", Open311Services.Definition(code))
            : Open311Format.Errors(format, StatusCodes.Status404NotFound, "service_code provided was not found.");
    }

    internal static async Task<IResult> Requests(
        string format, string? jurisdiction_id, string? service_request_id, string? service_code, string? start_date, string? end_date,
        string? status, Open311Store store, IClusterClient cluster, IOptions<Open311Options> options, TimeProvider time, CancellationToken ct)
    {
        if (WrongJurisdiction(format, jurisdiction_id, options) is { } wrong) return wrong;
        var (filter, errors) = Open311Query.Parse(service_request_id, service_code, start_date, end_date, status, time.GetUtcNow());
        if (filter is null) return Open311Format.Errors(format, StatusCodes.Status400BadRequest, [.. errors]);
        return Open311Format.Result(format, "service_requests", await RowsAsync(await store.QueryAsync(filter, ct), cluster));
    }

    internal static async Task<IResult> Request(
        string format, string id, string? jurisdiction_id, Open311Store store, IClusterClient cluster, IOptions<Open311Options> options,
        CancellationToken ct)
    {
        if (WrongJurisdiction(format, jurisdiction_id, options) is { } wrong) return wrong;
        if (!TicketNumberCheck.IsValid(id)) return Open311Format.Errors(format, StatusCodes.Status404NotFound, "service_request_id provided was not found.");
        var rows = await store.QueryAsync(new Open311Filter([id], null, [], DateTimeOffset.MinValue, DateTimeOffset.MaxValue, 1), ct);
        return rows.Count == 0
            ? Open311Format.Errors(format, StatusCodes.Status404NotFound, "service_request_id provided was not found.")
            : Open311Format.Result(format, "service_requests", await RowsAsync(rows, cluster));
    }

    internal static async Task<IResult> Token(
        string format, string token, string? jurisdiction_id, Open311Store store, IOptions<Open311Options> options, CancellationToken ct)
    {
        if (WrongJurisdiction(format, jurisdiction_id, options) is { } wrong) return wrong;
        var found = token.Length is > 0 and <= 64 ? await store.FindTokenAsync(token, ct) : null;
        if (found is null) return Open311Format.Errors(format, StatusCodes.Status404NotFound, "token provided was not found.");
        return Open311Format.Result(format, "service_requests", new Open311List("request",
            [new Open311Object().With("service_request_id", found.TicketNumber).With("token", found.Token)]));
    }

    internal static async Task<IResult> Post(
        string format, HttpContext http, ApiKeyAuthenticator keys, Open311Store store, Open311Worker worker, IClusterClient cluster,
        IOptions<Open311Options> options, TimeProvider time, ILoggerFactory loggers, CancellationToken ct)
    {
        var log = loggers.CreateLogger(typeof(Open311Api).FullName!);
        IResult Refuse(int status, string? keyId, params string[] reasons)
        {
            Open311Log.Refused(log, status, keyId ?? "-", string.Join(" | ", reasons));
            return Open311Format.Errors(format, status, reasons);
        }

        if (!http.Request.HasFormContentType)
            return Refuse(StatusCodes.Status400BadRequest, null, "The request must be form-encoded (application/x-www-form-urlencoded).");
        var form = await http.Request.ReadFormAsync(ct);
        switch (await keys.CheckAsync(form["api_key"].ToString(), IntegrationScopes.Open311Write, ct))
        {
            case KeyCheck.Missing:
                return Refuse(StatusCodes.Status403Forbidden, null, "api_key was not provided.");
            case KeyCheck.MissingScope:
                return Refuse(StatusCodes.Status403Forbidden, null, "api_key does not allow filing requests (open311:write).");
            case KeyCheck.Throttled t:
                http.Response.Headers.RetryAfter = Math.Ceiling(t.RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Refuse(StatusCodes.Status429TooManyRequests, null, "Too many requests with this api_key; try again later.");
            case KeyCheck.Accepted { Key: var key }:
                var jurisdiction = form["jurisdiction_id"].ToString();
                if (jurisdiction.Length > 0 && jurisdiction != options.Value.JurisdictionId)
                    return Refuse(StatusCodes.Status404NotFound, key.KeyId, "jurisdiction_id provided was not found.");
                var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
                var (parsed, errors) = Open311Submission.Read(form, await Catalogue(cluster), key.KeyId, token, time.GetUtcNow());
                if (parsed is null) return Refuse(StatusCodes.Status400BadRequest, key.KeyId, [.. errors]);
                return await CreateAsync(format, parsed, key, store, worker, cluster, options.Value, log, ct);
            default:
                return Refuse(StatusCodes.Status403Forbidden, null, "api_key is not valid.");
        }
    }

    private static async Task<IResult> CreateAsync(
        string format, Open311Submission.Parsed parsed, IntegrationKey key, Open311Store store, Open311Worker worker, IClusterClient cluster,
        Open311Options options, ILogger log, CancellationToken ct)
    {
        var token = parsed.Extras.Token;
        await store.AddPendingAsync(parsed.Extras, JsonSerializer.Serialize(new Open311Pending(parsed.Intake, key.Account)), ct);
        if (options.Asynchronous)
        {
            Open311Log.Accepted(log, token, key.KeyId);
            worker.Wake();
            return Open311Format.Result(format, "service_requests", new Open311List("request",
                [new Open311Object().With("token", token).With("service_notice", "Received; ask tokens/{token} for the request id.")
                    .With("account_id", parsed.Extras.AccountId)]), StatusCodes.Status202Accepted);
        }

        var number = await worker.CreateAsync(token, ct)
            ?? throw new InvalidOperationException($"Open311 request {token} vanished before it was registered.");
        Open311Log.Created(log, number, key.KeyId);
        var ticket = await cluster.GetGrain<ITicketGrain>(number).GetAsync();
        var notice = ticket.Deadlines.Reply is { } due
            ? $"Registered as work order {number}; the reply is due by {Open311Format.Instant(due)}."
            : $"Registered as work order {number}.";
        return Open311Format.Result(format, "service_requests", new Open311List("request",
            [new Open311Object().With("service_request_id", number).With("service_notice", notice).With("account_id", parsed.Extras.AccountId)]),
            StatusCodes.Status201Created);
    }

    /// <summary>The spec's request fields for each row; agency_responsible is the lead department's name.</summary>
    private static async Task<Open311List> RowsAsync(IReadOnlyList<Open311RequestRow> rows, IClusterClient cluster)
    {
        var catalogue = await Catalogue(cluster);
        var departments = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in rows.Select(r => r.LeadDepartment).OfType<string>().Distinct())
            departments[id] = await DepartmentNameAsync(cluster, id);
        return new Open311List("request", rows.Select(r =>
        {
            var agency = r.LeadDepartment is { } lead ? departments[lead] : null;
            var service = catalogue.Categories.FirstOrDefault(c => c.Id == r.Category);
            return (object?)new Open311Object()
                .With("service_request_id", r.Number)
                .With("status", Open311Query.StatusOf(r.State))
                .With("status_notes", Open311StatusNotes.For(r.State, agency, r.MergedInto))
                .With("service_name", service?.Name ?? r.Category)
                .With("service_code", r.Category)
                // The citizen's own words are not published.
                .With("description", null)
                .With("agency_responsible", agency)
                .With("service_notice", null)
                .With("requested_datetime", r.RequestedAt)
                .With("updated_datetime", r.UpdatedAt)
                .With("expected_datetime", Open311Query.StatusOf(r.State) == "open" ? r.ReplyDue : null)
                // The address is the citizen's own words, like the description: only the coordinates are published.
                .With("address", null)
                .With("address_id", r.AddressId)
                .With("zipcode", null)
                .With("lat", r.Lat)
                .With("long", r.Long)
                .With("media_url", r.MediaUrl);
        }).ToArray());
    }

    private static async Task<string> DepartmentNameAsync(IClusterClient cluster, string id)
    {
        try
        {
            return (await cluster.GetGrain<IDepartmentGrain>(id).GetAsync()).Profile.Name;
        }
        catch (DomainException e) when (e.Code == ProblemCodes.DepartmentNotFound)
        {
            return id;
        }
    }

    private static Task<Catalogue> Catalogue(IClusterClient cluster) => cluster.GetGrain<ICatalogueGrain>(ICatalogueGrain.Centre).GetAsync();

    /// <summary>404 in the spec's shape when the request names a jurisdiction this endpoint does not serve.</summary>
    private static IResult? WrongJurisdiction(string format, string? jurisdictionId, IOptions<Open311Options> options) =>
        string.IsNullOrEmpty(jurisdictionId) || jurisdictionId == options.Value.JurisdictionId
            ? null
            : Open311Format.Errors(format, StatusCodes.Status404NotFound, "jurisdiction_id provided was not found.");
}

internal static partial class Open311Log
{
    [LoggerMessage(LogLevel.Information, "Open311 POST refused with {Status} (key {KeyId}): {Reasons}")]
    public static partial void Refused(ILogger logger, int status, string keyId, string reasons);

    [LoggerMessage(LogLevel.Information, "Open311 request registered as work order {TicketNumber} (key {KeyId})")]
    public static partial void Created(ILogger logger, string ticketNumber, string keyId);

    [LoggerMessage(LogLevel.Information, "Open311 request {Token} accepted for asynchronous registration (key {KeyId})")]
    public static partial void Accepted(ILogger logger, string token, string keyId);
}
