using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sipas.Bot.Channels;
using Sipas.Bot.Channels.Sms;
using Sipas.Bot.Channels.Twilio;
using Sipas.Bot.Tests.Channels.Twilio;
using Sipas.Bot.Tests.Support;
using Sipas.Data;
using Sipas.Data.Model;
using Sipas.Scheduler.Invitations;
using Sipas.Scheduler.Messages;
using Sipas.Testing;

namespace Sipas.Bot.Tests.Channels;

/// <summary>
/// Sending through a real provider client (Twilio's) to a loopback fake that records every call: what the provider
/// received is what counts. Retries are immediate here (no back-off) so the attempt cap shows in one test.
/// </summary>
public sealed class SendingTests : IAsyncLifetime
{
    private FakeTwilio _twilio = null!;
    private SipasFactory _factory = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _twilio = await FakeTwilio.StartAsync();
        var settings = SipasFactory.SendAtOnce(_twilio.ServiceSettings(environmentStyle: false));
        settings["Messages:SendTimeout"] = "00:00:01";
        settings["Messages:FirstRetryDelay"] = "00:00:00";
        settings["Messages:MaxRetryDelay"] = "00:00:00";
        settings["Messages:MaxAttempts"] = "3";
        settings["Scheduler:MaxAttempts"] = "3";
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

    private Task<Guid> InviteAsync(string phone) => _factory.InviteAsync(_client, phone);

    private Task<int> DispatchAsync() => _factory.DispatchAsync();

    private async Task<OutboundMessage> InvitationMessageAsync(Guid invitationId)
    {
        await using var db = Db();
        return await db.OutboundMessages.AsNoTracking().SingleAsync(m => m.InvitationId == invitationId && m.Purpose == MessagePurpose.Invitation);
    }

    private async Task<Invitation> InvitationAsync(Guid id)
    {
        await using var db = Db();
        return await db.Invitations.AsNoTracking().SingleAsync(i => i.Id == id);
    }

    private int ReceivedBy(string phone) => _twilio.Received.Count(r => r.To == Fixtures.E164(phone));

    [Fact]
    public async Task Invitation_ReachesTwilioOnce_AsAOneSegmentGsm7FormPost_WithTheSurveyLink_AndIsRecordedWithTwiliosSid()
    {
        var phone = Fixtures.NewPhone();
        var invitationId = await InviteAsync(phone);

        var sms = Assert.Single(_twilio.Received);
        Assert.Equal(Fixtures.E164(phone), sms.To);
        Assert.Equal(FakeTwilio.From, sms.From);
        var code = (await InvitationAsync(invitationId)).Code;
        Assert.Contains("UBND phuong Hoan Kiem", sms.Body, StringComparison.Ordinal);
        Assert.Contains($"https://sipas.test/s/{code}", sms.Body, StringComparison.Ordinal);
        var measured = SmsText.Measure(sms.Body);
        Assert.Equal((SmsEncoding.Gsm7, 1), (measured.Encoding, measured.Segments));
        Assert.Equal("14400", sms.ValidityPeriod);
        var message = await InvitationMessageAsync(invitationId);
        Assert.Equal(OutboundState.Accepted, message.State);
        Assert.Equal(TwilioSmsChannel.ProviderName, message.Provider);
        Assert.StartsWith("SM", message.ProviderMessageId, StringComparison.Ordinal);
        Assert.Equal(InvitationState.Sent, (await InvitationAsync(invitationId)).State);
    }

    [Fact]
    public async Task DispatchingAgain_AfterASend_CallsTwilioNoMore()
    {
        var phone = Fixtures.NewPhone();
        var invitationId = await InviteAsync(phone);
        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            // As a re-run of the same batch would, after a crash between the send and its record.
            var prepared = await scope.ServiceProvider.GetRequiredService<IInvitationSender>().PrepareAsync([invitationId], CancellationToken.None);
            Assert.IsType<SendOutcome.Sent>(await prepared.SendAsync(invitationId, DateTimeOffset.MaxValue, CancellationToken.None));
        }

        await DispatchAsync();

