using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using Sipas.Data.Model;

namespace Sipas.Bot.Channels.Zalo;

/// <summary>
/// The Official Account's chat (docs/channels.md §2.7): customer-service text messages to an OA user who wrote to us
/// within 7 days, so the chat survey runs there once the citizen sends the OA their invitation code. Choices are
/// offered as text ("1"–"5"), kept simple: no buttons.
/// </summary>
public sealed class ZaloOaChannel(
    IHttpClientFactory httpClients, IOptions<ZaloOptions> options, ZaloTokenStore tokens, ILogger<ZaloOaChannel> logger) : IChannelProvider
{
    public const string ProviderName = "zalo-oa";

    // The user has not interacted with the OA in 7 days (-230, -232) or does not follow it (-213): not reachable here.
    private static readonly HashSet<int> RecipientErrors = [-213, -230, -232];

    // Out of quota (-211) or over the user's receive quota (-218): later.
    private static readonly HashSet<int> QuotaErrors = [-211, -218];

    public string Name => ProviderName;

    public ChannelKind Channel => ChannelKind.Zalo;

    public ChannelCapabilities Capabilities { get; } = new(
        TwoWay: true, Buttons: false, Links: true, MaxLength: 2000, Unicode: true, TemplateOnly: false, Addressing.BoundAddress, InteractionWindow: TimeSpan.FromDays(7));

    public bool IsEnabled => options.Value.IsOaConfigured;

    /// <summary>False: the OA API takes no idempotency key, so a message whose answer was lost is not sent again.</summary>
    public bool ResendIsSafe => false;

    public async Task<ChannelSendResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (await tokens.AccessTokenAsync(cancellationToken) is not { } accessToken)
        {
            return new ChannelSendResult.Failed("No Zalo access token: the token refresh failed (see the critical log).", FailureKind.Configuration);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, $"{settings.OpenApiBaseUrl.TrimEnd('/')}/v3.0/oa/message/cs")
        {
            Content = JsonContent.Create(new { recipient = new { user_id = message.Address }, message = new { text = message.Text } }),
        };
        request.Headers.TryAddWithoutValidation("access_token", accessToken);

        var call = await ZaloApi.SendAsync(httpClients.CreateClient(ZaloApi.HttpClientName), request, cancellationToken);
        switch (call)
        {
            case ZaloCall.Unreachable unreachable:
                return new ChannelSendResult.Failed(unreachable.Error, FailureKind.Transient);
            case ZaloCall.Lost lost:
                return new ChannelSendResult.Ambiguous(lost.Error);
        }

        var answered = (ZaloCall.Answered)call;
        var error = answered.Describe("OA");
        if (answered.Succeeded)
        {
            return answered.Data is { } data && ZaloApi.ReadString(data, "message_id") is { Length: > 0 } id
                ? new ChannelSendResult.Accepted(id, Delivered: false)
                : new ChannelSendResult.Ambiguous("Zalo accepted the OA message but its answer had no message_id.");
        }

        switch (answered.Error)
        {
            case { } code when ZaloApi.TokenErrors.Contains(code):
                logger.LogWarning("Zalo refused the access token on an OA send ({Error}); refreshing it once", error);
                await tokens.ReplaceAsync(accessToken, cancellationToken);
                return new ChannelSendResult.Failed(error, FailureKind.Transient);
            case { } code when RecipientErrors.Contains(code):
                return new ChannelSendResult.Failed(error, FailureKind.Recipient);
            case { } code when QuotaErrors.Contains(code) || code == ZaloApi.RateLimited:
                return new ChannelSendResult.Failed(error, FailureKind.Transient);
        }

        if (!ZaloApi.IsRetryableStatus(answered.Status))
        {
            logger.LogWarning("Zalo refused an OA message with an unexpected error; it will be tried again: {Error}", error);
        }

        return new ChannelSendResult.Failed(error, FailureKind.Transient);
    }
}
