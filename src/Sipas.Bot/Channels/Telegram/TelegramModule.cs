using Sipas.Bot.Hosting;

namespace Sipas.Bot.Channels.Telegram;

/// <summary>The Telegram bot: options, the Bot API client and provider, the update webhook and its registration.</summary>
public sealed class TelegramModule : IChannelModule
{
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TelegramOptions>().Bind(configuration.GetSection(TelegramOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        // The messenger bounds every call with Messages:SendTimeout; the client's own timeout must not cut in first.
        services.AddHttpClient(TelegramChannel.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton<TelegramChannel>();
        services.AddSingleton<IChannelProvider>(provider => provider.GetRequiredService<TelegramChannel>());
        services.AddScoped<IWebhookHandler, TelegramUpdateHandler>();
        if (SipasRole.From(configuration).ServesWeb)
        {
            services.AddHostedService<TelegramWebhookRegistration>();
        }
    }

    public void MapEndpoints(IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetRequiredService<TelegramChannel>().IsEnabled)
        {
            app.MapTelegramWebhook();
        }
    }
}
