using System.Security.Cryptography;
using System.Text;

namespace Sipas.Data.Privacy;

/// <summary>
/// Encrypts personal data (phones, names) with AES-256-GCM and gives a keyed hash (HMAC-SHA256) for look-ups.
/// Both keys are derived from the one configured master key, so rotating the master key is one setting.
/// </summary>
public sealed class PersonalDataProtector
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _encryptionKey;
    private readonly byte[] _lookupKey;

    // One AesGcm per thread, kept for the protector that last used it (a process has one): creating one is a key
    // schedule and a native cipher context, three times per ingested event, and an instance must not be used by two
    // threads at once. Encrypt and Decrypt never await, so a thread is done with its instance before it runs anything else.
    [ThreadStatic]
    private static AesGcm? t_aes;
    [ThreadStatic]
    private static PersonalDataProtector? t_aesOwner;

    public PersonalDataProtector(byte[] masterKey)
    {
        if (masterKey.Length != 32)
        {
            throw new ArgumentException("The personal data key must be 32 bytes.", nameof(masterKey));
        }

        _encryptionKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey, 32, info: "sipas/personal-data/encryption"u8.ToArray());
        _lookupKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey, 32, info: "sipas/personal-data/lookup"u8.ToArray());
    }

    public static PersonalDataProtector FromBase64(string? base64Key)
    {
        if (string.IsNullOrWhiteSpace(base64Key))
        {
            throw new InvalidOperationException("Sipas:PersonalDataKey is not set: give a base64 key of 32 bytes (e.g. `openssl rand -base64 32`).");
        }

        byte[] key;
        try
        {
            key = Convert.FromBase64String(base64Key.Trim());
        }
        catch (FormatException)
        {
            throw new InvalidOperationException("Sipas:PersonalDataKey is not valid base64.");
        }

        return key.Length == 32
            ? new PersonalDataProtector(key)
            : throw new InvalidOperationException($"Sipas:PersonalDataKey must decode to 32 bytes, not {key.Length}.");
    }

    public byte[] Hash(string value) => HMACSHA256.HashData(_lookupKey, Encoding.UTF8.GetBytes(value));

    public byte[] Encrypt(string value) => Encrypt(Encoding.UTF8.GetBytes(value));

    public byte[] Encrypt(ReadOnlySpan<byte> plain)
    {
        var output = new byte[NonceSize + plain.Length + TagSize];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        Aes().Encrypt(nonce, plain, output.AsSpan(NonceSize, plain.Length), output.AsSpan(NonceSize + plain.Length));
        return output;
    }

    public string Decrypt(byte[] sealedValue) => Encoding.UTF8.GetString(DecryptBytes(sealedValue));

    public byte[] DecryptBytes(byte[] sealedValue)
    {
        if (sealedValue.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("The encrypted value is too short.");
        }

        var plainLength = sealedValue.Length - NonceSize - TagSize;
        var plain = new byte[plainLength];
        Aes().Decrypt(sealedValue.AsSpan(0, NonceSize), sealedValue.AsSpan(NonceSize, plainLength), sealedValue.AsSpan(NonceSize + plainLength), plain);
        return plain;
    }

    private AesGcm Aes()
    {
        if (!ReferenceEquals(t_aesOwner, this) || t_aes is null)
        {
            t_aes?.Dispose();
            t_aes = new AesGcm(_encryptionKey, TagSize);
            t_aesOwner = this;
        }

        return t_aes;
    }
}
