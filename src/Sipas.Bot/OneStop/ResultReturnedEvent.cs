using System.Globalization;
using System.Text.Json;
using Sipas.Bot.Phones;
using Sipas.Data.Model;

namespace Sipas.Bot.OneStop;

/// <summary>A validated "dossier.result_returned" event (docs/design.md §4.1).</summary>
public sealed record ResultReturnedEvent(
    string EventId,
    DateTimeOffset? OccurredAt,
    string DossierCode,
    string? ProcedureCode,
    string? ProcedureName,
    string UnitCode,
    string? UnitName,
    DateTimeOffset? ReceivedAt,
    DateTimeOffset? DueAt,
    DateTimeOffset ReturnedAt,
    ReturnMethod? ReturnMethod,
    VietnamesePhone Phone,
    string? CitizenName,
    ChannelKind? PreferredChannel,
    string? OfficialCode)
{
    public const string Type = "dossier.result_returned";
    public static readonly TimeSpan MaxFutureSkew = TimeSpan.FromMinutes(5);

    /// <summary>Reads and validates the event; unknown fields are ignored. Errors are keyed by the JSON path of the field.</summary>
    public static ResultReturnedEvent? Parse(JsonElement root, DateTimeOffset now, out Dictionary<string, string[]> errors)
    {
        var reader = new FieldReader();
        var eventId = reader.String(root, "eventId", required: true, maxLength: 100);
        var type = reader.String(root, "type", required: true, maxLength: 100);
        if (type is not null && type != Type)
        {
            reader.Error("type", $"Only '{Type}' events are accepted.");
        }

        var occurredAt = reader.Instant(root, "occurredAt", required: false);
        var dossier = reader.Object(root, "dossier", required: true);
        var citizen = reader.Object(root, "citizen", required: true);

        string? code = null, procedureCode = null, procedureName = null, unitCode = null, unitName = null;
        DateTimeOffset? receivedAt = null, dueAt = null, returnedAt = null;
        ReturnMethod? returnMethod = null;
        if (dossier is { } d)
        {
            code = reader.String(d, "dossier.code", required: true, maxLength: 100);
            procedureCode = reader.String(d, "dossier.procedureCode", required: false, maxLength: 64);
            procedureName = reader.String(d, "dossier.procedureName", required: false, maxLength: 500);
            unitCode = reader.String(d, "dossier.unitCode", required: true, maxLength: 64);
            unitName = reader.String(d, "dossier.unitName", required: false, maxLength: 300);
            receivedAt = reader.Instant(d, "dossier.receivedAt", required: false);
            dueAt = reader.Instant(d, "dossier.dueAt", required: false);
            returnedAt = reader.Instant(d, "dossier.returnedAt", required: true);
            if (returnedAt > now + MaxFutureSkew)
            {
                reader.Error("dossier.returnedAt", "The result cannot have been returned in the future.");
            }

            returnMethod = reader.String(d, "dossier.returnMethod", required: false, maxLength: 16) switch
            {
                null => null,
                "counter" => Data.Model.ReturnMethod.Counter,
                "post" => Data.Model.ReturnMethod.Post,
                "online" => Data.Model.ReturnMethod.Online,
                _ => reader.Error<ReturnMethod?>("dossier.returnMethod", "Must be counter, post or online."),
            };
        }

        VietnamesePhone? phone = null;
        string? name = null;
        ChannelKind? preferred = null;
        if (citizen is { } c)
        {
            var rawPhone = reader.String(c, "citizen.phone", required: true, maxLength: 32);
            if (rawPhone is not null)
            {
                phone = VietnamesePhone.TryParse(rawPhone)
                    ?? reader.Error<VietnamesePhone?>("citizen.phone", "Not a valid Vietnamese phone number (e.g. 0912345678 or +84912345678).");
            }

            name = reader.String(c, "citizen.name", required: false, maxLength: 200);
            preferred = reader.String(c, "citizen.preferredChannel", required: false, maxLength: 16) switch
            {
                null => null,
                "sms" => ChannelKind.Sms,
                "zalo" => ChannelKind.Zalo,
                "telegram" => ChannelKind.Telegram,
                _ => reader.Error<ChannelKind?>("citizen.preferredChannel", "Must be sms, zalo, telegram or null."),
            };
        }

        var officialCode = reader.String(root, "officialCode", required: false, maxLength: 64);
        errors = reader.Errors;
        if (errors.Count > 0)
        {
            return null;
        }

        return new ResultReturnedEvent(
            eventId!, occurredAt, code!, procedureCode, procedureName, unitCode!, unitName, receivedAt, dueAt, returnedAt!.Value,
            returnMethod, phone!, name, preferred, officialCode);
    }

    private sealed class FieldReader
    {
        public Dictionary<string, string[]> Errors { get; } = new(StringComparer.Ordinal);

        public void Error(string field, string message) => Errors[field] = [message];

        public T? Error<T>(string field, string message)
        {
            Error(field, message);
            return default;
        }

        public JsonElement? Object(JsonElement parent, string path, bool required)
        {
            if (!TryGet(parent, path, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return required ? Error<JsonElement?>(path, "Required.") : null;
            }

            return value.ValueKind == JsonValueKind.Object ? value : Error<JsonElement?>(path, "Must be an object.");
        }

        public string? String(JsonElement parent, string path, bool required, int maxLength)
        {
            if (!TryGet(parent, path, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return required ? Error<string>(path, "Required.") : null;
            }

            if (value.ValueKind != JsonValueKind.String)
            {
                return Error<string>(path, "Must be a string.");
            }

            var text = value.GetString()!.Trim();
            if (text.Length == 0)
            {
                return required ? Error<string>(path, "Must not be empty.") : null;
            }

            return text.Length > maxLength ? Error<string>(path, $"Must be at most {maxLength} characters.") : text;
        }

        public DateTimeOffset? Instant(JsonElement parent, string path, bool required)
        {
            var text = String(parent, path, required, maxLength: 40);
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

            return instant;
        }

        private static bool TryGet(JsonElement parent, string path, out JsonElement value) =>
            parent.TryGetProperty(path[(path.LastIndexOf('.') + 1)..], out value);
    }
}
