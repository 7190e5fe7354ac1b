using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Sipas.Bot.Channels.Twilio;

/// <summary>
/// The <c>X-Twilio-Signature</c> check (docs/channels.md §1.6), written by hand so that no Twilio SDK is needed:
/// base64(HMAC-SHA1(auth token, URL + every form field's name and value, sorted by name)).
/// </summary>
public static class TwilioSignature
{
    private const string BodyHashParameter = "bodySHA256";

    /// <summary>
    /// The signature Twilio sends for a form POST to <paramref name="url"/>. The URL is used exactly as given (scheme,
    /// host case, port and raw query string all count). Fields are sorted by name in ordinal order; a name that occurs
    /// more than once contributes each distinct value, sorted ordinal, as Twilio's Python library does.
    /// </summary>
    /// <param name="authToken">The account's auth token, the HMAC key.</param>
    /// <param name="url">The full URL Twilio requested, with its still URL-encoded query string.</param>
    /// <param name="formParameters">Every received form field, URL-decoded; Twilio adds fields without notice, so never a fixed list.</param>
    [SuppressMessage("Security", "CA5350:Do Not Use Weak Cryptographic Algorithms", Justification = "Twilio defines the signature as HMAC-SHA1; we only verify it.")]
    public static string Compute(string authToken, string url, IEnumerable<KeyValuePair<string, string>> formParameters)
    {
        ArgumentNullException.ThrowIfNull(authToken);
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(formParameters);

        var signed = new StringBuilder(url);
        foreach (var (name, value) in formParameters
                     .Select(p => (p.Key, p.Value))
                     .Distinct()
                     .OrderBy(p => p.Key, StringComparer.Ordinal)
                     .ThenBy(p => p.Value, StringComparer.Ordinal))
        {
            signed.Append(name).Append(value);
        }

        var mac = HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(signed.ToString()));
        return Convert.ToBase64String(mac);
    }

    /// <summary>
    /// Whether <paramref name="signatureHeader"/> is Twilio's signature of a form POST to <paramref name="url"/>.
    /// Like Twilio's own libraries it accepts the signature of the URL without its port and of the URL with its port
    /// (the default :443/:80 added when none is given), because Twilio does not sign consistently either way.
    /// Missing or empty header → false. The comparison is constant-time.
    /// </summary>
    public static bool IsValid(string authToken, string url, IEnumerable<KeyValuePair<string, string>> formParameters, string? signatureHeader)
    {
        ArgumentNullException.ThrowIfNull(formParameters);
        if (string.IsNullOrEmpty(signatureHeader))
        {
            return false;
        }

        var fields = formParameters.ToList();
        return MatchesEitherPortVariant(authToken, url, fields, signatureHeader);
    }

    /// <summary>
    /// Whether a webhook with a JSON body is genuine: Twilio puts <c>bodySHA256</c> (lower-hex SHA-256 of the raw body)
    /// in the URL's query and signs the URL alone, with no form fields. Both the signature (with the same port variants
    /// as <see cref="IsValid"/>) and the body hash must match; a URL without <c>bodySHA256</c> is never valid.
    /// </summary>
    /// <param name="authToken">The account's auth token.</param>
    /// <param name="url">The full URL Twilio requested, including <c>bodySHA256</c>.</param>
    /// <param name="body">The raw request body, exactly as received.</param>
    /// <param name="signatureHeader">The <c>X-Twilio-Signature</c> header.</param>
    public static bool IsValidJsonBody(string authToken, string url, ReadOnlySpan<byte> body, string? signatureHeader)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (string.IsNullOrEmpty(signatureHeader) || QueryValue(url, BodyHashParameter) is not { } claimedHash)
        {
            return false;
        }

        var actualHash = Convert.ToHexStringLower(SHA256.HashData(body));
        var bodyMatches = FixedTimeEquals(actualHash, claimedHash);
        var signatureMatches = MatchesEitherPortVariant(authToken, url, [], signatureHeader);
        return bodyMatches & signatureMatches;
    }

    private static bool MatchesEitherPortVariant(string authToken, string url, IReadOnlyList<KeyValuePair<string, string>> fields, string signatureHeader)
    {
        var (withoutPort, withPort) = PortVariants(url);
        // Both are computed and compared so the time taken does not depend on which variant matched.
        var first = FixedTimeEquals(Compute(authToken, withoutPort, fields), signatureHeader);
        var second = FixedTimeEquals(Compute(authToken, withPort, fields), signatureHeader);
        return first | second;
    }

    /// <summary>
    /// The URL with any port removed, and the URL with its explicit port kept or the scheme's default added, as in
    /// twilio-python's <c>remove_port</c>/<c>add_port</c>. User info (<c>user:pass@</c>) is kept in both.
    /// </summary>
    internal static (string WithoutPort, string WithPort) PortVariants(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            return (url, url);
        }

        var authorityStart = schemeEnd + 3;
        var authorityEnd = url.IndexOfAny(['/', '?', '#'], authorityStart);
        if (authorityEnd < 0)
        {
            authorityEnd = url.Length;
        }

        var hostStart = url.LastIndexOf('@', authorityEnd - 1, authorityEnd - authorityStart) + 1;
        if (hostStart == 0)
        {
            hostStart = authorityStart;
        }

        // An IPv6 literal has colons of its own; a port can only follow its closing bracket.
        var searchFrom = hostStart;
        if (url[hostStart..authorityEnd].StartsWith('['))
        {
            var bracket = url.IndexOf(']', hostStart, authorityEnd - hostStart);
            searchFrom = bracket < 0 ? authorityEnd : bracket;
        }

        var colon = url.IndexOf(':', searchFrom, authorityEnd - searchFrom);
        if (colon >= 0)
        {
            return (url.Remove(colon, authorityEnd - colon), url);
        }

        var defaultPort = url.AsSpan(0, schemeEnd).Equals("https", StringComparison.OrdinalIgnoreCase) ? ":443" : ":80";
        return (url, url.Insert(authorityEnd, defaultPort));
    }

    private static string? QueryValue(string url, string name)
    {
        var queryStart = url.IndexOf('?', StringComparison.Ordinal);
        if (queryStart < 0)
        {
            return null;
        }

        var fragment = url.IndexOf('#', queryStart);
        var query = url[(queryStart + 1)..(fragment < 0 ? url.Length : fragment)];
        foreach (var pair in query.Split('&'))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && pair.AsSpan(0, equals).SequenceEqual(name))
            {
                return Uri.UnescapeDataString(pair[(equals + 1)..]);
            }
        }

        return null;
    }

    private static bool FixedTimeEquals(string expected, string actual) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(actual));
}
