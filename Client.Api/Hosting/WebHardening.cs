using System.Net;
using System.Xml.Linq;
using Hotline.Api.Configuration;
using Hotline.Api.Problems;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Hotline.Api.Hosting;

/// <summary>
/// The web side's defences: security headers (NetEscapades.AspNetCore.SecurityHeaders), forwarded headers from the
/// configured proxies only, the data-protection key ring shared by every API process, and a cap on request bodies.
/// </summary>
public static class WebHardening
{
    private const string DocsPolicy = "docs";

    public static IServiceCollection AddHotlineWebHardening(this IServiceCollection services, IConfiguration configuration, bool usesDatabase)
    {
        var web = configuration.GetSection($"{HotlineOptions.Section}:Web").Get<WebOptions>() ?? new WebOptions();

        services.AddSecurityHeaderPolicies()
            .SetDefaultPolicy(p => Common(p).AddContentSecurityPolicy(csp =>
            {
                csp.AddDefaultSrc().Self();
                // Blazor Server needs no inline script and no eval: blazor.web.js and hotline.js are files.
                csp.AddScriptSrc().Self();
                // Style attributes in the screens and Blazor's reconnect dialog; no style can run code.
                csp.AddStyleSrc().Self().UnsafeInline();
                csp.AddImgSrc().Self().Data();
                csp.AddConnectSrc().Self();
                csp.AddMediaSrc().Self();
                csp.AddFontSrc().Self();
                csp.AddObjectSrc().None();
                csp.AddBaseUri().Self();
                csp.AddFormAction().Self();
                csp.AddFrameAncestors().None();
            }))
            // The API reference page (Scalar) is one page of inline script: it alone may run it.
            .AddPolicy(DocsPolicy, p => Common(p).AddContentSecurityPolicy(csp =>
            {
                csp.AddDefaultSrc().Self();
                csp.AddScriptSrc().Self().UnsafeInline();
                csp.AddStyleSrc().Self().UnsafeInline();
                csp.AddImgSrc().Self().Data();
                csp.AddFontSrc().Self().Data();
                csp.AddConnectSrc().Self();
                csp.AddObjectSrc().None();
                csp.AddFrameAncestors().None();
            }))
            .SetPolicySelector(ctx => ctx.HttpContext.Request.Path.StartsWithSegments("/api/docs", StringComparison.Ordinal)
                ? ctx.ConfiguredPolicies[DocsPolicy]
                : ctx.SelectedPolicy);

        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            // Nothing is trusted by default (not even loopback): only the proxies an operator names.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in web.KnownProxies) o.KnownProxies.Add(IPAddress.Parse(proxy));
            foreach (var network in web.KnownNetworks) o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            o.ForwardLimit = web.KnownProxies.Length + web.KnownNetworks.Length == 0 ? 0 : web.ForwardLimit;
        });

        var protection = services.AddDataProtection().SetApplicationName("hotline");
        if (web.DataProtectionKeysFolder is { Length: > 0 } folder) protection.PersistKeysToFileSystem(new DirectoryInfo(folder));
        else if (usesDatabase)
            services.AddOptions<KeyManagementOptions>().Configure<NpgsqlDataSource>((o, db) => o.XmlRepository = new PostgresKeyRepository(db));
        return services;
    }

    private static Microsoft.AspNetCore.Builder.HeaderPolicyCollection Common(Microsoft.AspNetCore.Builder.HeaderPolicyCollection p) =>
        p.AddFrameOptionsDeny()
            .AddContentTypeOptionsNoSniff()
            .AddReferrerPolicyStrictOriginWhenCrossOrigin()
            .AddCrossOriginOpenerPolicy(x => x.SameOrigin())
            // Sent on HTTPS responses only (the middleware leaves it off plain HTTP): one year.
            .AddStrictTransportSecurityMaxAge(365 * 24 * 3600)
            .RemoveServerHeader();

    /// <summary>First in the pipeline: the real client address and scheme, then the headers, then the body cap.</summary>
    public static WebApplication UseHotlineWebHardening(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseSecurityHeaders();
        var limit = app.Configuration.GetSection($"{HotlineOptions.Section}:Web").Get<WebOptions>()?.MaxRequestBodyBytes ?? WebOptions.DefaultMaxBody;
        app.Use(async (context, next) =>
        {
            if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
                size.MaxRequestBodySize = limit;
            if (context.Request.ContentLength > limit)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails = ApiProblems.Details(StatusCodes.Status413PayloadTooLarge, "request.too_large",
                        $"The body is larger than {limit} bytes."),
                });
                return;
            }
            await next(context);
        });
        return app;
    }
}

/// <summary><c>Hotline:Web</c>: the proxies in front of the API, where data-protection keys live, the body cap.</summary>
public sealed class WebOptions
{
    public const long DefaultMaxBody = 1024 * 1024;

    /// <summary>Addresses of reverse proxies whose X-Forwarded-For/Proto are believed; none by default.</summary>
    public string[] KnownProxies { get; set; } = [];
    /// <summary>Networks (CIDR) of such proxies.</summary>
    public string[] KnownNetworks { get; set; } = [];
    public int? ForwardLimit { get; set; } = 1;
    /// <summary>A folder shared by every API process for the key ring; without it, the database (or memory in Localhost mode).</summary>
    public string? DataProtectionKeysFolder { get; set; }
    public long MaxRequestBodyBytes { get; set; } = DefaultMaxBody;
}

/// <summary>The data-protection key ring in <c>data_protection_keys</c>, shared by every API process.</summary>
internal sealed class PostgresKeyRepository(NpgsqlDataSource db) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var cmd = db.CreateCommand("SELECT xml FROM data_protection_keys ORDER BY created_at");
        using var reader = cmd.ExecuteReader();
        var keys = new List<XElement>();
        while (reader.Read()) keys.Add(XElement.Parse(reader.GetString(0)));
        return keys;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var cmd = db.CreateCommand("INSERT INTO data_protection_keys (friendly_name, xml) VALUES ($1, $2) ON CONFLICT (friendly_name) DO NOTHING");
        cmd.Parameters.AddWithValue(friendlyName);
        cmd.Parameters.AddWithValue(element.ToString(SaveOptions.DisableFormatting));
        cmd.ExecuteNonQuery();
    }
}
