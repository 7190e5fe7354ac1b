using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Sipas.Bot.Tests.Support;
using Sipas.Scheduler.Invitations;
using Sipas.Testing;

namespace Sipas.Bot.Tests.Operations;

/// <summary>
/// OpenTelemetry aggregates every meter named "Sipas" in the process, including those of other test hosts, so these
/// tests run alone (after the parallel ones) and their before/after differences are exact.
/// </summary>
[CollectionDefinition(nameof(MetricsTests), DisableParallelization = true)]
public sealed class MetricsCollection;

[Collection(nameof(MetricsTests))]
public sealed partial class MetricsTests : IAsyncLifetime
{
    private SipasFactory _factory = null!;

    public async Task InitializeAsync() => _factory = await SipasFactory.StartAsync(new Dictionary<string, string?>
    {
        ["Sipas:Metrics:LagProbeInterval"] = "00:00:00.200",
    });

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Metrics_AnswersInPrometheusTextFormat()
    {
        using var client = _factory.CreateClient();
        using var response = await client.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE sipas_dispatcher_lag_seconds gauge", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcceptedEvent_IncrementsTheEventsCounterByOne_AndABadSignatureCountsAsRejected()
    {
        using var client = _factory.CreateClient();
        var accepted = await CounterAsync(client, "accepted", 202);
        var rejected = await CounterAsync(client, "rejected", 401);

        using (var response = await OneStopClient.PostAsync(client, Fixtures.ResultReturned().ToJsonString()))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        using (var response = await OneStopClient.PostAsync(client, Fixtures.ResultReturned().ToJsonString(), secret: "wrong"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        // The exporter may serve a scrape cached for a moment; wait for a fresh one, then it must be exactly one more.
        Assert.Equal(accepted + 1, await Eventually.WaitForAsync(() => CounterAsync(client, "accepted", 202), v => v > accepted, TimeSpan.FromSeconds(10)));
        Assert.Equal(rejected + 1, await Eventually.WaitForAsync(() => CounterAsync(client, "rejected", 401), v => v > rejected, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task DispatcherLag_IsTheAgeOfTheOldestDueInvitationNotYetSent()
    {
        await using (var db = TestDatabase.Open(_factory.ConnectionString))
        {
            var seed = new Seed(db);
            var unit = await seed.UnitAsync();
            await seed.InvitationsAsync(unit, 2, DateTimeOffset.UtcNow.AddMinutes(-10));
            await seed.InvitationsAsync(unit, 1, DateTimeOffset.UtcNow.AddMinutes(30));
        }

        using var client = _factory.CreateClient();
        // This host serves the web role only, so nothing dispatches them: the lag is about ten minutes and growing.
        var lag = await Eventually.WaitForAsync(() => ValueAsync(client, "sipas_dispatcher_lag_seconds"), v => v >= 600, TimeSpan.FromSeconds(20));
        Assert.InRange(lag, 600, 700);
    }

    [Fact]
    public async Task SendingAnInvitation_AndAnAnswer_AreCountedByProviderAndTransition()
    {
        await using var factory = await SipasFactory.StartAsync(SipasFactory.SendAtOnce());
        using var client = factory.CreateClient();
        string[] accepted = ["provider=\"simulator\"", "outcome=\"accepted\""];
        string[] delivered = ["from=\"scheduled\"", "to=\"delivered\""];
        string[] started = ["from=\"delivered\"", "to=\"started\""];
        var before = (Sends: await ValueAsync(client, "sipas_messages_sends_total", accepted), Delivered: await ValueAsync(client, "sipas_invitations_transitions_total", delivered),
            Started: await ValueAsync(client, "sipas_invitations_transitions_total", started), Replies: await ValueAsync(client, "sipas_replies_received_total", "channel=\"simulator\""));

        using (var response = await OneStopClient.PostAsync(client, Fixtures.ResultReturned(phone: "0912345678").ToJsonString()))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        await factory.Services.GetRequiredService<InvitationDispatcher>().DispatchDueAsync(CancellationToken.None);
        await new SimulatedPhone(client, "0912345678").SendAsync("5");

        // The invitation and the reply to the answer: two accepted sends.
        Assert.Equal(before.Sends + 2, await Eventually.WaitForAsync(() => ValueAsync(client, "sipas_messages_sends_total", accepted), v => v >= before.Sends + 2, TimeSpan.FromSeconds(10)));
        Assert.Equal(before.Delivered + 1, await Eventually.WaitForAsync(() => ValueAsync(client, "sipas_invitations_transitions_total", delivered), v => v > before.Delivered, TimeSpan.FromSeconds(10)));
        Assert.Equal(before.Started + 1, await Eventually.WaitForAsync(() => ValueAsync(client, "sipas_invitations_transitions_total", started), v => v > before.Started, TimeSpan.FromSeconds(10)));
        Assert.Equal(before.Replies + 1, await Eventually.WaitForAsync(() => ValueAsync(client, "sipas_replies_received_total", "channel=\"simulator\""), v => v > before.Replies, TimeSpan.FromSeconds(10)));
    }

    private static Task<double> CounterAsync(HttpClient client, string outcome, int status) =>
        ValueAsync(client, "sipas_one_stop_events_total", $"outcome=\"{outcome}\",status=\"{status}\"");

    /// <summary>The value of one series in the scrape, 0 while it has never been recorded.</summary>
    /// <summary>The value of the series of <paramref name="name"/> whose labels contain every fragment, in any order.</summary>
    private static async Task<double> ValueAsync(HttpClient client, string name, params string[] labels)
    {
        var text = await client.GetStringAsync("/metrics");
        foreach (Match match in Series().Matches(text))
        {
            if (match.Groups["name"].Value == name && labels.All(label => match.Groups["labels"].Value.Contains(label, StringComparison.Ordinal)))
            {
                return double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    [GeneratedRegex("^(?<name>[a-z_]+)(\\{(?<labels>[^}]*)\\})? (?<value>\\S+)", RegexOptions.Multiline)]
    private static partial Regex Series();
}
