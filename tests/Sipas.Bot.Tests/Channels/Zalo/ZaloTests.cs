using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Hangfire;
using Hangfire.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sipas.Bot.Channels;
using Sipas.Bot.Channels.Simulator;
using Sipas.Bot.Channels.Zalo;
using Sipas.Bot.Tests.Support;
using Sipas.Data;
using Sipas.Data.Model;
using Sipas.Scheduler.Invitations;
using Sipas.Testing;

namespace Sipas.Bot.Tests.Channels.Zalo;

/// <summary>
/// Zalo end to end through the real host, with the provider at a loopback fake: the invitation as a ZNS template,
/// the rating back by signed webhook and by reconciliation, the OA chat, and the failures. What Zalo received is
/// what counts. Routing: ZNS first, the simulated phone next.
/// </summary>
public sealed class ZaloTests : IAsyncLifetime
{
    private static readonly JsonNode Signatures = JsonNode.Parse(Fixtures.Text("Channels/Zalo/signatures.json"))!;

    private static readonly string[] FixtureReasons = ["Thủ tục phức tạp", "Trả kết quả trễ hẹn"];

    private FakeZalo _zalo = null!;
    private SipasFactory _factory = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _zalo = await FakeZalo.StartAsync();
        var settings = SipasFactory.SendAtOnce(_zalo.ServiceSettings());
        settings["Channels:Routing:Default:0"] = ZaloZnsChannel.ProviderName;
        settings["Channels:Routing:Default:1"] = SimulatorChannel.ProviderName;
        settings["Channels:Zalo:RatingReasons:Nhân viên nhiệt tình"] = "OFFICIAL";
        settings["Channels:Zalo:RatingReasons:Thủ tục phức tạp"] = "procedure";
        settings["Messages:SendTimeout"] = "00:00:02";
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
        await _zalo.DisposeAsync();
    }

    private static string ZaloPhone(string phone) => "84" + phone[1..];

    private SipasDbContext Db() => TestDatabase.Open(_factory.ConnectionString);

    private Task<Guid> InviteAsync(string phone) => _factory.InviteAsync(_client, phone);

    private Task<int> DispatchAsync() => _factory.DispatchAsync();

    private async Task<OutboundMessage> MessageAsync(Guid invitationId, string provider)
    {
        await using var db = Db();
        return await db.OutboundMessages.AsNoTracking().SingleAsync(m => m.InvitationId == invitationId && m.Provider == provider && m.Purpose == MessagePurpose.Invitation);
    }

    private async Task<Invitation> InvitationAsync(Guid id)
    {
        await using var db = Db();
        return await db.Invitations.AsNoTracking().SingleAsync(i => i.Id == id);
    }

    private async Task<Response?> ResponseAsync(Guid invitationId)
    {
        await using var db = Db();
        return await db.Responses.AsNoTracking().Include(r => r.Answers).Include(r => r.Reasons).SingleOrDefaultAsync(r => r.InvitationId == invitationId);
    }

    private Task<Response?> WaitForResponseAsync(Guid invitationId) =>
        Eventually.WaitForAsync(() => ResponseAsync(invitationId), r => r is not null, what: "the response");

    private async Task<int> StoredZaloEventsAsync(string kind)
    {
        await using var db = Db();
        return await db.InboundEvents.CountAsync(e => e.Source == ZaloWebhook.Name && e.Kind == kind);
    }

    private static string Sign(string body) =>
        "mac=" + ZaloSignature.Compute(FakeZalo.AppId, body, (string)JsonNode.Parse(body)!["timestamp"]!, FakeZalo.OaSecretKey);

    private async Task<HttpResponseMessage> PostEventAsync(byte[] body, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, ZaloWebhook.Path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        if (signature is not null)
        {
            request.Headers.Add(ZaloWebhook.SignatureHeader, signature);
        }

        return await _client.SendAsync(request);
    }

    private Task<HttpResponseMessage> PostSignedAsync(string body) => PostEventAsync(Encoding.UTF8.GetBytes(body), Sign(body));

    private static string Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    private static string Feedback(string msgId, string trackingId, int rate, string note, params string[] feedbacks) => new JsonObject
    {
        ["event_name"] = "user_feedback",
        ["app_id"] = FakeZalo.AppId,
        ["oa_id"] = FakeZalo.OaId,
        ["timestamp"] = Now(),
        ["message"] = new JsonObject
        {
            ["msg_id"] = msgId,
            ["rate"] = rate,
            ["note"] = note,
            ["submit_time"] = Now(),
            ["feedbacks"] = new JsonArray([.. feedbacks.Select(f => (JsonNode)f)]),
            ["tracking_id"] = trackingId,
        },
    }.ToJsonString();

    private static string UserText(string userId, string text) => new JsonObject
    {
        ["app_id"] = FakeZalo.AppId,
        ["sender"] = new JsonObject { ["id"] = userId },
        ["recipient"] = new JsonObject { ["id"] = FakeZalo.OaId },
        ["event_name"] = "user_send_text",
        ["message"] = new JsonObject { ["text"] = text, ["msg_id"] = Guid.NewGuid().ToString("N") },
        ["timestamp"] = Now(),
    }.ToJsonString();

    [Fact]
    public void ConfiguredZalo_RegistersItsTokenRenewalAndRatingReconciliationJobs_AtStart()
    {
        using var connection = _factory.Services.GetRequiredService<JobStorage>().GetConnection();
        var registered = connection.GetRecurringJobs().Select(job => job.Id).ToList();

        Assert.Contains(ZaloTokenRefreshJob.RecurringJobId, registered);
        Assert.Contains(ZaloRatingReconciliationJob.RecurringJobId, registered);
    }

    [Fact]
    public async Task Invitation_GoesOutAsZnsTemplate_ThenASignedRatingWebhook_RecordsTheResponse_AndCompletesTheInvitation()
    {
        var phone = Fixtures.NewPhone();
        var invitationId = await InviteAsync(phone);

        var sent = Assert.Single(_zalo.Templates, t => t.Phone == ZaloPhone(phone));
        var message = await MessageAsync(invitationId, ZaloZnsChannel.ProviderName);
        var invitation = await InvitationAsync(invitationId);
        Assert.Equal(FakeZalo.InvitationTemplate, sent.TemplateId);
        Assert.Equal(message.Id.ToString("N"), sent.TrackingId);
        Assert.StartsWith("at-", sent.AccessToken, StringComparison.Ordinal);
        Assert.Equal("UBND phườn", sent.TemplateData["ten_co_quan"]);
        Assert.StartsWith("000.00.70.H26-TEST-", sent.TemplateData["ma_ho_so"], StringComparison.Ordinal);
        Assert.Equal(invitation.Code, sent.TemplateData["ma_khao_sat"]);
        Assert.Equal(3, sent.TemplateData.Count);
        Assert.Equal(OutboundState.Accepted, message.State);
        Assert.Equal(InvitationState.Sent, invitation.State);
        Assert.Equal(ZaloZnsChannel.ProviderName, invitation.Provider);

        using var answer = await PostSignedAsync(Feedback(message.ProviderMessageId!, sent.TrackingId!, 4, "Cán bộ hướng dẫn rõ ràng", "Nhân viên nhiệt tình", "Thủ tục phức tạp", "Khác"));

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var response = (await WaitForResponseAsync(invitationId))!;
        Assert.Equal(ChannelKind.Zalo, response.Channel);
        Assert.False(response.IsLate);
        Assert.NotNull(response.CompletedAt);
        var overall = Assert.Single(response.Answers, a => a.ItemCode == QuestionnaireSeed.OverallItem);
        Assert.Equal((AnswerKind.Scale, 4), (overall.Kind, overall.Value));
        var comment = Assert.Single(response.Answers, a => a.ItemCode == QuestionnaireSeed.Dimensions.Comment);
        Assert.Equal("Cán bộ hướng dẫn rõ ràng", comment.Text);
        Assert.Equal(2, response.Answers.Count);
        Assert.Equal(
            new (string, string?)[] { ("Khác", null), ("Nhân viên nhiệt tình", "OFFICIAL"), ("Thủ tục phức tạp", "PROCEDURE") },
            response.Reasons.OrderBy(r => r.Text, StringComparer.Ordinal).Select(r => (r.Text, r.Dimension)));
        Assert.All(response.Reasons, r => Assert.Equal(ZaloRatingRecorder.ReasonSource, r.Source));
        var completed = await InvitationAsync(invitationId);
        Assert.Equal(InvitationState.Completed, completed.State);
        Assert.NotNull(completed.CompletedAt);
    }

    [Fact]
    public async Task SameRatingWebhookTwice_IsStoredOnce_AndRecordsOneResponse()
    {
        var phone = Fixtures.NewPhone();
        var invitationId = await InviteAsync(phone);
        var message = await MessageAsync(invitationId, ZaloZnsChannel.ProviderName);
        var body = Feedback(message.ProviderMessageId!, message.Id.ToString("N"), 5, "");

        using var first = await PostSignedAsync(body);
        await WaitForResponseAsync(invitationId);
        using var second = await PostSignedAsync(body);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        await using var db = Db();
        Assert.Equal(1, await db.Responses.CountAsync(r => r.InvitationId == invitationId));
        Assert.Equal(1, await db.InboundEvents.CountAsync(e => e.Source == ZaloWebhook.Name && e.ExternalId == "user_feedback:" + message.ProviderMessageId));
        var response = (await ResponseAsync(invitationId))!;
        Assert.Equal(5, Assert.Single(response.Answers).Value);
        Assert.Empty(response.Reasons);
    }

    [Fact]
    public async Task FixtureRatingWebhook_WithItsOwnSignatureHeader_IsRecordedOnTheInvitationItsTrackingIdNames()
    {
        var invitationId = await InviteAsync(Fixtures.NewPhone());
        await using (var db = Db())
        {
            // The fixture's tracking_id is a survey code (as a template sent by another tool would carry it).
            await db.Invitations.Where(i => i.Id == invitationId).ExecuteUpdateAsync(s => s.SetProperty(i => i.Code, "Ab3dE9xKq2"));
        }

        var header = (string)Signatures["events"]!.AsArray().Single(e => (string)e!["file"]! == "zns-user-feedback.json")!["signatureHeader"]!;
        using var answer = await PostEventAsync(Fixtures.Bytes("Channels/Zalo/zns-user-feedback.json"), header);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var response = (await WaitForResponseAsync(invitationId))!;
        Assert.Equal(2, response.Answers.Single(a => a.ItemCode == QuestionnaireSeed.OverallItem).Value);
        Assert.Equal("Phải đi lại 3 lần mới xong", response.Answers.Single(a => a.Kind == AnswerKind.Text).Text);
        Assert.Equal(FixtureReasons, response.Reasons.Select(r => r.Text).Order(StringComparer.Ordinal));
        Assert.Equal("PROCEDURE", response.Reasons.Single(r => r.Text == "Thủ tục phức tạp").Dimension);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1763606990000), response.CompletedAt);
    }

    [Fact]
    public async Task Reconciliation_RecordsARatingTheWebhookMissed_OnceOverTwoRuns()
    {
        var invitationId = await InviteAsync(Fixtures.NewPhone());
        var message = await MessageAsync(invitationId, ZaloZnsChannel.ProviderName);
        var submitted = DateTimeOffset.UtcNow.AddMinutes(-3);
        _zalo.AddRating(message.ProviderMessageId!, message.Id.ToString("N"), 3, ["Nhân viên nhiệt tình"], "", submitted);

        var firstRun = await RunReconciliationAsync();
        var secondRun = await RunReconciliationAsync();

        Assert.Equal(1, firstRun);
        Assert.Equal(0, secondRun);
        var query = _zalo.RatingQueries[^1];
        Assert.Equal(FakeZalo.InvitationTemplate, query.TemplateId);
        Assert.InRange(query.ToTime - query.FromTime, (long)TimeSpan.FromDays(2).TotalMilliseconds - 1000, (long)TimeSpan.FromDays(2).TotalMilliseconds + 1000);
        Assert.StartsWith("at-", query.AccessToken, StringComparison.Ordinal);
        var response = (await ResponseAsync(invitationId))!;
        Assert.Equal(3, response.Answers.Single(a => a.ItemCode == QuestionnaireSeed.OverallItem).Value);
        Assert.Equal(("Nhân viên nhiệt tình", "OFFICIAL"), (Assert.Single(response.Reasons).Text, response.Reasons[0].Dimension));
        Assert.Equal(submitted.ToUnixTimeMilliseconds(), response.CompletedAt!.Value.ToUnixTimeMilliseconds());
        Assert.Equal(InvitationState.Completed, (await InvitationAsync(invitationId)).State);
    }

    [Fact]
    public async Task WebhookAndReconciliation_RecordingTheSameRatingAtOnce_MakeOneResponse()
    {
        var invitationId = await InviteAsync(Fixtures.NewPhone());
        var message = await MessageAsync(invitationId, ZaloZnsChannel.ProviderName);
        var rating = new ZaloRating(message.ProviderMessageId, message.Id.ToString("N"), 5, ["Nhân viên nhiệt tình"], "Tốt", DateTimeOffset.UtcNow);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            await using var scope = _factory.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<ZaloRatingRecorder>().RecordAsync(rating, CancellationToken.None);
        }));

        Assert.Equal(1, outcomes.Count(o => o == RatingOutcome.Recorded));
        Assert.Equal(3, outcomes.Count(o => o == RatingOutcome.AlreadyRecorded));
        var response = (await ResponseAsync(invitationId))!;
        Assert.Equal(2, response.Answers.Count);
        Assert.Single(response.Reasons);
    }

    [Fact]
    public async Task RatingOutOfRange_IsIgnored_AndRecordsNothing()
    {
        var invitationId = await InviteAsync(Fixtures.NewPhone());
        var message = await MessageAsync(invitationId, ZaloZnsChannel.ProviderName);

        using var answer = await PostSignedAsync(Feedback(message.ProviderMessageId!, message.Id.ToString("N"), 7, "?"));

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        await Eventually.WaitForAsync(
            async () =>
            {
                await using var db = Db();
                return await db.InboundEvents.AsNoTracking().SingleAsync(e => e.ExternalId == "user_feedback:" + message.ProviderMessageId);
            },
            e => e.ProcessedAt is not null,
            what: "the event handled");
        Assert.Null(await ResponseAsync(invitationId));
        Assert.Equal(InvitationState.Sent, (await InvitationAsync(invitationId)).State);
    }

    [Fact]
    public async Task NoZaloAccount_FallsBackToTheNextProvider()
    {
        _zalo.FailNext(-118);
        var phone = Fixtures.NewPhone();
        var invitationId = await InviteAsync(phone);

        Assert.Single(_zalo.Templates, t => t.Phone == ZaloPhone(phone));
        var zns = await MessageAsync(invitationId, ZaloZnsChannel.ProviderName);
        Assert.Equal(OutboundState.Failed, zns.State);
        Assert.Contains("-118", zns.Error, StringComparison.Ordinal);
        var simulated = await MessageAsync(invitationId, SimulatorChannel.ProviderName);
        Assert.Equal(OutboundState.Delivered, simulated.State);
        var invitation = await InvitationAsync(invitationId);
        Assert.Equal(SimulatorChannel.ProviderName, invitation.Provider);
    }

    [Fact]
    public async Task NightBan_WaitsUntilAfterSixInTheMorning_ThenSendsOnce()
    {
        _zalo.FailNext(-133);
        var phone = Fixtures.NewPhone();
        var invitationId = await InviteAsync(phone);

        var waiting = await MessageAsync(invitationId, ZaloZnsChannel.ProviderName);
        Assert.Equal(OutboundState.Pending, waiting.State);
        var expected = ZaloZnsChannel.NextMorning(DateTimeOffset.UtcNow);
        Assert.InRange(waiting.NextAttemptAt!.Value, expected.AddMinutes(-1), expected.AddMinutes(1));
        var local = waiting.NextAttemptAt.Value.ToOffset(TimeSpan.FromHours(7));
        Assert.Equal((6, 5), (local.Hour, local.Minute));
        var invitation = await InvitationAsync(invitationId);
        Assert.Equal(InvitationState.Scheduled, invitation.State);
        Assert.True(invitation.DueAt >= waiting.NextAttemptAt.Value.AddSeconds(-1), $"invitation due {invitation.DueAt:O}");

        await DispatchAsync();
        Assert.Single(_zalo.Templates, t => t.Phone == ZaloPhone(phone));

        await using (var db = Db())
        {
            // Morning comes.
            var now = DateTimeOffset.UtcNow;
            await db.OutboundMessages.Where(m => m.Id == waiting.Id).ExecuteUpdateAsync(s => s.SetProperty(m => m.NextAttemptAt, now));
            await db.Invitations.Where(i => i.Id == invitationId).ExecuteUpdateAsync(s => s.SetProperty(i => i.DueAt, now));
        }

        await DispatchAsync();

        Assert.Equal(2, _zalo.Templates.Count(t => t.Phone == ZaloPhone(phone)));
        Assert.Equal(OutboundState.Accepted, (await MessageAsync(invitationId, ZaloZnsChannel.ProviderName)).State);
        Assert.Equal(InvitationState.Sent, (await InvitationAsync(invitationId)).State);
        await using var check = Db();
        Assert.False(await check.OutboundMessages.AnyAsync(m => m.InvitationId == invitationId && m.Provider == SimulatorChannel.ProviderName));
    }

    [Fact]
    public async Task RejectedAccessToken_IsRefreshedOnce_ThenTheMessageGoesOutWithTheNewToken()
    {
        await InviteAsync(Fixtures.NewPhone());
        var refreshesBefore = _zalo.Refreshes;
        var refusedBefore = _zalo.RefusedRefreshes;
        _zalo.FailNext(-124);
        var phone = Fixtures.NewPhone();

        var invitationId = await InviteAsync(phone);
        await DispatchAsync();

        var calls = _zalo.Templates.Where(t => t.Phone == ZaloPhone(phone)).ToList();
        Assert.Equal(2, calls.Count);
        Assert.Equal(refreshesBefore + 1, _zalo.Refreshes);
        Assert.NotEqual(calls[0].AccessToken, calls[1].AccessToken);
        Assert.Equal($"at-{_zalo.Refreshes}", calls[1].AccessToken);
        Assert.Equal(calls[0].TrackingId, calls[1].TrackingId);
        Assert.Equal(OutboundState.Accepted, (await MessageAsync(invitationId, ZaloZnsChannel.ProviderName)).State);
        Assert.Equal(refusedBefore, _zalo.RefusedRefreshes);
    }

    [Fact]
    public async Task ServerError_IsRetried_AndZaloGetsTheTemplateTwiceNotThrice()
    {
        _zalo.FailNextHttp(HttpStatusCode.BadGateway);
        var phone = Fixtures.NewPhone();
        var invitationId = await InviteAsync(phone);
        Assert.Equal(OutboundState.Pending, (await MessageAsync(invitationId, ZaloZnsChannel.ProviderName)).State);

        await DispatchAsync();
        await DispatchAsync();

        Assert.Equal(2, _zalo.Templates.Count(t => t.Phone == ZaloPhone(phone)));
        Assert.Equal(OutboundState.Accepted, (await MessageAsync(invitationId, ZaloZnsChannel.ProviderName)).State);
    }

    [Fact]
    public async Task NoAnswerInTime_IsMarkedUnknown_AndNeverSentAgain()
    {
        _zalo.HangNext();
        var phone = Fixtures.NewPhone();
        var invitationId = await InviteAsync(phone);
        await DispatchAsync();

        Assert.Single(_zalo.Templates, t => t.Phone == ZaloPhone(phone));
        Assert.Equal(OutboundState.Unknown, (await MessageAsync(invitationId, ZaloZnsChannel.ProviderName)).State);
    }

    [Fact]
    public async Task TemplateNotApproved_PausesZns_AndTheInvitationFallsBack()
    {
        _zalo.FailNext(-131);
        var phone = Fixtures.NewPhone();
        try
        {
            var invitationId = await InviteAsync(phone);

            await using var db = Db();
            var state = await db.ChannelProviderStates.AsNoTracking().SingleAsync(p => p.Provider == ZaloZnsChannel.ProviderName);
            Assert.True(state.PausedUntil > DateTimeOffset.UtcNow);
            Assert.Contains("-131", state.PauseReason, StringComparison.Ordinal);
            Assert.Equal(SimulatorChannel.ProviderName, (await InvitationAsync(invitationId)).Provider);
            Assert.Single(_zalo.Templates, t => t.Phone == ZaloPhone(phone));
        }
        finally
        {
            await _factory.Services.GetRequiredService<ProviderPauses>().ResumeAsync(ZaloZnsChannel.ProviderName, CancellationToken.None);
        }
    }

    [Fact]
    public async Task OaChat_InvitationCodeBindsTheUser_TheFirstQuestionGoesToTheOa_AndTheAnswerIsStored()
    {
        var invitationId = await InviteAsync(Fixtures.NewPhone());
        var invitation = await InvitationAsync(invitationId);
        var userId = "70000000000" + Random.Shared.Next(10_000_000, 99_999_999);

        using var opened = await PostSignedAsync(UserText(userId, invitation.Code));

        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        var question = await Eventually.WaitForAsync(() => Task.FromResult(_zalo.CsMessages.Where(m => m.UserId == userId).ToList()), l => l.Count == 1, what: "the first question at the OA");
        Assert.Contains("1", question[0].Text, StringComparison.Ordinal);
        Assert.Contains("UBND phường Hoàn Kiếm", question[0].Text, StringComparison.Ordinal);
        await using (var db = Db())
        {
            Assert.Equal(1, await db.ContactAddresses.CountAsync(a => a.ContactId == invitation.ContactId && a.Provider == ZaloOaChannel.ProviderName));
            var conversation = await db.Conversations.AsNoTracking().SingleAsync(c => c.InvitationId == invitationId);
            Assert.Equal((ZaloOaChannel.ProviderName, ConversationState.Active), (conversation.Provider, conversation.State));
        }

        using var answered = await PostSignedAsync(UserText(userId, "5"));

        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        var response = (await WaitForResponseAsync(invitationId))!;
        Assert.Equal(5, Assert.Single(response.Answers, a => a.ItemCode == QuestionnaireSeed.OverallItem).Value);
        Assert.Equal(ChannelKind.Zalo, response.Channel);
        await Eventually.WaitForAsync(() => Task.FromResult(_zalo.CsMessages.Count(m => m.UserId == userId)), n => n == 2, what: "the second question at the OA");
        Assert.Equal(InvitationState.Started, (await InvitationAsync(invitationId)).State);
    }

    [Fact]
    public async Task ZnsDeliveryEvent_MarksTheInvitationDelivered_AtTheDeliveryTime()
    {
        var invitationId = await InviteAsync(Fixtures.NewPhone());
        var message = await MessageAsync(invitationId, ZaloZnsChannel.ProviderName);
        var deliveredAt = DateTimeOffset.UtcNow.AddSeconds(-30);
        var body = new JsonObject
        {
            ["sender"] = new JsonObject { ["id"] = FakeZalo.OaId },
            ["recipient"] = new JsonObject { ["id"] = "84912345678" },
            ["event_name"] = "user_received_message",
            ["message"] = new JsonObject
            {
                ["delivery_time"] = deliveredAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
                ["msg_id"] = message.ProviderMessageId,
                ["tracking_id"] = message.Id.ToString("N"),
            },
            ["app_id"] = FakeZalo.AppId,
            ["timestamp"] = Now(),
        }.ToJsonString();

        using var answer = await PostSignedAsync(body);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var invitation = await Eventually.WaitForAsync(() => InvitationAsync(invitationId), i => i.DeliveredAt is not null, what: "the invitation delivered");
        Assert.Equal(InvitationState.Delivered, invitation.State);
        Assert.Equal(deliveredAt.ToUnixTimeMilliseconds(), invitation.DeliveredAt!.Value.ToUnixTimeMilliseconds());
        Assert.Equal(OutboundState.Delivered, (await MessageAsync(invitationId, ZaloZnsChannel.ProviderName)).State);
    }

    [Theory]
    [InlineData("mac=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("not a mac")]
    [InlineData(null)]
    public async Task BadSignature_Is401_AndNothingIsStored(string? signature)
    {
        var before = await StoredZaloEventsAsync(WebhookInbox.Kind) + await StoredZaloEventsAsync(WebhookInbox.RejectedKind);
        var body = UserText("123", "5");

        using var answer = await PostEventAsync(Encoding.UTF8.GetBytes(body), signature);

        await ProblemAssert.IsProblemAsync(answer, HttpStatusCode.Unauthorized);
        Assert.Equal(before, await StoredZaloEventsAsync(WebhookInbox.Kind) + await StoredZaloEventsAsync(WebhookInbox.RejectedKind));
    }

    [Fact]
    public async Task SignatureOfAnotherBody_Is401()
    {
        var body = UserText("123", "5");
        var other = UserText("123", "4");

        using var answer = await PostEventAsync(Encoding.UTF8.GetBytes(body), Sign(other));

        await ProblemAssert.IsProblemAsync(answer, HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("""{"timestamp":"1763606430000","app_id":"2074138120372622546"}""")]
    [InlineData("""{"timestamp":"1763606430001","event_name":"user_feedback","message":{"msg_id":"x","rate":"five"}}""")]
    [InlineData("""{"timestamp":"1763606430002","event_name":"user_send_text","message":"hello"}""")]
    public async Task SignedButUnreadableEvent_Is400_AndKeptForInspection(string body)
    {
        var before = await StoredZaloEventsAsync(WebhookInbox.RejectedKind);

        using var answer = await PostSignedAsync(body);

        await ProblemAssert.IsProblemAsync(answer, HttpStatusCode.BadRequest);
        Assert.Equal(before + 1, await StoredZaloEventsAsync(WebhookInbox.RejectedKind));
    }

    [Fact]
    public async Task OaTextFromAStranger_IsAnsweredPolitely_ThroughTheOa()
    {
        var header = (string)Signatures["events"]!.AsArray().Single(e => (string)e!["file"]! == "user-send-text.json")!["signatureHeader"]!;

        using var answer = await PostEventAsync(Fixtures.Bytes("Channels/Zalo/user-send-text.json"), header);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var reply = await Eventually.WaitForAsync(
            () => Task.FromResult(_zalo.CsMessages.Where(m => m.UserId == "2468458835296197922").ToList()), l => l.Count == 1, what: "the reply at the OA");
        Assert.False(string.IsNullOrWhiteSpace(reply[0].Text));
        await using var db = Db();
        Assert.Equal(1, await db.InboundMessages.CountAsync(m => m.Provider == ZaloOaChannel.ProviderName && m.ProviderMessageId == "96d3cdf3af150460909"));
    }

    private async Task<int> RunReconciliationAsync()
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ZaloRatingReconciliationJob>().RunAsync(CancellationToken.None);
    }
}
