using System.Globalization;
using System.Text.Json;
using Hangfire;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Sipas.Bot.Operations.Metrics;
using Sipas.Bot.Operations.OpenApi;
using Sipas.Bot.Staff;
using Sipas.Data;
using Sipas.Data.Model;
using Sipas.Scheduler.Dashboard;

namespace Sipas.Bot.Operations;

public static class OperationsEndpoints
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";
    public const string DashboardPath = "/hangfire";
    private const string ReadyTag = "ready";
    private const string ForProbes = "health probes: status words only";
    private static readonly CultureInfo Vietnamese = CultureInfo.GetCultureInfo("vi-VN");

    public static IServiceCollection AddSipasOperations(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddProblemDetails();
        services.AddSipasMetrics(configuration);
        services.AddSipasOpenApi();
        services.AddScoped<IDashboardViewerScope, DashboardViewerScope>();
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag])
            .AddCheck<HangfireStorageHealthCheck>("hangfire-storage", tags: [ReadyTag]);
        return services;
    }

    /// <summary>
    /// `/health/live` says the process answers; `/health/ready` that the database, schema and job storage are usable;
    /// `/metrics` for Prometheus; `/openapi/v1.json` describes the API.
    /// </summary>
    public static IEndpointRouteBuilder MapOperations(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync }).Public(ForProbes);
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync }).Public(ForProbes);
        app.MapSipasMetrics();
        app.MapSipasOpenApi();
        // Staff only (the cookie sign-in); Administrators act on jobs, Supervisors and UnitViewers only look.
        app.MapHangfireDashboardWithAuthorizationPolicy(StaffPolicies.SignedIn, DashboardPath, new DashboardOptions
        {
            DashboardTitle = "Sipas — công việc nền",
            DisplayStorageConnectionString = false,
            StatsPollingInterval = 10_000,
            IsReadOnlyFunc = context => context.GetHttpContext().User.Role() is not StaffRole.Administrator,
        }).Add(endpoint => endpoint.RequestDelegate = DashboardCommandAudit.Wrap(DashboardPath, InVietnamese(endpoint.RequestDelegate!)));
        return app;
    }

    /// <summary>The dashboard's page language (its <c>&lt;html lang&gt;</c>) follows the UI culture; our pages and titles are Vietnamese.</summary>
    private static RequestDelegate InVietnamese(RequestDelegate dashboard) => http =>
    {
        CultureInfo.CurrentUICulture = Vietnamese;
        return dashboard(http);
    };

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        }));
    }

    private sealed class DatabaseHealthCheck(SipasDbContext db) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
                return pending.Count == 0
                    ? HealthCheckResult.Healthy("Database reachable, schema up to date.")
                    : HealthCheckResult.Unhealthy($"{pending.Count} migrations not applied.");
            }
            catch (Exception ex)
            {
                return HealthCheckResult.Unhealthy("Database unreachable: " + ex.GetType().Name);
            }
        }
    }

    private sealed class HangfireStorageHealthCheck(JobStorage storage) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var servers = storage.GetMonitoringApi().Servers().Count;
                return Task.FromResult(HealthCheckResult.Healthy($"Job storage reachable, {servers} job servers."));
            }
            catch (Exception ex)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy("Job storage unreachable: " + ex.GetType().Name));
            }
        }
    }
}
