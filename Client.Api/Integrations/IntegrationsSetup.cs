using Hotline.Api.Open311;
using Npgsql;

namespace Hotline.Api.Integrations;

/// <summary>The PostgreSQL that keys, idempotent submissions and Open311 need; the Localhost mode has none.</summary>
public sealed class IntegrationsDatabase(NpgsqlDataSource? source)
{
    /// <summary>The data source; in the Localhost mode a connection failure, which the API answers with 503 database.unavailable.</summary>
    public NpgsqlDataSource Source => source
        ?? throw new NpgsqlException("The Localhost mode has no database: integration keys and Open311 need PostgreSQL.");

    public bool Available => source is not null;
}

/// <summary>Registers integration keys, the partner API's idempotent submissions and Open311 (called from Program.cs).</summary>
public static class IntegrationsSetup
{
    public static WebApplicationBuilder AddHotlineIntegrations(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<Open311Options>().BindConfiguration(Open311Options.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.JurisdictionId), "Hotline:Open311:JurisdictionId must not be empty.")
            .Validate(o => o.EndpointType is "production" or "test", "Hotline:Open311:EndpointType must be production or test.")
            .Validate(o => o.RequestsPerMinute > 0, "Hotline:Open311:RequestsPerMinute must be positive.")
            .Validate(o => o.WorkerInterval > TimeSpan.Zero, "Hotline:Open311:WorkerInterval must be positive.")
            .ValidateOnStart();
        services.AddSingleton(sp => new IntegrationsDatabase(sp.GetService<NpgsqlDataSource>()));
        services.AddSingleton<IIntegrationKeyStore, PostgresIntegrationKeyStore>();
        services.AddSingleton<KeyRateLimiter>();
        services.AddSingleton<ApiKeyAuthenticator>();
        services.AddSingleton<IdempotentSubmissions>();
        services.AddSingleton<Open311Store>();
        services.AddSingleton<Open311Worker>();
        services.AddSingleton<Open311RateLimit>();
        services.AddHostedService(sp => sp.GetRequiredService<Open311Worker>());
        return builder;
    }

    public static WebApplication MapHotlineIntegrations(this WebApplication app)
    {
        app.MapIntegrationKeysApi();
        app.MapPartnerApi();
        app.MapOpen311Api();
        return app;
    }
}
