using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sipas.Bot.Channels;
using Sipas.Bot.Channels.Twilio;
using Sipas.Bot.Tests.Support;
using Sipas.Data;
using Sipas.Data.Model;
using Sipas.Scheduler.Invitations;
using Sipas.Testing;

namespace Sipas.Bot.Tests.Channels.Twilio;

/// <summary>
/// Twilio end to end: the invitation reaches the fake with its link and status callback, then the published status
/// callback form, signed as Twilio signs it for our public URL, moves the invitation's funnel; forged or misdirected
/// callbacks are refused and leave nothing behind.
/// </summary>
public sealed class TwilioWebhookTests : IAsyncLifetime
{
    private const string PublicBaseUrl = "https://sipas.example.gov.vn";
    private const string FixtureSid = "SM2f7ec1a0b1c94c7c9f0d0c7d5a1e0b11";

    private FakeTwilio _twilio = null!;
    private SipasFactory? _factory;
    private HttpClient _client = null!;

    public async Task InitializeAsync() => _twilio = await FakeTwilio.StartAsync();

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        await _twilio.DisposeAsync();
    }

    private async Task StartServiceAsync(Dictionary<string, string>? more = null)
    {
        var settings = _twilio.ServiceSettings(environmentStyle: false);
        settings["Sipas:PublicBaseUrl"] = PublicBaseUrl;
        foreach (var (key, value) in more ?? [])
        {
            settings[key] = value;
        }

        var all = SipasFactory.SendAtOnce(settings);
        all["Messages:FirstRetryDelay"] = "00:00:00";
        all["Messages:MaxRetryDelay"] = "00:00:00";
        _factory = await SipasFactory.StartAsync(all);
        _client = _factory.CreateClient();
    }

    private SipasDbContext Db() => TestDatabase.Open(_factory!.ConnectionString);

    private Task<Guid> PostEventAsync(string phone) => SipasFactory.PostEventAsync(_client, phone);

    private Task<Guid> InviteAsync(string phone) => _factory!.InviteAsync(_client, phone);

    private Task<int> DispatchAsync() => _factory!.DispatchAsync();

    private async Task<Invitation> InvitationAsync(Guid id)
    {
        await using var db = Db();
        return await db.Invitations.AsNoTracking().SingleAsync(i => i.Id == id);
    }

    private async Task<OutboundMessage> InvitationMessageAsync(Guid invitationId, string provider = TwilioSmsChannel.ProviderName)
    {
        await using var db = Db();
        return await db.OutboundMessages.AsNoTracking().SingleAsync(m => m.InvitationId == invitationId && m.Purpose == MessagePurpose.Invitation && m.Provider == provider);
    }

    private async Task<int> StoredEventsAsync(string webhook)
    {
        await using var db = Db();
        return await db.InboundEvents.CountAsync(e => e.Source == webhook);
    }

    /// <summary>The published status callback about <paramref name="sid"/> with <paramref name="status"/>, and extra fields appended.</summary>
    private static string StatusForm(string sid, string status = "delivered", string extra = "") =>
        Fixtures.Text("Channels/Twilio/status-callback.form").Trim()
            .Replace(FixtureSid, sid, StringComparison.Ordinal)
            .Replace("Status=delivered", $"Status={status}", StringComparison.Ordinal) + extra;

    private static string Sign(string url, string form) =>
        TwilioSignature.Compute(FakeTwilio.AuthToken, url, new FormReader(form).ReadForm().SelectMany(f => f.Value.Select(v => new KeyValuePair<string, string>(f.Key, v!))));

    /// <summary>Posts a form as Twilio does, signed (unless <paramref name="signature"/> says otherwise) for the public URL.</summary>
    private async Task<HttpResponseMessage> PostFormAsync(string path, string form, string? signature = null, bool withSignature = true)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded") };
        if (withSignature)
        {
            request.Headers.Add(TwilioWebhooks.SignatureHeader, signature ?? Sign(PublicBaseUrl + path, form));
        }

        return await _client.SendAsync(request);
    }

    private async Task PostStatusAsync(string sid, string status, string extra = "")
    {
        using var response = await PostFormAsync(TwilioWebhooks.StatusPath, StatusForm(sid, status, extra));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task Invitation_GoesOutWithLinkAndStatusCallback_AndTheSignedDeliveredCallbackMovesItToDelivered()
    {
        await StartServiceAsync();
        var phone = Fixtures.NewPhone();
        var invitationId = await InviteAsync(phone);

        var sms = Assert.Single(_twilio.Received);
        var invitation = await InvitationAsync(invitationId);
        Assert.Equal(Fixtures.E164(phone), sms.To);
        Assert.Contains($"{PublicBaseUrl}/s/{invitation.Code}", sms.Body, StringComparison.Ordinal);
        Assert.Contains("UBND phuong Hoan Kiem", sms.Body, StringComparison.Ordinal);
        Assert.True(sms.Body.All(char.IsAscii), $"GSM-7 text expected, got: {sms.Body}");
        Assert.Equal(PublicBaseUrl + "/hooks/twilio/status", sms.StatusCallback);
        Assert.Equal(InvitationState.Sent, invitation.State);
        var sid = (await InvitationMessageAsync(invitationId)).ProviderMessageId!;

        await PostStatusAsync(sid, "delivered");

        var message = await InvitationMessageAsync(invitationId);
        Assert.Equal(OutboundState.Delivered, message.State);
        // RawDlrDoneDate=2611201015 in the published form: the carrier's done date, read as UTC.
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 10, 15, 0, TimeSpan.Zero), message.DeliveredAt);
        var delivered = await InvitationAsync(invitationId);
        Assert.Equal(InvitationState.Delivered, delivered.State);
        Assert.Equal(message.DeliveredAt, delivered.DeliveredAt);
    }

    [Fact]
    public async Task LateSentCallback_AfterDelivered_ChangesNothing_AndRepeatsAreStoredOnce()
    {
        await StartServiceAsync();
        var invitationId = await InviteAsync(Fixtures.NewPhone());
        var sid = (await InvitationMessageAsync(invitationId)).ProviderMessageId!;

        await PostStatusAsync(sid, "delivered");
        await PostStatusAsync(sid, "sent");
        await PostStatusAsync(sid, "delivered");

        Assert.Equal(OutboundState.Delivered, (await InvitationMessageAsync(invitationId)).State);
        Assert.Equal(InvitationState.Delivered, (await InvitationAsync(invitationId)).State);
        Assert.Equal(2, await StoredEventsAsync(TwilioStatusHandler.WebhookName));
    }

    [Fact]
    public async Task UndeliveredCallback_MarksTheMessageUndelivered_WithTheErrorOnTheInvitation()
    {
        await StartServiceAsync();
        var invitationId = await InviteAsync(Fixtures.NewPhone());
        var sid = (await InvitationMessageAsync(invitationId)).ProviderMessageId!;

        await PostStatusAsync(sid, "undelivered", "&ErrorCode=30003");

        var message = await InvitationMessageAsync(invitationId);
        Assert.Equal(OutboundState.Undelivered, message.State);
        Assert.Equal("30003: Unreachable destination handset", message.Error);
        var invitation = await InvitationAsync(invitationId);
        Assert.Equal(InvitationState.Sent, invitation.State);
        Assert.Equal("twilio: 30003: Unreachable destination handset", invitation.LastError);
    }

    [Fact]
    public async Task CallbackBeforeTheSendIsRecorded_IsKept_AndAppliedByTheInboxJobOnceTheSendIs()
    {
        await StartServiceAsync();
        var sid = "SM" + Guid.NewGuid().ToString("N");
        await PostStatusAsync(sid, "delivered");
        await using (var db = Db())
        {
            var stored = await db.InboundEvents.AsNoTracking().SingleAsync(e => e.Source == TwilioStatusHandler.WebhookName);
            Assert.Null(stored.ProcessedAt);
            Assert.Equal(1, stored.Attempts);
        }

        _twilio.NextSid(sid);
        var invitationId = await InviteAsync(Fixtures.NewPhone());
        Assert.Equal(OutboundState.Accepted, (await InvitationMessageAsync(invitationId)).State);
        await using (var db = Db())
        {
            // The inbox's retry delay has passed.
            await db.InboundEvents.ExecuteUpdateAsync(s => s.SetProperty(e => e.ProcessingUntil, DateTimeOffset.UtcNow.AddSeconds(-1)));
        }

        await using (var scope = _factory!.Services.CreateAsyncScope())
        {
            Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<WebhookInbox>().ProcessWaitingAsync(CancellationToken.None));
        }

        Assert.Equal(OutboundState.Delivered, (await InvitationMessageAsync(invitationId)).State);
        Assert.Equal(InvitationState.Delivered, (await InvitationAsync(invitationId)).State);
    }

    [Fact]
    public async Task CallbackSignedForTheInternalUrl_IsRefused_AndNothingIsStored()
    {
        await StartServiceAsync();
        var invitationId = await InviteAsync(Fixtures.NewPhone());
        var form = StatusForm((await InvitationMessageAsync(invitationId)).ProviderMessageId!);

        using var response = await PostFormAsync(TwilioWebhooks.StatusPath, form, Sign("http://localhost" + TwilioWebhooks.StatusPath, form));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal(0, await StoredEventsAsync(TwilioStatusHandler.WebhookName));
        Assert.Equal(OutboundState.Accepted, (await InvitationMessageAsync(invitationId)).State);
    }

    [Fact]
    public async Task CallbackWithoutSignature_IsRefused_AndNothingIsStored()
    {
        await StartServiceAsync();
        var invitationId = await InviteAsync(Fixtures.NewPhone());

        using var response = await PostFormAsync(TwilioWebhooks.StatusPath, StatusForm((await InvitationMessageAsync(invitationId)).ProviderMessageId!), withSignature: false);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal(0, await StoredEventsAsync(TwilioStatusHandler.WebhookName));
    }

    [Fact]
    public async Task CallbackWithAFieldAddedAfterSigning_IsRefused_AndNothingIsStored()
    {
        await StartServiceAsync();
        var invitationId = await InviteAsync(Fixtures.NewPhone());
        var form = StatusForm((await InvitationMessageAsync(invitationId)).ProviderMessageId!, "undelivered");
        var signature = Sign(PublicBaseUrl + TwilioWebhooks.StatusPath, form);

        using var response = await PostFormAsync(TwilioWebhooks.StatusPath, form + "&ErrorCode=30003", signature);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal(0, await StoredEventsAsync(TwilioStatusHandler.WebhookName));
        Assert.Equal(OutboundState.Accepted, (await InvitationMessageAsync(invitationId)).State);
    }

    [Fact]
    public async Task SignedCallbackWithoutMessageStatus_Is400_AndKeptAsRejected()
    {
        await StartServiceAsync();
        const string form = "MessageSid=SM0123&AccountSid=AC0123456789abcdef0123456789abcdef";

        using var response = await PostFormAsync(TwilioWebhooks.StatusPath, form);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        await using var db = Db();
        var kept = await db.InboundEvents.AsNoTracking().SingleAsync(e => e.Source == TwilioStatusHandler.WebhookName);
        Assert.Equal(WebhookInbox.RejectedKind, kept.Kind);
        Assert.Contains("MessageStatus", kept.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InboundSms_IsAnsweredWithEmptyTwiml_StoredAsAnInboundMessage_AndRepliedThroughTheApi()
    {
        await StartServiceAsync();
        var form = Fixtures.Text("Channels/Twilio/inbound-message.form").Trim();

        using var response = await PostFormAsync(TwilioWebhooks.InboundPath, form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/xml", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("<Response></Response>", await response.Content.ReadAsStringAsync());
        await using var db = Db();
        var inbound = await db.InboundMessages.AsNoTracking().SingleAsync();
        Assert.Equal(TwilioSmsChannel.ProviderName, inbound.Provider);
        Assert.Equal("SM9a1b2c3d4e5f60718293a4b5c6d7e8f9", inbound.ProviderMessageId);
        Assert.Equal("5", inbound.Text);
        Assert.Equal("+84912345678", Assert.Single(_twilio.Received).To);

        using var again = await PostFormAsync(TwilioWebhooks.InboundPath, form);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(1, await db.InboundMessages.CountAsync());
        Assert.Single(_twilio.Received);
    }

    [Fact]
    public async Task InboundSmsWithABadSignature_IsRefused_AndNothingIsStored()
    {
        await StartServiceAsync();

        using var response = await PostFormAsync(TwilioWebhooks.InboundPath, Fixtures.Text("Channels/Twilio/inbound-message.form").Trim(), signature: "AAAAAAAAAAAAAAAAAAAAAAAAAAA=");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        await using var db = Db();
        Assert.Equal(0, await db.InboundMessages.CountAsync());
        Assert.Equal(0, await db.InboundEvents.CountAsync());
        Assert.Empty(_twilio.Received);
    }

    [Fact]
    public async Task SameBatchDispatchedTwiceAtOnce_ReachesTwilioOnce()
    {
        await StartServiceAsync();
        var phone = Fixtures.NewPhone();
        var invitationId = await PostEventAsync(phone);

        async Task SendDirectlyAsync()
        {
            // As a Hangfire re-run holding the same invitation would, past the claim.
            await using var scope = _factory!.Services.CreateAsyncScope();
            var prepared = await scope.ServiceProvider.GetRequiredService<IInvitationSender>().PrepareAsync([invitationId], CancellationToken.None);
            await prepared.SendAsync(invitationId, DateTimeOffset.MaxValue, CancellationToken.None);
        }

        await Task.WhenAll(DispatchAsync(), DispatchAsync(), SendDirectlyAsync(), SendDirectlyAsync());
        await DispatchAsync();

        Assert.Single(_twilio.Received, r => r.To == Fixtures.E164(phone));
        Assert.Equal(OutboundState.Accepted, (await InvitationMessageAsync(invitationId)).State);
    }

    [Fact]
    public async Task Blocklisted21610_RecordsAnSmsOptOut_AndNoFurtherSmsGoesToTheContact()
    {
        await StartServiceAsync();
        _twilio.FailNext(HttpStatusCode.BadRequest, 21610, "Attempt to send to unsubscribed recipient");
        var phone = Fixtures.NewPhone();
        var first = await InviteAsync(phone);

        Assert.Equal(OutboundState.Failed, (await InvitationMessageAsync(first)).State);
        await using (var db = Db())
        {
            var contactId = (await InvitationAsync(first)).ContactId;
            var optOut = await db.OptOuts.AsNoTracking().SingleAsync(o => o.ContactId == contactId);
            Assert.Equal(ChannelKind.Sms, optOut.OnlyChannel);
        }

        var second = await InviteAsync(phone);

        Assert.Single(_twilio.Received, r => r.To == Fixtures.E164(phone));
        var skipped = await InvitationAsync(second);
        Assert.Equal(InvitationState.Skipped, skipped.State);
        Assert.Equal(SkipReason.NoChannel, skipped.SkipReason);
    }

    [Fact]
    public async Task AuthenticationError20003_PausesTwilio_AndTheInvitationFallsBackToTheNextProvider()
    {
        await StartServiceAsync(new Dictionary<string, string>
        {
            ["Channels:Simulator:Enabled"] = "true",
            ["Channels:Routing:Default:0"] = "twilio",
            ["Channels:Routing:Default:1"] = "simulator",
        });
        _twilio.FailNext(HttpStatusCode.Unauthorized, 20003, "Authenticate");
        var phone = Fixtures.NewPhone();
        var invitationId = await InviteAsync(phone);

        await using var db = Db();
        var pause = await db.ChannelProviderStates.AsNoTracking().SingleAsync(p => p.Provider == TwilioSmsChannel.ProviderName);
        Assert.True(pause.PausedUntil > DateTimeOffset.UtcNow, "twilio should be paused");
        Assert.Contains("20003", pause.PauseReason, StringComparison.Ordinal);
        Assert.Equal(OutboundState.Cancelled, (await InvitationMessageAsync(invitationId)).State);
        Assert.Equal(OutboundState.Delivered, (await InvitationMessageAsync(invitationId, "simulator")).State);
        Assert.Contains((await InvitationAsync(invitationId)).State, new[] { InvitationState.Sent, InvitationState.Delivered });

        // While paused, the next invitation goes straight to the simulator: Twilio is not called again.
        await InviteAsync(Fixtures.NewPhone());
        Assert.Single(_twilio.Received);
    }
}
