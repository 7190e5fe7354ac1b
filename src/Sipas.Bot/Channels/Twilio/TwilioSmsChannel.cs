using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Sipas.Bot.Conversations;
using Sipas.Data.Model;

namespace Sipas.Bot.Channels.Twilio;

/// <summary>
/// SMS through Twilio's REST API on our own small client (the Twilio package is not available): create message
/// (docs/channels.md §1.2) and its error envelope (§1.3). Twilio takes no idempotency key, so a call whose answer
/// was lost is never repeated (<see cref="ResendIsSafe"/> is false): at most once.
/// </summary>
public sealed class TwilioSmsChannel(IHttpClientFactory httpClients, IOptions<TwilioOptions> options, SurveyLinks links, ILogger<TwilioSmsChannel> logger) : IChannelProvider
{
    public const string ProviderName = "twilio";
    public const string HttpClientName = "twilio";

    // Codes that say this citizen's number will never take our SMS (§1.3): invalid, landline, not SMS-capable.
    private static readonly HashSet<int> PermanentForRecipient = [21211, 21614, 21635];

    // The citizen replied STOP to this sender (§1.7).
    private const int Blocklisted = 21610;

    // Codes that say our account or sender is at fault (§1.3): every citizen would fail alike.
    private static readonly HashSet<int> AccountConfiguration = [20003, 21408, 21606, 21608, 21612, 30002];

    public string Name => ProviderName;

    public ChannelKind Channel => ChannelKind.Sms;

    /// <summary>
    /// One-way from Vietnam (Twilio cannot receive SMS replies there: channels.md §0), so it carries the web form's
    /// link; Vietnamese is sent without diacritics unless <c>Channels:Twilio:Unicode</c>, to stay in GSM-7.
    /// </summary>
    public ChannelCapabilities Capabilities => new(TwoWay: false, Buttons: false, Links: true, MaxLength: 1600, Unicode: options.Value.Unicode, TemplateOnly: false, Addressing.Phone);

    public bool IsEnabled => options.Value.IsConfigured;

    public bool ResendIsSafe => false;

    public async Task<ChannelSendResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{settings.BaseUrl.TrimEnd('/')}/2010-04-01/Accounts/{Uri.EscapeDataString(settings.AccountSid!)}/Messages.json")
        {
            Content = new FormUrlEncodedContent(Form(message, settings, links.PublicBaseUrl)),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{settings.AccountSid}:{settings.AuthToken}")));

        HttpResponseMessage response;
        try
        {
            response = await httpClients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            // Nothing reached Twilio: safe to try again.
            return new ChannelSendResult.Failed($"Twilio unreachable: {ex.Message}", FailureKind.Transient);
        }
        catch (HttpRequestException ex)
        {
            return new ChannelSendResult.Ambiguous($"Connection to Twilio lost mid-request: {ex.Message}");
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return response.IsSuccessStatusCode ? Accepted(body) : Refused(response.StatusCode, body);
        }
    }

    private static List<KeyValuePair<string, string>> Form(OutgoingMessage message, TwilioOptions settings, string? publicBaseUrl)
    {
        var form = new List<KeyValuePair<string, string>> { new("To", message.Address), new("Body", message.Text) };
        form.Add(string.IsNullOrWhiteSpace(settings.MessagingServiceSid) ? new("From", settings.From!) : new("MessagingServiceSid", settings.MessagingServiceSid));
        if (settings.ValidityPeriodSeconds is { } validity)
        {
            form.Add(new("ValidityPeriod", validity.ToString(CultureInfo.InvariantCulture)));
        }

        if (publicBaseUrl is not null)
        {
            // Per message, so the receipts come here whatever the Messaging Service's own callback says.
            form.Add(new("StatusCallback", publicBaseUrl + TwilioWebhooks.StatusPath));
        }

        return form;
    }

    private static ChannelSendResult Accepted(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.TryGetProperty("sid", out var sid) && sid.GetString() is { Length: > 0 } id)
            {
                return new ChannelSendResult.Accepted(id, Delivered: false);
            }
        }
        catch (JsonException)
        {
        }

        // Twilio said yes but we cannot tell which message: it exists, so it must not be sent again.
        return new ChannelSendResult.Ambiguous("Twilio accepted the message but its answer had no message sid.");
    }

    private ChannelSendResult.Failed Refused(HttpStatusCode status, string body)
    {
        var (code, text) = ReadEnvelope(body);
        var error = $"Twilio {(int)status}{(code is null ? "" : $" error {code}")}: {text}";
        if (code is Blocklisted)
        {
            return new ChannelSendResult.Failed(error, FailureKind.OptedOut);
        }

        if (code is { } known && PermanentForRecipient.Contains(known))
        {
            return new ChannelSendResult.Failed(error, FailureKind.Recipient);
        }

        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden || code is { } account && AccountConfiguration.Contains(account))
        {
            // Credentials, sender or account settings: every citizen fails alike until an operator fixes it.
            logger.LogError("Twilio refused a message because of the account's configuration: {Error}", error);
            return new ChannelSendResult.Failed(error, FailureKind.Configuration);
        }

        if ((int)status is >= 400 and < 500 && status != HttpStatusCode.TooManyRequests && code is not (20429 or 21611))
        {
            logger.LogWarning("Twilio refused a message with an unexpected error; it will be tried again: {Error}", error);
        }

        return new ChannelSendResult.Failed(error, FailureKind.Transient);
    }

    private static (int? Code, string Message) ReadEnvelope(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            int? code = root.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var n) ? n : null;
            var message = root.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "no message";
            return (code, message);
        }
        catch (JsonException)
        {
            return (null, body.Length <= 200 ? body : body[..200]);
        }
    }
}
