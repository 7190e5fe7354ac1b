using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sipas.Bot.Channels.Simulator;
using Sipas.Bot.Channels.Twilio;
using Sipas.Bot.Tests.Channels.Twilio;
using Sipas.Bot.Tests.Support;
using Sipas.Data.Model;
using Sipas.Scheduler.Invitations;
using Sipas.Testing;

namespace Sipas.Bot.Tests.Channels;

/// <summary>The simulator is a provider like the others: a deployment can send by SMS for real and keep a test unit on the simulator.</summary>
public sealed class RoutingTests : IAsyncLifetime
{
    private const string TestUnit = "00070";
    private const string RealUnit = "00071";
    private FakeTwilio _twilio = null!;
    private SipasFactory _factory = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _twilio = await FakeTwilio.StartAsync();
        var settings = SipasFactory.SendAtOnce(_twilio.ServiceSettings(environmentStyle: false));
        settings["Channels:Simulator:Enabled"] = "true";
        settings[$"Channels:Routing:Default:0"] = TwilioSmsChannel.ProviderName;
        settings[$"Channels:Routing:Units:{TestUnit}:0"] = SimulatorChannel.ProviderName;
        _factory = await SipasFactory.StartAsync(settings);
        _client = _factory.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        await _twilio.DisposeAsync();
    }

    private Task<Invitation> InviteAsync(string unitCode) => InviteAsync(_factory, _client, unitCode);

    private static async Task<Invitation> InviteAsync(SipasFactory factory, HttpClient client, string unitCode)
    {
        var ev = Fixtures.ResultReturned(phone: "091" + Random.Shared.Next(1_000_000, 9_999_999));
        ev["dossier"]!["unitCode"] = unitCode;
        using var response = await OneStopClient.PostAsync(client, ev.ToJsonString());
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = Guid.Parse((string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["invitationId"]!);
        await factory.Services.GetRequiredService<InvitationDispatcher>().DispatchDueAsync(CancellationToken.None);
        await using var db = TestDatabase.Open(factory.ConnectionString);
        return await db.Invitations.AsNoTracking().SingleAsync(i => i.Id == id);
    }

    [Fact]
    public async Task TestUnit_GoesToTheSimulator_WhileOtherUnitsGoToTwilio()
    {
        var onSimulator = await InviteAsync(TestUnit);
        var onTwilio = await InviteAsync(RealUnit);

        Assert.Equal(ChannelKind.Simulator, onSimulator.Channel);
        Assert.Equal(ChannelKind.Sms, onTwilio.Channel);
        Assert.Single(_twilio.Received);
    }

    [Fact]
    public async Task UnitWhoseProvidersAreNotEnabled_IsSkippedWithAReason_NotFailedSilently()
    {
        await using var factory = await SipasFactory.StartAsync(SipasFactory.SendAtOnce([new($"Channels:Routing:Units:{RealUnit}:0", TwilioSmsChannel.ProviderName)]));
        using var client = factory.CreateClient();

        var invitation = await InviteAsync(factory, client, RealUnit);

        Assert.Equal(InvitationState.Skipped, invitation.State);
        Assert.Equal(SkipReason.NoChannel, invitation.SkipReason);
    }

    [Fact]
    public async Task ProviderNameInRoutingThatDoesNotExist_StopsTheStart()
    {
        await Assert.ThrowsAnyAsync<InvalidOperationException>(() => SipasFactory.StartAsync(new Dictionary<string, string?>
        {
            [$"Channels:Routing:Units:{RealUnit}:0"] = "twilo",
        }));
    }
}
