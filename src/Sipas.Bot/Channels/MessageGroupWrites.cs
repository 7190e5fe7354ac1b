using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Sipas.Data;
using Sipas.Data.Model;

namespace Sipas.Bot.Channels;

/// <summary>
/// The two writes every sent message makes, grouped across concurrent senders (<see cref="GroupWriter{TItem, TResult}"/>):
/// storing a new message (already claimed for its first attempt, or waiting), and recording that its provider accepted
/// it. A dispatcher sending a batch makes these writes for many messages at once; grouped, they cost one statement and
/// one commit per group instead of per message. When a group fails, each message is written again alone, with the
/// same statement.
/// </summary>
public sealed class MessageGroupWrites : IAsyncDisposable
{
    private const string InsertSql = """
        INSERT INTO outbound_messages (id, idempotency_key, invitation_id, conversation_id, contact_id, channel, provider, purpose, recipient_hash,
                                       recipient_encrypted, body, choices, data, state, attempts, claimed_until, created_at)
        SELECT id, idempotency_key, invitation_id, conversation_id, contact_id, channel, provider, purpose, recipient_hash,
               recipient_encrypted, body, choices::jsonb, data::jsonb,
               CASE WHEN claimed_until IS NULL THEN 'Pending' ELSE 'Sending' END, CASE WHEN claimed_until IS NULL THEN 0 ELSE 1 END,
               claimed_until, created_at
        FROM unnest(@ids, @keys, @invitation_ids, @conversation_ids, @contact_ids, @channels, @providers, @purposes, @recipient_hashes,
                    @recipients, @bodies, @choices, @data, @claimed_until, @created_at)
             AS m(id, idempotency_key, invitation_id, conversation_id, contact_id, channel, provider, purpose, recipient_hash,
                  recipient_encrypted, body, choices, data, claimed_until, created_at)
        ON CONFLICT (idempotency_key) DO NOTHING
        RETURNING id
        """;

    private const string AcceptedSql = """
        UPDATE outbound_messages m SET state = CASE WHEN a.delivered THEN 'Delivered' ELSE 'Accepted' END,
            provider_message_id = a.provider_message_id, sent_at = a.at, delivered_at = CASE WHEN a.delivered THEN a.at END,
            error = NULL, claimed_until = NULL
        FROM unnest(@ids, @provider_message_ids, @delivered, @at) AS a(id, provider_message_id, delivered, at)
        WHERE m.id = a.id AND m.state = 'Sending'
        """;

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private readonly GroupWriter<NewMessage, bool> _inserts;
    private readonly GroupWriter<AcceptedMessage, bool> _accepted;

    private readonly NpgsqlDataSource _dataSource;

    public MessageGroupWrites(NpgsqlDataSource dataSource, ILogger<MessageGroupWrites> logger)
    {
        _dataSource = dataSource;
        _inserts = new GroupWriter<NewMessage, bool>(dataSource, InsertAsync, "new messages", logger);
        _accepted = new GroupWriter<AcceptedMessage, bool>(dataSource, RecordAcceptedAsync, "accepted messages", logger);
    }

    /// <summary>
    /// Stores the message unless one with its key exists: in state Sending with one attempt used and a lease until
    /// <paramref name="claimedUntil"/>, or, with none, Pending. False when one with its key was there.
    /// </summary>
    public async Task<bool> InsertAsync(OutboundMessage message, DateTimeOffset? claimedUntil, CancellationToken ct)
    {
        var item = new NewMessage(message, claimedUntil);
        if (await _inserts.TryWriteAsync(item, ct) is (true, var inserted))
        {
            return inserted;
        }

        await using var connection = await _dataSource.OpenConnectionAsync(ct);
        return (await InsertAsync(connection, [item], ct))[0];
    }

    /// <summary>The grouped write alone: true stored, false one with its key was there, null the group failed (nothing stored).</summary>
    public async Task<bool?> TryInsertClaimedAsync(OutboundMessage message, DateTimeOffset claimedUntil, CancellationToken ct) =>
        await _inserts.TryWriteAsync(new NewMessage(message, claimedUntil), ct) is (true, var inserted) ? inserted : null;

