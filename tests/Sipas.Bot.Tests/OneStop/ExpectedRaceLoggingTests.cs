using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sipas.Bot.Tests.Support;
using Sipas.Testing;

namespace Sipas.Bot.Tests.OneStop;

/// <summary>
/// A repeated event or reply is a unique violation the code expects and handles: it must not fill the log with
/// error-level stack traces from EF Core, though EF still reports it at Debug.
/// </summary>
public sealed class ExpectedRaceLoggingTests : IAsyncLifetime
{
    private readonly CapturedLogs _logs = new();
    private SipasFactory _factory = null!;
    private WebApplicationFactory<Program> _host = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _factory = new SipasFactory(await TestPostgres.CreateDatabaseAsync("races"), new Dictionary<string, string?>
        {
            ["Channels:Simulator:Enabled"] = "true",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        // EF's Debug entries go to the captured logs only, not to the console of the test run.
        _host = _factory.WithWebHostBuilder(b => b.ConfigureServices(s => s
            .AddSingleton<ILoggerProvider>(_logs)
            .AddLogging(l => l.AddFilter<CapturedLogs>("Microsoft.EntityFrameworkCore", LogLevel.Debug))));
        _client = _host.CreateClient();
        // Start-up says what it is told to (e.g. the simulator warning); the tests judge what requests log.
        _logs.Clear();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task RepeatedAndConcurrentEvents_LogNoErrorOrWarning_OnlyDebug()
    {
        var ev = Fixtures.ResultReturned();
        using (var first = await OneStopClient.PostAsync(_client, ev.ToJsonString()))
        using (var again = await OneStopClient.PostAsync(_client, ev.ToJsonString()))
        {
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        var copies = Fixtures.ResultReturned().ToJsonString();
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => OneStopClient.PostAsync(_client, copies)));
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK));
        foreach (var response in responses)
        {
            response.Dispose();
        }

        ev["officialCode"] = "CB-CHANGED";
        using (var conflict = await OneStopClient.PostAsync(_client, ev.ToJsonString()))
        {
            Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        }

        ev["eventId"] = (string)ev["eventId"]! + "-correction";
        using (var correction = await OneStopClient.PostAsync(_client, ev.ToJsonString()))
        {
            Assert.Equal(HttpStatusCode.Accepted, correction.StatusCode);
        }

        // The event path writes with Npgsql directly: its expected unique violations are caught, never logged.
        AssertNothingAtWarningOrAbove();
    }

    [Fact]
    public async Task RepeatedSimulatorReply_LogsNoErrorOrWarning()
    {
        var reply = new { phone = "0912000777", text = "5", messageId = "sim-race-" + Guid.NewGuid().ToString("N") };
        using (var first = await _client.PostAsJsonAsync("/api/v1/dev/messages", reply))
        using (var again = await _client.PostAsJsonAsync("/api/v1/dev/messages", reply))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        AssertOnlyDebugNoise();
    }

    private void AssertNothingAtWarningOrAbove()
    {
        var noisy = _logs.AtLeast(LogLevel.Warning);
        Assert.True(noisy.Count == 0, string.Join(Environment.NewLine, noisy));
    }

    /// <summary>The races happened (EF reported them at Debug) and nothing reached Warning or above.</summary>
    private void AssertOnlyDebugNoise()
    {
        AssertNothingAtWarningOrAbove();
        Assert.Contains(_logs.Entries, e => e.EventId.Id == CoreEventId.SaveChangesFailed.Id && e.Level == LogLevel.Debug);
        Assert.Contains(_logs.Entries, e => e.EventId.Id == RelationalEventId.CommandError.Id && e.Level == LogLevel.Debug);
    }
}
