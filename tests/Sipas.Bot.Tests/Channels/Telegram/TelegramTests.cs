using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sipas.Bot.Channels;
using Sipas.Bot.Channels.Simulator;
using Sipas.Bot.Channels.Telegram;
using Sipas.Bot.Tests.Support;
using Sipas.Data;
using Sipas.Data.Model;
using Sipas.Scheduler.Invitations;
using Sipas.Testing;

namespace Sipas.Bot.Tests.Channels.Telegram;

/// <summary>
/// The Telegram bot end to end: the real host, the real Telegram.Bot client against a loopback fake of the Bot API
/// that records every call, and signed updates posted to /hooks/telegram as Telegram posts them. Routing tries
/// Telegram first and the simulator next, so an invitation goes to the chat once the citizen has bound it.
/// </summary>
public sealed class TelegramTests : IAsyncLifetime
{
    private const long Chat = 1111111;
    private const string Thanks = "Trân trọng cảm ơn";

    private FakeTelegram _telegram = null!;
    private SipasFactory _factory = null!;
    private HttpClient _client = null!;
    private long _nextUpdateId = 700_000_000;

    public async Task InitializeAsync()
    {
        _telegram = await FakeTelegram.StartAsync();
        var settings = SipasFactory.SendAtOnce(_telegram.ServiceSettings());
        settings["Sipas:PublicBaseUrl"] = "https://sipas.test";
        settings["Channels:Routing:Default:0"] = TelegramChannel.ProviderName;
        settings["Channels:Routing:Default:1"] = SimulatorChannel.ProviderName;
        settings["Survey:FatigueWindowDays"] = "0";
        settings["Messages:SendTimeout"] = "00:00:02";
        settings["Messages:FirstRetryDelay"] = "00:00:00";
        settings["Messages:MaxRetryDelay"] = "00:00:00";
        _factory = await SipasFactory.StartAsync(settings);
        _client = _factory.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        await _telegram.DisposeAsync();
    }

