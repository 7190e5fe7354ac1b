using Hangfire;
using Hangfire.PostgreSql;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using Sipas.Scheduler.Dashboard;
using Sipas.Scheduler.Invitations;
using Sipas.Scheduler.Messages;
using Sipas.Scheduler.Policy;

namespace Sipas.Scheduler;

public static class SchedulerServiceCollectionExtensions
{
    public const string HangfireSchema = "hangfire";

    /// <summary>Hangfire on the shared data source; the job server runs only in processes that do background work.</summary>
    public static IServiceCollection AddSipasScheduler(this IServiceCollection services, IConfiguration configuration, bool runJobServer)
    {
        services.AddOptions<SurveyOptions>().Bind(configuration.GetSection(SurveyOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<MessageOptions>().Bind(configuration.GetSection(MessageOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DispatchOptions>().Bind(configuration.GetSection(DispatchOptions.Section)).ValidateDataAnnotations()
            .Validate<IOptions<MessageOptions>>(
                (dispatch, messages) => messages.Value.SendLease < dispatch.ClaimLease,
                "Scheduler:ClaimLease must be longer than 1.5 × Messages:SendTimeout, so a claim never runs out while its send is in flight.")
            .ValidateOnStart();
        services.AddSingleton<SendWindow>();
        services.AddSingleton<SendSchedule>();
        services.AddSingleton<HolidaySeeder>();
        services.AddScoped<SeedHolidaysJob>();
        services.AddScoped<BacklogEstimate>();
        services.AddScoped<SendPolicy>();
        services.AddSingleton<InvitationDispatcher>();
        services.AddScoped<DispatchInvitationsJob>();
        services.AddScoped<ExpireInvitationsJob>();
        services.AddScoped<SendRemindersJob>();
        services.AddScoped<ResendPendingMessagesJob>();
        services.AddScoped<ProcessWebhookInboxJob>();
        services.AddScoped<UpdateUnitDailyCountsJob>();
        services.AddOptions<DashboardSettings>().Bind(configuration.GetSection(DashboardSettings.Section)).ValidateDataAnnotations().ValidateOnStart();
        SipasDashboard.Register();

        // The storage is this host's own singleton. Hangfire's default registration hands out the static
        // JobStorage.Current, which the last host configured in the process sets: two hosts in one process (tests)
        // would share one storage, and one host's disposal would break the other's.
        services.AddSingleton<JobStorage>(provider => new PostgreSqlStorage(
            new DataSourceConnectionFactory(provider.GetRequiredService<NpgsqlDataSource>()),
            new PostgreSqlStorageOptions
            {
                SchemaName = HangfireSchema,
                PrepareSchemaIfNecessary = true,
                UseSlidingInvisibilityTimeout = true,
                InvisibilityTimeout = TimeSpan.FromMinutes(5),
                QueuePollInterval = TimeSpan.FromSeconds(1),
                DistributedLockTimeout = TimeSpan.FromMinutes(2),
            }));
        services.AddHangfire((provider, config) => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseStorage(provider.GetRequiredService<JobStorage>()));

        if (runJobServer)
        {
            services.AddHostedService<SeedHolidaysAtStart>();
            var workers = configuration.GetSection(DispatchOptions.Section).Get<DispatchOptions>()?.WorkerCount ?? new DispatchOptions().WorkerCount;
            services.AddHangfireServer(server =>
            {
                server.SchedulePollingInterval = TimeSpan.FromSeconds(1);
                server.WorkerCount = workers;
            });
        }

        return services;
    }

    /// <summary>Registers (or updates) the recurring jobs; safe to call from every process at start.</summary>
    public static void RegisterSipasRecurringJobs(this IServiceProvider services)
    {
        var jobs = new RecurringJobRegistry(services);
        var options = services.GetRequiredService<IOptions<DispatchOptions>>().Value;
        jobs.Ensure<DispatchInvitationsJob>(DispatchInvitationsJob.RecurringJobId, job => job.RunAsync(CancellationToken.None), options.DispatchCron);
        jobs.Ensure<SendRemindersJob>(SendRemindersJob.RecurringJobId, job => job.RunAsync(CancellationToken.None), Cron.Minutely());
        jobs.Ensure<ExpireInvitationsJob>(ExpireInvitationsJob.RecurringJobId, job => job.RunAsync(CancellationToken.None), Cron.Minutely());
        jobs.Ensure<ResendPendingMessagesJob>(ResendPendingMessagesJob.RecurringJobId, job => job.RunAsync(CancellationToken.None), Cron.Minutely());
        jobs.Ensure<ProcessWebhookInboxJob>(ProcessWebhookInboxJob.RecurringJobId, job => job.RunAsync(CancellationToken.None), "*/15 * * * * *");
        jobs.Ensure<SeedHolidaysJob>(SeedHolidaysJob.RecurringJobId, job => job.RunAsync(CancellationToken.None), Cron.Daily());
        jobs.Ensure<UpdateUnitDailyCountsJob>(UpdateUnitDailyCountsJob.RecurringJobId, job => job.RunAsync(CancellationToken.None), "*/5 * * * *");
        // Never on its own: an Administrator triggers it from the dashboard's recurring jobs page.
        jobs.Ensure<UpdateUnitDailyCountsJob>(UpdateUnitDailyCountsJob.WholeHistoryJobId, job => job.RecomputeAllAsync(CancellationToken.None), Cron.Never());
    }

    private sealed class DataSourceConnectionFactory(NpgsqlDataSource dataSource) : IConnectionFactory
    {
        public NpgsqlConnection GetOrCreateConnection() => dataSource.CreateConnection();
    }
}
