using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sipas.Bot.Conversations;
using Sipas.Bot.Http;
using Sipas.Bot.Phones;
using Sipas.Bot.Staff;
using Sipas.Data;
using Sipas.Data.Model;
using Sipas.Data.Privacy;

namespace Sipas.Bot.Channels.Simulator;

/// <summary>The development phone (docs/design.md §4.3): a page and a JSON API, mapped only while the simulator provider is enabled.</summary>
public static class SimulatorEndpoints
{
    private const string DevelopmentOnly = "the development simulator: mapped only in the Development environment";
    private const int MaxBodyBytes = 16 * 1024;
    private const int MaxTextLength = 2000;
    private const int MaxMessageIdLength = 200;
    private const int MaxPhoneLength = 32;

    public static IEndpointRouteBuilder MapSimulator(this IEndpointRouteBuilder app)
    {
        app.MapGet("/dev/phone", () => TypedResults.Content(PhonePage.Html, "text/html; charset=utf-8")).Public(DevelopmentOnly);
        app.MapGet("/api/v1/dev/threads", ListThreadsAsync).Public(DevelopmentOnly);
        app.MapGet("/api/v1/dev/messages", ListMessagesAsync).Public(DevelopmentOnly);
        app.MapPost("/api/v1/dev/messages", ReplyAsync).Public(DevelopmentOnly);
        return app;
    }

    private static async Task<Ok<List<ThreadView>>> ListThreadsAsync(SipasDbContext db, PersonalDataProtector personalData, CancellationToken ct)
    {
        var recipients = await db.OutboundMessages.AsNoTracking()
            .Where(m => m.Channel == ChannelKind.Simulator)
            .GroupBy(m => m.RecipientHash)
            .Select(g => new { Hash = g.Key, Last = g.Max(m => m.CreatedAt), Encrypted = g.OrderByDescending(m => m.CreatedAt).Select(m => m.RecipientEncrypted).First() })
            .OrderByDescending(g => g.Last)
            .Take(50)
            .ToListAsync(ct);
        var threads = new List<ThreadView>(recipients.Count);
        foreach (var recipient in recipients)
        {
            var phone = personalData.Decrypt(recipient.Encrypted);
            threads.Add(new ThreadView(Convert.ToHexStringLower(recipient.Hash), PhoneMask.Mask(phone), await MessagesAsync(db, recipient.Hash, ct)));
        }

        return TypedResults.Ok(threads);
    }

    private static async Task<Results<Ok<List<MessageView>>, ProblemHttpResult>> ListMessagesAsync(
        string? phone, SipasDbContext db, PersonalDataProtector personalData, CancellationToken ct)
    {
        var check = ExternalText.Check(phone ?? "", MaxPhoneLength);
        var parsed = check.Value is null ? null : VietnamesePhone.TryParse(check.Value);
        if (parsed is null)
        {
            return Problems.Invalid("phone", check.Error ?? "A Vietnamese phone number is required, e.g. 0912345678.", StatusCodes.Status400BadRequest);
        }

        return TypedResults.Ok(await MessagesAsync(db, personalData.Hash(parsed.E164), ct));
    }

    /// <summary>The body is read and checked field by field (not bound), so a wrong JSON type is a 400 naming the field.</summary>
    private static async Task<Results<Ok<ReplyResult>, ProblemHttpResult>> ReplyAsync(
        HttpRequest request, SipasDbContext db, AdvanceConversation conversation, SimulatorChannel simulator, PersonalDataProtector personalData, CancellationToken ct)
    {
        var body = await RequestBody.ReadJsonAsync(request, MaxBodyBytes, ct);
        if (!body.Succeeded)
        {
            return body.Problem;
        }

        var parsed = RequestBody.ParseObject(body.Value);
        if (!parsed.Succeeded)
        {
            return parsed.Problem;
        }

        using var document = parsed.Value;
        var fields = new JsonFields();
        var root = document.RootElement;
        var text = fields.Text(root, "text", required: true, MaxTextLength, TextShape.Paragraphs);
        var messageId = fields.Text(root, "messageId", required: false, MaxMessageIdLength);
        var address = await AddressAsync(root, fields, db, personalData, ct);
        if (fields.Errors.Count > 0)
        {
            return Problems.Invalid(fields.Errors, StatusCodes.Status400BadRequest);
        }

        messageId ??= "sim-" + Guid.CreateVersion7().ToString("N");
        var answers = await conversation.HandleAsync(new IncomingMessage(simulator, address!, messageId, text!), ct);
        return TypedResults.Ok(new ReplyResult(messageId, answers));
    }

    private static async Task<string?> AddressAsync(JsonElement root, JsonFields fields, SipasDbContext db, PersonalDataProtector personalData, CancellationToken ct)
    {
        var rawPhone = fields.Text(root, "phone", required: false, MaxPhoneLength);
        if (rawPhone is not null)
        {
            var phone = VietnamesePhone.TryParse(rawPhone);
            return phone?.E164 ?? fields.Error<string>("phone", "Not a valid Vietnamese phone number.");
        }

        var thread = fields.Text(root, "thread", required: false, maxLength: 64);
        if (thread is not null)
        {
            byte[] hash;
            try
            {
                hash = Convert.FromHexString(thread);
            }
            catch (FormatException)
            {
                return fields.Error<string>("thread", "Unknown thread.");
            }

            var encrypted = await db.OutboundMessages.AsNoTracking()
                .Where(m => m.Channel == ChannelKind.Simulator && m.RecipientHash == hash)
                .Select(m => m.RecipientEncrypted).FirstOrDefaultAsync(ct);
            return encrypted is null ? fields.Error<string>("thread", "Unknown thread.") : personalData.Decrypt(encrypted);
        }

        if (!fields.Errors.ContainsKey("phone") && !fields.Errors.ContainsKey("thread"))
        {
            fields.Error("phone", "Give the phone (or the thread of /api/v1/dev/threads) that answers.");
        }

        return null;
    }

    private static async Task<List<MessageView>> MessagesAsync(SipasDbContext db, byte[] hash, CancellationToken ct)
    {
        var sent = await db.OutboundMessages.AsNoTracking()
            .Where(m => m.Channel == ChannelKind.Simulator && m.RecipientHash == hash)
            .Select(m => new MessageView("out", m.Body, m.CreatedAt))
            .ToListAsync(ct);
        var received = await db.InboundMessages.AsNoTracking()
            .Where(m => m.Channel == ChannelKind.Simulator && m.SenderHash == hash)
            .Select(m => new MessageView("in", m.Text, m.ReceivedAt))
            .ToListAsync(ct);
        return [.. sent.Concat(received).OrderBy(m => m.At)];
    }

    public sealed record ReplyResult(string MessageId, IReadOnlyList<string> Replies);

    public sealed record ThreadView(string Thread, string Phone, List<MessageView> Messages);

    public sealed record MessageView(string Direction, string Text, DateTimeOffset At);
}
