using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Sipas.Bot.Tests.Support;
using Sipas.Data;
using Sipas.Data.Model;
using Sipas.Scheduler.Invitations;
using Sipas.Testing;

namespace Sipas.Bot.Tests.Conversations;

/// <summary>
/// The conversation engine through the simulated phone (the real webhook, dispatcher, engine and database): natural
/// Vietnamese replies, hints and skips, help, opt-out and back, the comment offer, concurrency, and the ends of a
/// survey (completed, expired, reminded).
/// </summary>
public sealed class ConversationEngineTests : IAsyncLifetime
{
    private const string Unit = "00070";

    private SipasFactory _factory = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        // No fatigue window: a test may invite one citizen twice.
        _factory = await SipasFactory.StartAsync(SipasFactory.SendAtOnce([new("Survey:FatigueWindowDays", "0")]));
        _client = _factory.CreateClient();
        await StaffSessions.SignInSupervisorAsync(_factory.Services, _client);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task NaturalVietnameseReplies_CompleteTheShortQuestionnaire_AndCountInTheIndex()
    {
        var (invitationId, phone) = await InviteAsync();

        Assert.StartsWith("Câu 2/7", await SayAsync(phone, "Rất hài lòng!"), StringComparison.Ordinal);
        Assert.StartsWith("Câu 3/7", await SayAsync(phone, "hai long a"), StringComparison.Ordinal);
        Assert.StartsWith("Câu 4/7", await SayAsync(phone, "BT"), StringComparison.Ordinal);
        Assert.StartsWith("Câu 5/7", await SayAsync(phone, "ko hai long"), StringComparison.Ordinal);
        Assert.StartsWith("Câu 6/7", await SayAsync(phone, "⭐⭐⭐⭐"), StringComparison.Ordinal);
        Assert.StartsWith("Câu 7/7", await SayAsync(phone, "kad"), StringComparison.Ordinal);
        Assert.StartsWith("Trân trọng cảm ơn", await SayAsync(phone, "Cán bộ hướng dẫn tận tình, một lần là xong."), StringComparison.Ordinal);

        var answers = await AnswersAsync(invitationId);
        Assert.Equal(5, answers["OVERALL"].Value);
        Assert.Equal(4, answers["ACCESS"].Value);
        Assert.Equal(3, answers["PROCEDURE"].Value);
        Assert.Equal(2, answers["OFFICIAL"].Value);
        Assert.Equal(4, answers["RESULT"].Value);
        Assert.Equal(AnswerKind.NotApplicable, answers["FEEDBACK"].Kind);
        Assert.Equal("Cán bộ hướng dẫn tận tình, một lần là xong.", answers["COMMENT"].Text);
        Assert.All(answers.Values, a => Assert.False(a.IsLate));

        var index = await IndexAsync();
        Assert.Equal(1, (int)index["sipas"]!["n"]!);
        Assert.Equal(100.0, (double)index["sipas"]!["percent"]!);
        Assert.Equal(1, (int)index["funnel"]!["completed"]!);
    }

