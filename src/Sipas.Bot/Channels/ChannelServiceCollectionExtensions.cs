using Sipas.Bot.Channels.Simulator;
using Sipas.Bot.Channels.Twilio;
using Sipas.Bot.Hosting;
using Sipas.Scheduler.Messages;

namespace Sipas.Bot.Channels;

public static class ChannelServiceCollectionExtensions
{
    /// <summary>Every provider, each with its options; the router offers only those that are enabled.</summary>
    public static IServiceCollection AddChannels(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ChannelRoutingOptions>().Bind(configuration.GetSection(ChannelRoutingOptions.Section));

        services.AddOptions<SimulatorOptions>().Bind(configuration.GetSection(SimulatorOptions.Section));
        services.AddSingleton<SimulatorChannel>();
        services.AddSingleton<IChannelProvider>(provider => provider.GetRequiredService<SimulatorChannel>());

        services.AddOptions<TwilioOptions>().Bind(configuration.GetSection(TwilioOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        // The messenger bounds every call with Messages:SendTimeout; the client's own timeout must not cut in first.
        services.AddHttpClient(TwilioSmsChannel.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton<IChannelProvider, TwilioSmsChannel>();

        services.AddSingleton<ChannelRouter>();
        services.AddScoped<OutboundMessenger>();
        services.AddScoped<IPendingMessageDelivery>(provider => provider.GetRequiredService<OutboundMessenger>());
        return services;
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
            logger.LogCritical("Channels:Routing names providers that do not exist: {Names}. Known: {Known}", string.Join(", ", unknown), "simulator, twilio");
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
        if (app.Services.GetRequiredService<SimulatorChannel>().IsEnabled && !app.Environment.IsDevelopment())
        {
            logger.LogWarning(
                "The simulated phone is enabled in the {Environment} environment: /dev/phone and /api/v1/dev/* show citizens' messages and answer in their name. Never enable it on a public server",
                app.Environment.EnvironmentName);
        }

        return true;
    }
}
