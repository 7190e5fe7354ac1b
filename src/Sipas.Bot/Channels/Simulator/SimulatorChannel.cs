using Sipas.Data.Model;

namespace Sipas.Bot.Channels.Simulator;

/// <summary>
/// The development phone: a message "sent" here is delivered at once and shown on /dev/phone, where a person
/// answers as the citizen. It stores nothing of its own: the page reads the stored outbound and inbound messages.
/// </summary>
public sealed class SimulatorChannel : IChannel
{
    public ChannelKind Kind => ChannelKind.Simulator;

    public Task<ChannelSendResult> SendAsync(ChannelMessage message, CancellationToken cancellationToken) =>
        Task.FromResult<ChannelSendResult>(new ChannelSendResult.Accepted("sim-" + message.MessageId.ToString("N"), Delivered: true));
}