    [Fact]
    public async Task FirstQuestion_NamesTheDossier_ByProcedureAndLocalReturnDate()
    {
        var (invitationId, phone) = await InviteAsync(returnedAgo: TimeSpan.FromDays(2));

        var greeting = Assert.Single(await phone.MessagesAsync()).Text;

        await using var db = Db();
        var returnedAt = await db.Invitations.Where(i => i.Id == invitationId).Select(i => i.Dossier!.ReturnedAt).SingleAsync();
        var localDate = returnedAt.ToOffset(TimeSpan.FromHours(7)).ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);
        Assert.Contains($"\"Đăng ký khai sinh\" (trả kết quả ngày {localDate})", greeting, StringComparison.Ordinal);
        Assert.Contains("Câu 1/7", greeting, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnclearReply_GetsOneHint_AndASecondMissSkipsTheQuestion()
    {
        var (invitationId, phone) = await InviteAsync();

        var hint = await SayAsync(phone, "7");
        Assert.StartsWith("Xin lỗi, chúng tôi chưa hiểu câu trả lời \"7\".", hint, StringComparison.Ordinal);
        Assert.Contains("\"rất hài lòng\"", hint, StringComparison.Ordinal);
        Assert.Contains("Câu 1/7", hint, StringComparison.Ordinal);
        Assert.Empty(await AnswersAsync(invitationId));

        var skipped = await SayAsync(phone, "tám");
        Assert.StartsWith("Chúng tôi vẫn chưa hiểu câu trả lời nên xin phép bỏ qua câu này.", skipped, StringComparison.Ordinal);
        Assert.Contains("Câu 2/7", skipped, StringComparison.Ordinal);
        Assert.Equal(AnswerKind.Skipped, (await AnswersAsync(invitationId))["OVERALL"].Kind);

        // The count starts again on the next question: one miss there is a hint, not a skip.
        Assert.Contains("Câu 2/7", await SayAsync(phone, "???!!! 77"), StringComparison.Ordinal);
        Assert.StartsWith("Câu 3/7", await SayAsync(phone, "4"), StringComparison.Ordinal);
        Assert.Equal(4, (await AnswersAsync(invitationId))["ACCESS"].Value);
    }

    [Fact]
    public async Task Help_GivesAShortGuide_AndTheSameQuestion_WithoutCountingAMiss()
    {
        var (invitationId, phone) = await InviteAsync();

        var help = await SayAsync(phone, "?");
        Assert.StartsWith("Hướng dẫn:", help, StringComparison.Ordinal);
        Assert.Contains("Câu 1/7", help, StringComparison.Ordinal);
        Assert.Contains("Câu 1/7", await SayAsync(phone, "trợ giúp"), StringComparison.Ordinal);
        Assert.Contains("Câu 1/7", await SayAsync(phone, "xyz"), StringComparison.Ordinal);

        Assert.Empty(await AnswersAsync(invitationId));
    }

    [Fact]
    public async Task OptOut_IsConfirmed_AndDongYOptsBackIn_SoTheNextInvitationIsSent()
    {
        var (_, phone) = await InviteAsync();

        Assert.Contains("đã từ chối nhận khảo sát", await SayAsync(phone, "TỪ CHỐI"), StringComparison.Ordinal);
        var skipped = await InviteAsync(phone);
        await using (var db = Db())
        {
            Assert.Equal(SkipReason.OptedOut, (await db.Invitations.SingleAsync(i => i.Id == skipped.InvitationId)).SkipReason);
        }

        Assert.Contains("đã đồng ý nhận lại tin nhắn khảo sát", await SayAsync(phone, "Đồng ý"), StringComparison.Ordinal);

        var (invitedAgain, _) = await InviteAsync(phone);
        await using var check = Db();
        var invitation = await check.Invitations.SingleAsync(i => i.Id == invitedAgain);
        Assert.Equal(InvitationState.Delivered, invitation.State);
        var optOut = await check.OptOuts.SingleAsync(o => o.ContactId == invitation.ContactId);
        Assert.NotNull(optOut.OptedInAt);
        Assert.Contains("Câu 1/7", (await phone.MessagesAsync())[^1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OptOut_InTheMiddle_EndsTheChat_BeforeTheReplyIsReadAsAnAnswer()
    {
        var (invitationId, phone) = await InviteAsync();
        await SayAsync(phone, "5");

        Assert.Contains("đã từ chối", await SayAsync(phone, "stop"), StringComparison.Ordinal);
        Assert.StartsWith("Hiện không có phiếu khảo sát", await SayAsync(phone, "4"), StringComparison.Ordinal);

        Assert.Equal(["OVERALL"], (await AnswersAsync(invitationId)).Keys);
    }

    [Fact]
    public async Task RatingReplyThatReadsLikeAComment_IsOfferedAsTheComment_ThenTheQuestionIsAskedAgain()
    {
        var (invitationId, phone) = await InviteAsync();

        var offer = await SayAsync(phone, "Cán bộ hướng dẫn rất nhiệt tình, chu đáo");
        Assert.Equal(
            "Ông/Bà vừa nhắn: \"Cán bộ hướng dẫn rất nhiệt tình, chu đáo\". Ông/Bà có muốn lưu nội dung này làm góp ý không? Trả lời CÓ hoặc KHÔNG.", offer);
        var kept = await SayAsync(phone, "Có");
        Assert.StartsWith("Chúng tôi đã lưu góp ý của Ông/Bà.", kept, StringComparison.Ordinal);
        Assert.Contains("Câu 1/7", kept, StringComparison.Ordinal);
        Assert.Equal("Cán bộ hướng dẫn rất nhiệt tình, chu đáo", (await AnswersAsync(invitationId))["COMMENT"].Text);

        foreach (var rating in new[] { "5", "4", "4", "4", "4" })
        {
            await SayAsync(phone, rating);
        }

        // The comment is already there: after the last rating the citizen is thanked, not asked for it again.
        Assert.StartsWith("Trân trọng cảm ơn", await SayAsync(phone, "5"), StringComparison.Ordinal);
        var answers = await AnswersAsync(invitationId);
        Assert.Equal(7, answers.Count);
        Assert.Equal(5, answers["OVERALL"].Value);
        Assert.Equal("Cán bộ hướng dẫn rất nhiệt tình, chu đáo", answers["COMMENT"].Text);
    }

    [Fact]
    public async Task CommentOffer_Declined_KeepsNothing_AndARatingInsteadOfAnAnswer_IsTaken()
    {
        var (invitationId, phone) = await InviteAsync();

        await SayAsync(phone, "phải chờ lâu quá mới đến lượt");
        var declined = await SayAsync(phone, "không");
        Assert.StartsWith("Chúng tôi không lưu nội dung đó.", declined, StringComparison.Ordinal);
        Assert.Contains("Câu 1/7", declined, StringComparison.Ordinal);
        Assert.Empty(await AnswersAsync(invitationId));

        await SayAsync(phone, "phải chờ lâu quá mới đến lượt");
        Assert.StartsWith("Câu 2/7", await SayAsync(phone, "bình thường"), StringComparison.Ordinal);
        var answers = await AnswersAsync(invitationId);
        Assert.Equal(["OVERALL"], answers.Keys);
        Assert.Equal(3, answers["OVERALL"].Value);
    }

    [Fact]
    public async Task LongComment_IsCutTo1000Characters_AndTheCitizenIsTold()
    {
        var (invitationId, phone) = await InviteAsync();
        foreach (var rating in new[] { "5", "5", "5", "5", "5", "9" })
        {
            await SayAsync(phone, rating);
        }

        var reply = await SayAsync(phone, string.Concat(Enumerable.Repeat("Thủ tục nhanh gọn. ", 80)));

        Assert.StartsWith("Góp ý của Ông/Bà dài hơn 1.000 ký tự nên chúng tôi chỉ lưu 1.000 ký tự đầu.", reply, StringComparison.Ordinal);
        Assert.Contains("Trân trọng cảm ơn", reply, StringComparison.Ordinal);
        Assert.Equal(1000, (await AnswersAsync(invitationId))["COMMENT"].Text!.Length);
    }

    [Fact]
    public async Task ParallelReplies_ToOneConversation_EachApplyOnce_InOrder()
    {
        var (invitationId, phone) = await InviteAsync();

        // Ten replies at once to a questionnaire of seven items: each takes the conversation as the previous one left it.
        var replies = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => phone.SendAsync("4")));

        var texts = replies.Select(r => Assert.Single(r)).ToList();
        var questions = texts.Where(t => t.StartsWith("Câu ", StringComparison.Ordinal)).Select(t => t[..7]).ToList();
        Assert.Equal(["Câu 2/7", "Câu 3/7", "Câu 4/7", "Câu 5/7", "Câu 6/7", "Câu 7/7"], questions.Order());
        Assert.Single(texts, t => t.StartsWith("Trân trọng cảm ơn", StringComparison.Ordinal));
        Assert.Equal(3, texts.Count(t => t.StartsWith("Ý kiến của Ông/Bà về hồ sơ này đã được ghi nhận", StringComparison.Ordinal)));

        await using var db = Db();
        var answers = await db.Answers.Where(a => db.Responses.Any(r => r.Id == a.ResponseId && r.InvitationId == invitationId)).ToListAsync();
        Assert.Equal(7, answers.Count);
        Assert.Equal(7, answers.Select(a => a.ItemCode).Distinct().Count());
        Assert.All(answers.Where(a => a.ItemCode != "COMMENT"), a => Assert.Equal(4, a.Value));
        Assert.Equal("4", answers.Single(a => a.ItemCode == "COMMENT").Text);
        var conversation = await db.Conversations.SingleAsync(c => c.InvitationId == invitationId);
        Assert.Equal(ConversationState.Completed, conversation.State);
        Assert.Null(conversation.CurrentPosition);
        Assert.Equal(InvitationState.Completed, (await db.Invitations.SingleAsync(i => i.Id == invitationId)).State);
    }

    [Fact]
    public async Task ParallelDifferentReplies_FillDifferentQuestions_NeverTheSameOneTwice()
    {
        var (invitationId, phone) = await InviteAsync();

        await Task.WhenAll(Enumerable.Range(1, 5).Select(value => phone.SendAsync(value.ToString(CultureInfo.InvariantCulture))));

        var answers = await AnswersAsync(invitationId);
        Assert.Equal(["ACCESS", "OFFICIAL", "OVERALL", "PROCEDURE", "RESULT"], answers.Keys.Order());
        Assert.Equal([1, 2, 3, 4, 5], answers.Values.Select(a => a.Value!.Value).Order());
        await using var db = Db();
        Assert.Equal(6, (await db.Conversations.SingleAsync(c => c.InvitationId == invitationId)).CurrentPosition);
    }

    [Fact]
    public async Task DuplicateDelivery_OfOneProviderMessage_IsAppliedOnce_AndAnsweredOnce()
    {
        var (invitationId, phone) = await InviteAsync();

        var first = await phone.SendAsync("4", messageId: "provider-msg-dup");
        var again = await Task.WhenAll(phone.SendAsync("4", messageId: "provider-msg-dup"), phone.SendAsync("4", messageId: "provider-msg-dup"));

        Assert.Single(first);
        Assert.All(again, r => Assert.Empty(r));
        Assert.Equal(["OVERALL"], (await AnswersAsync(invitationId)).Keys);
        await using var db = Db();
        Assert.Equal(1, await db.InboundMessages.CountAsync(m => m.ProviderMessageId == "provider-msg-dup"));
        Assert.Equal(1, await db.OutboundMessages.CountAsync(m => m.InvitationId == invitationId && m.Purpose != MessagePurpose.Invitation));
        Assert.Equal(3, (await phone.MessagesAsync()).Count);
    }

    [Fact]
    public async Task ReplyAfterCompletion_IsMetWithAlreadyRecorded_AndChangesNothing()
    {
        var (invitationId, phone) = await InviteAsync();
        foreach (var reply in new[] { "5", "5", "5", "5", "5", "5", "không" })
        {
            await SayAsync(phone, reply);
        }

        var late = await SayAsync(phone, "1");

        Assert.Equal("Ý kiến của Ông/Bà về hồ sơ này đã được ghi nhận. Trân trọng cảm ơn Ông/Bà.", late);
        var answers = await AnswersAsync(invitationId);
        Assert.Equal(5, answers["OVERALL"].Value);
        Assert.Equal(AnswerKind.Skipped, answers["COMMENT"].Kind);
    }

    [Fact]
    public async Task ReplyAfterExpiry_IsKeptAsLate_NotCounted_AndTheCitizenIsTold()
    {
        var (invitationId, phone) = await InviteAsync();
        await ExpireAsync(invitationId);

        var reply = await SayAsync(phone, "rất hài lòng");

        Assert.Equal(
            "Đợt khảo sát về dịch vụ \"Đăng ký khai sinh\" đã kết thúc. Chúng tôi vẫn lưu lại ý kiến của Ông/Bà nhưng ý kiến này không được tính vào kết quả đánh giá. Trân trọng cảm ơn Ông/Bà.",
            reply);
        var overall = (await AnswersAsync(invitationId))["OVERALL"];
        Assert.Equal(5, overall.Value);
        Assert.True(overall.IsLate);
        await using (var db = Db())
        {
            Assert.Equal(InvitationState.Expired, (await db.Invitations.SingleAsync(i => i.Id == invitationId)).State);
        }

        var index = await IndexAsync();
        Assert.Equal(0, (int)index["sipas"]!["n"]!);
        Assert.Equal(0, (int)index["funnel"]!["completed"]!);

        // The next late reply goes to the next question, still late.
        await SayAsync(phone, "4");
        Assert.True((await AnswersAsync(invitationId))["ACCESS"].IsLate);
    }

    [Fact]
    public async Task ReplyAfterAPartialResponseExpired_KeepsWhatCounted_AndAddsTheLateAnswerUncounted()
    {
        var (invitationId, phone) = await InviteAsync();
        await SayAsync(phone, "2");
        await ExpireAsync(invitationId);

        Assert.Contains("đã kết thúc", await SayAsync(phone, "5"), StringComparison.Ordinal);

        var answers = await AnswersAsync(invitationId);
        Assert.False(answers["OVERALL"].IsLate);
        Assert.True(answers["ACCESS"].IsLate);
        await using var db = Db();
        Assert.Equal(InvitationState.Partial, (await db.Invitations.SingleAsync(i => i.Id == invitationId)).State);
        var index = await IndexAsync();
        Assert.Equal(1, (int)index["sipas"]!["n"]!);
        Assert.Equal(0.0, (double)index["sipas"]!["percent"]!);
    }

    [Fact]
    public async Task ReplyLongAfterExpiry_GetsNoSurvey_AndIsNotKept()
    {
        var (invitationId, phone) = await InviteAsync();
        await ExpireAsync(invitationId);
        await using (var db = Db())
        {
            await db.Conversations.Where(c => c.InvitationId == invitationId)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.UpdatedAt, DateTimeOffset.UtcNow - TimeSpan.FromDays(8)));
        }

        Assert.StartsWith("Hiện không có phiếu khảo sát", await SayAsync(phone, "5"), StringComparison.Ordinal);
        Assert.Empty(await AnswersAsync(invitationId));
    }

