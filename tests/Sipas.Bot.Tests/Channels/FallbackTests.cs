using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sipas.Bot.Channels.Simulator;
using Sipas.Bot.Channels.Twilio;
using Sipas.Bot.Tests.Channels.Twilio;
using Sipas.Bot.Tests.Support;
using Sipas.Data;
using Sipas.Data.Model;
using Sipas.Scheduler.Invitations;
using Sipas.Testing;

namespace Sipas.Bot.Tests.Channels;

/// <summary>
/// Choosing a channel: the unit's order (Twilio, then the simulator standing in for a second provider), falling back
/// when a provider cannot reach the citizen, refuses them, or is paused after a configuration error.
/// </summary>
public sealed class FallbackTests : IAsyncLifetime
{
    private FakeTwilio _twilio = null!;
    private SipasFactory _factory = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _twilio = await FakeTwilio.StartAsync();
        var settings = SipasFactory.SendAtOnce(_twilio.ServiceSettings(environmentStyle: false));
        settings["Channels:Simulator:Enabled"] = "true";
        settings["Channels:Routing:Default:0"] = TwilioSmsChannel.ProviderName;
        settings["Channels:Routing:Default:1"] = SimulatorChannel.ProviderName;
        settings["Survey:FatigueWindowDays"] = "0";
        _factory = await SipasFactory.StartAsync(settings);
        _client = _factory.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        await _twilio.DisposeAsync();
    }

    private SipasDbContext Db() => TestDatabase.Open(_factory.ConnectionString);

    private async Task<Invitation> InviteAsync(string phone)
    {
        var id = await _factory.InviteAsync(_client, phone);
        await using var db = Db();
        return await db.Invitations.AsNoTracking().SingleAsync(i => i.Id == id);
    }

    private async Task<List<OutboundMessage>> MessagesAsync(Guid invitationId)
    {
        await using var db = Db();
        return await db.OutboundMessages.AsNoTracking().Where(m => m.InvitationId == invitationId).OrderBy(m => m.CreatedAt).ToListAsync();
    }

    [Fact]
    public async Task NumberTwilioCannotReach_FallsBackToTheNextProvider_AtOnce()
    {
        _twilio.FailNext(HttpStatusCode.BadRequest, 21614, "'To' number is not a valid mobile number");

        var invitation = await InviteAsync(Fixtures.NewPhone());

        Assert.Equal((InvitationState.Delivered, SimulatorChannel.ProviderName), (invitation.State, invitation.Provider));
        var messages = await MessagesAsync(invitation.Id);
        Assert.Equal([OutboundState.Failed, OutboundState.Delivered], messages.Select(m => m.State));
        Assert.Contains("21614", messages[0].Error, StringComparison.Ordinal);
        Assert.Single(_twilio.Received);
    }

    [Fact]
    public async Task AccountError_PausesTwilio_AndLaterInvitationsGoStraightToTheNextProvider()
    {
        _twilio.FailNext(HttpStatusCode.Unauthorized, 20003, "Authenticate");

        var first = await InviteAsync(Fixtures.NewPhone());
        var second = await InviteAsync(Fixtures.NewPhone());

        Assert.Equal(SimulatorChannel.ProviderName, first.Provider);
        Assert.Equal(SimulatorChannel.ProviderName, second.Provider);
        Assert.Single(_twilio.Received);
        await using var db = Db();
        var state = await db.ChannelProviderStates.AsNoTracking().SingleAsync(p => p.Provider == TwilioSmsChannel.ProviderName);
        Assert.True(state.PausedUntil > DateTimeOffset.UtcNow.AddMinutes(10));
        Assert.Contains("20003", state.PauseReason, StringComparison.Ordinal);
        var waiting = (await MessagesAsync(first.Id)).First(m => m.Provider == TwilioSmsChannel.ProviderName);
        Assert.Equal(OutboundState.Cancelled, waiting.State);
        Assert.DoesNotContain(await MessagesAsync(second.Id), m => m.Provider == TwilioSmsChannel.ProviderName);
    }

    [Fact]
    public async Task CitizenWhoBlockedTheSender_IsOptedOutOfSmsOnly_AndReachedOnTheNextProvider()
    {
        var phone = Fixtures.NewPhone();
        _twilio.FailNext(HttpStatusCode.BadRequest, 21610, "Attempt to send to unsubscribed recipient");

        var first = await InviteAsync(phone);
        await using (var db = Db())
        {
            // The first survey ends, so the second is not held back by it (one open chat per channel).
            await db.Conversations.Where(c => c.InvitationId == first.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.State, ConversationState.Ended));
        }

        var second = await InviteAsync(phone);

        Assert.Equal(SimulatorChannel.ProviderName, first.Provider);
        Assert.Equal(SimulatorChannel.ProviderName, second.Provider);
        Assert.Single(_twilio.Received);
        await using var check = Db();
        var optOut = await check.OptOuts.AsNoTracking().SingleAsync(o => o.ContactId == first.ContactId);
        Assert.Equal(ChannelKind.Sms, optOut.OnlyChannel);
    }

    [Fact]
    public async Task SecondInvitation_WhileTheCitizensChatIsOpen_WaitsInsteadOfMixingTwoDossiers()
    {
        await using var factory = await SipasFactory.StartAsync(SipasFactory.SendAtOnce([new("Survey:FatigueWindowDays", "0")]));
        using var client = factory.CreateClient();
        var phone = Fixtures.NewPhone();
        var ids = new List<Guid>();
        foreach (var _ in Enumerable.Range(0, 2))
        {
            ids.Add(await factory.InviteAsync(client, phone));
        }

        await using var db = TestDatabase.Open(factory.ConnectionString);
        var waiting = await db.Invitations.AsNoTracking().SingleAsync(i => i.Id == ids[1]);
        Assert.Equal(InvitationState.Scheduled, waiting.State);
        Assert.True(waiting.DueAt > DateTimeOffset.UtcNow.AddMinutes(20), $"due at {waiting.DueAt:O}");
        Assert.Equal(0, waiting.Attempts);
        Assert.Equal(1, await db.Conversations.CountAsync(c => c.ContactId == waiting.ContactId && c.State == ConversationState.Active));
    }
}
