using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Sipas.Bot.OneStop;
using Sipas.Bot.Tests.Support;

namespace Sipas.Bot.Tests.Operations;

public sealed class OpenApiTests : IAsyncLifetime
{
    /// <summary>Every field of the sample must be documented, and every documented required field present.</summary>
    private static readonly JsonSerializerOptions StrictJson = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
    };

    private SipasFactory _factory = null!;
    private JsonObject _document = null!;

    public async Task InitializeAsync()
    {
        _factory = await SipasFactory.StartAsync(new Dictionary<string, string?> { ["Channels:Simulator:Enabled"] = "true" });
        using var client = _factory.CreateClient();
        _document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!.AsObject();
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public void Document_DescribesEveryMappedApiEndpoint_AndNothingThatIsNotMapped()
    {
        var endpoints = _factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Path: "/" + e.RoutePattern.RawText!.TrimStart('/'), Methods: e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods))
            .ToList();
        var documented = Operations().Select(o => (o.Path, o.Method)).ToHashSet();

        var apiEndpoints = endpoints.Where(e => e.Path.StartsWith("/api/", StringComparison.Ordinal)).ToList();
        Assert.Contains(apiEndpoints, e => e.Path == "/api/v1/dev/messages");
        foreach (var (path, methods) in apiEndpoints)
        {
            foreach (var method in methods ?? [])
            {
                Assert.True(documented.Contains((path, method)), $"{method} {path} is mapped but not in /openapi/v1.json");
            }
        }

        foreach (var (path, method) in documented)
        {
            Assert.True(
                endpoints.Any(e => e.Path == path && (e.Methods is null || e.Methods.Contains(method))),
                $"{method} {path} is in /openapi/v1.json but no endpoint answers it");
        }
    }

    [Fact]
    public void ProblemAnswers_AreDeclaredAsProblemJson()
    {
        foreach (var (path, method, operation) in Operations().Where(o => o.Path.StartsWith("/api/", StringComparison.Ordinal)))
        {
            var responses = operation["responses"]!.AsObject();
            Assert.True(responses.ContainsKey("default"), $"{method} {path} has no default (problem) answer");
            foreach (var (status, response) in responses.Where(r => r.Key == "default" || int.Parse(r.Key, System.Globalization.CultureInfo.InvariantCulture) >= 400))
            {
                var types = response!["content"]!.AsObject().Select(c => c.Key).ToList();
                Assert.True(types.SequenceEqual(["application/problem+json"]), $"{method} {path} {status} is {string.Join(", ", types)}");
            }
        }
    }

    [Fact]
    public void OneStopEvent_DeclaresItsSigningHeaders_ItsBody_AndEveryAnswer()
    {
        var operation = Operation("/api/v1/one-stop/events", "POST");

        var headers = operation["parameters"]!.AsArray().Where(p => (string)p!["in"]! == "header").ToDictionary(p => (string)p!["name"]!, p => (bool)p!["required"]!);
        Assert.Equal(
            new Dictionary<string, bool> { [OneStopSignature.SourceHeader] = true, [OneStopSignature.TimestampHeader] = true, [OneStopSignature.SignatureHeader] = true },
            headers);
        Assert.Equal(
            ["200", "202", "400", "401", "409", "413", "415", "422", "default"],
            operation["responses"]!.AsObject().Select(r => r.Key).Order());

        var body = Schema(operation["requestBody"]!["content"]!["application/json"]!["schema"]!);
        Assert.Equal(["citizen", "dossier", "eventId", "type"], body["required"]!.AsArray().Select(r => (string)r!).Order());
        var dossier = Schema(body["properties"]!["dossier"]!);
        Assert.Equal(["code", "returnedAt", "unitCode"], dossier["required"]!.AsArray().Select(r => (string)r!).Order());
        Assert.Equal(["counter", "post", "online", null], dossier["properties"]!["returnMethod"]!["enum"]!.AsArray().Select(v => (string?)v));
        Assert.Equal(100, (int)body["properties"]!["eventId"]!["maxLength"]!);
    }

    [Fact]
    public void TheSampleEvent_FitsTheDocumentedBody()
    {
        var body = JsonSerializer.Deserialize<OneStopEventDescription.ResultReturnedBody>(Fixtures.Text("OneStop/result-returned.json"), StrictJson);

        Assert.Equal("counter", body!.Dossier.ReturnMethod);
    }

    [Fact]
    public void Index_DeclaresItsQueryParameters_AndItsProblems()
    {
        var operation = Operation("/api/v1/index", "GET");

        var parameters = operation["parameters"]!.AsArray().ToDictionary(p => (string)p!["name"]!, p => (bool?)p!["required"] ?? false);
        Assert.Equal(new Dictionary<string, bool> { ["unit"] = true, ["from"] = false, ["to"] = false, ["children"] = false }, parameters);
        Assert.Equal(["200", "400", "401", "403", "404", "default"], operation["responses"]!.AsObject().Select(r => r.Key).Order());
    }

    [Fact]
    public void EveryReference_PointsToADeclaredSchema()
    {
        var declared = _document["components"]!["schemas"]!.AsObject().Select(s => "#/components/schemas/" + s.Key).ToHashSet();
        var references = Descendants(_document).OfType<JsonObject>().Where(o => o.ContainsKey("$ref")).Select(o => (string)o["$ref"]!).ToList();

        Assert.NotEmpty(references);
        Assert.All(references, reference => Assert.Contains(reference, declared));
    }

    [Fact]
    public void HealthProbes_AreDescribed()
    {
        Assert.NotNull(Operation("/health/live", "GET"));
        Assert.Equal(["200", "503"], Operation("/health/ready", "GET")["responses"]!.AsObject().Select(r => r.Key).Order());
    }

    private IEnumerable<(string Path, string Method, JsonObject Operation)> Operations() =>
        _document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject()
            .Where(o => o.Key is "get" or "post" or "put" or "patch" or "delete" or "head" or "options")
            .Select(o => (path.Key, o.Key.ToUpperInvariant(), o.Value!.AsObject())));

    private static IEnumerable<JsonNode> Descendants(JsonNode node) => node switch
    {
        JsonObject o => o.Select(p => p.Value).OfType<JsonNode>().SelectMany(Descendants).Prepend(node),
        JsonArray a => a.OfType<JsonNode>().SelectMany(Descendants).Prepend(node),
        _ => [node],
    };

    private JsonObject Operation(string path, string method) => Operations().Single(o => o.Path == path && o.Method == method).Operation;

    private JsonObject Schema(JsonNode schema) => schema["$ref"] is { } reference
        ? _document["components"]!["schemas"]![((string)reference!).Split('/')[^1]]!.AsObject()
        : schema.AsObject();
}
