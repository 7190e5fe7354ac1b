using System.Security.Cryptography;
using System.Text;
using Sipas.Data.Privacy;

namespace Sipas.Data.Tests.Privacy;

public sealed class PersonalDataProtectorTests
{
    private static readonly byte[] MasterKey = SHA256.HashData("personal-data-protector-tests"u8);

    [Fact]
    public void Ciphertext_IsNonceThenCiphertextThenTag_UnderTheHkdfDerivedKey()
    {
        // Stored values must stay readable: decrypt by the format alone, without the protector.
        var sealedValue = new PersonalDataProtector(MasterKey).Encrypt("+84912345678");

        var key = HKDF.DeriveKey(HashAlgorithmName.SHA256, MasterKey, 32, info: "sipas/personal-data/encryption"u8.ToArray());
        var plain = new byte[sealedValue.Length - 12 - 16];
        using var aes = new AesGcm(key, 16);
        aes.Decrypt(sealedValue.AsSpan(0, 12), sealedValue.AsSpan(12, plain.Length), sealedValue.AsSpan(12 + plain.Length), plain);
        Assert.Equal("+84912345678", Encoding.UTF8.GetString(plain));
    }

    [Fact]
    public void TwoProtectorsWithDifferentKeys_OnOneThread_EachDecryptsOnlyItsOwn()
    {
        var first = new PersonalDataProtector(MasterKey);
        var second = new PersonalDataProtector(SHA256.HashData("another key"u8));

        var a = first.Encrypt("Nguyễn Văn A");
        var b = second.Encrypt("Trần Thị Bình");

        Assert.Equal("Nguyễn Văn A", first.Decrypt(a));
        Assert.Equal("Trần Thị Bình", second.Decrypt(b));
        Assert.ThrowsAny<CryptographicException>(() => second.Decrypt(a));
        Assert.Equal("Nguyễn Văn A", first.Decrypt(a));
    }

    [Fact]
    public void ManyThreadsAtOnce_EachValueRoundTrips()
    {
        var protector = new PersonalDataProtector(MasterKey);
        var values = Enumerable.Range(0, 20_000).Select(i => $"+8491{i:D7}").ToArray();

        var sealedValues = new byte[values.Length][];
        Parallel.For(0, values.Length, i => sealedValues[i] = protector.Encrypt(values[i]));
        var opened = new string[values.Length];
        Parallel.For(0, values.Length, i => opened[i] = protector.Decrypt(sealedValues[i]));

        Assert.Equal(values, opened);
        Assert.Equal(values.Length, sealedValues.Select(s => Convert.ToBase64String(s.AsSpan(0, 12))).Distinct().Count());
    }
}
