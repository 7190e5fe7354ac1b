using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sipas.Bot.OneStop;
using Sipas.Bot.Tests.Support;
using Sipas.Testing;

namespace Sipas.Bot.Tests.Http;

/// <summary>
/// Real Kestrel on 127.0.0.1 and a raw socket: the in-process test server does not parse chunked encoding or time
/// out slow bodies, and these are exactly where the server used to answer 500.
/// </summary>
public sealed class MalformedRequestOverSocketTests(MalformedRequestOverSocketTests.Server server) : IClassFixture<MalformedRequestOverSocketTests.Server>
{
    private readonly Uri _server = server.Address;
    private readonly CapturedLogs _logs = server.Logs;
    private readonly string _connectionString = server.ConnectionString;

    /// <summary>The real host on Kestrel, on a free loopback port, shared by the class.</summary>
    public sealed class Server : IAsyncLifetime
    {
        private SipasFactory _factory = null!;
        private WebApplicationFactory<Program> _host = null!;

        public CapturedLogs Logs { get; } = new();

        public Uri Address { get; private set; } = null!;

        public string ConnectionString => _factory.ConnectionString;

        public async Task InitializeAsync()
        {
            _factory = new SipasFactory(await TestPostgres.CreateDatabaseAsync("socket"), new Dictionary<string, string?> { ["Channels:Simulator:Enabled"] = "true" });
            // "Request finished" entries tell a test when the server is done with a request nobody waits for.
            _host = _factory.WithWebHostBuilder(b => b.ConfigureServices(s => s
                .AddSingleton<ILoggerProvider>(Logs)
                .AddLogging(l => l.AddFilter<CapturedLogs>("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Information))));
            _host.UseKestrel(o =>
            {
                o.Listen(IPAddress.Loopback, 0);
                // The shortest grace Kestrel allows keeps the stalled-body tests to seconds; the rate is Kestrel's default.
                o.Limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 240, gracePeriod: TimeSpan.FromSeconds(2));
            });
            _host.StartServer();
            // Start-up says what it is told to (e.g. the simulator warning); the tests judge what requests log.
            Logs.Clear();
            Address = new Uri(_host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        }

        public async Task DisposeAsync()
        {
            await _host.DisposeAsync();
            await _factory.DisposeAsync();
        }
    }

    public static TheoryData<string> Paths() => [OneStopClient.Path, "/api/v1/dev/messages"];

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task MalformedChunkedBody_Returns400Problem_NotA500(string path)
    {
        var before = await RowCounts.OfAsync(_connectionString);

        var response = await RawHttp.SendAsync(
            _server, "POST", path, ["Content-Type: application/json", "Transfer-Encoding: chunked"], Encoding.ASCII.GetBytes("ZZZ\r\n{\"a\":1}\r\n0\r\n\r\n"), TimeSpan.FromSeconds(30));

        AssertProblem(response, HttpStatusCode.BadRequest);
        Assert.Equal(before, await RowCounts.OfAsync(_connectionString));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task BodyThatStopsHalfWay_Returns408Problem_WithinSeconds(string path)
    {
        var before = await RowCounts.OfAsync(_connectionString);
        var clock = Stopwatch.StartNew();

        var response = await RawHttp.SendAsync(
            _server, "POST", path, ["Content-Type: application/json", "Content-Length: 1000"], Encoding.ASCII.GetBytes("{\"eventId\": \"half"), TimeSpan.FromSeconds(30));

        AssertProblem(response, HttpStatusCode.RequestTimeout);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"answered after {clock.Elapsed}");
        Assert.Equal(before, await RowCounts.OfAsync(_connectionString));
    }

    [Fact]
    public async Task ChunkedBodyThatStopsHalfWay_Returns408Problem()
    {
        var response = await RawHttp.SendAsync(
            _server, "POST", OneStopClient.Path, ["Content-Type: application/json", "Transfer-Encoding: chunked"], Encoding.ASCII.GetBytes("400\r\n{\"eventId\": \"half"), TimeSpan.FromSeconds(30));

        AssertProblem(response, HttpStatusCode.RequestTimeout);
    }

    [Fact]
    public async Task ClientThatHangsUpMidBody_LeavesNothingBehind_AndNoErrorInTheLog()
    {
        var before = await RowCounts.OfAsync(_connectionString);
        var marker = "/api/v1/one-stop/events?hangup=" + Guid.NewGuid().ToString("N");

        await RawHttp.HangUpAsync(_server, "POST", marker, ["Content-Type: application/json", "Content-Length: 1000"], Encoding.ASCII.GetBytes("{\"eventId\": \"half"));

        await Eventually.WaitForAsync(
            () => Task.FromResult(_logs.Entries.Any(e => e.Message.Contains("Request finished", StringComparison.Ordinal) && e.Message.Contains(marker, StringComparison.Ordinal))),
            finished => finished,
            TimeSpan.FromSeconds(20),
            "the server to finish the abandoned request");
        Assert.Equal(before, await RowCounts.OfAsync(_connectionString));
        var failures = _logs.AtLeast(LogLevel.Warning);
        Assert.True(failures.Count == 0, string.Join("; ", failures));
    }

    [Fact]
    public async Task WellFormedChunkedEvent_IsAccepted()
    {
        var body = Encoding.UTF8.GetBytes(Fixtures.ResultReturned().ToJsonString());
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var chunked = Encoding.ASCII.GetBytes($"{body.Length:x}\r\n").Concat(body).Concat(Encoding.ASCII.GetBytes("\r\n0\r\n\r\n")).ToArray();

        var response = await RawHttp.SendAsync(
            _server,
            "POST",
            OneStopClient.Path,
            [
                "Content-Type: application/json", "Transfer-Encoding: chunked", $"{OneStopSignature.SourceHeader}: {SipasFactory.Source}",
                $"{OneStopSignature.TimestampHeader}: {ts}", $"{OneStopSignature.SignatureHeader}: {OneStopSignature.Sign(SipasFactory.Secret, ts, body)}",
            ],
            chunked,
            TimeSpan.FromSeconds(30));

        Assert.Equal(202, response.Status);
    }

    private void AssertProblem(RawHttp.Response response, HttpStatusCode status)
    {
        Assert.True((int)status == response.Status, $"{response.Status} {response.Body}");
        Assert.StartsWith("application/problem+json", response.Headers["Content-Type"], StringComparison.Ordinal);
        var problem = JsonNode.Parse(response.Body)!.AsObject();
        Assert.Equal((int)status, (int)problem["status"]!);
        Assert.StartsWith("urn:sipas:problem:", (string)problem["type"]!, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", response.Body, StringComparison.Ordinal);
        var failures = _logs.AtLeast(LogLevel.Error);
        Assert.True(failures.Count == 0, string.Join("; ", failures));
    }
}
