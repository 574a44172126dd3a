using Hotline.Api.Auth;
using Hotline.Api.Configuration;
using Microsoft.Extensions.Options;

namespace Hotline.Api.Metrics;

public static class MetricsEndpoint
{
    /// <summary><c>GET /metrics</c> in Prometheus text format; needs admin, supervisor or integration unless configured open.</summary>
    public static IEndpointRouteBuilder MapHotlineMetrics(this IEndpointRouteBuilder app)
    {
        var endpoint = app.MapGet("/metrics", (PrometheusExporter exporter) => TypedResults.Text(exporter.Render(), PrometheusExporter.ContentType))
            .WithTags("Health").WithSummary("Metrics in Prometheus text format");
        var open = app.ServiceProvider.GetRequiredService<IOptions<HotlineOptions>>().Value.Metrics.AllowAnonymous;
        if (open) endpoint.AllowAnonymous();
        else endpoint.RequireAuthorization(Policies.Metrics);
        return app;
    }
}
