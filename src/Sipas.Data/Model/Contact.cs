namespace Sipas.Data.Model;

/// <summary>
/// A citizen as Sipas can reach them: the phone the one-stop system gave (encrypted, with a keyed hash to find it),
/// and the addresses other providers know them by (<see cref="ContactAddress"/>). Invitations, conversations,
/// opt-outs and the fatigue cap key on the contact, so a Telegram chat or a Zalo user finds the same citizen, and
/// removing a citizen's personal data is removing one contact with its addresses.
/// </summary>
public sealed class Contact
{
    public Guid Id { get; set; }

    /// <summary>Keyed hash of the E.164 phone; null for a contact known only by a chat address.</summary>
    public byte[]? PhoneHash { get; set; }
    public byte[]? PhoneEncrypted { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// A contact's address at one provider that does not address people by phone (a Telegram chat id, a Zalo user id),
/// bound when the citizen opens a deep link or sends their invitation code. One address belongs to one contact.
/// </summary>
public sealed class ContactAddress
{
    public Guid Id { get; set; }
    public Guid ContactId { get; set; }
    public required string Provider { get; set; }
    public required byte[] AddressHash { get; set; }
    public required byte[] AddressEncrypted { get; set; }
    public DateTimeOffset LinkedAt { get; set; }

    /// <summary>The citizen's last message from this address: some providers may only write within a window after it (Zalo OA: 7 days).</summary>
    public DateTimeOffset? LastSeenAt { get; set; }
}
