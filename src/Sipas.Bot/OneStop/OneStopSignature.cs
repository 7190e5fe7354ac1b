using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Sipas.Bot.Http;

namespace Sipas.Bot.OneStop;

/// <summary>
/// Checks `X-Sipas-Signature: sha256=hex(HMAC-SHA256(secret, "{timestamp}.{raw body}"))` against each active
/// secret of the source (configured or stored, <see cref="OneStopSecrets"/>), and that `X-Sipas-Timestamp` is within
/// five minutes of our clock.
/// </summary>
public sealed class OneStopSignature(OneStopSecrets sources, TimeProvider time, ILogger<OneStopSignature> logger)
{
    public const string SourceHeader = "X-Sipas-Source";
    public const string TimestampHeader = "X-Sipas-Timestamp";
    public const string SignatureHeader = "X-Sipas-Signature";
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromSeconds(300);

    // Stands in for the secret of an unknown source, so refusing one costs the same MAC as a wrong signature.
    private static readonly string UnknownSourceSecret = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// One answer for every authentication failure. Distinct answers for "unknown source" and "bad signature" would
    /// let anyone enumerate the configured source codes; the sender's operator finds the reason in our log instead.
    /// </summary>
    public static ProblemHttpResult Unauthenticated() => Problems.Of(
        StatusCodes.Status401Unauthorized,
        "unauthenticated",
        "The event is not authenticated.",
        $"Send {SourceHeader}, {TimestampHeader} (Unix seconds, within {MaxClockSkew.TotalSeconds:0} s of our clock) and {SignatureHeader} (docs/design.md §4.1).");

    /// <summary>True when authentic; otherwise logs the reason (never a secret) for the sender's operator.</summary>
    public bool Authenticate(string? source, string? timestamp, string? signature, ReadOnlySpan<byte> body)
    {
        var refusal = Verify(source, timestamp, signature, body);
        if (refusal is null)
        {
            return true;
        }

        // A source header can be kilobytes long; the first characters identify a sender, the rest would only flood the log.
        var shown = source is { Length: > 64 } ? source[..64] + "…" : source;
        logger.LogInformation("One-stop event from source {Source} refused: {Reason}", shown, refusal);
        return false;
    }

    /// <summary>Null when authentic, else the reason (for the server log; it never reveals a secret).</summary>
    public string? Verify(string? source, string? timestamp, string? signature, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrEmpty(source) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature))
        {
            return $"The {SourceHeader}, {TimestampHeader} and {SignatureHeader} headers are required.";
        }

        var secrets = sources.For(source);
        var known = secrets.Count > 0;
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

        if (!known)
        {
            _ = CryptographicOperations.FixedTimeEquals(Mac(UnknownSourceSecret, timestamp, body), expected);
            return "Unknown source.";
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
