using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Sipas.Scheduler.Invitations;
using Sipas.Testing;

namespace Sipas.Bot.Tests.Support;

/// <summary>The real web host in-process, on its own fresh database. Settings go in before Program reads them.</summary>
public sealed class SipasFactory(string connectionString, IReadOnlyDictionary<string, string?>? settings = null, string environment = "Testing") : WebApplicationFactory<Program>
{
    public const string Source = "igate";
    public const string Secret = "igate-secret-for-tests";
    public const string SecondSecret = "igate-rotated-secret";

    public static async Task<SipasFactory> StartAsync(IReadOnlyDictionary<string, string?>? settings = null, string environment = "Testing")
    {
        var factory = new SipasFactory(await TestPostgres.CreateDatabaseAsync("bot"), settings, environment);
        factory.CreateClient().Dispose();
        return factory;
    }

    public string ConnectionString => connectionString;

    /// <summary>One run of the dispatcher, as the recurring job would make it: sends what is due now.</summary>
    public Task<int> DispatchAsync() => Services.GetRequiredService<InvitationDispatcher>().DispatchDueAsync(CancellationToken.None);

    /// <summary>Posts a one-stop event for <paramref name="phone"/>; it must be accepted. Returns its invitation's id.</summary>
    public static async Task<Guid> PostEventAsync(HttpClient client, string phone)
    {
        using var response = await OneStopClient.PostAsync(client, Fixtures.ResultReturned(phone: phone).ToJsonString());
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return Guid.Parse((string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["invitationId"]!);
    }

    /// <summary>Posts an event and runs the dispatcher, so the invitation has gone out (or failed) when it returns.</summary>
    public async Task<Guid> InviteAsync(HttpClient client, string phone)
    {
        var id = await PostEventAsync(client, phone);
        await DispatchAsync();
        return id;
    }

    /// <summary>Invitations due at once and sendable at any hour, so a test's dispatcher run sends what it just posted.</summary>
    public static Dictionary<string, string?> SendAtOnce(IEnumerable<KeyValuePair<string, string>>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Survey:DelayAfterReturn"] = "00:00:00",
            ["Survey:AllowedWindow:Start"] = "00:00",
            ["Survey:AllowedWindow:End"] = "24:00",
        };
        foreach (var (key, value) in more ?? [])
        {
            settings[key] = value;
        }

        return settings;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        var defaults = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Sipas"] = connectionString,
            ["Sipas:MigrateOnStart"] = "true",
            ["Sipas:PersonalDataKey"] = TestPostgres.PersonalDataKey,
            ["Sipas:Role"] = "web",
            ["OneStop:Sources:igate:Secrets:0"] = Secret,
            ["OneStop:Sources:igate:Secrets:1"] = SecondSecret,
            ["Survey:DelayAfterReturn"] = "00:30:00",
            ["Channels:Simulator:Enabled"] = "true",
            ["Sipas:PublicBaseUrl"] = "https://sipas.test",
            ["Logging:LogLevel:Default"] = "Warning",
            // Tests sign many accounts in from one address; the sign-in rate limit has its own test.
            ["Staff:SignInPermitsPerMinute"] = "1000",
            // Tests that send "now" must not wait for a real holiday on the day the suite runs; holiday tests add their own days.
            ["Survey:SeedHolidays"] = "false",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            defaults[key] = value;
        }

        foreach (var (key, value) in defaults)
        {
            builder.UseSetting(key, value);
        }
    }
}
