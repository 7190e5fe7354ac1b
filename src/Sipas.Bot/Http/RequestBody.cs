using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Sipas.Bot.Http;

/// <summary>Either a value read from the request or the problem that answers it.</summary>
public readonly record struct Read<T>(T? Value, ProblemHttpResult? Problem)
    where T : class
{
    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Problem))]
    public bool Succeeded => Problem is null;

    public static implicit operator Read<T>(T value) => new(value, null);

    public static implicit operator Read<T>(ProblemHttpResult problem) => new(null, problem);
}

/// <summary>Reads request bodies with a size limit, turning everything the server or the client can get wrong into a problem.</summary>
public static class RequestBody
{
    public static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
        && (media.Charset.Length == 0 || media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase));

    public static ProblemHttpResult NotJson() =>
        Problems.Of(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "The body must be application/json (UTF-8).");

    public static ProblemHttpResult TooLarge(int maxBytes) =>
        Problems.Of(StatusCodes.Status413PayloadTooLarge, "body-too-large", $"The body must be at most {maxBytes / 1024} KiB.");

    /// <summary>A JSON body (415 otherwise), read as <see cref="ReadAsync"/> reads it: every public JSON endpoint starts here.</summary>
    public static async Task<Read<byte[]>> ReadJsonAsync(HttpRequest request, int maxBytes, CancellationToken ct) =>
        IsJson(request.ContentType) ? await ReadAsync(request, maxBytes, ct) : NotJson();

    /// <summary>
    /// Reads at most the limit (the rest is never buffered). A malformed chunked body or one arriving too slowly
    /// surfaces here as Kestrel's <see cref="BadHttpRequestException"/> and is answered with its status, not a 500.
    /// </summary>
    public static async Task<Read<byte[]>> ReadAsync(HttpRequest request, int maxBytes, CancellationToken ct)
    {
        if (request.ContentLength > maxBytes)
        {
            return TooLarge(maxBytes);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(maxBytes + 1);
        try
        {
            var length = 0;
            int read;
            while (length <= maxBytes && (read = await request.Body.ReadAsync(buffer.AsMemory(length, maxBytes + 1 - length), ct)) > 0)
            {
                length += read;
            }

            return length > maxBytes ? TooLarge(maxBytes) : buffer[..length];
        }
        catch (BadHttpRequestException ex)
        {
            return Problems.Of(ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Parses a body that must be one JSON object in UTF-8; the caller disposes the document.</summary>
    public static Read<JsonDocument> ParseObject(byte[] body)
    {
        if (!Utf8.IsValid(body))
        {
            return Problems.Of(StatusCodes.Status400BadRequest, "malformed-body", "The body is not valid UTF-8.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            return Problems.Of(StatusCodes.Status400BadRequest, "malformed-body", "The body is not valid JSON.", ex.Message);
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            return Problems.Of(StatusCodes.Status400BadRequest, "malformed-body", "The body must be a JSON object.");
        }

        return document;
    }
}
