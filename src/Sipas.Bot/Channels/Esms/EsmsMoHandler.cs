using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Sipas.Bot.Conversations;
using Sipas.Bot.Phones;

namespace Sipas.Bot.Channels.Esms;

/// <summary>A stored short-code MO: the citizen's SMS taken through the conversation (two-way SMS chat); the reply goes out as a brandname SMS.</summary>
public sealed class EsmsMoHandler : IWebhookHandler
{
    public const string WebhookName = "esms-mo";

    public string Webhook => WebhookName;

    public async Task HandleAsync(byte[] body, IServiceProvider services, CancellationToken cancellationToken)
    {
        var mo = EsmsMo.From(QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body)));
        var phone = VietnamesePhone.TryParse(mo.Sender) ?? throw new InvalidOperationException("The stored MO has no Vietnamese sender.");
        var esms = services.GetRequiredService<ChannelRouter>().Get(EsmsSmsChannel.ProviderName)
            ?? throw new InvalidOperationException("The eSMS provider is not registered.");
        await services.GetRequiredService<AdvanceConversation>()
            .HandleAsync(new IncomingMessage(esms, phone.E164, mo.SmsId, mo.Content), cancellationToken);
    }
}
