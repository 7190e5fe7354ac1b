using Microsoft.Extensions.Options;

namespace Sipas.Bot.Channels.Esms;

/// <summary>eSMS.vn brandname SMS: options, the REST client and the provider, its delivery callback and short-code MO.</summary>
public sealed class EsmsModule : IChannelModule
{
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EsmsOptions>().Bind(configuration.GetSection(EsmsOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        // The messenger bounds every call with Messages:SendTimeout; the client's own timeout must not cut in first.
        services.AddHttpClient(EsmsSmsChannel.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton<IChannelProvider, EsmsSmsChannel>();
        services.AddSingleton<IWebhookHandler, EsmsDeliveryHandler>();
        services.AddSingleton<IWebhookHandler, EsmsMoHandler>();
    }

    public void MapEndpoints(IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetRequiredService<IOptions<EsmsOptions>>().Value.IsConfigured)
        {
            app.MapEsmsWebhooks();
        }
    }
}
