using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Sipas.Bot.OneStop;

/// <summary>
/// Checks `X-Sipas-Signature: sha256=hex(HMAC-SHA256(secret, "{timestamp}.{raw body}"))` against each active
/// secret of the source (configured or stored, <see cref="OneStopSecrets"/>), and that `X-Sipas-Timestamp` is within
/// five minutes of our clock.
/// </summary>
public sealed class OneStopSignature(OneStopSecrets sources, TimeProvider time)
{
    public const string SourceHeader = "X-Sipas-Source";
    public const string TimestampHeader = "X-Sipas-Timestamp";
    public const string SignatureHeader = "X-Sipas-Signature";
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromSeconds(300);

    /// <summary>Null when authentic, else the reason (for the 401 detail; it never reveals a secret).</summary>
    public string? Verify(string? source, string? timestamp, string? signature, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrEmpty(source) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature))
        {
            return $"The {SourceHeader}, {TimestampHeader} and {SignatureHeader} headers are required.";
        }

        var secrets = sources.For(source);
        if (secrets.Count == 0)
        {
            return "Unknown source.";
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs(time.GetUtcNow().ToUnixTimeSeconds() - seconds) > MaxClockSkew.TotalSeconds)
        {
            return "The timestamp is missing, malformed or more than 300 seconds from the server clock.";
        }

        if (!signature.StartsWith("sha256=", StringComparison.Ordinal))
        {
            return "The signature must be sha256=<hex>.";
        }

        byte[] expected;
        try
        {
            expected = Convert.FromHexString(signature.AsSpan(7));
        }
        catch (FormatException)
        {
            return "The signature must be sha256=<hex>.";
        }

        foreach (var secret in secrets)
        {
            if (CryptographicOperations.FixedTimeEquals(Mac(secret, timestamp, body), expected))
            {
                return null;
            }
        }

        return "The signature does not match.";
    }

    public static string Sign(string secret, string timestamp, ReadOnlySpan<byte> body) =>
        "sha256=" + Convert.ToHexStringLower(Mac(secret, timestamp, body));

    private static byte[] Mac(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        var signed = new byte[timestamp.Length + 1 + body.Length];
        Encoding.ASCII.GetBytes(timestamp, signed);
        signed[timestamp.Length] = (byte)'.';
        body.CopyTo(signed.AsSpan(timestamp.Length + 1));
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
    }
}
