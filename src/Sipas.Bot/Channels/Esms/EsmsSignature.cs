using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Sipas.Bot.Channels.Esms;

/// <summary>
/// The <c>sign</c> parameter of eSMS's short-code MO callback (<c>receive_mo</c>, docs/channels.md §4.3):
/// Base64 of the raw 16-byte MD5 digest of UTF-8(cpid + smsid + content + receiveTime + private key), as eSMS's
/// sample code computes it (not hex). eSMS's delivery-report callback carries no signature at all.
/// </summary>
public static class EsmsSignature
{
    /// <summary>The <c>sign</c> eSMS sends for these callback values (all as received, URL-decoded).</summary>
    /// <param name="cpid">The <c>cpid</c> parameter (the partner id eSMS issued).</param>
    /// <param name="smsId">The <c>smsid</c> parameter.</param>
    /// <param name="content">The <c>content</c> parameter, the citizen's text.</param>
    /// <param name="receiveTime">The <c>receiverTime</c> parameter (<c>yyyyMMddhhmmss</c>).</param>
    /// <param name="privateKey">The private key eSMS issued with the cpid.</param>
    [SuppressMessage("Security", "CA5351:Do Not Use Broken Cryptographic Algorithms", Justification = "eSMS defines the signature as MD5; we only verify it.")]
    public static string Compute(string cpid, string smsId, string content, string receiveTime, string privateKey)
    {
        ArgumentNullException.ThrowIfNull(cpid);
        ArgumentNullException.ThrowIfNull(smsId);
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(receiveTime);
        ArgumentNullException.ThrowIfNull(privateKey);
        return Convert.ToBase64String(MD5.HashData(Encoding.UTF8.GetBytes(cpid + smsId + content + receiveTime + privateKey)));
    }

    /// <summary>Whether <paramref name="sign"/> is eSMS's signature of these values; missing or empty → false. Constant-time comparison.</summary>
    public static bool IsValid(string cpid, string smsId, string content, string receiveTime, string privateKey, string? sign)
    {
        if (string.IsNullOrEmpty(sign))
        {
            return false;
        }

        var expected = Compute(cpid, smsId, content, receiveTime, privateKey);
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(sign));
    }
}
