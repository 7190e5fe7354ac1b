using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Sipas.Bot.Conversations;
using Sipas.Data.Model;

namespace Sipas.Bot.Channels.Esms;

/// <summary>
/// Customer-care brandname SMS through eSMS.vn (docs/channels.md §4.3), <c>SendMultipleMessage_V4_post_json</c> on
/// our own small client. eSMS deduplicates on <c>RequestId</c> (our message id) for 24 hours and answers a repeat with
/// code 124, so a call whose answer was lost can be made again (<see cref="ResendIsSafe"/>): the earlier call got
/// through and the citizen gets one SMS.
/// </summary>
public sealed class EsmsSmsChannel(IHttpClientFactory httpClients, IOptions<EsmsOptions> options, SurveyLinks links, ILogger<EsmsSmsChannel> logger) : IChannelProvider
{
    public const string ProviderName = "esms";
    public const string HttpClientName = "esms";
    public const string SendPath = "/MainService.svc/json/SendMultipleMessage_V4_post_json/";

    /// <summary>
    /// The provider message id recorded when eSMS answers 124 (this RequestId was sent before): the earlier call got
    /// through but its SMSID never reached us, so the message is known by its RequestId, which every delivery
    /// callback carries too.
    /// </summary>
    public const string RequestIdPrefix = "request:";

    // Three CSKH segments without diacritics (160/306/459: channels.md §4.2).
    private const int CareMaxLength = 459;

    // Codes (§4.3) that say our account is at fault: credentials, balance, brandname, unsupported type, IP allow-list, template, carrier registration.
    private static readonly HashSet<string> AccountConfiguration = ["101", "103", "104", "118", "140", "146", "177"];

    public string Name => ProviderName;

    public ChannelKind Channel => ChannelKind.Sms;

    /// <summary>Two-way only with the short-code MO service: a brandname cannot receive replies itself.</summary>
    public ChannelCapabilities Capabilities => new(
        TwoWay: options.Value.ReceivesReplies, Buttons: false, Links: true, MaxLength: CareMaxLength, Unicode: options.Value.Unicode, TemplateOnly: false, Addressing.Phone);

    public bool IsEnabled => options.Value.IsConfigured;

    /// <summary>
    /// eSMS refuses a RequestId it saw in the last 24 hours (124), so a resend cannot reach the citizen twice. A resend
    /// after more than 24 hours would not be deduplicated; the messenger's retries come minutes apart, far inside that.
    /// </summary>
    public bool ResendIsSafe => true;

    public async Task<ChannelSendResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (NationalNumber(message.Address) is not { } phone)
        {
            return new ChannelSendResult.Failed("eSMS sends only to Vietnamese numbers.", FailureKind.Recipient);
        }

        var requestId = message.MessageId.ToString("N");
        var request = new SendRequest(
            settings.ApiKey!, settings.SecretKey!, phone, message.Text, settings.Brandname!, SmsType: "2",
            IsUnicode: settings.Unicode ? "1" : "0", Sandbox: settings.Sandbox ? "1" : "0", requestId,
            links.PublicBaseUrl is { } baseUrl ? $"{baseUrl}{EsmsWebhooks.PathPrefix}/{settings.CallbackSecretPath}" : null);

        HttpResponseMessage response;
        try
        {
            response = await httpClients.CreateClient(HttpClientName).PostAsJsonAsync(settings.BaseUrl.TrimEnd('/') + SendPath, request, JsonOptions, cancellationToken);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            return new ChannelSendResult.Failed($"eSMS unreachable: {ex.Message}", FailureKind.Transient);
        }
        catch (HttpRequestException ex)
        {
            // Safe to resend all the same: the RequestId makes eSMS answer 124 if this one got through.
            return new ChannelSendResult.Ambiguous($"Connection to eSMS lost mid-request: {ex.Message}");
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return new ChannelSendResult.Failed($"eSMS HTTP {(int)response.StatusCode}: {Excerpt(body)}", FailureKind.Transient);
            }

            return Classify(body, requestId);
        }
    }

    /// <summary>The number as eSMS takes it, <c>0…</c> from <c>+84…</c>; null for any other country.</summary>
    public static string? NationalNumber(string e164) =>
        e164.StartsWith("+84", StringComparison.Ordinal) && e164.Length > 4 ? "0" + e164[3..] : null;

    private ChannelSendResult Classify(string body, string requestId)
    {
        var (code, smsId, text) = ReadAnswer(body);
        var error = $"eSMS {code ?? "?"}: {text}";
        switch (code)
        {
            case "100" when !string.IsNullOrEmpty(smsId):
                return new ChannelSendResult.Accepted(smsId, Delivered: false);
            case "100":
                // Accepted, but without its id; receipts still find it by RequestId.
                return new ChannelSendResult.Accepted(RequestIdPrefix + requestId, Delivered: false);
            case "124":
                logger.LogInformation("eSMS had RequestId {RequestId} already: an earlier call got through", requestId);
                return new ChannelSendResult.Accepted(RequestIdPrefix + requestId, Delivered: false);
            case "99":
                return new ChannelSendResult.Failed(error, FailureKind.OptedOut);
            case "108":
                return new ChannelSendResult.Failed(error, FailureKind.Recipient);
            case { } account when AccountConfiguration.Contains(account):
                logger.LogError("eSMS refused a message because of the account's configuration: {Error}", error);
                return new ChannelSendResult.Failed(error, FailureKind.Configuration);
            default:
                logger.LogWarning("eSMS refused a message with an unexpected answer; it will be tried again: {Error}", error);
                return new ChannelSendResult.Failed(error, FailureKind.Transient);
        }
    }

    private static (string? Code, string? SmsId, string Message) ReadAnswer(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, null, Excerpt(body));
            }

            var code = Text(root, "CodeResult");
            var smsId = Text(root, "SMSID");
            var message = Text(root, "ErrorMessage") is { Length: > 0 } m ? m : code == "100" ? "accepted" : "no message";
            return (code, smsId, message);
        }
        catch (JsonException)
        {
            return (null, null, Excerpt(body));
        }
    }

    /// <summary>eSMS writes codes as strings, but a number is read alike.</summary>
    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        } : null;

    private static string Excerpt(string body) => body.Length <= 200 ? body : body[..200];

    private static readonly JsonSerializerOptions JsonOptions = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>The CSKH send request, field names as eSMS spells them.</summary>
    private sealed record SendRequest(
        string ApiKey, string SecretKey, string Phone, string Content, string Brandname, string SmsType, string IsUnicode, string Sandbox, string RequestId, string? CallbackUrl);
}
