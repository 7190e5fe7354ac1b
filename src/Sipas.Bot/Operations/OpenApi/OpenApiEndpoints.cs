using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Sipas.Bot.Staff;

namespace Sipas.Bot.Operations.OpenApi;

/// <summary>
/// `/openapi/v1.json`: the document ASP.NET Core builds from the mapped endpoints and their metadata (each feature
/// describes its own endpoints where it maps them), plus what endpoint metadata cannot say: the health probes and
/// the rule that every error of the API is problem+json.
/// </summary>
public static class OpenApiEndpoints
{
    public const string DocumentName = "v1";
    public const string DocumentPath = "/openapi/v1.json";
    public const string ProblemContentType = "application/problem+json";

    public static IServiceCollection AddSipasOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, options => options.AddDocumentTransformer(DescribeAsync).AddSchemaTransformer(AllowedValuesAsEnum));

    public static IEndpointRouteBuilder MapSipasOpenApi(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").Public("public description of the API; no data");
        return app;
    }

    private static Task DescribeAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Sipas",
            Version = DocumentName,
            Description = "Citizen-satisfaction surveys (SIPAS) for one-stop public-service offices: the one-stop event webhook, " +
                "the index, the development phone and the health probes. Every error answer of the API is RFC 9457 problem+json.",
        };
        document.Paths ??= [];
        document.Paths[OperationsEndpoints.LivePath] = HealthPath("Liveness: the process answers HTTP. Touches nothing else.", canBeUnhealthy: false);
        document.Paths[OperationsEndpoints.ReadyPath] = HealthPath("Readiness: the database is reachable with every migration applied, and the job storage is reachable.", canBeUnhealthy: true);

        foreach (var (path, item) in document.Paths)
        {
            if (!path.StartsWith("/api/", StringComparison.Ordinal) || item.Operations is null)
            {
                continue;
            }

            foreach (var operation in item.Operations.Values)
            {
                operation.Responses ??= [];
                operation.Responses.TryAdd("default", new OpenApiResponse
                {
                    Description = "Any other error, as problem+json (e.g. 404 for an unknown path, 500 for an unexpected failure).",
                    Content = new Dictionary<string, OpenApiMediaType> { [ProblemContentType] = new() { Schema = ProblemSchema(document) } },
                });
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>`[AllowedValues]` on a property becomes the schema's `enum`, so clients see e.g. counter/post/online.</summary>
    private static Task AllowedValuesAsEnum(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        var allowed = context.JsonPropertyInfo?.AttributeProvider?.GetCustomAttributes(typeof(AllowedValuesAttribute), inherit: true)
            .OfType<AllowedValuesAttribute>().FirstOrDefault();
        if (allowed is not null)
        {
            schema.Enum = [.. allowed.Values.Select(v => v is null ? JsonValue.Create((string?)null)! : JsonValue.Create(v.ToString())!)];
        }

        return Task.CompletedTask;
    }

    private static OpenApiPathItem HealthPath(string summary, bool canBeUnhealthy)
    {
        var responses = new OpenApiResponses { ["200"] = HealthResponse("Healthy.") };
        if (canBeUnhealthy)
        {
            responses["503"] = HealthResponse("Unhealthy: the checks say which part is not usable.");
        }

        return new OpenApiPathItem
        {
            Operations = new Dictionary<HttpMethod, OpenApiOperation>
            {
                [HttpMethod.Get] = new()
                {
                    Summary = summary,
                    Tags = new HashSet<OpenApiTagReference> { new("Operations") },
                    Responses = responses,
                },
            },
        };
    }

    private static OpenApiResponse HealthResponse(string description) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["application/json"] = new()
            {
                Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["status"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("Healthy"), JsonValue.Create("Degraded"), JsonValue.Create("Unhealthy")] },
                        ["checks"] = new OpenApiSchema
                        {
                            Type = JsonSchemaType.Object,
                            Description = "One entry per check (database, hangfire-storage) with its status and description.",
                        },
                    },
                },
            },
        },
    };

    /// <summary>The ProblemDetails component when an endpoint already declared one, else the same shape inline.</summary>
    private static IOpenApiSchema ProblemSchema(OpenApiDocument document) =>
        document.Components?.Schemas?.ContainsKey("ProblemDetails") == true
            ? new OpenApiSchemaReference("ProblemDetails", document)
            : new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["type"] = new OpenApiSchema { Type = JsonSchemaType.String },
                    ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
                    ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer },
                    ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String },
                    ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String },
                },
            };
}