    [Fact]
    public async Task Reminder_ContinuesAtTheQuestionTheCitizenStoppedAt()
    {
        var (invitationId, phone) = await InviteAsync();
        await SayAsync(phone, "5");
        await SayAsync(phone, "hài lòng");

        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            Assert.True(await scope.ServiceProvider.GetRequiredService<IReminderSender>().SendReminderAsync(invitationId, CancellationToken.None));
        }

        var reminder = (await phone.MessagesAsync())[^1];
        Assert.Equal("out", reminder.Direction);
        Assert.StartsWith("Kính nhắc Ông/Bà", reminder.Text, StringComparison.Ordinal);
        Assert.Contains("Câu 3/7: Ông/Bà hài lòng thế nào về thủ tục hành chính", reminder.Text, StringComparison.Ordinal);
        Assert.StartsWith("Câu 4/7", await SayAsync(phone, "3"), StringComparison.Ordinal);
        Assert.Equal(3, (await AnswersAsync(invitationId))["PROCEDURE"].Value);
    }

    [Fact]
    public async Task SecondDossier_WaitsForTheOpenChat_ThenItsOwnChatNamesItAndTakesItsAnswers()
    {
        var phone = new SimulatedPhone(_client, Fixtures.NewPhone());
        var first = await InviteAsync(phone, returnedAgo: TimeSpan.FromDays(3));
        var second = await InviteAsync(phone, returnedAgo: TimeSpan.FromMinutes(1));

        await using (var db = Db())
        {
            Assert.Equal(InvitationState.Scheduled, (await db.Invitations.SingleAsync(i => i.Id == second.InvitationId)).State);
            Assert.False(await db.Conversations.AnyAsync(c => c.InvitationId == second.InvitationId));
        }

        foreach (var reply in new[] { "5", "5", "5", "5", "5", "5", "0" })
        {
            await SayAsync(phone, reply);
        }

        await using (var db = Db())
        {
            await db.Invitations.Where(i => i.Id == second.InvitationId).ExecuteUpdateAsync(s => s.SetProperty(i => i.DueAt, DateTimeOffset.UtcNow.AddSeconds(-1)));
        }

        await _factory.DispatchAsync();
        var greeting = (await phone.MessagesAsync())[^1].Text;
        await using (var db = Db())
        {
            var returnedAt = await db.Invitations.Where(i => i.Id == second.InvitationId).Select(i => i.Dossier!.ReturnedAt).SingleAsync();
            var localDate = returnedAt.ToOffset(TimeSpan.FromHours(7)).ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);
            Assert.Contains($"trả kết quả ngày {localDate}", greeting, StringComparison.Ordinal);
        }

        Assert.StartsWith("Câu 2/7", await SayAsync(phone, "1"), StringComparison.Ordinal);
        Assert.Equal(1, (await AnswersAsync(second.InvitationId))["OVERALL"].Value);
        Assert.Equal(5, (await AnswersAsync(first.InvitationId))["OVERALL"].Value);
    }

    [Fact]
    public async Task TheDatabase_RefusesASecondOpenConversation_ForOneContactAndChannel()
    {
        var (invitationId, phone) = await InviteAsync();
        var other = await InviteAsync(phone);

        await using var db = Db();
        var open = await db.Conversations.AsNoTracking().SingleAsync(c => c.InvitationId == invitationId);
        db.Conversations.Add(new Conversation
        {
            Id = Guid.CreateVersion7(),
            InvitationId = other.InvitationId,
            Channel = open.Channel,
            Provider = open.Provider,
            ContactId = open.ContactId,
            State = ConversationState.Active,
            CurrentPosition = 1,
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
        });

        var refused = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        var postgres = Assert.IsType<PostgresException>(refused.InnerException);
        Assert.Equal(PostgresErrorCodes.UniqueViolation, postgres.SqlState);
        Assert.Equal("ix_conversations_one_active", postgres.ConstraintName);
    }

    private SipasDbContext Db() => TestDatabase.Open(_factory.ConnectionString);

    private Task<(Guid InvitationId, SimulatedPhone Phone)> InviteAsync(TimeSpan? returnedAgo = null) =>
        InviteAsync(new SimulatedPhone(_client, Fixtures.NewPhone()), returnedAgo);

    private async Task<(Guid InvitationId, SimulatedPhone Phone)> InviteAsync(SimulatedPhone phone, TimeSpan? returnedAgo = null)
    {
        using var response = await OneStopClient.PostAsync(_client, Fixtures.ResultReturned(returnedAgo, phone.Number).ToJsonString());
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = Guid.Parse((string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["invitationId"]!);
        await _factory.DispatchAsync();
        return (id, phone);
    }

    private static async Task<string> SayAsync(SimulatedPhone phone, string text) => Assert.Single(await phone.SendAsync(text));

    private async Task<Dictionary<string, Answer>> AnswersAsync(Guid invitationId)
    {
        await using var db = Db();
        return await db.Answers.AsNoTracking()
            .Where(a => db.Responses.Any(r => r.Id == a.ResponseId && r.InvitationId == invitationId))
            .ToDictionaryAsync(a => a.ItemCode);
    }

    /// <summary>The answer window passes and the expiry job runs, as in production.</summary>
    private async Task ExpireAsync(Guid invitationId)
    {
        await using (var db = Db())
        {
            await db.Invitations.Where(i => i.Id == invitationId).ExecuteUpdateAsync(s => s.SetProperty(i => i.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-1)));
        }

        await using var scope = _factory.Services.CreateAsyncScope();
        Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<ExpireInvitationsJob>().RunAsync(CancellationToken.None));
    }

    private async Task<JsonNode> IndexAsync() =>
        (await _client.GetFromJsonAsync<JsonObject>($"/api/v1/index?unit={Unit}&from=2000-01-01&to=2100-12-31"))!["index"]!;
}
