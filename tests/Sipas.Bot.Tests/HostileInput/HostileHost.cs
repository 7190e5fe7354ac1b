using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sipas.Bot.Tests.Support;
using Sipas.Data;
using Sipas.Testing;

namespace Sipas.Bot.Tests.HostileInput;

/// <summary>One host for a whole test class of hostile input, with the simulator on and every log entry captured.</summary>
public sealed class HostileHost : IAsyncLifetime
{
    private SipasFactory _factory = null!;
    private WebApplicationFactory<Program> _host = null!;

    public CapturedLogs Logs { get; } = new();

    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    /// <summary>
    /// False when this id was already used on this host: a generator can draw the same corpus item twice, and a
    /// repeated event id or message id is, by contract, a conflict or a duplicate rather than something new.
    /// </summary>
    public bool IsFirstUse(string kind, string id) => _seen.Add(kind + ":" + id);

    public HttpClient Client { get; private set; } = null!;

    public string ConnectionString => _factory.ConnectionString;

    public async Task InitializeAsync()
    {
        _factory = new SipasFactory(await TestPostgres.CreateDatabaseAsync("hostile"), new Dictionary<string, string?>
        {
            ["Channels:Simulator:Enabled"] = "true",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Sipas.Bot.OneStop.OneStopSignature"] = "Information",
        });
        _host = _factory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<ILoggerProvider>(Logs)));
        Client = _host.CreateClient();
        await StaffSessions.SignInSupervisorAsync(_host.Services, Client);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await _host.DisposeAsync();
        await _factory.DisposeAsync();
    }

    public SipasDbContext Db() => TestDatabase.Open(ConnectionString);

    public Task<IReadOnlyDictionary<string, long>> CountsAsync() => RowCounts.OfAsync(ConnectionString);

    /// <summary>An unhandled exception is logged at Error by the server even when a client sees a 4xx; none may have happened.</summary>
    public void AssertNothingFailed(string what)
    {
        var failures = Logs.AtLeast(LogLevel.Error);
        Assert.True(failures.Count == 0, $"{what}: the server logged {string.Join("; ", failures)}");
    }
}
