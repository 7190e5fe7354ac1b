using Sipas.Scheduler;

namespace Sipas.Bot.Channels.Zalo;

/// <summary>
/// Zalo: the ZNS template provider (<c>zalo-zns</c>) and the OA chat provider (<c>zalo-oa</c>), sharing one options
/// section, one token pair and one webhook URL; the token renewal and the rating reconciliation jobs.
/// </summary>
public sealed class ZaloModule : IChannelModule
{
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ZaloOptions>().Bind(configuration.GetSection(ZaloOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        // The messenger bounds every send with Messages:SendTimeout; the token refresh bounds itself.
        services.AddHttpClient(ZaloApi.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton<ZaloTokenStore>();
        services.AddSingleton<IChannelProvider, ZaloZnsChannel>();
        services.AddSingleton<IChannelProvider, ZaloOaChannel>();
        services.AddScoped<ZaloRatingRecorder>();
        services.AddScoped<ZaloTokenRefreshJob>();
        services.AddScoped<ZaloRatingReconciliationJob>();
        services.AddSingleton<IWebhookHandler, ZaloWebhookHandler>();
    }

    public void MapEndpoints(IEndpointRouteBuilder app) => app.MapZaloWebhook();

    public void AddRecurringJobs(RecurringJobRegistry jobs, IConfiguration configuration)
    {
        var settings = configuration.GetSection(ZaloOptions.Section).Get<ZaloOptions>() ?? new ZaloOptions();
        if (settings.HasAccount)
        {
            jobs.Ensure<ZaloTokenRefreshJob>(ZaloTokenRefreshJob.RecurringJobId, job => job.RunAsync(CancellationToken.None), "*/30 * * * *");
        }
        else
        {
            jobs.Remove(ZaloTokenRefreshJob.RecurringJobId);
        }

        if (settings.IsZnsConfigured)
        {
            jobs.Ensure<ZaloRatingReconciliationJob>(ZaloRatingReconciliationJob.RecurringJobId, job => job.RunAsync(CancellationToken.None), "*/15 * * * *");
        }
        else
        {
            jobs.Remove(ZaloRatingReconciliationJob.RecurringJobId);
        }
    }
}
