namespace Sipas.Bot.Channels.Twilio;

/// <summary>Twilio SMS: options, the REST client and the provider.</summary>
public sealed class TwilioModule : IChannelModule
{
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TwilioOptions>().Bind(configuration.GetSection(TwilioOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        // The messenger bounds every call with Messages:SendTimeout; the client's own timeout must not cut in first.
        services.AddHttpClient(TwilioSmsChannel.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton<IChannelProvider, TwilioSmsChannel>();
    }
}
