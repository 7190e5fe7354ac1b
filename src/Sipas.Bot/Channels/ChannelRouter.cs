using Sipas.Data.Model;

namespace Sipas.Bot.Channels;

/// <summary>Picks the channel for a citizen: the simulator when it is on, otherwise the preferred channel if configured.</summary>
public sealed class ChannelRouter(IEnumerable<IChannel> channels, IConfiguration configuration)
{
    private readonly Dictionary<ChannelKind, IChannel> _channels = channels.ToDictionary(c => c.Kind);

    public bool SimulatorEnabled { get; } = IsSimulatorEnabled(configuration);

    public IChannel? Pick(ChannelKind? preferred)
    {
        if (SimulatorEnabled)
        {
            return _channels.GetValueOrDefault(ChannelKind.Simulator);
        }

        return preferred is { } kind && _channels.TryGetValue(kind, out var channel)
            ? channel
            : _channels.Values.FirstOrDefault(c => c.Kind != ChannelKind.Simulator);
    }

    public IChannel Get(ChannelKind kind) =>
        _channels.TryGetValue(kind, out var channel) ? channel : throw new InvalidOperationException($"Channel {kind} is not configured.");

    /// <summary>`Channels:Simulator:Enabled`, defaulting to on when no provider has credentials.</summary>
    public static bool IsSimulatorEnabled(IConfiguration configuration)
    {
        var explicitSetting = configuration["Channels:Simulator:Enabled"];
        if (bool.TryParse(explicitSetting, out var enabled))
        {
            return enabled;
        }

        string[] credentials = ["Channels:Twilio:AccountSid", "Channels:Esms:ApiKey", "Channels:Zalo:AppId", "Channels:Telegram:BotToken"];
        return credentials.All(key => string.IsNullOrEmpty(configuration[key]));
    }
}
