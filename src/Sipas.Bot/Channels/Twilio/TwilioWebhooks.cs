using System.Text;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Sipas.Bot.Conversations;
using Sipas.Bot.Http;
using Sipas.Bot.Staff;

namespace Sipas.Bot.Channels.Twilio;

/// <summary>
/// Twilio's two webhooks (docs/channels.md §1.4–1.6): the status callback every message asks for, and inbound SMS
/// (only from countries where Twilio numbers can receive; never Vietnam). Both are form POSTs signed with
/// <c>X-Twilio-Signature</c> over the public URL Twilio called and every field it sent; a request that fails the
/// check is answered 401 and leaves nothing behind. A genuine one is stored in the webhook inbox before it is answered.
/// </summary>
public static class TwilioWebhooks
{
    public const string StatusPath = "/hooks/twilio/status";
    public const string InboundPath = "/hooks/twilio/inbound";
    public const string SignatureHeader = "X-Twilio-Signature";
    public const int MaxBodyBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapTwilioWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapPost(StatusPath, ReceiveStatusAsync).ExcludeFromDescription().Public("Twilio callback: the X-Twilio-Signature check");
        app.MapPost(InboundPath, ReceiveInboundAsync).ExcludeFromDescription().Public("Twilio callback: the X-Twilio-Signature check");
        return app;
    }

    private static async Task<IResult> ReceiveStatusAsync(
        HttpRequest request, IOptions<TwilioOptions> options, SurveyLinks links, WebhookInbox inbox, ILoggerFactory logs, CancellationToken ct)
    {
        var read = await ReadSignedAsync(request, options.Value, links, logs.CreateLogger(typeof(TwilioWebhooks)), ct);
        if (!read.Succeeded)
        {
            return read.Problem;
        }

        var form = read.Value;
        if (form.Value("MessageSid") is not { Length: > 0 } sid || form.Value("MessageStatus") is not { Length: > 0 } status)
        {
            await inbox.RejectAsync(TwilioStatusHandler.WebhookName, "MessageSid or MessageStatus missing.", form.Body, ct);
            return Problems.Of(StatusCodes.Status400BadRequest, "malformed-body", "A status callback needs MessageSid and MessageStatus.");
        }

        // Twilio sends one callback per status and repeats them, so the pair is the event's identity.
        await inbox.StoreAndProcessAsync(TwilioStatusHandler.WebhookName, $"{sid}:{status}", form.Body, ct);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> ReceiveInboundAsync(
        HttpRequest request, IOptions<TwilioOptions> options, SurveyLinks links, WebhookInbox inbox, ILoggerFactory logs, CancellationToken ct)
    {
        var read = await ReadSignedAsync(request, options.Value, links, logs.CreateLogger(typeof(TwilioWebhooks)), ct);
        if (!read.Succeeded)
        {
            return read.Problem;
        }

        var form = read.Value;
        if (TwilioInboundHandler.Read(form) is not { } message)
        {
            await inbox.RejectAsync(TwilioInboundHandler.WebhookName, "MessageSid missing or From not an E.164 number.", form.Body, ct);
            return Problems.Of(StatusCodes.Status400BadRequest, "malformed-body", "An inbound message needs MessageSid and From (E.164).");
        }

        await inbox.StoreAndProcessAsync(TwilioInboundHandler.WebhookName, message.MessageSid, form.Body, ct);
        // The conversation's reply goes out through the REST API like every other message, so TwiML says nothing.
        return TypedResults.Content("<Response></Response>", "text/xml", Encoding.UTF8);
    }

    /// <summary>
    /// Reads the raw body (kept for the inbox), parses it as a form, and checks the signature over the public URL
    /// (<c>Sipas:PublicBaseUrl</c> + path + raw query): behind a proxy the request's own URL is not what Twilio signed.
    /// </summary>
    private static async Task<Read<TwilioForm>> ReadSignedAsync(HttpRequest request, TwilioOptions options, SurveyLinks links, ILogger logger, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync(request, MaxBodyBytes, ct);
        if (!body.Succeeded)
        {
            return body.Problem;
        }

        if (!request.HasFormContentType)
        {
            return Problems.Of(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "The body must be application/x-www-form-urlencoded.");
        }

        if (TwilioForm.Parse(body.Value) is not { } form)
        {
            // Not readable, so not verifiable either: nothing is kept.
            return Problems.Of(StatusCodes.Status400BadRequest, "malformed-body", "The body is not a UTF-8 form.");
        }

        if (links.PublicBaseUrl is not { } publicBaseUrl || string.IsNullOrEmpty(options.AuthToken))
        {
            logger.LogError("A Twilio webhook arrived but {Setting} or Channels:Twilio:AuthToken is not set, so its signature cannot be checked", SurveyLinks.PublicBaseUrlKey);
            return Unauthenticated();
        }

        var url = publicBaseUrl + request.Path.ToUriComponent() + request.QueryString.ToUriComponent();
        if (!TwilioSignature.IsValid(options.AuthToken, url, form.Pairs(), request.Headers[SignatureHeader].ToString()))
        {
            logger.LogWarning("A Twilio webhook to {Path} was refused: its signature does not match (signed URL checked: {Url})", request.Path.Value, url);
            return Unauthenticated();
        }

        return form;
    }

    private static ProblemHttpResult Unauthenticated() => Problems.Of(
        StatusCodes.Status401Unauthorized,
        "unauthenticated",
        "The webhook is not authenticated.",
        $"{SignatureHeader} must be Twilio's signature of this URL and every form field.");
}

/// <summary>A Twilio webhook's form body as received, and its fields (URL-decoded, repeated names kept).</summary>
public sealed class TwilioForm
{
    private readonly Dictionary<string, StringValues> _fields;

    private TwilioForm(byte[] body, Dictionary<string, StringValues> fields)
    {
        Body = body;
        _fields = fields;
    }

    public byte[] Body { get; }

    /// <summary>The form, or null when the bytes are not UTF-8 or not a form within the reader's limits.</summary>
    public static TwilioForm? Parse(byte[] body)
    {
        if (!Utf8.IsValid(body))
        {
            return null;
        }

        try
        {
            return new TwilioForm(body, new FormReader(Encoding.UTF8.GetString(body)).ReadForm());
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>The field's value; null when absent or repeated (Twilio never repeats the fields we read).</summary>
    public string? Value(string name) => _fields.TryGetValue(name, out var values) && values.Count == 1 ? values[0] : null;

    public IEnumerable<KeyValuePair<string, string>> Pairs() =>
        _fields.SelectMany(field => field.Value.Select(value => new KeyValuePair<string, string>(field.Key, value ?? "")));
}
