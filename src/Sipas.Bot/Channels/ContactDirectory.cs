using Microsoft.EntityFrameworkCore;
using Sipas.Data;
using Sipas.Data.Model;
using Sipas.Data.Privacy;

namespace Sipas.Bot.Channels;

/// <summary>Finds and binds citizens' addresses: the phone on the contact, every other provider's address in contact_addresses.</summary>
public sealed class ContactDirectory(SipasDbContext db, PersonalDataProtector personalData, TimeProvider time)
{
    /// <summary>The contact an inbound address belongs to, if any; records that the citizen was just seen there.</summary>
    public async Task<Guid?> FindAsync(IChannelProvider provider, string address, CancellationToken ct)
    {
        var hash = personalData.Hash(address);
        if (provider.Capabilities.Addressing == Addressing.Phone)
        {
            return await db.Contacts.Where(c => c.PhoneHash == hash).Select(c => (Guid?)c.Id).SingleOrDefaultAsync(ct);
        }

        var now = time.GetUtcNow();
        var bound = await db.ContactAddresses.Where(a => a.Provider == provider.Name && a.AddressHash == hash).Select(a => (Guid?)a.ContactId).SingleOrDefaultAsync(ct);
        if (bound is not null)
        {
            await db.ContactAddresses.Where(a => a.Provider == provider.Name && a.AddressHash == hash)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.LastSeenAt, now), ct);
        }

        return bound;
    }

    /// <summary>
    /// Binds a provider address to a contact (a deep link opened, an invitation code sent). An address already bound
    /// to another contact moves to this one: the person holding the chat now proved they hold this invitation.
    /// </summary>
    public async Task BindAsync(Guid contactId, IChannelProvider provider, string address, CancellationToken ct)
    {
        if (provider.Capabilities.Addressing == Addressing.Phone)
        {
            return;
        }

        var now = time.GetUtcNow();
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO contact_addresses (id, contact_id, provider, address_hash, address_encrypted, linked_at, last_seen_at)
            VALUES ({Guid.CreateVersion7()}, {contactId}, {provider.Name}, {personalData.Hash(address)}, {personalData.Encrypt(address)}, {now}, {now})
            ON CONFLICT (provider, address_hash) DO UPDATE SET contact_id = excluded.contact_id, linked_at = excluded.linked_at, last_seen_at = excluded.last_seen_at
            """,
            ct);
    }

    /// <summary>Where <paramref name="provider"/> reaches the contact now; null when it cannot (no phone, no bound address, or outside its interaction window).</summary>
    public async Task<string?> AddressForAsync(Contact contact, IChannelProvider provider, CancellationToken ct) =>
        provider.Capabilities.Addressing == Addressing.Phone
            ? contact.PhoneEncrypted is { } phone ? personalData.Decrypt(phone) : null
            : await BoundAddressAsync(contact.Id, provider, ct);

    /// <inheritdoc cref="AddressForAsync(Contact, IChannelProvider, CancellationToken)"/>
    public async Task<string?> AddressForAsync(Guid contactId, IChannelProvider provider, CancellationToken ct)
    {
        if (provider.Capabilities.Addressing == Addressing.Phone)
        {
            var phone = await db.Contacts.Where(c => c.Id == contactId).Select(c => c.PhoneEncrypted).SingleOrDefaultAsync(ct);
            return phone is null ? null : personalData.Decrypt(phone);
        }

        return await BoundAddressAsync(contactId, provider, ct);
    }

    private async Task<string?> BoundAddressAsync(Guid contactId, IChannelProvider provider, CancellationToken ct)
    {
        var seenSince = provider.Capabilities.InteractionWindow is { } window ? time.GetUtcNow() - window : DateTimeOffset.MinValue;
        var address = await db.ContactAddresses.AsNoTracking()
            .Where(a => a.ContactId == contactId && a.Provider == provider.Name && (a.LastSeenAt ?? a.LinkedAt) >= seenSince)
            .OrderByDescending(a => a.LastSeenAt ?? a.LinkedAt)
            .Select(a => a.AddressEncrypted)
            .FirstOrDefaultAsync(ct);
        return address is null ? null : personalData.Decrypt(address);
    }

    /// <summary>
    /// Closes surveys to the contact: on every channel (<paramref name="onlyChannel"/> null: they said TỪ CHỐI) or on
    /// one (they blocked the bot). Their open conversations there end.
    /// </summary>
    public async Task OptOutAsync(Guid contactId, ChannelKind from, ChannelKind? onlyChannel, string reason, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var only = onlyChannel?.ToString();
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO opt_outs (id, contact_id, channel, only_channel, reason, opted_out_at) VALUES ({Guid.CreateVersion7()}, {contactId}, {from.ToString()}, {only}, {reason}, {now})
            ON CONFLICT (contact_id, only_channel) WHERE opted_in_at IS NULL DO NOTHING
            """,
            ct);
        await db.Conversations.Where(c => c.ContactId == contactId && c.State == ConversationState.Active && (onlyChannel == null || c.Channel == onlyChannel))
            .EndAsync(now, ct);
    }

    /// <summary>
    /// Opens surveys to the contact again (they said ĐỒNG Ý) on every channel, whichever refusal closed them. The
    /// refusals stay on record, marked with the time they were lifted. Returns how many were lifted.
    /// </summary>
    public Task<int> OptInAsync(Guid contactId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        return db.OptOuts.Where(o => o.ContactId == contactId && o.OptedInAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.OptedInAt, now), ct);
    }

    /// <summary>Whether the contact has refused surveys on every channel or on <paramref name="channel"/>.</summary>
    public Task<bool> IsOptedOutAsync(Guid contactId, ChannelKind channel, CancellationToken ct) =>
        db.OptOuts.AnyAsync(o => o.ContactId == contactId && o.OptedInAt == null && (o.OnlyChannel == null || o.OnlyChannel == channel), ct);
}
