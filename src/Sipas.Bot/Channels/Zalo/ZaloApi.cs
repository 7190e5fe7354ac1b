using System.Net;
using System.Text.Json;

namespace Sipas.Bot.Channels.Zalo;

/// <summary>
/// What one call to a Zalo API came to. Zalo answers errors as <c>{"error": -124, "message": "…"}</c> with HTTP 200
/// (docs/channels.md §2.3), so a 200 is a success only when <c>error</c> is 0.
/// </summary>
public abstract record ZaloCall
{
    /// <summary>Nothing reached Zalo (connection refused, name not resolved): safe to try again.</summary>
    public sealed record Unreachable(string Error) : ZaloCall;

    /// <summary>The request may have reached Zalo but the answer was lost.</summary>
    public sealed record Lost(string Error) : ZaloCall;

    /// <param name="Error">Zalo's error code (0 on success), null when the body had none (not JSON, an HTML error page).</param>
    /// <param name="Data">The <c>data</c> object of the answer, when there is one.</param>
    public sealed record Answered(HttpStatusCode Status, int? Error, string Message, JsonElement? Data) : ZaloCall
    {
        public bool Succeeded => (int)Status is >= 200 and < 300 && Error == 0;

        public string Describe(string api) => $"Zalo {api} HTTP {(int)Status}{(Error is { } code ? $" error {code}" : "")}: {Message}";
    }
}

/// <summary>The HTTP side shared by the ZNS, OA, rating and token clients.</summary>
public static class ZaloApi
{
    public const string HttpClientName = "zalo";

    /// <summary>The access token was refused (ZNS -124, OA -216 invalid, -220 expired or removed): refresh once, then retry.</summary>
    public static readonly IReadOnlySet<int> TokenErrors = new HashSet<int> { -124, -216, -220 };

    /// <summary>Over the API rate limit (4,000 a minute per app): not executed, try later.</summary>
    public const int RateLimited = -32;

    public static async Task<ZaloCall> SendAsync(HttpClient client, HttpRequestMessage request, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, ct);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            return new ZaloCall.Unreachable($"Zalo unreachable: {ex.Message}");
        }
        catch (HttpRequestException ex)
        {
            return new ZaloCall.Lost($"Connection to Zalo lost mid-request: {ex.Message}");
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            return Read(response.StatusCode, body);
        }
    }

    public static ZaloCall.Answered Read(HttpStatusCode status, string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new ZaloCall.Answered(status, null, Cut(body), null);
            }

            int? error = root.TryGetProperty("error", out var e) ? ReadInt(e) : null;
            var message = root.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()!
                : root.TryGetProperty("error_description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()!
                : "no message";
            JsonElement? data = root.TryGetProperty("data", out var dataElement) && dataElement.ValueKind == JsonValueKind.Object ? dataElement.Clone() : null;
            return new ZaloCall.Answered(status, error, Cut(message), data);
        }
        catch (JsonException)
        {
            return new ZaloCall.Answered(status, null, Cut(body), null);
        }
    }

    /// <summary>Zalo sends numbers and ids sometimes as JSON numbers, sometimes as strings (docs/channels.md §2.1).</summary>
    public static int? ReadInt(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number when element.TryGetInt32(out var n) => n,
        JsonValueKind.String when int.TryParse(element.GetString(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var n) => n,
        _ => null,
    };

    public static long? ReadLong(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number when element.TryGetInt64(out var n) => n,
        JsonValueKind.String when long.TryParse(element.GetString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) => n,
        _ => null,
    };

    /// <summary>A string property, or a number's digits (ids arrive either way).</summary>
    public static string? ReadString(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;

    /// <summary>An epoch-milliseconds time as Zalo sends it (a string or a number).</summary>
    public static DateTimeOffset? ReadEpochMs(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && ReadLong(value) is { } ms && ms is > 0 and < 253402300799999
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : null;

    /// <summary>The transient answer to a transport failure or a retryable HTTP status.</summary>
    public static bool IsRetryableStatus(HttpStatusCode status) => status == HttpStatusCode.TooManyRequests || (int)status >= 500;

    private static string Cut(string text) => text.Length <= 300 ? text : text[..300];
}
