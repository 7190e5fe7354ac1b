namespace Sipas.Bot.Channels;

/// <summary>
/// The `Channels:Routing` section: which providers to try, in order. <c>Default</c> applies to every unit without
/// its own list under <c>Units:{unitCode}</c>; with neither, every enabled provider is a candidate, real ones first.
/// E.g. <c>Channels:Routing:Units:00070:0 = simulator</c> keeps a test unit on the simulator while the rest go by SMS.
/// </summary>
public sealed class ChannelRoutingOptions
{
    public const string Section = "Channels:Routing";

    public List<string> Default { get; set; } = [];

    public Dictionary<string, List<string>> Units { get; set; } = new(StringComparer.Ordinal);
}
