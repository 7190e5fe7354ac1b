using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sipas.Bot.Channels;
using Sipas.Bot.Channels.Esms;
using Sipas.Bot.Tests.Support;
using Sipas.Data;
using Sipas.Data.Model;
using Sipas.Scheduler.Invitations;
using Sipas.Testing;

namespace Sipas.Bot.Tests.Channels.Esms;

/// <summary>
/// eSMS end to end against a loopback fake that deduplicates RequestId like eSMS: what the fake received (fields,
/// national phone, RequestId = our message id) and what it actually sent on are what count.
/// </summary>
public sealed class EsmsTests : IAsyncLifetime
{
    private const string PublicBaseUrl = "https://sipas.example.gov.vn";
    private const string CallbackPath = "/hooks/sms-gateway/" + FakeEsms.CallbackSecretPath;

    private FakeEsms _esms = null!;
    private SipasFactory? _factory;
    private HttpClient _client = null!;

    public async Task InitializeAsync() => _esms = await FakeEsms.StartAsync();

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        await _esms.DisposeAsync();
    }

    private async Task StartServiceAsync(bool twoWay = false)
    {
        var settings = SipasFactory.SendAtOnce(_esms.ServiceSettings(twoWay));
        settings["Sipas:PublicBaseUrl"] = PublicBaseUrl;
        settings["Messages:SendTimeout"] = "00:00:01";
        settings["Messages:FirstRetryDelay"] = "00:00:00";
        settings["Messages:MaxRetryDelay"] = "00:00:00";
        _factory = await SipasFactory.StartAsync(settings);
        _client = _factory.CreateClient();
    }

    private SipasDbContext Db() => TestDatabase.Open(_factory!.ConnectionString);

    private Task<Guid> InviteAsync(string phone) => _factory!.InviteAsync(_client, phone);

    private Task<int> DispatchAsync() => _factory!.DispatchAsync();

    private async Task<Invitation> InvitationAsync(Guid id)
    {
        await using var db = Db();
        return await db.Invitations.AsNoTracking().SingleAsync(i => i.Id == id);
    }

    private async Task<OutboundMessage> InvitationMessageAsync(Guid invitationId)
    {
        await using var db = Db();
        return await db.OutboundMessages.AsNoTracking().SingleAsync(m => m.InvitationId == invitationId && m.Purpose == MessagePurpose.Invitation);
    }

    private async Task<HttpResponseMessage> DeliveryCallbackAsync(string smsId, string requestId, string phone, int status = 5, int success = 1, int failed = 0, string path = CallbackPath) =>
        await _client.GetAsync(
            $"{path}?SMSID={smsId}&SendFailed={failed}&SendStatus={status}&SendSuccess={success}&TotalPrice=0.0000&TotalReceiver=1&TotalSent=1"
            + $"&RequestId={requestId}&TypeId=2&telcoid=1&phonenumber={phone}&switchsmsid=");

    private async Task<HttpResponseMessage> MoAsync(string sender, string content, string smsId, string? sign = null)
    {
        const string receiveTime = "20261120101500";
        var signature = sign ?? EsmsSignature.Compute(FakeEsms.CpId, smsId, content, receiveTime, FakeEsms.PrivateKey);
        return await _client.GetAsync(
            $"{CallbackPath}/mo?sender={sender}&content={Uri.EscapeDataString(content)}&serviceNumber={FakeEsms.ShortCode}&keyword={Uri.EscapeDataString(content)}"
            + $"&sign={Uri.EscapeDataString(signature)}&cpid={FakeEsms.CpId}&smsid={smsId}&receiverTime={receiveTime}");
    }

    private async Task<int> StoredEventsAsync()
    {
        await using var db = Db();
        return await db.InboundEvents.CountAsync(e => e.Source == EsmsDeliveryHandler.WebhookName || e.Source == EsmsMoHandler.WebhookName);
    }

    [Fact]
    public async Task Invitation_ReachesEsmsAsCareSmsWithoutDiacritics_AndTheDeliveryCallbackMovesItToDelivered()
    {
        await StartServiceAsync();
        var phone = Fixtures.NewPhone();
        var invitationId = await InviteAsync(phone);

        var sms = Assert.Single(_esms.Received);
        var message = await InvitationMessageAsync(invitationId);
        var invitation = await InvitationAsync(invitationId);
        Assert.Equal((FakeEsms.ApiKey, FakeEsms.SecretKey, FakeEsms.Brandname), (sms.ApiKey, sms.SecretKey, sms.Brandname));
        Assert.Equal(phone, sms.Phone);
        Assert.Equal(("2", "0", "0"), (sms.SmsType, sms.IsUnicode, sms.Sandbox));
        Assert.Equal(message.Id.ToString("N"), sms.RequestId);
        Assert.Equal(PublicBaseUrl + CallbackPath, sms.CallbackUrl);
        Assert.Contains($"{PublicBaseUrl}/s/{invitation.Code}", sms.Content, StringComparison.Ordinal);
        Assert.Contains("UBND phuong Hoan Kiem", sms.Content, StringComparison.Ordinal);
        Assert.True(sms.Content.All(char.IsAscii), $"no diacritics expected: {sms.Content}");
        Assert.Equal(_esms.SmsIdOf(sms.RequestId), message.ProviderMessageId);
        Assert.Equal(InvitationState.Sent, invitation.State);

        using (var waiting = await DeliveryCallbackAsync(message.ProviderMessageId!, sms.RequestId, phone, status: 7, success: 0))
        {
            Assert.Equal(HttpStatusCode.OK, waiting.StatusCode);
        }

        Assert.Equal(OutboundState.Accepted, (await InvitationMessageAsync(invitationId)).State);
        using (var done = await DeliveryCallbackAsync(message.ProviderMessageId!, sms.RequestId, phone))
        {
            Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        }

        Assert.Equal(OutboundState.Delivered, (await InvitationMessageAsync(invitationId)).State);
        Assert.Equal(InvitationState.Delivered, (await InvitationAsync(invitationId)).State);
    }

    [Fact]
    public async Task FailedDeliveryCallback_MarksTheMessageUndelivered_WithTheReasonOnTheInvitation()
    {
        await StartServiceAsync();
        var phone = Fixtures.NewPhone();
        var invitationId = await InviteAsync(phone);
        var message = await InvitationMessageAsync(invitationId);

        using var response = await DeliveryCallbackAsync(message.ProviderMessageId!, message.Id.ToString("N"), phone, status: 5, success: 0, failed: 1);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(OutboundState.Undelivered, (await InvitationMessageAsync(invitationId)).State);
        Assert.Contains("esms: eSMS: the carrier did not deliver it", (await InvitationAsync(invitationId)).LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithTheShortCode_TheInvitationIsAChat_AndASignedMoAnswerIsStored_AndRepliedBySms()
    {
        await StartServiceAsync(twoWay: true);
        var phone = Fixtures.NewPhone();
        var invitationId = await InviteAsync(phone);
        var question = Assert.Single(_esms.Received);
        Assert.DoesNotContain("/s/", question.Content, StringComparison.Ordinal);
        Assert.Contains("5", question.Content, StringComparison.Ordinal);

        using var response = await MoAsync("84" + phone[1..], "5", "mo-" + Guid.NewGuid().ToString("N"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("<ClientResponse>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using var db = Db();
        var answer = await db.Answers.AsNoTracking().SingleAsync();
        Assert.Equal(5, answer.Value);
        Assert.Equal(invitationId, (await db.Responses.AsNoTracking().SingleAsync(r => r.Id == answer.ResponseId)).InvitationId);
        Assert.Equal(InvitationState.Started, (await InvitationAsync(invitationId)).State);
        Assert.Equal(2, _esms.Received.Count);
        var reply = _esms.Received[1];
        Assert.Equal(phone, reply.Phone);
        Assert.NotEqual(question.RequestId, reply.RequestId);
        Assert.NotEqual(question.Content, reply.Content);
    }

    [Fact]
    public async Task MoWithABadSign_IsRefused_AndNothingIsStored()
    {
        await StartServiceAsync(twoWay: true);
        var phone = Fixtures.NewPhone();
        await InviteAsync(phone);

        using var response = await MoAsync("84" + phone[1..], "5", "mo-forged", sign: EsmsSignature.Compute(FakeEsms.CpId, "mo-forged", "1", "20261120101500", FakeEsms.PrivateKey));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        await using var db = Db();
        Assert.Equal(0, await db.InboundMessages.CountAsync());
        Assert.Equal(0, await StoredEventsAsync());
        Assert.Single(_esms.Received);
    }

    [Fact]
    public async Task NoAnswerInTime_IsRetriedWithTheSameRequestId_TheRepeatIsRecordedAccepted_AndTheCitizenGetsOneSms()
    {
        await StartServiceAsync();
        _esms.HangNext();
        var phone = Fixtures.NewPhone();
        var invitationId = await InviteAsync(phone);
        Assert.Equal(OutboundState.Pending, (await InvitationMessageAsync(invitationId)).State);

        await DispatchAsync();

        Assert.Equal(2, _esms.Received.Count);
        var requestId = Assert.Single(_esms.Received.Select(r => r.RequestId).Distinct());
        Assert.Equal([requestId], _esms.AcceptedRequestIds);
        var message = await InvitationMessageAsync(invitationId);
        Assert.Equal(OutboundState.Accepted, message.State);
        Assert.Equal(EsmsSmsChannel.RequestIdPrefix + requestId, message.ProviderMessageId);
        Assert.Equal(InvitationState.Sent, (await InvitationAsync(invitationId)).State);

        // The receipt carries the first call's SMSID, never seen by us, and our RequestId.
        using var callback = await DeliveryCallbackAsync(_esms.SmsIdOf(requestId)!, requestId, phone);
        Assert.Equal(HttpStatusCode.OK, callback.StatusCode);
        Assert.Equal(OutboundState.Delivered, (await InvitationMessageAsync(invitationId)).State);
    }

    [Fact]
    public async Task ServerError_IsRetried_AndOneSmsIsAccepted()
    {
        await StartServiceAsync();
        _esms.FailNextHttp(500);
        var invitationId = await InviteAsync(Fixtures.NewPhone());
        var first = await InvitationMessageAsync(invitationId);
        Assert.Equal(OutboundState.Pending, first.State);
        Assert.Contains("HTTP 500", first.Error, StringComparison.Ordinal);

        await DispatchAsync();

        Assert.Equal(2, _esms.Received.Count);
        Assert.Single(_esms.AcceptedRequestIds);
        var message = await InvitationMessageAsync(invitationId);
        Assert.Equal(OutboundState.Accepted, message.State);
        Assert.Equal(_esms.SmsIdOf(message.Id.ToString("N")), message.ProviderMessageId);
    }

    [Fact]
    public async Task BadPhoneFormat108_FailsTheInvitation_WithTheReason()
    {
        await StartServiceAsync();
        _esms.FailNext("108");
        var invitationId = await InviteAsync(Fixtures.NewPhone());
        await DispatchAsync();

        Assert.Single(_esms.Received);
        Assert.Equal(OutboundState.Failed, (await InvitationMessageAsync(invitationId)).State);
        var invitation = await InvitationAsync(invitationId);
        Assert.Equal(InvitationState.Failed, invitation.State);
        Assert.Contains("eSMS 108", invitation.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongCredentials101_PausesEsms_AndTheMessageWaits()
    {
        await StartServiceAsync();
        _esms.FailNext("101");
        var invitationId = await InviteAsync(Fixtures.NewPhone());
        await DispatchAsync();

        Assert.Single(_esms.Received);
        await using var db = Db();
        var pause = await db.ChannelProviderStates.AsNoTracking().SingleAsync(p => p.Provider == EsmsSmsChannel.ProviderName);
        Assert.True(pause.PausedUntil > DateTimeOffset.UtcNow, "esms should be paused");
        Assert.Contains("eSMS 101", pause.PauseReason, StringComparison.Ordinal);
        Assert.Equal(OutboundState.Pending, (await InvitationMessageAsync(invitationId)).State);
        Assert.Equal(InvitationState.Scheduled, (await InvitationAsync(invitationId)).State);
    }

    [Fact]
    public async Task CallbackOnAWrongSecretPath_IsAnsweredLikeAnUnknownAddress_AndNothingIsStored()
    {
        await StartServiceAsync();
        var phone = Fixtures.NewPhone();
        var invitationId = await InviteAsync(phone);
        var message = await InvitationMessageAsync(invitationId);

        using var response = await DeliveryCallbackAsync(message.ProviderMessageId!, message.Id.ToString("N"), phone, path: "/hooks/sms-gateway/cb_0123456789abcdefghijklmnoX");
        using var unknown = await _client.GetAsync("/hooks/no-such-gateway/cb_0123456789abcdefghijklmnoX");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(unknown.Content.Headers.ContentType?.ToString(), response.Content.Headers.ContentType?.ToString());
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        var other = JsonNode.Parse(await unknown.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal((string?)other["type"], (string?)problem["type"]);
        Assert.Equal((string?)other["title"], (string?)problem["title"]);
        Assert.Equal(other.Select(p => p.Key).Order(StringComparer.Ordinal), problem.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(0, await StoredEventsAsync());
        Assert.Equal(OutboundState.Accepted, (await InvitationMessageAsync(invitationId)).State);
    }

    [Fact]
    public async Task CallbackWithoutSmsId_Is400_AndKeptAsRejected()
    {
        await StartServiceAsync();

        using var response = await _client.GetAsync($"{CallbackPath}?SendStatus=5&SendSuccess=1");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        await using var db = Db();
        var kept = await db.InboundEvents.AsNoTracking().SingleAsync(e => e.Source == EsmsDeliveryHandler.WebhookName);
        Assert.Equal(WebhookInbox.RejectedKind, kept.Kind);
    }

    [Theory]
    [InlineData("5", 1, 0, ReceiptStatus.Delivered)]
    [InlineData("5", 0, 1, ReceiptStatus.Undelivered)]
    [InlineData("4", 0, 0, ReceiptStatus.Undelivered)]
    [InlineData("7", 0, 0, ReceiptStatus.InTransit)]
    [InlineData("1", 0, 0, ReceiptStatus.InTransit)]
    [InlineData("5", 0, 0, ReceiptStatus.InTransit)]
    public void SendStatus_MapsToTheReceipt(string sendStatus, int success, int failed, ReceiptStatus expected) =>
        Assert.Equal(expected, EsmsDeliveryHandler.Map(sendStatus, success, failed).Status);

    [Theory]
    [InlineData("+84912345678", "0912345678")]
    [InlineData("+842439123456", "02439123456")]
    [InlineData("+15017122661", null)]
    public void Phone_IsSentInNationalForm_OnlyForVietnam(string e164, string? expected) =>
        Assert.Equal(expected, EsmsSmsChannel.NationalNumber(e164));

    [Theory]
    [InlineData("short", false)]
    [InlineData("has/slash_0123456789abcdefghij", false)]
    [InlineData("cb_0123456789abcdefghijklmnop", true)]
    public void CallbackSecretPath_MustBeLongAndUrlSafe(string secretPath, bool valid)
    {
        var options = new EsmsOptions { ApiKey = "k", SecretKey = "s", Brandname = "SIPAS", CallbackSecretPath = secretPath };
        Assert.Equal(valid, Validator.TryValidateObject(options, new ValidationContext(options), [], validateAllProperties: true));
    }

    [Fact]
    public void ShortCodeSettings_GoTogether()
    {
        var options = new EsmsOptions { ApiKey = "k", SecretKey = "s", Brandname = "SIPAS", CallbackSecretPath = FakeEsms.CallbackSecretPath, CpId = "42" };
        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), [], validateAllProperties: true));
        Assert.False(options.ReceivesReplies);
    }
}
