using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Sipas.Bot.Tests.Support;

namespace Sipas.Bot.Tests.Operations;

public sealed class HealthTests : IAsyncLifetime
{
    private SipasFactory _factory = null!;

    public async Task InitializeAsync() => _factory = await SipasFactory.StartAsync();

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Ready_ReportsDatabaseAndJobStorage()
    {
        using var client = _factory.CreateClient();
        var health = await client.GetFromJsonAsync<JsonObject>("/health/ready");

        Assert.Equal("Healthy", (string)health!["status"]!);
        Assert.Equal("Healthy", (string)health["checks"]!["database"]!["status"]!);
        Assert.Equal("Healthy", (string)health["checks"]!["hangfire-storage"]!["status"]!);
    }

    [Fact]
    public async Task Live_AnswersWithoutTouchingTheDatabase()
    {
        using var client = _factory.CreateClient();
        using var response = await client.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task UnknownPath_Returns404ProblemJson_NotAStackTrace()
    {
        using var client = _factory.CreateClient();
        using var response = await client.GetAsync("/api/v1/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
