using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Sipas.Data;
using Sipas.Data.Diagnostics;
using Sipas.Data.Model;
using Sipas.Data.Privacy;
using Sipas.Scheduler.Messages;

namespace Sipas.Bot.Channels;

/// <summary>
/// Handles one kind of provider webhook once its authenticity is checked and its body stored: a Twilio status
/// callback, a Telegram update, a Zalo event… Handling must be idempotent (it may run again after a crash) and throw
/// when it cannot finish yet (a receipt for a message not yet recorded): the inbox tries again later.
/// </summary>
public interface IWebhookHandler
{
    /// <summary>The webhook's name, stored as the event's source (<c>twilio-status</c>, <c>telegram</c>…).</summary>
    string Webhook { get; }

    Task HandleAsync(byte[] body, IServiceProvider services, CancellationToken cancellationToken);
}

/// <summary>
/// The inbound side's durable inbox (docs/channels.md §6): a verified webhook is stored (encrypted, deduplicated on
/// the provider's event id) before it is answered, handled after, and retried by <see cref="ProcessWebhookInboxJob"/>
/// until it succeeds or its attempts run out. Malformed bodies are kept too, marked with the reason, for inspection.
/// </summary>
public sealed class WebhookInbox(
    SipasDbContext db,
    IServiceProvider services,
    IEnumerable<IWebhookHandler> handlers,
    PersonalDataProtector personalData,
    SipasMetrics metrics,
    TimeProvider time,
    ILogger<WebhookInbox> logger) : IWebhookInboxProcessor
{
    public const string Kind = "webhook";
    public const string RejectedKind = "webhook-rejected";
    public const int MaxAttempts = 20;
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    /// <summary>Stores a verified webhook; null when the provider delivered this event before (nothing to do again).</summary>
    public async Task<Guid?> StoreAsync(string webhook, string eventId, byte[] body, CancellationToken ct)
    {
        var id = Guid.CreateVersion7();
        var now = time.GetUtcNow();
        var stored = await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO inbound_events (id, kind, source, external_id, payload_encrypted, payload_sha256, received_at, attempts)
            VALUES ({id}, {Kind}, {webhook}, {StoredText.Cut(eventId, 200)}, {personalData.Encrypt(body)}, {SHA256.HashData(body)}, {now}, 0)
            ON CONFLICT (kind, source, external_id) DO NOTHING
            """,
            ct);
        metrics.WebhookReceived(webhook, stored == 1 ? "accepted" : "repeated");
        return stored == 1 ? id : null;
    }

    /// <summary>Keeps a body that could not be read (not JSON, fields missing) with the reason, so an operator can see what the provider sent.</summary>
    public async Task RejectAsync(string webhook, string reason, byte[] body, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO inbound_events (id, kind, source, external_id, payload_encrypted, payload_sha256, received_at, attempts, error)
            VALUES ({Guid.CreateVersion7()}, {RejectedKind}, {webhook}, {Guid.CreateVersion7().ToString("N")}, {personalData.Encrypt(body)}, {SHA256.HashData(body)}, {now}, 0, {StoredText.Cut(reason)})
            """,
            ct);
        metrics.WebhookReceived(webhook, "malformed");
        logger.LogWarning("A {Webhook} webhook was refused as malformed and kept for inspection: {Reason}", webhook, reason);
    }

    /// <summary>Handles a stored event now, unless another process is at it; a failure leaves it for the inbox job.</summary>
    public async Task<bool> ProcessAsync(Guid eventId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var claimed = await db.InboundEvents
            .Where(e => e.Id == eventId && e.ProcessedAt == null && e.Error == null && (e.ProcessingUntil == null || e.ProcessingUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.ProcessingUntil, now + Lease).SetProperty(e => e.Attempts, e => e.Attempts + 1), ct);
        if (claimed == 0)
        {
            return false;
        }

        var stored = await db.InboundEvents.AsNoTracking().SingleAsync(e => e.Id == eventId, ct);
        var handler = handlers.FirstOrDefault(h => h.Webhook == stored.Source);
        try
        {
            if (handler is null)
            {
                throw new InvalidOperationException($"No handler for webhook '{stored.Source}'.");
            }

            await handler.HandleAsync(personalData.DecryptBytes(stored.PayloadEncrypted), services, ct);
            await db.InboundEvents.Where(e => e.Id == eventId)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.ProcessedAt, time.GetUtcNow()).SetProperty(e => e.ProcessingUntil, (DateTimeOffset?)null), CancellationToken.None);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var gaveUp = stored.Attempts >= MaxAttempts;
            logger.Log(
                gaveUp ? LogLevel.Error : LogLevel.Warning, ex,
                "Handling {Webhook} event {EventId} failed (attempt {Attempt}){GaveUp}", stored.Source, eventId, stored.Attempts, gaveUp ? "; giving up" : "; it will be tried again");
            await db.InboundEvents.Where(e => e.Id == eventId).ExecuteUpdateAsync(
                s => s.SetProperty(e => e.ProcessingUntil, time.GetUtcNow() + RetryDelay(stored.Attempts))
                    .SetProperty(e => e.Error, gaveUp ? StoredText.Cut($"Gave up: {ex.Message}") : null),
                CancellationToken.None);
            return false;
        }
    }

    /// <summary>Stores and handles at once, as most webhooks are; true when it was handled (or a repeat).</summary>
    public async Task<bool> StoreAndProcessAsync(string webhook, string eventId, byte[] body, CancellationToken ct) =>
        await StoreAsync(webhook, eventId, body, ct) is not { } id || await ProcessAsync(id, ct);

    public async Task<int> ProcessWaitingAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var waiting = await db.InboundEvents.AsNoTracking()
            .Where(e => e.Kind == Kind && e.ProcessedAt == null && e.Error == null && (e.ProcessingUntil == null || e.ProcessingUntil < now))
            .OrderBy(e => e.ReceivedAt).Select(e => e.Id).Take(200).ToListAsync(cancellationToken);
        var handled = 0;
        foreach (var id in waiting)
        {
            handled += await ProcessAsync(id, cancellationToken) ? 1 : 0;
        }

        return handled;
    }

    /// <summary>A receipt that overtook its message is usually ready seconds later; a real fault should not spin.</summary>
    private static TimeSpan RetryDelay(int attempts) => TimeSpan.FromSeconds(Math.Min(3600, 5 * Math.Pow(2, Math.Min(attempts, 10))));
}
