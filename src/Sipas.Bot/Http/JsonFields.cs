using System.Globalization;
using System.Text.Json;

namespace Sipas.Bot.Http;

/// <summary>
/// Reads fields of a JSON body, collecting one error per field keyed by its JSON path ("citizen.name"), so a
/// client learns every problem of a request at once. Every string goes through <see cref="ExternalText"/>.
/// </summary>
public sealed class JsonFields
{
    /// <summary>Instants outside this range are a sender's bug; refusing them keeps time arithmetic far from the type's limits.</summary>
    public static readonly DateTimeOffset EarliestInstant = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset LatestInstant = new(2100, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public Dictionary<string, string[]> Errors { get; } = new(StringComparer.Ordinal);

    public void Error(string field, string message) => Errors[field] = [message];

    public T? Error<T>(string field, string message)
    {
        Error(field, message);
        return default;
    }

    public JsonElement? Nested(JsonElement parent, string path, bool required)
    {
        if (!TryGet(parent, path, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return required ? Error<JsonElement?>(path, "Required.") : null;
        }

        return value.ValueKind == JsonValueKind.Object ? value : Error<JsonElement?>(path, "Must be an object.");
    }

    /// <summary>The trimmed string; null when absent, null or blank (an error when required) or invalid.</summary>
    public string? Text(JsonElement parent, string path, bool required, int maxLength, TextShape shape = TextShape.Line)
    {
        if (!TryGet(parent, path, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return required ? Error<string>(path, "Required.") : null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            return Error<string>(path, "Must be a string.");
        }

        string raw;
        try
        {
            raw = value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // An escaped unpaired surrogate ("\ud800") is valid JSON but not text: the reader refuses to decode it.
            return Error<string>(path, "Must not contain unpaired surrogates.");
        }

        var check = ExternalText.Check(raw, maxLength, shape);
        if (!check.IsValid)
        {
            return Error<string>(path, check.Error!);
        }

        if (check.Value is null)
        {
            return required ? Error<string>(path, "Must not be empty.") : null;
        }

        return check.Value;
    }

    public DateTimeOffset? Instant(JsonElement parent, string path, bool required)
    {
        var text = Text(parent, path, required, maxLength: 40);
        if (text is null)
        {
            return null;
        }

        // An instant without an offset is ambiguous between UTC and Vietnam time; refuse it rather than guess.
        var hasOffset = text.EndsWith('Z') || text.EndsWith('z') || (text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':');
        if (!hasOffset || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
        {
            return Error<DateTimeOffset?>(path, "Must be an ISO 8601 date-time with an offset, e.g. 2026-11-20T09:14:00+07:00.");
        }

        if (instant < EarliestInstant || instant >= LatestInstant)
        {
            return Error<DateTimeOffset?>(path, "Must be in the years 2000 to 2099.");
        }

        return instant;
    }

    private static bool TryGet(JsonElement parent, string path, out JsonElement value) =>
        parent.TryGetProperty(path[(path.LastIndexOf('.') + 1)..], out value);
}
