using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Sipas.Bot.Channels.Zalo;

/// <summary>Which configured id and secret produced a matching <c>X-ZEvent-Signature</c>: log it, so the variant Zalo really uses becomes known.</summary>
/// <param name="IdIndex">Index into the ids passed to <see cref="ZaloSignature.Verify"/> (app id or OA id).</param>
/// <param name="SecretIndex">Index into the secrets passed to <see cref="ZaloSignature.Verify"/>; an index, so the secret itself never reaches a log.</param>
public sealed record ZaloSignatureMatch(int IdIndex, int SecretIndex);

/// <summary>
/// The <c>X-ZEvent-Signature</c> check for OA and ZNS webhooks (docs/channels.md §2.6): a plain SHA-256, not an HMAC,
/// of app id + raw body + the body's <c>timestamp</c> + the OA secret key, as lower-case hex.
/// </summary>
public static class ZaloSignature
{
    private const string MacPrefix = "mac";

    /// <summary>
    /// The signature Zalo sends for <paramref name="rawBody"/>: lower-hex SHA-256 of the UTF-8 bytes of
    /// <c>appId + rawBody + timestamp + secret</c>.
    /// </summary>
    public static string Compute(string appId, string rawBody, string timestamp, string secret)
    {
        ArgumentNullException.ThrowIfNull(appId);
        ArgumentNullException.ThrowIfNull(rawBody);
        ArgumentNullException.ThrowIfNull(timestamp);
        ArgumentNullException.ThrowIfNull(secret);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(appId + rawBody + timestamp + secret)));
    }

    /// <summary>
    /// Checks the header against the raw request bytes (never a re-serialised body). Zalo's documentation leaves open
    /// whether the first term is the app id or the OA id and which secret is meant, so every (id, secret) pair is tried,
    /// each with a constant-time comparison, and the first match in order is returned. The header may carry a
    /// <c>mac=</c> prefix (any case, surrounding spaces allowed). Malformed JSON, a body without a top-level
    /// <c>timestamp</c> (string or number), or a header that is not 64 hex digits gives null; nothing throws.
    /// </summary>
    /// <param name="rawBody">The request body exactly as received.</param>
    /// <param name="header">The <c>X-ZEvent-Signature</c> header value.</param>
    /// <param name="appOrOaIds">Candidate first terms, most likely first (app id, then OA id).</param>
    /// <param name="secrets">Candidate secrets (OA secret key, app secret).</param>
    public static ZaloSignatureMatch? Verify(ReadOnlySpan<byte> rawBody, string? header, IReadOnlyList<string> appOrOaIds, IReadOnlyList<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(appOrOaIds);
        ArgumentNullException.ThrowIfNull(secrets);
        if (ParseHeader(header) is not { } claimed || ReadTimestamp(rawBody) is not { } timestamp)
        {
            return null;
        }

        var timestampBytes = Encoding.UTF8.GetBytes(timestamp);
        ZaloSignatureMatch? match = null;
        // Every pair is hashed and compared even after a match, so timing does not reveal which pair it was.
        for (var i = 0; i < appOrOaIds.Count; i++)
        {
            for (var s = 0; s < secrets.Count; s++)
            {
                var digest = Digest(appOrOaIds[i], rawBody, timestampBytes, secrets[s]);
                if (CryptographicOperations.FixedTimeEquals(digest, claimed) && match is null)
                {
                    match = new ZaloSignatureMatch(i, s);
                }
            }
        }

        return match;
    }

    private static byte[] Digest(string id, ReadOnlySpan<byte> rawBody, byte[] timestamp, string secret)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(id));
        hash.AppendData(rawBody);
        hash.AppendData(timestamp);
        hash.AppendData(Encoding.UTF8.GetBytes(secret));
        return hash.GetHashAndReset();
    }

    /// <summary>The 32 digest bytes the header claims, or null when it is not (optionally <c>mac=</c>-prefixed) 64 hex digits.</summary>
    private static byte[]? ParseHeader(string? header)
    {
        var value = header.AsSpan().Trim();
        if (value.StartsWith(MacPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var rest = value[MacPrefix.Length..].TrimStart();
            if (rest.StartsWith('='))
            {
                value = rest[1..].Trim();
            }
        }

        if (value.Length != SHA256.HashSizeInBytes * 2)
        {
            return null;
        }

        var bytes = new byte[SHA256.HashSizeInBytes];
        return Convert.FromHexString(value, bytes, out _, out _) == System.Buffers.OperationStatus.Done ? bytes : null;
    }

    /// <summary>The top-level <c>timestamp</c> as its text (a number keeps its literal digits), or null if absent or the JSON is malformed.</summary>
    private static string? ReadTimestamp(ReadOnlySpan<byte> rawBody)
    {
        try
        {
            var reader = new Utf8JsonReader(rawBody, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            string? timestamp = null;
            while (reader.Read())
            {
                if (reader.CurrentDepth != 1 || reader.TokenType != JsonTokenType.PropertyName || !reader.ValueTextEquals("timestamp"u8))
                {
                    continue;
                }

                reader.Read();
                timestamp ??= reader.TokenType switch
                {
                    JsonTokenType.String => reader.GetString(),
                    JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
                    _ => null,
                };
            }

            // Reading to the end makes a body that is broken after the timestamp count as malformed too.
            return timestamp;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