    /// <summary>Records that the provider accepted the message, if it is still Sending.</summary>
    public async Task RecordAcceptedAsync(Guid messageId, string? providerMessageId, bool delivered, DateTimeOffset at, CancellationToken ct)
    {
        var item = new AcceptedMessage(messageId, providerMessageId, delivered, at);
        if (!(await _accepted.TryWriteAsync(item, ct)).Written)
        {
            await using var connection = await _dataSource.OpenConnectionAsync(ct);
            await RecordAcceptedAsync(connection, [item], ct);
        }
    }

    /// <summary>The grouped write alone; false: not written.</summary>
    public async Task<bool> TryRecordAcceptedAsync(Guid messageId, string? providerMessageId, bool delivered, DateTimeOffset at, CancellationToken ct) =>
        (await _accepted.TryWriteAsync(new AcceptedMessage(messageId, providerMessageId, delivered, at), ct)).Written;

    public async ValueTask DisposeAsync()
    {
        await _inserts.DisposeAsync();
        await _accepted.DisposeAsync();
    }

    private static async Task<IReadOnlyList<bool>> InsertAsync(NpgsqlConnection connection, IReadOnlyList<NewMessage> claimed, CancellationToken ct)
    {
        var messages = claimed.Select(c => c.Message).ToList();
        await using var command = new NpgsqlCommand(InsertSql, connection);
        command.Parameters.AddWithValue("ids", messages.Select(m => m.Id).ToArray());
        command.Parameters.AddWithValue("keys", messages.Select(m => m.IdempotencyKey).ToArray());
        command.Parameters.AddWithValue("invitation_ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid, messages.Select(m => m.InvitationId).ToArray());
        command.Parameters.AddWithValue("conversation_ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid, messages.Select(m => m.ConversationId).ToArray());
        command.Parameters.AddWithValue("contact_ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid, messages.Select(m => m.ContactId).ToArray());
        command.Parameters.AddWithValue("channels", messages.Select(m => m.Channel.ToString()).ToArray());
        command.Parameters.AddWithValue("providers", messages.Select(m => m.Provider).ToArray());
        command.Parameters.AddWithValue("purposes", messages.Select(m => m.Purpose.ToString()).ToArray());
        command.Parameters.AddWithValue("recipient_hashes", NpgsqlDbType.Array | NpgsqlDbType.Bytea, messages.Select(m => m.RecipientHash).ToArray());
        command.Parameters.AddWithValue("recipients", NpgsqlDbType.Array | NpgsqlDbType.Bytea, messages.Select(m => m.RecipientEncrypted).ToArray());
        command.Parameters.AddWithValue("bodies", messages.Select(m => m.Body).ToArray());
        command.Parameters.AddWithValue("choices", messages.Select(m => JsonSerializer.Serialize(m.Choices, JsonOptions)).ToArray());
        command.Parameters.AddWithValue("data", messages.Select(m => JsonSerializer.Serialize(m.Data, JsonOptions)).ToArray());
        command.Parameters.AddWithValue("claimed_until", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, claimed.Select(c => c.ClaimedUntil?.UtcDateTime).ToArray());
        command.Parameters.AddWithValue("created_at", messages.Select(m => m.CreatedAt).ToArray());
        var inserted = new HashSet<Guid>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                inserted.Add(reader.GetGuid(0));
            }
        }

        return [.. messages.Select(m => inserted.Contains(m.Id))];
    }

    private static async Task<IReadOnlyList<bool>> RecordAcceptedAsync(NpgsqlConnection connection, IReadOnlyList<AcceptedMessage> accepted, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(AcceptedSql, connection);
        command.Parameters.AddWithValue("ids", accepted.Select(a => a.MessageId).ToArray());
        command.Parameters.AddWithValue("provider_message_ids", NpgsqlDbType.Array | NpgsqlDbType.Text, accepted.Select(a => a.ProviderMessageId).ToArray());
        command.Parameters.AddWithValue("delivered", accepted.Select(a => a.Delivered).ToArray());
        command.Parameters.AddWithValue("at", accepted.Select(a => a.At).ToArray());
        await command.ExecuteNonQueryAsync(ct);
        return [.. accepted.Select(_ => true)];
    }

    /// <param name="ClaimedUntil">The lease of its first attempt, or null: stored waiting (Pending).</param>
    private sealed record NewMessage(OutboundMessage Message, DateTimeOffset? ClaimedUntil);

    private sealed record AcceptedMessage(Guid MessageId, string? ProviderMessageId, bool Delivered, DateTimeOffset At);
}
