using Microsoft.Extensions.Options;
using Sipas.Data.Model;

namespace Sipas.Bot.Channels;

/// <summary>Orders the providers to try for a citizen: the unit's (or the default) order of enabled providers, the citizen's preferred channel first.</summary>
public sealed class ChannelRouter
{
    private readonly IReadOnlyList<IChannelProvider> _providers;
    private readonly ChannelRoutingOptions _routing;

    public ChannelRouter(IEnumerable<IChannelProvider> providers, IOptions<ChannelRoutingOptions> routing)
    {
        // The simulator is the fallback of last resort when no order is configured: a real provider is never passed over for it.
        _providers = [.. providers.OrderBy(p => p.Channel == ChannelKind.Simulator).ThenBy(p => p.Name, StringComparer.Ordinal)];
        _routing = routing.Value;
    }

    public IReadOnlyList<IChannelProvider> All => _providers;

    public IReadOnlyList<IChannelProvider> Enabled => [.. _providers.Where(p => p.IsEnabled)];

    public IChannelProvider? Get(string name) => _providers.FirstOrDefault(p => p.Name == name);

    /// <summary>
    /// The enabled providers to try in order for a unit: its configured order (else the default order, else every
    /// enabled provider), with those on the citizen's <paramref name="preferred"/> channel moved to the front.
    /// The caller falls back along this list when a provider cannot reach the citizen.
    /// </summary>
    public IReadOnlyList<IChannelProvider> Candidates(string unitCode, ChannelKind? preferred)
    {
        var order = _routing.Units.GetValueOrDefault(unitCode) is { Count: > 0 } forUnit ? forUnit
            : _routing.Default.Count > 0 ? _routing.Default
            : null;
        var candidates = order is null ? Enabled : [.. order.Select(Get).OfType<IChannelProvider>().Where(p => p.IsEnabled)];
        return [.. candidates.Where(p => p.Channel == preferred).Concat(candidates.Where(p => p.Channel != preferred))];
    }

    /// <summary>Provider names in <c>Channels:Routing</c> that no provider has: a typo there would silently skip every invitation of a unit.</summary>
    public IReadOnlyList<string> UnknownRoutingNames() =>
        [.. _routing.Default.Concat(_routing.Units.Values.SelectMany(names => names)).Distinct().Where(name => Get(name) is null)];
}
