using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sipas.Bot.Conversations;
using Sipas.Bot.Http;
using Sipas.Bot.Phones;
using Sipas.Data;
using Sipas.Data.Model;
using Sipas.Data.Privacy;

namespace Sipas.Bot.Channels.Simulator;

/// <summary>The development phone (docs/design.md §4.3): a page and a JSON API, mapped only while the simulator provider is enabled.</summary>
public static class SimulatorEndpoints
{
    public static IEndpointRouteBuilder MapSimulator(this IEndpointRouteBuilder app)
    {
        if (!app.ServiceProvider.GetRequiredService<SimulatorChannel>().IsEnabled)
        {
            return app;
        }

        app.MapGet("/dev/phone", () => TypedResults.Content(PhonePage.Html, "text/html; charset=utf-8"));
        app.MapGet("/api/v1/dev/threads", ListThreadsAsync);
        app.MapGet("/api/v1/dev/messages", ListMessagesAsync);
        app.MapPost("/api/v1/dev/messages", ReplyAsync);
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
        var parsed = VietnamesePhone.TryParse(phone);
        if (parsed is null)
        {
            return Problems.Invalid(new Dictionary<string, string[]> { ["phone"] = ["A Vietnamese phone number is required, e.g. 0912345678."] }, StatusCodes.Status400BadRequest);
        }

        return TypedResults.Ok(await MessagesAsync(db, personalData.Hash(parsed.E164), ct));
    }

    private static async Task<Results<Ok<ReplyResult>, ProblemHttpResult>> ReplyAsync(
        SimulatedReply? reply, SipasDbContext db, AdvanceConversation conversation, SimulatorChannel simulator, PersonalDataProtector personalData, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var text = reply?.Text?.Trim();
        if (string.IsNullOrEmpty(text) || text.Length > 2000)
        {
            errors["text"] = ["Required, at most 2000 characters."];
        }

        var address = await AddressAsync(reply, db, personalData, errors, ct);
        if (errors.Count > 0)
        {
            return Problems.Invalid(errors, StatusCodes.Status400BadRequest);
        }

        var messageId = string.IsNullOrWhiteSpace(reply!.MessageId) ? "sim-" + Guid.CreateVersion7().ToString("N") : reply.MessageId.Trim();
        var answers = await conversation.HandleAsync(new InboundReply(simulator, address!, messageId, text!), ct);
        return TypedResults.Ok(new ReplyResult(messageId, answers));
    }

    private static async Task<string?> AddressAsync(SimulatedReply? reply, SipasDbContext db, PersonalDataProtector personalData, Dictionary<string, string[]> errors, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(reply?.Phone))
        {
            var phone = VietnamesePhone.TryParse(reply.Phone);
            if (phone is null)
            {
                errors["phone"] = ["Not a valid Vietnamese phone number."];
            }

            return phone?.E164;
        }

        if (!string.IsNullOrWhiteSpace(reply?.Thread))
        {
            byte[] hash;
            try
            {
                hash = Convert.FromHexString(reply.Thread);
            }
            catch (FormatException)
            {
                errors["thread"] = ["Unknown thread."];
                return null;
            }

            var encrypted = await db.OutboundMessages.AsNoTracking()
                .Where(m => m.Channel == ChannelKind.Simulator && m.RecipientHash == hash)
                .Select(m => m.RecipientEncrypted).FirstOrDefaultAsync(ct);
            if (encrypted is null)
            {
                errors["thread"] = ["Unknown thread."];
            }

            return encrypted is null ? null : personalData.Decrypt(encrypted);
        }

        errors["phone"] = ["Give the phone (or the thread of /api/v1/dev/threads) that answers."];
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

    public sealed record SimulatedReply(string? Phone, string? Thread, string? Text, string? MessageId);

    public sealed record ReplyResult(string MessageId, IReadOnlyList<string> Replies);

    public sealed record ThreadView(string Thread, string Phone, List<MessageView> Messages);

    public sealed record MessageView(string Direction, string Text, DateTimeOffset At);
}
