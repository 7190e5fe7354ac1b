using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sipas.Bot.Tests.Channels.Twilio;
using Sipas.Bot.Tests.Support;
using Sipas.Data.Model;
using Sipas.Scheduler.Invitations;
using Sipas.Scheduler.Policy;
using Sipas.Testing;

namespace Sipas.Bot.Tests.Channels;

/// <summary>
/// A backlog due at once (a window's start) under a provider's rate limit: what the provider fake receives over HTTP,
/// and when, is what counts. Sends whose slot is further than a quarter of the claim lease are deferred to that slot
/// (recorded as rate-limit decisions), so the dispatcher does not hold its claims while the backlog drains.
/// </summary>
public sealed class SmoothingTests : IAsyncLifetime
{
    private const int Backlog = 100;
    private const double PerSecond = 20;
    private FakeTwilio _twilio = null!;
    private SipasFactory _factory = null!;

    public async Task InitializeAsync()
    {
        _twilio = await FakeTwilio.StartAsync();
        var settings = SipasFactory.SendAtOnce(_twilio.ServiceSettings(environmentStyle: false));
        settings["Channels:RateLimits:twilio"] = PerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Messages:SendTimeout"] = "00:00:01";
        // A quarter of a 2 s lease: a send waits at most 0.5 s for its slot while its invitation is claimed.
        settings["Scheduler:ClaimLease"] = "00:00:02";
        _factory = await SipasFactory.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _twilio.DisposeAsync();
    }

    [Fact]
    public async Task BacklogAtTheWindowsStart_IsSpreadOverBacklogOverRateSeconds_EachDeferredOnceToItsOwnSlot()
    {
        using var client = _factory.CreateClient();
        // One invitation first, so the sending path's start-up (JIT, the provider connection) is not in the measure.
        var warmUp = Fixtures.NewPhone();
        await _factory.InviteAsync(client, warmUp);
        Assert.Single(_twilio.Received);
        var phones = Enumerable.Range(0, Backlog).Select(_ => Fixtures.NewPhone()).Where(p => p != warmUp).Distinct().ToList();
        await Task.WhenAll(phones.Select(phone => SipasFactory.PostEventAsync(client, phone)));

        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            var backlog = await scope.ServiceProvider.GetRequiredService<BacklogEstimate>().ComputeAsync(CancellationToken.None);
            Assert.Equal(phones.Count, backlog.DueNow);
            Assert.Equal(TimeSpan.FromSeconds(phones.Count / PerSecond), backlog.ExpectedDrain);
        }

        // The first run sends while slots come within half a second of the claim and defers the rest to their slots,
        // rather than holding them while the backlog drains. How many it sends is not a property (a deferred invitation
        // whose slot passes during a long run goes out in it, so a busy machine's first run sends more); that the rest
        // waits on rate-limit decisions is, and the deferral count below says most were deferred.
        await _factory.DispatchAsync();
        var sentInFirstRun = _twilio.Received.Count - 1;
        Assert.True(sentInFirstRun >= 1, "the first run sent nothing");
        await using (var afterFirstRun = TestDatabase.Open(_factory.ConnectionString))
        {
            var waiting = await afterFirstRun.Invitations.Where(i => i.State == InvitationState.Scheduled).Select(i => i.Id).ToListAsync();
            Assert.Equal(phones.Count - sentInFirstRun, waiting.Count);
            var deferred = await afterFirstRun.InvitationDecisions.Where(d => d.Rule == DecisionRules.RateLimit).Select(d => d.InvitationId).ToListAsync();
            // Every invitation still waiting was deferred to its slot (one deferred early in the run may already have gone out on it).
            Assert.Subset(deferred.ToHashSet(), waiting.ToHashSet());
        }

        await Eventually.WaitForAsync(
            async () =>
            {
                await _factory.DispatchAsync();
                return _twilio.Received.Count;
            },
            received => received >= phones.Count + 1,
            TimeSpan.FromSeconds(60),
            "every invitation to reach the provider");

        var arrivals = _twilio.Received.Where(r => r.To != Fixtures.E164(warmUp)).OrderBy(r => r.At).ToList();
        Assert.Equal(phones.Select(Fixtures.E164).Order(), arrivals.Select(r => r.To).Order());
        var spread = arrivals[^1].At - arrivals[0].At;
        var ideal = TimeSpan.FromSeconds((phones.Count - 1) / PerSecond);
        // Never faster than the limit; slower only by the dispatcher's polling and a busy machine.
        Assert.True(spread >= ideal * 0.9 && spread <= (ideal * 2) + TimeSpan.FromSeconds(2), $"{phones.Count} sends spread over {spread.TotalSeconds:0.00} s; ≈{ideal.TotalSeconds:0.00} s expected");
        var twoSeconds = (int)(2 * PerSecond);
        for (var i = 0; i + twoSeconds < arrivals.Count; i++)
        {
            var span = arrivals[i + twoSeconds].At - arrivals[i].At;
            Assert.True(span >= TimeSpan.FromSeconds(1.8), $"{twoSeconds + 1} sends within {span.TotalMilliseconds:0} ms (limit {PerSecond}/s)");
        }

        await using var db = TestDatabase.Open(_factory.ConnectionString);
        var deferrals = await db.InvitationDecisions.AsNoTracking().Where(d => d.Rule == DecisionRules.RateLimit).ToListAsync();
        Assert.Empty(await db.InvitationDecisions.Where(d => d.Rule != DecisionRules.RateLimit).ToListAsync());
        Assert.True(deferrals.Count >= phones.Count / 2, $"only {deferrals.Count} rate-limit deferrals");
        Assert.Equal(deferrals.Count, deferrals.Select(d => d.InvitationId).Distinct().Count());
        Assert.All(deferrals, d =>
        {
            Assert.Equal(DecisionKind.Deferred, d.Kind);
            var parameters = JsonDocument.Parse(d.Parameters!).RootElement;
            Assert.Equal("twilio", parameters.GetProperty("provider").GetString());
            Assert.Equal(PerSecond, parameters.GetProperty("ratePerSecond").GetDouble());
            Assert.NotNull(d.DeferredUntil);
        });
        Assert.Equal(deferrals.Count, deferrals.Select(d => d.DeferredUntil).Distinct().Count());
        Assert.Equal(phones.Count + 1, await db.Invitations.CountAsync(i => i.State == InvitationState.Sent || i.State == InvitationState.Delivered));
    }
}
