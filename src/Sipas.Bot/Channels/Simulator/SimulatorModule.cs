namespace Sipas.Bot.Channels.Simulator;

/// <summary>The development phone: its provider, and its page and API, mapped only while it is enabled.</summary>
public sealed class SimulatorModule : IChannelModule
{
    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SimulatorOptions>().Bind(configuration.GetSection(SimulatorOptions.Section));
        services.AddSingleton<SimulatorChannel>();
        services.AddSingleton<IChannelProvider>(provider => provider.GetRequiredService<SimulatorChannel>());
    }

    public void MapEndpoints(IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetRequiredService<SimulatorChannel>().IsEnabled)
        {
            app.MapSimulator();
        }
    }
}
