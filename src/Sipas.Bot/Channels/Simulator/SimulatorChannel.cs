using Microsoft.Extensions.Options;
using Sipas.Data.Model;

namespace Sipas.Bot.Channels.Simulator;

/// <summary>
/// The development phone: a message "sent" here is delivered at once and shown on /dev/phone, where a person
/// answers as the citizen. It stores nothing of its own: the page reads the stored outbound and inbound messages.
/// It is a development tool, not a back door: on only in Development unless `Channels:Simulator:Enabled=true`.
/// </summary>
public sealed class SimulatorChannel(IOptions<SimulatorOptions> options, IHostEnvironment environment) : IChannelProvider
{
    public const string ProviderName = "simulator";

    public string Name => ProviderName;

    public ChannelKind Channel => ChannelKind.Simulator;

    /// <summary>A chat phone: it answers, shows buttons as text, takes any text.</summary>
    public ChannelCapabilities Capabilities { get; } = new(TwoWay: true, Buttons: false, Links: true, MaxLength: 4000, Unicode: true, TemplateOnly: false, Addressing.Phone);

    public bool IsEnabled { get; } = options.Value.Enabled ?? environment.IsDevelopment();

    /// <summary>Nothing leaves the system, so handing a message over again shows it once all the same.</summary>
    public bool ResendIsSafe => true;

    public Task<ChannelSendResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken) =>
        Task.FromResult<ChannelSendResult>(new ChannelSendResult.Accepted("sim-" + message.MessageId.ToString("N"), Delivered: true));
}
