using OpenTelemetry.Metrics;
using Sipas.Bot.Staff;
using Sipas.Data.Diagnostics;

namespace Sipas.Bot.Operations.Metrics;

/// <summary>
/// `/metrics` in Prometheus text format, through OpenTelemetry's exporter: our instruments are plain
/// System.Diagnostics.Metrics (<see cref="SipasMetrics"/>), which OpenTelemetry reads natively together with
/// ASP.NET Core's own request and connection meters, and the same wiring can later push OTLP without touching a call site.
/// </summary>
public static class MetricsEndpoints
{
    public const string Path = "/metrics";

    public static IServiceCollection AddSipasMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(SipasMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
            .AddPrometheusExporter());
        services.AddOptions<DispatchLagProbe.Options>().Bind(configuration.GetSection(DispatchLagProbe.Options.Section));
        services.AddHostedService<DispatchLagProbe>();
        return services;
    }

    public static IEndpointRouteBuilder MapSipasMetrics(this IEndpointRouteBuilder app)
    {
        app.MapPrometheusScrapingEndpoint(Path).Public("Prometheus scraping: counters only, no personal data; restrict at the proxy");
        return app;
    }
}
