using Microsoft.Extensions.Options;

namespace Sipas.Bot.Channels.Twilio;

/// <summary>Twilio SMS: options, the REST client and the provider, and its status and inbound webhooks.</summary>
public sealed class TwilioModule : IChannelModule
{
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TwilioOptions>().Bind(configuration.GetSection(TwilioOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        // The messenger bounds every call with Messages:SendTimeout; the client's own timeout must not cut in first.
        services.AddHttpClient(TwilioSmsChannel.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton<IChannelProvider, TwilioSmsChannel>();
        services.AddSingleton<IWebhookHandler, TwilioStatusHandler>();
        services.AddSingleton<IWebhookHandler, TwilioInboundHandler>();
    }

    /// <summary>Mapped only while Twilio is configured: without the auth token no callback could be verified.</summary>
    public void MapEndpoints(IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetRequiredService<IOptions<TwilioOptions>>().Value.IsConfigured)
        {
            app.MapTwilioWebhooks();
        }
    }
}