        Assert.Equal(1, ReceivedBy(phone));
    }

    [Fact]
    public async Task ServerError_IsRetried_AndTheCitizenGetsOneMessage()
    {
        _twilio.FailNext(HttpStatusCode.ServiceUnavailable, 20503, "Service unavailable");
        var phone = Fixtures.NewPhone();
        var invitationId = await InviteAsync(phone);
        var afterFirst = await InvitationMessageAsync(invitationId);
        Assert.Equal(OutboundState.Pending, afterFirst.State);
        Assert.Contains("20503", afterFirst.Error, StringComparison.Ordinal);
        Assert.Equal(InvitationState.Scheduled, (await InvitationAsync(invitationId)).State);

        await DispatchAsync();

        Assert.Equal(2, ReceivedBy(phone));
        var message = await InvitationMessageAsync(invitationId);
        Assert.Equal(OutboundState.Accepted, message.State);
        Assert.Equal(2, message.Attempts);
        Assert.Equal(InvitationState.Sent, (await InvitationAsync(invitationId)).State);
    }

    [Fact]
    public async Task InvalidNumber_FailsAtOnce_WithoutRetrying()
    {
        _twilio.FailNext(HttpStatusCode.BadRequest, 21211, "The 'To' number is not a valid phone number.");
        var phone = Fixtures.NewPhone();
        var invitationId = await InviteAsync(phone);
        await DispatchAsync();

        Assert.Equal(1, ReceivedBy(phone));
        Assert.Equal(OutboundState.Failed, (await InvitationMessageAsync(invitationId)).State);
        var invitation = await InvitationAsync(invitationId);
        Assert.Equal(InvitationState.Failed, invitation.State);
        Assert.Contains("21211", invitation.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailingEveryTime_StopsAfterTheAttemptCap()
    {
        for (var n = 0; n < 5; n++)
        {
            _twilio.FailNext(HttpStatusCode.InternalServerError, 20500, "Internal server error");
        }

        var phone = Fixtures.NewPhone();
        var invitationId = await InviteAsync(phone);
        await DispatchAsync();
        await DispatchAsync();
        await DispatchAsync();

        Assert.Equal(3, ReceivedBy(phone));
        var message = await InvitationMessageAsync(invitationId);
        Assert.Equal(OutboundState.Failed, message.State);
        Assert.StartsWith("Gave up after 3 attempts", message.Error, StringComparison.Ordinal);
        Assert.Equal(InvitationState.Failed, (await InvitationAsync(invitationId)).State);
    }

    [Fact]
    public async Task NoAnswerInTime_IsMarkedUnknown_AndNeverSentAgain()
    {
        _twilio.HangNext();
        var phone = Fixtures.NewPhone();
        var invitationId = await InviteAsync(phone);
        await DispatchAsync();

        Assert.Equal(1, ReceivedBy(phone));
        var message = await InvitationMessageAsync(invitationId);
        Assert.Equal(OutboundState.Unknown, message.State);
        var invitation = await InvitationAsync(invitationId);
        Assert.Equal(InvitationState.Sent, invitation.State);
        Assert.Contains("not sent again", invitation.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MessageLeftMidCallByADeadSender_IsMarkedUnknown_NotSentAgain()
    {
        var message = await StoreReplyAsync(Fixtures.NewPhone(), send: false);
        await using (var db = Db())
        {
            // What a sender killed during the provider call leaves behind, once its lease has run out.
            await db.OutboundMessages.Where(m => m.Id == message.Id).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.State, OutboundState.Sending).SetProperty(m => m.Attempts, 1).SetProperty(m => m.ClaimedUntil, DateTimeOffset.UtcNow.AddSeconds(-1)));
        }

        await RunResendJobAsync();

        Assert.Empty(_twilio.Received);
        await using var check = Db();
        var stored = await check.OutboundMessages.AsNoTracking().SingleAsync(m => m.Id == message.Id);
        Assert.Equal(OutboundState.Unknown, stored.State);
    }

    [Fact]
    public async Task ResendJob_SendsEachWaitingMessageOnItsOwn_OneFailureDoesNotUndoAnotherSend()
    {
        var failing = Fixtures.NewPhone();
        var working = Fixtures.NewPhone();
        var first = await StoreReplyAsync(failing, send: false);
        var second = await StoreReplyAsync(working, send: false);
        _twilio.FailNext(HttpStatusCode.InternalServerError, 20500, "Internal server error");

        await RunResendJobAsync();
        await RunResendJobAsync();

        Assert.Equal(2, ReceivedBy(failing));
        Assert.Equal(1, ReceivedBy(working));
        await using var db = Db();
        Assert.Equal(OutboundState.Accepted, (await db.OutboundMessages.AsNoTracking().SingleAsync(m => m.Id == first.Id)).State);
        Assert.Equal(OutboundState.Accepted, (await db.OutboundMessages.AsNoTracking().SingleAsync(m => m.Id == second.Id)).State);
    }

    [Fact]
    public async Task ResendJob_DoesNotSendToACitizenWhoOptedOutMeanwhile()
    {
        var phone = Fixtures.NewPhone();
        var message = await StoreReplyAsync(phone, send: false);
        await using (var db = Db())
        {
            var contact = await new Seed(db).ContactAsync(Fixtures.E164(phone));
            db.OptOuts.Add(new OptOut { Id = Guid.CreateVersion7(), ContactId = contact.Id, Channel = ChannelKind.Sms, Reason = "keyword", OptedOutAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        await RunResendJobAsync();

        Assert.Empty(_twilio.Received);
        await using var check = Db();
        var stored = await check.OutboundMessages.AsNoTracking().SingleAsync(m => m.Id == message.Id);
        Assert.Equal(OutboundState.Cancelled, stored.State);
    }

    /// <summary>A chat reply stored as the conversation step stores it, old enough for the resend job.</summary>
    private async Task<OutboundMessage> StoreReplyAsync(string phone, bool send)
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        var messenger = scope.ServiceProvider.GetRequiredService<OutboundMessenger>();
        var twilio = scope.ServiceProvider.GetRequiredService<ChannelRouter>().Get(TwilioSmsChannel.ProviderName)!;
        var db = scope.ServiceProvider.GetRequiredService<SipasDbContext>();
        var contact = await new Seed(db).ContactAsync(Fixtures.E164(phone));
        var message = messenger.Compose(
            twilio, Fixtures.E164(phone), contact.Id, new MessageContent(MessagePurpose.Reply, "Cảm ơn Ông/Bà."), $"test:{Guid.NewGuid()}", invitationId: null, conversationId: null);
        message.CreatedAt = DateTimeOffset.UtcNow - ResendPendingMessagesJob.MinimumAge - TimeSpan.FromSeconds(1);
        db.OutboundMessages.Add(message);
        await db.SaveChangesAsync();
        if (send)
        {
            await messenger.DeliverAsync(message.Id, message.Provider, CancellationToken.None);
        }

        return message;
    }

    private async Task RunResendJobAsync()
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ResendPendingMessagesJob>().RunAsync(CancellationToken.None);
    }
}
