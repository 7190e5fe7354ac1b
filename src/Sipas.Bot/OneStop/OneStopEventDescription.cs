using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.OpenApi;

namespace Sipas.Bot.OneStop;

/// <summary>
/// How `POST /api/v1/one-stop/events` appears in /openapi/v1.json (docs/design.md §4.1). The handler reads the raw
/// bytes (the signature covers them), so the body, the signing headers and every answer are declared here.
/// </summary>
public static class OneStopEventDescription
{
    public static RouteHandlerBuilder DescribeOneStopEvent(this RouteHandlerBuilder endpoint) => endpoint
        .WithTags("One-stop")
        .WithSummary("Receive a signed \"result returned\" event")
        .WithDescription(
            "A one-stop system posts one event each time a dossier's result is handed back. The body is signed: " +
            $"{OneStopSignature.SignatureHeader} = sha256= + lowercase hex of HMAC-SHA256(secret, \"{{timestamp}}.{{raw body bytes}}\"), " +
            $"with the Unix-seconds timestamp of {OneStopSignature.TimestampHeader} (at most 300 s from the server clock). " +
            $"The body is at most {OneStopEndpoints.MaxBodyBytes / 1024} KiB of UTF-8 JSON; unknown fields are ignored. " +
            "One dossier gets at most one invitation, whatever the number of events about it.")
        .Produces<OneStopEndpoints.EventAnswer>(StatusCodes.Status202Accepted)
        .Produces<OneStopEndpoints.EventAnswer>(StatusCodes.Status200OK)
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
        .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
        .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
        .AddOpenApiOperationTransformer(async (operation, context, ct) =>
        {
            // Declared here rather than with Accepts<T>(): that metadata would make routing answer a wrong content
            // type itself, before the handler's own 415 problem.
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = "The event, UTF-8 JSON; the signature covers these exact bytes.",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(ResultReturnedBody), parameterDescription: null, ct) },
                },
            };
            operation.Parameters ??= [];
            operation.Parameters.Add(Header(OneStopSignature.SourceHeader, "The sending system's code, as configured or added with `source add`.", pattern: null));
            operation.Parameters.Add(Header(OneStopSignature.TimestampHeader, "Unix seconds when the event was signed; refused when more than 300 s from the server clock.", "^[0-9]+$"));
            operation.Parameters.Add(Header(OneStopSignature.SignatureHeader, "sha256= + lowercase hex of HMAC-SHA256(secret, \"{timestamp}.{raw body}\").", "^sha256=[0-9a-f]{64}$"));
            Describe(operation, "202", "A new event: its dossier and invitation are stored (status scheduled, or skipped with a reason).");
            Describe(operation, "200", "A repeat of an event already received with the same body: the same answer again.");
            Describe(operation, "400", "The body is not UTF-8 JSON, or not a JSON object.");
            Describe(operation, "401", "Missing or bad signature, unknown source, or a stale timestamp. Nothing is stored.");
            Describe(operation, "409", "This eventId was already received from this source with a different body.");
            Describe(operation, "413", $"The body is longer than {OneStopEndpoints.MaxBodyBytes / 1024} KiB.");
            Describe(operation, "415", "The content type is not application/json (UTF-8).");
            Describe(operation, "422", "Invalid fields; `errors` maps each field's JSON path (e.g. citizen.phone) to its messages.");
        });

    private static OpenApiParameter Header(string name, string description, string? pattern) => new()
    {
        Name = name,
        In = ParameterLocation.Header,
        Required = true,
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = pattern },
    };

    private static void Describe(Microsoft.OpenApi.OpenApiOperation operation, string status, string description)
    {
        if (operation.Responses?.TryGetValue(status, out var response) == true && response is OpenApiResponse concrete)
        {
            concrete.Description = description;
        }
    }

    /// <summary>The event body as documented; <see cref="ResultReturnedEvent.Parse"/> is what reads and validates it.</summary>
    public sealed record ResultReturnedBody(
        [property: Required, MaxLength(100), Description("The sender's id of this event; a repeat with the same id and body is answered 200.")] string EventId,
        [property: Required, AllowedValues(ResultReturnedEvent.Type), Description("Always dossier.result_returned.")] string Type,
        [property: Required] DossierBody Dossier,
        [property: Required] CitizenBody Citizen,
        [property: Description("When the event happened, ISO 8601 with an offset.")] DateTimeOffset? OccurredAt = null,
        [property: MaxLength(64), Description("Code of the official who handled the dossier.")] string? OfficialCode = null);

    public sealed record DossierBody(
        [property: Required, MaxLength(100), Description("The dossier's code; one dossier gets at most one invitation.")] string Code,
        [property: Required, MaxLength(64), Description("Code of the unit that handled the dossier; an unknown code is recorded and flagged.")] string UnitCode,
        [property: Required, Description("When the result was handed back, ISO 8601 with an offset, not in the future.")] DateTimeOffset ReturnedAt,
        [property: MaxLength(64), Description("National code of the administrative procedure; an unknown code is recorded and flagged.")] string? ProcedureCode = null,
        [property: MaxLength(500)] string? ProcedureName = null,
        [property: MaxLength(300)] string? UnitName = null,
        DateTimeOffset? ReceivedAt = null,
        DateTimeOffset? DueAt = null,
        [property: AllowedValues("counter", "post", "online", null)] string? ReturnMethod = null);

    public sealed record CitizenBody(
        [property: Required, MaxLength(32), Description("A Vietnamese phone in any common form (0912345678, 84912345678, +84 912 345 678); stored encrypted.")] string Phone,
        [property: MaxLength(200), Description("Stored encrypted.")] string? Name = null,
        [property: AllowedValues("sms", "zalo", "telegram", null)] string? PreferredChannel = null);
}
