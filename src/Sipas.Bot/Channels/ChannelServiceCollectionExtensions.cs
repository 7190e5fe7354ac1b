using Sipas.Scheduler;
using Sipas.Bot.Channels.Simulator;
using Sipas.Bot.Hosting;
using Sipas.Scheduler.Invitations;
using Sipas.Scheduler.Messages;

namespace Sipas.Bot.Channels;

public static class ChannelServiceCollectionExtensions
{
    /// <summary>Every provider module in this assembly (one per provider folder), found by reflection so a new provider needs no edit here.</summary>
    public static IReadOnlyList<IChannelModule> Modules { get; } =
        [.. typeof(IChannelModule).Assembly.GetTypes()
            .Where(type => type is { IsClass: true, IsAbstract: false } && type.IsAssignableTo(typeof(IChannelModule)))
            .OrderBy(type => type.FullName, StringComparer.Ordinal)
            .Select(type => (IChannelModule)Activator.CreateInstance(type)!)];

    /// <summary>Every provider with its options and clients, and what all of them share; the router offers only those that are enabled.</summary>
    public static IServiceCollection AddChannels(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ChannelRoutingOptions>().Bind(configuration.GetSection(ChannelRoutingOptions.Section));
        services.AddOptions<ChannelOptions>().Bind(configuration.GetSection(ChannelOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        foreach (var module in Modules)
        {
            module.AddServices(services, configuration);
        }

        services.AddSingleton<ChannelRouter>();
        services.AddSingleton<ProviderPauses>();
        services.AddSingleton<RateLimiter>();
        services.AddSingleton<IInvitationSendRate, InvitationSendRate>();
        services.AddSingleton<MessageGroupWrites>();
        services.AddScoped<ContactDirectory>();
        services.AddScoped<MessageReceipts>();
        services.AddScoped<WebhookInbox>();
        services.AddScoped<OutboundMessenger>();
        services.AddScoped<IPendingMessageDelivery>(provider => provider.GetRequiredService<OutboundMessenger>());
        services.AddScoped<IWebhookInboxProcessor>(provider => provider.GetRequiredService<WebhookInbox>());
        return services;
    }

    /// <summary>Every provider's recurring jobs, beside the scheduler's own.</summary>
    public static void RegisterChannelRecurringJobs(this IServiceProvider services)
    {
        var jobs = new RecurringJobRegistry(services);
        var configuration = services.GetRequiredService<IConfiguration>();
        foreach (var module in Modules)
        {
            module.AddRecurringJobs(jobs, configuration);
        }
    }

    /// <summary>Every provider's webhooks and pages.</summary>
    public static IEndpointRouteBuilder MapChannelWebhooks(this IEndpointRouteBuilder app)
    {
        foreach (var module in Modules)
        {
            module.MapEndpoints(app);
        }

        return app;
    }

    /// <summary>
    /// Says at start which providers carry messages. A process that sends (role all or worker) with none enabled
    /// refuses to start: every invitation would otherwise be skipped without anyone noticing.
    /// </summary>
    public static bool CheckChannels(this WebApplication app, SipasRole role)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Sipas.Startup");
        var router = app.Services.GetRequiredService<ChannelRouter>();
        if (router.UnknownRoutingNames() is { Count: > 0 } unknown)
        {
            logger.LogCritical(
                "Channels:Routing names providers that do not exist: {Names}. Known: {Known}", string.Join(", ", unknown), string.Join(", ", router.All.Select(p => p.Name)));
            return false;
        }

        var enabled = router.Enabled;
        if (enabled.Count == 0 && role.RunsJobs)
        {
            logger.LogCritical(
                "No channel provider is enabled, so no invitation could be sent. Configure one (e.g. Channels:Twilio:AccountSid, :AuthToken, :From), "
                + "or set Channels:Simulator:Enabled=true to use the simulated phone outside Development");
            return false;
        }

        logger.LogInformation("Channel providers enabled: {Providers}", enabled.Count == 0 ? "none" : string.Join(", ", enabled.Select(p => $"{p.Name} ({p.Channel})")));
        if (enabled.Any(p => p.Capabilities.Links && !p.Capabilities.TwoWay) && app.Services.GetRequiredService<Conversations.SurveyLinks>().PublicBaseUrl is null)
        {
            logger.LogCritical(
                "A one-way provider is enabled ({Providers}) but Sipas:PublicBaseUrl is not set, so its invitations could not carry the survey link. Set it to the address citizens reach this service at, e.g. https://sipas.example.gov.vn",
                string.Join(", ", enabled.Where(p => !p.Capabilities.TwoWay).Select(p => p.Name)));
            return false;
        }

        if (app.Services.GetRequiredService<SimulatorChannel>().IsEnabled && !app.Environment.IsDevelopment())
        {
            logger.LogWarning(
                "The simulated phone is enabled in the {Environment} environment: /dev/phone and /api/v1/dev/* show citizens' messages and answer in their name. Never enable it on a public server",
                app.Environment.EnvironmentName);
        }

        return true;
    }
}
