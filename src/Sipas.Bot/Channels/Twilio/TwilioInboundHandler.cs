using System.Text.RegularExpressions;
using Sipas.Bot.Conversations;

namespace Sipas.Bot.Channels.Twilio;

/// <summary>
/// A stored inbound SMS (docs/channels.md §1.5) taken through the conversation like any citizen message. Only
/// numbers that can receive bring one (Twilio has no two-way SMS in Vietnam); the reply is a new message through the
/// REST API, which <see cref="AdvanceConversation"/> sends.
/// </summary>
public sealed partial class TwilioInboundHandler : IWebhookHandler
{
    public const string WebhookName = "twilio-inbound";

    public string Webhook => WebhookName;

    /// <summary>The fields a message needs, or null when the form lacks them.</summary>
    public static Inbound? Read(TwilioForm form) =>
        form.Value("MessageSid") is { Length: > 0 and <= 64 } sid && form.Value("From") is { } from && E164().IsMatch(from)
            ? new Inbound(sid, from, form.Value("Body") ?? "")
            : null;

    public async Task HandleAsync(byte[] body, IServiceProvider services, CancellationToken cancellationToken)
    {
        var form = TwilioForm.Parse(body) ?? throw new InvalidOperationException("The stored inbound message is not a form.");
        var message = Read(form) ?? throw new InvalidOperationException("The stored inbound message lacks MessageSid or From.");
        var twilio = services.GetRequiredService<ChannelRouter>().Get(TwilioSmsChannel.ProviderName)
            ?? throw new InvalidOperationException("The Twilio provider is not registered.");
        await services.GetRequiredService<AdvanceConversation>()
            .HandleAsync(new IncomingMessage(twilio, message.From, message.MessageSid, message.Body), cancellationToken);
    }

    public sealed record Inbound(string MessageSid, string From, string Body);

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex E164();
}
