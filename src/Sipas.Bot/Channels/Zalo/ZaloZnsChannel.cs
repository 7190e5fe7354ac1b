using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using Sipas.Data.Model;

namespace Sipas.Bot.Channels.Zalo;

/// <summary>
/// Zalo ZNS / ZBS template messages by phone (docs/channels.md §2.3): the invitation as a registered template filled
/// from the message's data, to the Zalo account of the citizen's phone. Template-only and one-way: the citizen answers
/// on the template's rating (<see cref="ZaloRatingRecorder"/>), or by writing to the OA (<see cref="ZaloOaChannel"/>).
/// </summary>
public sealed class ZaloZnsChannel(
    IHttpClientFactory httpClients, IOptions<ZaloOptions> options, ZaloTokenStore tokens, TimeProvider time, ILogger<ZaloZnsChannel> logger) : IChannelProvider
{
    public const string ProviderName = "zalo-zns";

    /// <summary>-133: ZNS is not sent between 22:00 and 06:00 (Vietnam).</summary>
    private const int NightBan = -133;

    // This citizen cannot get ZNS (phone invalid -108, user cannot receive -114, no Zalo account -118, refused the content -139 or this OA -141): next channel.
    private static readonly HashSet<int> RecipientErrors = [-108, -114, -118, -139, -141];

    // Our template, permission, balance or quota is at fault: every citizen would fail alike.
    private static readonly HashSet<int> ConfigurationErrors = [-109, -115, -117, -131, -135, -144, -146, -147, -1121, -1122];

    private static readonly TimeZoneInfo Vietnam = VietnamZone();

    public string Name => ProviderName;

    public ChannelKind Channel => ChannelKind.Zalo;

    public ChannelCapabilities Capabilities { get; } = new(TwoWay: false, Buttons: false, Links: false, MaxLength: 2000, Unicode: true, TemplateOnly: true, Addressing.Phone);

    public bool IsEnabled => options.Value.IsZnsConfigured;

    /// <summary>
    /// False: <c>tracking_id</c> (our message id) is a correlation id only; Zalo documents no deduplication on it,
    /// so a call whose answer was lost may have sent the template and is never repeated.
    /// </summary>
    public bool ResendIsSafe => false;

    public async Task<ChannelSendResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var template = message.Purpose switch
        {
            MessagePurpose.Invitation => settings.Zns.InvitationTemplateId,
            MessagePurpose.Reminder => string.IsNullOrWhiteSpace(settings.Zns.ReminderTemplateId) ? settings.Zns.InvitationTemplateId : settings.Zns.ReminderTemplateId,
            _ => null,
        };
        if (template is null)
        {
            return new ChannelSendResult.Failed("ZNS carries only invitations and reminders.", FailureKind.Recipient);
        }

        if (ZaloPhone(message.Address) is not { } phone)
        {
            return new ChannelSendResult.Failed($"Not a Vietnamese phone for ZNS: {message.Address.Length} characters.", FailureKind.Recipient);
        }

        if (await tokens.AccessTokenAsync(cancellationToken) is not { } accessToken)
        {
            return new ChannelSendResult.Failed("No Zalo access token: the token refresh failed (see the critical log).", FailureKind.Configuration);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, $"{settings.BusinessBaseUrl.TrimEnd('/')}/message/template")
        {
            Content = JsonContent.Create(new Dictionary<string, object>
            {
                ["phone"] = phone,
                ["template_id"] = template,
                ["template_data"] = TemplateData(message.Data, settings.Zns),
                ["tracking_id"] = message.MessageId.ToString("N"),
            }),
        };
        request.Headers.TryAddWithoutValidation("access_token", accessToken);

        var call = await ZaloApi.SendAsync(httpClients.CreateClient(ZaloApi.HttpClientName), request, cancellationToken);
        return call switch
        {
            ZaloCall.Unreachable unreachable => new ChannelSendResult.Failed(unreachable.Error, FailureKind.Transient),
            ZaloCall.Lost lost => new ChannelSendResult.Ambiguous(lost.Error),
            ZaloCall.Answered answered => await ClassifyAsync(answered, accessToken, cancellationToken),
            _ => throw new InvalidOperationException(call.GetType().Name),
        };
    }

    private async Task<ChannelSendResult> ClassifyAsync(ZaloCall.Answered answered, string accessToken, CancellationToken ct)
    {
        var error = answered.Describe("ZNS");
        if (answered.Succeeded)
        {
            return answered.Data is { } data && ZaloApi.ReadString(data, "msg_id") is { Length: > 0 } msgId
                ? new ChannelSendResult.Accepted(msgId, Delivered: false)
                // Zalo said yes but we cannot tell which message: it exists, so it must not be sent again.
                : new ChannelSendResult.Ambiguous("Zalo accepted the ZNS message but its answer had no msg_id.");
        }

        switch (answered.Error)
        {
            case { } code when ZaloApi.TokenErrors.Contains(code):
                logger.LogWarning("Zalo refused the access token on a ZNS send ({Error}); refreshing it once", error);
                await tokens.ReplaceAsync(accessToken, ct);
                return new ChannelSendResult.Failed(error, FailureKind.Transient);
            case NightBan:
                return new ChannelSendResult.Failed(error, FailureKind.Transient, NextMorning(time.GetUtcNow()));
            case { } code when RecipientErrors.Contains(code):
                return new ChannelSendResult.Failed(error, FailureKind.Recipient);
            case { } code when ConfigurationErrors.Contains(code):
                logger.LogError("Zalo refused a ZNS message because of the OA's configuration: {Error}", error);
                return new ChannelSendResult.Failed(error, FailureKind.Configuration);
            case ZaloApi.RateLimited:
                return new ChannelSendResult.Failed(error, FailureKind.Transient);
        }

        if (!ZaloApi.IsRetryableStatus(answered.Status))
        {
            logger.LogWarning("Zalo refused a ZNS message with an unexpected error; it will be tried again: {Error}", error);
        }

        return new ChannelSendResult.Failed(error, FailureKind.Transient);
    }

    /// <summary>06:00 Vietnam time after <paramref name="now"/>, plus a few minutes so the retry does not land on the ban's edge.</summary>
    public static DateTimeOffset NextMorning(DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, Vietnam);
        var six = new DateTimeOffset(local.Year, local.Month, local.Day, 6, 0, 0, local.Offset);
        if (local >= six)
        {
            six = six.AddDays(1);
        }

        return six.AddMinutes(5).ToUniversalTime();
    }

    /// <summary>Each template parameter from its data key, cut to the template's maxLength (Zalo refuses longer values with -1121).</summary>
    public static Dictionary<string, string> TemplateData(IReadOnlyDictionary<string, string> data, ZaloZnsOptions zns)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (param, key) in zns.Params)
        {
            // An absent value (a dossier without a procedure name) is sent empty rather than left out: -1122 would pause the provider for everyone.
            var value = data.TryGetValue(key, out var found) ? found : "";
            if (zns.ParamMaxLengths.TryGetValue(param, out var max) && value.Length > max)
            {
                value = char.IsHighSurrogate(value[max - 1]) ? value[..(max - 1)] : value[..max];
            }

            values[param] = value;
        }

        return values;
    }

    /// <summary>The phone as ZNS takes it: <c>+84912345678</c> → <c>84912345678</c>.</summary>
    public static string? ZaloPhone(string address)
    {
        var digits = address.StartsWith("+84", StringComparison.Ordinal) ? address[1..]
            : address.StartsWith('0') ? "84" + address[1..]
            : address;
        return digits.Length is >= 10 and <= 13 && digits.StartsWith("84", StringComparison.Ordinal) && digits.All(char.IsAsciiDigit) ? digits : null;
    }

    private static TimeZoneInfo VietnamZone()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("Asia/Ho_Chi_Minh");
        }
        catch (TimeZoneNotFoundException)
        {
            // Vietnam keeps UTC+7 all year.
            return TimeZoneInfo.CreateCustomTimeZone("Asia/Ho_Chi_Minh", TimeSpan.FromHours(7), "Vietnam", "Vietnam");
        }
    }
}
