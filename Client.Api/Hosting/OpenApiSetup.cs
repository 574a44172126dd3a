using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Hotline.Api.Hosting;

/// <summary>The OpenAPI document at /openapi/v1.json and its reference page at /api/docs, both served by this host.</summary>
internal static class OpenApiSetup
{
    public static IServiceCollection AddHotlineOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "12345 Hotline API",
                    Version = "v1",
                    Description = "Seats, queues, calls, work orders, departments, the category catalogue, the work calendar, "
                        + "citizens' public routes and live events of the 12345 government service hotline.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "The token from POST /api/auth/login (also accepted from the hotline_token cookie).",
                };
                document.Security ??= [];
                document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", document)] = [] });
                return Task.CompletedTask;
            });
        });

    public static WebApplication MapHotlineOpenApi(this WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous();
        // Scalar serves its script from the package's embedded bundle (/api/docs/scalar.js); no fonts from a CDN
        // and no telemetry either, so the page works on a network that reaches nothing outside.
        app.MapScalarApiReference("/api/docs", o =>
            {
                o.WithTitle("12345 Hotline API").AddPreferredSecuritySchemes("Bearer");
                o.DefaultFonts = false;
                o.Telemetry = false;
            })
            .AllowAnonymous();
        return app;
    }
}
