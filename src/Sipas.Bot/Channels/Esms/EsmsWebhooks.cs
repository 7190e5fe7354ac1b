using System.Security.Cryptography;
using System.Security;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Sipas.Bot.Http;
using Sipas.Bot.Phones;
using Sipas.Bot.Staff;

namespace Sipas.Bot.Channels.Esms;

/// <summary>
/// eSMS's two callbacks (docs/channels.md §4.3), under a secret path because eSMS signs neither the path nor the
/// delivery report: <c>GET /hooks/sms-gateway/{secret}</c> (delivery result) and <c>GET|POST …/{secret}/mo</c>
/// (a citizen's SMS to the short code, signed with <see cref="EsmsSignature"/>). A wrong secret is answered exactly
/// like an unknown address (404), so the callback's existence is not revealed.
/// </summary>
public static class EsmsWebhooks
{
    public const string PathPrefix = "/hooks/sms-gateway";
    public const int MaxBodyBytes = 16 * 1024;

    public static IEndpointRouteBuilder MapEsmsWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapGet(PathPrefix + "/{secretPath}", ReceiveDeliveryAsync).ExcludeFromDescription().Public("eSMS callback: the secret path segment");
        app.MapMethods(PathPrefix + "/{secretPath}/mo", ["GET", "POST"], ReceiveMoAsync).ExcludeFromDescription().Public("eSMS callback: the secret path segment");
        return app;
    }

    private static async Task<IResult> ReceiveDeliveryAsync(string secretPath, HttpRequest request, IOptions<EsmsOptions> options, WebhookInbox inbox, CancellationToken ct)
    {
        if (!SecretMatches(secretPath, options.Value.CallbackSecretPath))
        {
            // No body: the status-code page answers it exactly as it answers any unknown address.
            return TypedResults.NotFound();
        }

        var query = request.QueryString.HasValue ? request.QueryString.Value![1..] : "";
        var raw = Encoding.UTF8.GetBytes(query);
        var fields = QueryHelpers.ParseQuery(query);
        if (One(fields, "SMSID") is not { Length: > 0 and <= 100 } smsId || One(fields, "SendStatus") is not { Length: > 0 and <= 10 } status)
        {
            await inbox.RejectAsync(EsmsDeliveryHandler.WebhookName, "SMSID or SendStatus missing.", raw, ct);
            return Problems.Of(StatusCodes.Status400BadRequest, "malformed-callback", "A delivery callback needs SMSID and SendStatus.");
        }

        // eSMS retries a callback that times out, and reports the same message again as its status moves.
        await inbox.StoreAndProcessAsync(EsmsDeliveryHandler.WebhookName, $"{smsId}:{status}", raw, ct);
        return TypedResults.Text("OK");
    }

    private static async Task<IResult> ReceiveMoAsync(string secretPath, HttpRequest request, IOptions<EsmsOptions> options, WebhookInbox inbox, CancellationToken ct)
    {
        var settings = options.Value;
        if (!settings.ReceivesReplies || !SecretMatches(secretPath, settings.CallbackSecretPath))
        {
            return TypedResults.NotFound();
        }

        var fields = new Dictionary<string, StringValues>(QueryHelpers.ParseQuery(request.QueryString.Value), StringComparer.Ordinal);
        if (HttpMethods.IsPost(request.Method) && request.HasFormContentType)
        {
            var body = await RequestBody.ReadAsync(request, MaxBodyBytes, ct);
            if (!body.Succeeded)
            {
                return body.Problem;
            }

            Dictionary<string, StringValues> form;
            try
            {
                form = new FormReader(Encoding.UTF8.GetString(body.Value)).ReadForm();
            }
            catch (InvalidDataException)
            {
                return Problems.Of(StatusCodes.Status400BadRequest, "malformed-body", "The body is not a readable form.");
            }

            foreach (var (name, value) in form)
            {
                fields[name] = value;
            }
        }

        var mo = EsmsMo.From(fields);
        var signed = EsmsSignature.IsValid(mo.CpId, mo.SmsId, mo.Content, mo.ReceiveTime, settings.PrivateKey!, mo.Sign);
        var ours = CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(mo.CpId), Encoding.UTF8.GetBytes(settings.CpId!));
        if (!(signed & ours))
        {
            return Problems.Of(
                StatusCodes.Status401Unauthorized, "unauthenticated", "The MO callback is not authenticated.", "sign must be eSMS's signature of cpid, smsid, content and receiverTime, for our cpid.");
        }

        var stored = Encoding.UTF8.GetBytes(mo.ToForm());
        if (mo.SmsId.Length is 0 or > 100 || VietnamesePhone.TryParse(mo.Sender) is null)
        {
            await inbox.RejectAsync(EsmsMoHandler.WebhookName, "smsid missing or sender not a Vietnamese number.", stored, ct);
            return Problems.Of(StatusCodes.Status400BadRequest, "malformed-callback", "An MO callback needs smsid and sender (84…).");
        }

        await inbox.StoreAndProcessAsync(EsmsMoHandler.WebhookName, mo.SmsId, stored, ct);
        // eSMS would send a <Message> given here from the short code; the conversation's reply goes out through the
        // brandname API instead (like every other message, retried and recorded), so this one is empty.
        var answer = $"<ClientResponse><Message></Message><Smsid>{SecurityElement.Escape(mo.SmsId)}</Smsid><Receiver>{SecurityElement.Escape(mo.Sender)}</Receiver></ClientResponse>";
        return TypedResults.Content(answer, "text/xml", Encoding.UTF8);
    }

    /// <summary>Constant-time, on hashes so the lengths do not show either.</summary>
    private static bool SecretMatches(string given, string? expected) =>
        !string.IsNullOrEmpty(expected)
        && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    internal static string? One(IDictionary<string, StringValues> fields, string name) =>
        fields.TryGetValue(name, out var values) && values.Count == 1 ? values[0] : null;
}

/// <summary>A short-code MO callback's fields; absent ones are empty (they then fail the signature).</summary>
public sealed record EsmsMo(string Sender, string Content, string SmsId, string ReceiveTime, string CpId, string Sign)
{
    public static EsmsMo From(IDictionary<string, StringValues> fields) => new(
        EsmsWebhooks.One(fields, "sender") ?? "",
        EsmsWebhooks.One(fields, "content") ?? "",
        EsmsWebhooks.One(fields, "smsid") ?? "",
        // The docs name it receiverTime in the URL and receiveTime in the signature's description: take either.
        EsmsWebhooks.One(fields, "receiverTime") ?? EsmsWebhooks.One(fields, "receiveTime") ?? "",
        EsmsWebhooks.One(fields, "cpid") ?? "",
        EsmsWebhooks.One(fields, "sign") ?? "");

    /// <summary>What the inbox keeps: the fields the handler reads, form-encoded.</summary>
    public string ToForm() => string.Join(
        "&",
        new[] { ("sender", Sender), ("content", Content), ("smsid", SmsId), ("receiverTime", ReceiveTime), ("cpid", CpId), ("sign", Sign) }
            .Select(f => $"{f.Item1}={Uri.EscapeDataString(f.Item2)}"));
}
