using Sipas.Scheduler;

namespace Sipas.Bot.Channels;

/// <summary>
/// A provider's folder registers itself through one of these: its options, its <see cref="IChannelProvider"/>, its
/// clients, and its webhooks. <see cref="ChannelServiceCollectionExtensions.AddChannels"/> finds every module in this
/// assembly, so adding a provider is adding a folder.
/// </summary>
public interface IChannelModule
{
    void AddServices(IServiceCollection services, IConfiguration configuration);

    /// <summary>Maps the provider's webhooks (under <c>/hooks/…</c>) or pages. Called on processes that serve the web.</summary>
    void MapEndpoints(IEndpointRouteBuilder app)
    {
    }

    /// <summary>Registers the provider's recurring jobs (a token refresh, a reconciliation), on every process at start.</summary>
    void AddRecurringJobs(RecurringJobRegistry jobs, IConfiguration configuration)
    {
    }
}
