using System.Net;
using System.Text.Json.Nodes;

namespace Sipas.Bot.Tests.Support;

public static class ProblemAssert
{
    /// <summary>Checks an RFC 9457 problem answer with the status and one of our problem types, and returns its body.</summary>
    public static async Task<JsonObject> IsProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? because = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{because}: expected {(int)status}, got {(int)response.StatusCode} {text}");
        Assert.True("application/problem+json" == response.Content.Headers.ContentType?.MediaType, $"{because}: content type {response.Content.Headers.ContentType} {text}");
        var problem = JsonNode.Parse(text)!.AsObject();
        Assert.Equal((int)status, (int)problem["status"]!);
        Assert.StartsWith("urn:sipas:problem:", (string)problem["type"]!, StringComparison.Ordinal);
        return problem;
    }

    public static IReadOnlyList<string> ErrorKeys(JsonObject problem) =>
        problem["errors"] is JsonObject errors ? [.. errors.Select(e => e.Key).Order(StringComparer.Ordinal)] : [];
}
