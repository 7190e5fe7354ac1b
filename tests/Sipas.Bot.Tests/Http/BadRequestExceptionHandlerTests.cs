using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Sipas.Bot.Http;

namespace Sipas.Bot.Tests.Http;

/// <summary>The app-wide handler: wherever Kestrel's or the framework's bad-request exception escapes, its status becomes a problem.</summary>
public sealed class BadRequestExceptionHandlerTests
{
    private static ServiceProvider Services() => new ServiceCollection().AddLogging().AddSipasProblems().BuildServiceProvider();

    [Theory]
    [InlineData(400, "urn:sipas:problem:malformed-request")]
    [InlineData(408, "urn:sipas:problem:request-timeout")]
    [InlineData(413, "urn:sipas:problem:body-too-large")]
    public async Task BadHttpRequestException_BecomesAProblemWithItsStatus(int status, string type)
    {
        await using var services = Services();
        var handler = Assert.Single(services.GetServices<IExceptionHandler>().OfType<BadRequestExceptionHandler>());
        var context = new DefaultHttpContext { RequestServices = services };
        context.Response.Body = new MemoryStream();

        var handled = await handler.TryHandleAsync(context, new BadHttpRequestException("Bad chunk size data.", status), CancellationToken.None);

        Assert.True(handled);
        Assert.Equal(status, context.Response.StatusCode);
        Assert.StartsWith("application/problem+json", context.Response.ContentType, StringComparison.Ordinal);
        context.Response.Body.Position = 0;
        var problem = (await JsonNode.ParseAsync(context.Response.Body))!;
        Assert.Equal(type, (string)problem["type"]!);
        Assert.Equal(status, (int)problem["status"]!);
        Assert.DoesNotContain("chunk", problem.ToJsonString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task OtherExceptions_AreLeftToTheDefaultHandler()
    {
        await using var services = Services();
        var handler = services.GetServices<IExceptionHandler>().OfType<BadRequestExceptionHandler>().Single();

        Assert.False(await handler.TryHandleAsync(new DefaultHttpContext { RequestServices = services }, new InvalidOperationException(), CancellationToken.None));
    }
}
