using Hotline.Api.Apis;
using Hotline.Api.Auth;
using Hotline.Api.Cluster;
using Hotline.Api.Configuration;
using Hotline.Api.Demo;
using Hotline.Api.EventStream;
using Hotline.Events;
using Hotline.Api.Health;
using Hotline.Api.Metrics;
using Hotline.Api.Problems;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Hotline.Api.Hosting;

/// <summary>Everything the API host registers and the order of its middleware, called from Program.cs.</summary>
public static class HotlineApiExtensions
{
    public const string DefaultUrl = "http://localhost:5000";

    public static WebApplicationBuilder AddHotlineApi(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        if (string.IsNullOrEmpty(configuration["urls"]) && string.IsNullOrEmpty(configuration["http_ports"])
            && string.IsNullOrEmpty(configuration["https_ports"]))
            builder.WebHost.UseUrls(DefaultUrl);

        var mode = ReadMode(configuration);
        var services = builder.Services;
        services.AddHotlineOptions(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.Configure<HostOptions>(o =>
        {
            // The Orleans client keeps retrying until the cluster answers; Kestrel must not wait for it.
            o.ServicesStartConcurrently = true;
            o.ServicesStopConcurrently = true;
        });

        builder.AddHotlineClusterClient(mode);

        // Users and tokens: PostgreSQL, except in the in-memory development mode.
        if (mode == OrleansClientMode.Localhost)
        {
            services.AddSingleton<IUserStore, InMemoryUserStore>();
            services.AddSingleton<ITokenStore, InMemoryTokenStore>();
            services.AddSingleton<ISignInThrottle, InMemorySignInThrottle>();
            services.AddSingleton<ICallRecords, NoCallRecords>();
            services.AddSingleton<ITicketRecords, NoTicketRecords>();
        }
        else
        {
            services.AddSingleton(sp => new NpgsqlDataSourceBuilder(sp.GetRequiredService<IOptions<HotlineOptions>>().Value.ConnectionString)
                .UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>())
                .Build());
            services.AddSingleton<IUserStore, PostgresUserStore>();
            services.AddSingleton<ITokenStore, PostgresTokenStore>();
            services.AddSingleton<ISignInThrottle, PostgresSignInThrottle>();
            services.AddSingleton<Audit.AuditLog>();
            services.AddHostedService(sp => sp.GetRequiredService<Audit.AuditLog>());
            services.AddSingleton<ICallRecords, PostgresCallRecords>();
            services.AddSingleton<ITicketRecords, PostgresTicketRecords>();
        }

        services.AddMemoryCache();
        services.AddSingleton<IPasswordHasher<UserAccount>, PasswordHasher<UserAccount>>();
        services.AddSingleton<CredentialStates>();
        services.AddSingleton<SignInService>();
        services.AddAuthentication(BearerTokenHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, null);
        services.AddHotlineAuthorization();

        services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemDefaults.Customize);
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(o => o.SerializerOptions.AllowTrailingCommas = false);

        services.AddSingleton<HotlineMetrics>();
        services.AddSingleton<PrometheusExporter>();
        services.AddSingleton<EventHub>();
        // Events from the event log in PostgreSQL (replayable, independent of any silo) or from the Orleans stream.
        if (EventOptions.TransportFor(configuration["Hotline:Events:Transport"], mode != OrleansClientMode.Localhost) == EventTransport.Postgres)
        {
            services.AddSingleton<PostgresEventFeed>();
            services.AddSingleton<IEventReplay>(sp => sp.GetRequiredService<PostgresEventFeed>());
            services.AddSingleton<IEventSource>(sp => sp.GetRequiredService<PostgresEventFeed>());
            services.AddHostedService(sp => sp.GetRequiredService<PostgresEventFeed>());
        }
        else
        {
            services.AddSingleton<EventStreamSubscriber>();
            services.AddSingleton<IEventSource>(sp => sp.GetRequiredService<EventStreamSubscriber>());
            services.AddHostedService(sp => sp.GetRequiredService<EventStreamSubscriber>());
        }
        services.AddSingleton<DemoSeeder>();
        services.AddHostedService(sp => sp.GetRequiredService<DemoSeeder>());
        services.AddSingleton<IdempotencyStore>();
        services.AddSingleton(sp => new Hotline.Api.Knowledge.KnowledgeStore(
            sp.GetService<NpgsqlDataSource>(), Hotline.Api.Knowledge.ChineseSegmenter.Shared, sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService<Hotline.Api.Knowledge.KnowledgeWarmUp>();
        services.AddSingleton(sp => new Hotline.Api.Reports.ReportStore(sp.GetService<NpgsqlDataSource>()));
        services.AddSingleton(sp => new Hotline.Api.Reports.ReportService(sp.GetRequiredService<Hotline.Api.Reports.ReportStore>(),
            sp.GetRequiredService<IClusterClient>(), Hotline.Api.Knowledge.ChineseSegmenter.Shared));
        services.AddSingleton<Hotline.Api.Reports.ReportsDemo>();
        services.AddHostedService(sp => sp.GetRequiredService<Hotline.Api.Reports.ReportsDemo>());
        services.AddHostedService<Hotline.Api.Knowledge.KnowledgeDemo>();
        services.AddHotlinePublicRateLimiting();
        services.AddHotlineWebHardening(configuration, usesDatabase: mode != OrleansClientMode.Localhost);
        services.AddHotlineHealthChecks(usesDatabase: mode != OrleansClientMode.Localhost);
        services.AddHotlineOpenApi();
        return builder;
    }

    /// <summary>Middleware in order: errors first, then status pages, authentication, authorization.</summary>
    public static WebApplication UseHotlineApi(this WebApplication app)
    {
        // Created now so that its listener sees every request from the first one on.
        app.Services.GetRequiredService<PrometheusExporter>();
        app.UseHotlineWebHardening();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<Audit.AuditMiddleware>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();

        var hotline = app.Services.GetRequiredService<IOptions<HotlineOptions>>().Value;
        if (hotline.Orleans.Mode == OrleansClientMode.Localhost)
            app.Logger.LogWarning(
                "Hotline:Orleans:Mode is Localhost: users, tokens and the call history live in memory, work-order lists are empty; nothing is durable");
        return app;
    }

    /// <summary>Health probes, metrics, the OpenAPI document and its reference page.</summary>
    public static WebApplication MapHotlineOperations(this WebApplication app)
    {
        app.MapHotlineHealth();
        app.MapHotlineMetrics();
        app.MapHotlineOpenApi();
        return app;
    }

    /// <summary>The mode decides what gets registered, so it is read before the options exist; null when invalid.</summary>
    private static OrleansClientMode? ReadMode(IConfiguration configuration)
    {
        var value = configuration[$"{HotlineOptions.Section}:Orleans:Mode"];
        if (string.IsNullOrEmpty(value)) return OrleansClientMode.AdoNet;
        return Enum.TryParse<OrleansClientMode>(value, ignoreCase: true, out var mode) && Enum.IsDefined(mode) && !int.TryParse(value, out _)
            ? mode
            : null;
    }
}
