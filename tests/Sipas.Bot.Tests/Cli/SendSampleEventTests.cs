using Sipas.Bot.Tests.Support;

namespace Sipas.Bot.Tests.Cli;

public sealed class SendSampleEventTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string?> DevelopmentSecret = new() { ["OneStop:Sources:igate:Secrets:0"] = SipasFactory.Secret };
    private SipasFactory _factory = null!;

    public async Task InitializeAsync() => _factory = await SipasFactory.StartAsync();

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task SendSampleEvent_SignsAFreshSample_WithTheConfiguredSecret_AndPrintsTheAnswer()
    {
        var first = await SendAsync([], DevelopmentSecret);
        var second = await SendAsync([], DevelopmentSecret);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("HTTP 202 Accepted", first.Output, StringComparison.Ordinal);
        Assert.Contains("\"status\":\"scheduled\"", first.Output, StringComparison.Ordinal);
        // Each run is a new event about a new dossier, not a repeat of the first.
        Assert.Contains("HTTP 202 Accepted", second.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendSampleEvent_WithAWrongSecret_PrintsThe401_AndFails()
    {
        var result = await SendAsync(["--secret", "wrong"], DevelopmentSecret);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("HTTP 401", result.Output, StringComparison.Ordinal);
        Assert.Contains("urn:sipas:problem:unauthenticated", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--source", "nobody" }, "No secret for source 'nobody': pass --secret")]
    [InlineData(new[] { "--url", "ftp://example" }, "--url must be an absolute http or https address")]
    [InlineData(new[] { "--phone", "12345" }, "--phone '12345' is not a Vietnamese phone number")]
    public async Task SendSampleEvent_BadInput_SaysWhatIsWrong(string[] args, string expected)
    {
        var result = await SendAsync(args, DevelopmentSecret);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }

    private Task<CommandResult> SendAsync(string[] args, Dictionary<string, string?> settings) =>
        CommandRunner.RunAsync(
            _factory.ConnectionString,
            ["send-sample-event", .. args.Contains("--url") ? args : ["--url", "http://localhost", .. args]],
            settings,
            _factory.Server.CreateHandler());
}
