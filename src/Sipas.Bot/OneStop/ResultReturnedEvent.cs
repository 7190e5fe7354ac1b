using System.Text.Json;
using Sipas.Bot.Http;
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
        var reader = new JsonFields();
        var eventId = reader.Text(root, "eventId", required: true, maxLength: 100);
        var type = reader.Text(root, "type", required: true, maxLength: 100);
        if (type is not null && type != Type)
        {
            reader.Error("type", $"Only '{Type}' events are accepted.");
        }

        var occurredAt = reader.Instant(root, "occurredAt", required: false);
        var dossier = reader.Nested(root, "dossier", required: true);
        var citizen = reader.Nested(root, "citizen", required: true);

        string? code = null, procedureCode = null, procedureName = null, unitCode = null, unitName = null;
        DateTimeOffset? receivedAt = null, dueAt = null, returnedAt = null;
        ReturnMethod? returnMethod = null;
        if (dossier is { } d)
        {
            code = reader.Text(d, "dossier.code", required: true, maxLength: 100);
            procedureCode = reader.Text(d, "dossier.procedureCode", required: false, maxLength: 64);
            procedureName = reader.Text(d, "dossier.procedureName", required: false, maxLength: 500);
            unitCode = reader.Text(d, "dossier.unitCode", required: true, maxLength: 64);
            unitName = reader.Text(d, "dossier.unitName", required: false, maxLength: 300);
            receivedAt = reader.Instant(d, "dossier.receivedAt", required: false);
            dueAt = reader.Instant(d, "dossier.dueAt", required: false);
            returnedAt = reader.Instant(d, "dossier.returnedAt", required: true);
            if (returnedAt > now + MaxFutureSkew)
            {
                reader.Error("dossier.returnedAt", "The result cannot have been returned in the future.");
            }

            returnMethod = reader.Text(d, "dossier.returnMethod", required: false, maxLength: 16) switch
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
            var rawPhone = reader.Text(c, "citizen.phone", required: true, maxLength: 32);
            if (rawPhone is not null)
            {
                phone = VietnamesePhone.TryParse(rawPhone)
                    ?? reader.Error<VietnamesePhone?>("citizen.phone", "Not a valid Vietnamese phone number (e.g. 0912345678 or +84912345678).");
            }

            name = reader.Text(c, "citizen.name", required: false, maxLength: 200);
            preferred = reader.Text(c, "citizen.preferredChannel", required: false, maxLength: 16) switch
            {
                null => null,
                "sms" => ChannelKind.Sms,
                "zalo" => ChannelKind.Zalo,
                "telegram" => ChannelKind.Telegram,
                _ => reader.Error<ChannelKind?>("citizen.preferredChannel", "Must be sms, zalo, telegram or null."),
            };
        }

        var officialCode = reader.Text(root, "officialCode", required: false, maxLength: 64);
        errors = reader.Errors;
        if (errors.Count > 0)
        {
            return null;
        }

        return new ResultReturnedEvent(
            eventId!, occurredAt, code!, procedureCode, procedureName, unitCode!, unitName, receivedAt, dueAt, returnedAt!.Value,
            returnMethod, phone!, name, preferred, officialCode);
    }
}