    [Fact]
    public async Task DeepLink_BindsTheChat_AndTheWholeSurveyIsAnsweredWithButtons()
    {
        var invitationId = await InviteAsync(Fixtures.NewPhone());
        var invitation = await InvitationMessageAsync(invitationId, SimulatorChannel.ProviderName);
        var code = await CodeAsync(invitationId);
        Assert.Equal($"https://t.me/{FakeTelegram.BotUsername}?start={code}", invitation.Data["telegram_link"]);
        Assert.Empty(_telegram.CallsOf("sendMessage"));

        using (var start = await PostUpdateAsync(StartUpdate(Chat, code)))
        {
            Assert.Equal(HttpStatusCode.OK, start.StatusCode);
        }

        var question = Assert.Single(_telegram.SentTo(Chat));
        Assert.Contains("Câu 1/7: Nhìn chung, Ông/Bà hài lòng thế nào", question.Text, StringComparison.Ordinal);
        Assert.Equal(["1", "2", "3", "4", "5"], question.Keyboard[0].Select(b => b.Data));
        Assert.Equal(["1", "2", "3", "4", "5"], question.Keyboard[0].Select(b => b.Label));
        Assert.Equal([("Bỏ qua", "0")], question.Keyboard[1]);

        var presses = await AnswerAllAsync(Chat);

        await using var db = Db();
        var response = await db.Responses.Include(r => r.Answers).SingleAsync(r => r.InvitationId == invitationId);
        Assert.Equal(ChannelKind.Telegram, response.Channel);
        Assert.NotNull(response.CompletedAt);
        var answers = response.Answers.ToDictionary(a => a.ItemCode);
        Assert.Equal(7, answers.Count);
        Assert.Equal(5, answers["OVERALL"].Value);
        Assert.Equal("Cán bộ hướng dẫn rất nhiệt tình, cảm ơn!", answers["COMMENT"].Text);
        Assert.Equal(InvitationState.Completed, (await db.Invitations.SingleAsync(i => i.Id == invitationId)).State);
        Assert.Contains(Thanks, _telegram.SentTo(Chat)[^1].Text, StringComparison.Ordinal);

        // Every press was answered (no spinner left) and its question lost its buttons and shows the choice.
        Assert.Equal(presses.Select(p => p.CallbackId), _telegram.CallsOf("answerCallbackQuery").Select(c => (string)c.Body["callback_query_id"]!));
        var edits = _telegram.CallsOf("editMessageText");
        Assert.Equal(presses.Select(p => p.MessageId), edits.Select(e => e.MessageId));
        Assert.All(edits, edit => Assert.Null(edit.Body["reply_markup"]));
        Assert.EndsWith($"{TelegramUpdateHandler.ChosenPrefix}5", edits[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatAlreadyBound_NextInvitationGoesStraightToTheChat()
    {
        var phone = Fixtures.NewPhone();
        await OpenChatAsync(phone, Chat);
        await AnswerAllAsync(Chat);
        var sentBefore = _telegram.SentTo(Chat).Count;

        var second = await InviteAsync(phone);

        var message = await InvitationMessageAsync(second, TelegramChannel.ProviderName);
        Assert.Equal(OutboundState.Delivered, message.State);
        Assert.Equal(sentBefore + 1, _telegram.SentTo(Chat).Count);
        var invitation = _telegram.SentTo(Chat)[^1];
        Assert.Contains("Câu 1/7", invitation.Text, StringComparison.Ordinal);
        Assert.NotEmpty(invitation.Keyboard);
        Assert.Equal($"{Chat}:{invitation.MessageId}", message.ProviderMessageId);
        await using var db = Db();
        Assert.False(await db.OutboundMessages.AnyAsync(m => m.InvitationId == second && m.Provider == SimulatorChannel.ProviderName));
    }

    [Fact]
    public async Task SameUpdateDeliveredTwice_IsAnsweredOnce()
    {
        var invitationId = await OpenChatAsync(Fixtures.NewPhone(), Chat);
        var press = CallbackUpdate(Chat, _telegram.SentTo(Chat)[^1], "4");

        using (var first = await PostUpdateAsync(press))
        using (var again = await PostUpdateAsync(press))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        Assert.Single(_telegram.CallsOf("answerCallbackQuery"));
        Assert.Equal(2, _telegram.SentTo(Chat).Count);
        Assert.StartsWith("Câu 2/7", _telegram.SentTo(Chat)[^1].Text, StringComparison.Ordinal);
        await using var db = Db();
        var answer = await db.Answers.SingleAsync(a => db.Responses.Any(r => r.Id == a.ResponseId && r.InvitationId == invitationId));
        Assert.Equal(4, answer.Value);
        Assert.Equal(1, await db.InboundEvents.CountAsync(e => e.Source == TelegramWebhook.Name && e.ExternalId == ((long)press["update_id"]!).ToString()));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("s3cr3t_Token-for-test")]
    [InlineData("s3cr3t_Token-for-tests-and-more")]
    public async Task WrongOrMissingSecret_Is401_AndNothingIsStored(string? secret)
    {
        using var response = await PostUpdateAsync(TextUpdate(Chat, "5"), secret);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await using var db = Db();
        Assert.False(await db.InboundEvents.AnyAsync());
        Assert.False(await db.InboundMessages.AnyAsync());
        Assert.Empty(_telegram.CallsOf("sendMessage"));
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"message\":{\"text\":\"5\"}}")]
    [InlineData("{\"update_id\":\"twelve\"}")]
    [InlineData("{\"update_id\":5,\"message\":{\"message_id\":\"x\",\"chat\":42}}")]
    public async Task BodyThatIsNotAnUpdate_Is400_AndIsKeptAsRejected(string body)
    {
        using var response = await PostRawAsync(Encoding.UTF8.GetBytes(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await using var db = Db();
        var kept = await db.InboundEvents.SingleAsync();
        Assert.Equal(WebhookInbox.RejectedKind, kept.Kind);
        Assert.Equal(TelegramWebhook.Name, kept.Source);
        Assert.NotNull(kept.Error);
        Assert.DoesNotContain(_telegram.Calls, c => c.Method != "setWebhook");
    }

    [Fact]
    public async Task BodyOverOneMebibyte_Is413()
    {
        var huge = new byte[TelegramWebhook.MaxBodyBytes + 1];
        Array.Fill(huge, (byte)' ');

        using var response = await PostRawAsync(huge);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await using var db = Db();
        Assert.False(await db.InboundEvents.AnyAsync());
    }

    [Fact]
    public async Task BotBlockedByTheCitizen_RecordsATelegramOptOut_AndFallsBackToTheNextProvider()
    {
        var phone = Fixtures.NewPhone();
        await OpenChatAsync(phone, Chat);
        await AnswerAllAsync(Chat);
        var sentBefore = _telegram.SentTo(Chat).Count;
        _telegram.FailNext(HttpStatusCode.Forbidden, "Forbidden: bot was blocked by the user");

        var second = await InviteAsync(phone);

        Assert.Equal(sentBefore + 1, _telegram.SentTo(Chat).Count);
        var refused = await InvitationMessageAsync(second, TelegramChannel.ProviderName);
        Assert.Equal(OutboundState.Failed, refused.State);
        Assert.Contains("blocked", refused.Error, StringComparison.Ordinal);
        Assert.Equal(OutboundState.Delivered, (await InvitationMessageAsync(second, SimulatorChannel.ProviderName)).State);
        await using var db = Db();
        var optOut = await db.OptOuts.SingleAsync(o => o.ContactId == refused.ContactId);
        Assert.Equal(ChannelKind.Telegram, optOut.OnlyChannel);
        var invitation = await db.Invitations.SingleAsync(i => i.Id == second);
        Assert.Equal(InvitationState.Delivered, invitation.State);
        Assert.Equal(SimulatorChannel.ProviderName, invitation.Provider);
    }

    [Fact]
    public async Task TooManyRequests_WaitsForRetryAfter_WithoutSendingAgain()
    {
        var invitationId = await InviteAsync(Fixtures.NewPhone());
        _telegram.FailNext(HttpStatusCode.TooManyRequests, "Too Many Requests: retry after 30", retryAfter: 30);
        var before = DateTimeOffset.UtcNow;

        using (var start = await PostUpdateAsync(StartUpdate(Chat, await CodeAsync(invitationId))))
        {
            Assert.Equal(HttpStatusCode.OK, start.StatusCode);
        }

        var after = DateTimeOffset.UtcNow;
        Assert.Single(_telegram.SentTo(Chat));
        await using var db = Db();
        var reply = await db.OutboundMessages.AsNoTracking().SingleAsync(m => m.Provider == TelegramChannel.ProviderName);
        Assert.Equal(OutboundState.Pending, reply.State);
        Assert.InRange(reply.NextAttemptAt!.Value, before.AddSeconds(29), after.AddSeconds(31));
        Assert.Contains("429", reply.Error, StringComparison.Ordinal);

        // Asked again before Telegram's time: nothing goes out.
        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            var delivery = await scope.ServiceProvider.GetRequiredService<OutboundMessenger>().DeliverAsync(reply.Id, reply.Provider, CancellationToken.None);
            Assert.IsType<Delivery.RetryLater>(delivery);
        }

        Assert.Single(_telegram.SentTo(Chat));
    }

    [Fact]
    public async Task ServerError_IsRetried_AndTheChatGetsOneMessage()
    {
        var phone = Fixtures.NewPhone();
        await OpenChatAsync(phone, Chat);
        await AnswerAllAsync(Chat);
        var sentBefore = _telegram.SentTo(Chat).Count;
        _telegram.FailNext(HttpStatusCode.BadGateway, "Bad Gateway");

        var second = await InviteAsync(phone);
        var afterFirst = await InvitationMessageAsync(second, TelegramChannel.ProviderName);
        Assert.Equal(OutboundState.Pending, afterFirst.State);
        Assert.Contains("502", afterFirst.Error, StringComparison.Ordinal);

        await DispatchAsync();

        Assert.Equal(sentBefore + 2, _telegram.SentTo(Chat).Count);
        var message = await InvitationMessageAsync(second, TelegramChannel.ProviderName);
        Assert.Equal(OutboundState.Delivered, message.State);
        Assert.Equal(2, message.Attempts);
        await DispatchAsync();
        Assert.Equal(sentBefore + 2, _telegram.SentTo(Chat).Count);
    }

    [Fact]
    public async Task NoAnswerInTime_IsMarkedUnknown_AndNeverSentAgain()
    {
        var phone = Fixtures.NewPhone();
        await OpenChatAsync(phone, Chat);
        await AnswerAllAsync(Chat);
        var sentBefore = _telegram.SentTo(Chat).Count;
        _telegram.HangNext();

        var second = await InviteAsync(phone);
        await DispatchAsync();

        Assert.Equal(sentBefore + 1, _telegram.SentTo(Chat).Count);
        Assert.Equal(OutboundState.Unknown, (await InvitationMessageAsync(second, TelegramChannel.ProviderName)).State);
        await using var db = Db();
        Assert.False(await db.OutboundMessages.AnyAsync(m => m.InvitationId == second && m.Provider == SimulatorChannel.ProviderName));
    }

    [Fact]
    public async Task RevokedToken_PausesTelegram_AndTheInvitationFallsBack()
    {
        var phone = Fixtures.NewPhone();
        await OpenChatAsync(phone, Chat);
        await AnswerAllAsync(Chat);
        _telegram.FailNext(HttpStatusCode.Unauthorized, "Unauthorized");

        var second = await InviteAsync(phone);

        Assert.NotNull(await _factory.Services.GetRequiredService<ProviderPauses>().PausedUntilAsync(TelegramChannel.ProviderName, CancellationToken.None));
        Assert.Equal(OutboundState.Cancelled, (await InvitationMessageAsync(second, TelegramChannel.ProviderName)).State);
        Assert.Equal(OutboundState.Delivered, (await InvitationMessageAsync(second, SimulatorChannel.ProviderName)).State);
        await using var db = Db();
        Assert.False(await db.OptOuts.AnyAsync());
    }

    [Fact]
    public async Task Start_RegistersTheWebhook_WithTheSecretAndTheUpdateKinds()
    {
        var call = await Eventually.WaitForAsync(() => Task.FromResult(_telegram.CallsOf("setWebhook")), calls => calls.Count > 0, what: "setWebhook at the fake");

        var body = Assert.Single(call).Body;
        Assert.Equal("https://sipas.test/hooks/telegram", (string?)body["url"]);
        Assert.Equal(FakeTelegram.WebhookSecret, (string?)body["secret_token"]);
        Assert.Equal(["message", "callback_query"], body["allowed_updates"]!.AsArray().Select(u => (string)u!));
    }

    [Fact]
    public async Task TextFromAnUnknownChat_GetsThePoliteNoSurveyReply_AndIsStored()
    {
        const long stranger = 2222222;
        using (var response = await PostUpdateAsync(TextUpdate(stranger, "Xin chào")))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var reply = Assert.Single(_telegram.SentTo(stranger));
        Assert.Contains("Ông/Bà", reply.Text, StringComparison.Ordinal);
        Assert.Empty(reply.Keyboard);
        await using var db = Db();
        var inbound = await db.InboundMessages.SingleAsync();
        Assert.Equal(ChannelKind.Telegram, inbound.Channel);
        Assert.Equal("Xin chào", inbound.Text);
        Assert.Null(inbound.ContactId);
    }

    [Fact]
    public async Task OtherUpdateKinds_AreStoredAndAnswered200_ButIgnored()
    {
        var edited = new JsonObject
        {
            ["update_id"] = ++_nextUpdateId,
            ["edited_message"] = Fixture("text-message.json")["message"]!.DeepClone(),
        };

        using var response = await PostUpdateAsync(edited);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var db = Db();
        var stored = await db.InboundEvents.SingleAsync();
        Assert.NotNull(stored.ProcessedAt);
        Assert.False(await db.InboundMessages.AnyAsync());
        Assert.Empty(_telegram.CallsOf("sendMessage"));
    }

    private SipasDbContext Db() => TestDatabase.Open(_factory.ConnectionString);

    private Task<int> DispatchAsync() => _factory.DispatchAsync();

    private Task<Guid> InviteAsync(string phone) => _factory.InviteAsync(_client, phone);

    private async Task<string> CodeAsync(Guid invitationId)
    {
        await using var db = Db();
        return await db.Invitations.Where(i => i.Id == invitationId).Select(i => i.Code).SingleAsync();
    }

    private async Task<OutboundMessage> InvitationMessageAsync(Guid invitationId, string provider)
    {
        await using var db = Db();
        return await db.OutboundMessages.AsNoTracking().SingleAsync(m => m.InvitationId == invitationId && m.Purpose == MessagePurpose.Invitation && m.Provider == provider);
    }

    /// <summary>An invitation sent on the simulator, then opened in Telegram from its deep link: the chat now holds the first question.</summary>
    private async Task<Guid> OpenChatAsync(string phone, long chatId)
    {
        var invitationId = await InviteAsync(phone);
        using var response = await PostUpdateAsync(StartUpdate(chatId, await CodeAsync(invitationId)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEmpty(_telegram.SentTo(chatId)[^1].Keyboard);
        return invitationId;
    }

    /// <summary>Answers every question in the chat as a citizen would: the "5" button where there is one, the first button otherwise, text when there are none.</summary>
    private async Task<List<(string CallbackId, int? MessageId)>> AnswerAllAsync(long chatId)
    {
        var presses = new List<(string, int?)>();
        for (var step = 0; step < 12; step++)
        {
            var sent = _telegram.SentTo(chatId);
            var last = sent[^1];
            if (last.Text.Contains(Thanks, StringComparison.Ordinal))
            {
                return presses;
            }

            JsonObject update;
            if (last.Keyboard.SelectMany(row => row).ToList() is { Count: > 0 } buttons)
            {
                var data = buttons.Any(b => b.Data == "5") ? "5" : buttons[0].Data;
                update = CallbackUpdate(chatId, last, data);
                presses.Add(((string)update["callback_query"]!["id"]!, last.MessageId));
            }
            else
            {
                update = TextUpdate(chatId, "Cán bộ hướng dẫn rất nhiệt tình, cảm ơn!");
            }

            using var response = await PostUpdateAsync(update);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(sent.Count + 1, _telegram.SentTo(chatId).Count);
        }

        throw new InvalidOperationException("The survey did not end with thanks.");
    }

    private static JsonObject Fixture(string name) => JsonNode.Parse(Fixtures.Text($"Channels/Telegram/{name}"))!.AsObject();

    private JsonObject StartUpdate(long chatId, string code) => TextUpdate(chatId, $"/start {code}", "start-with-payload.json");

    private JsonObject TextUpdate(long chatId, string text, string fixture = "text-message.json")
    {
        var update = Fixture(fixture);
        update["update_id"] = ++_nextUpdateId;
        var message = update["message"]!;
        message["message_id"] = (int)(_nextUpdateId % 100_000);
        message["from"]!["id"] = chatId;
        message["chat"]!["id"] = chatId;
        message["text"] = text;
        return update;
    }

    /// <summary>The button <paramref name="data"/> pressed under a message the fake received: Telegram sends back that message, keyboard and all.</summary>
    private JsonObject CallbackUpdate(long chatId, BotCall sent, string data)
    {
        var update = Fixture("callback-query.json");
        update["update_id"] = ++_nextUpdateId;
        var query = update["callback_query"]!;
        query["id"] = $"cb{_nextUpdateId}";
        query["from"]!["id"] = chatId;
        query["data"] = data;
        var message = query["message"]!;
        message["message_id"] = sent.MessageId;
        message["chat"]!["id"] = chatId;
        message["text"] = sent.Text;
        message["reply_markup"] = sent.Body["reply_markup"]?.DeepClone();
        return update;
    }

    private Task<HttpResponseMessage> PostUpdateAsync(JsonObject update, string? secret = FakeTelegram.WebhookSecret) =>
        PostRawAsync(Encoding.UTF8.GetBytes(update.ToJsonString()), secret);

    private async Task<HttpResponseMessage> PostRawAsync(byte[] body, string? secret = FakeTelegram.WebhookSecret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, TelegramWebhook.Path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        if (secret is not null)
        {
            request.Headers.TryAddWithoutValidation(TelegramSecretToken.HeaderName, secret);
        }

        return await _client.SendAsync(request);
    }
}
