using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sipas.Bot.Tests.Support;
using Sipas.Data;
using Sipas.Data.Model;
using Sipas.Scheduler.Invitations;
using Sipas.Scheduler.Messages;
using Sipas.Testing;

namespace Sipas.Bot.Tests.Conversations;

/// <summary>The chat on the simulated channel: the real webhook, dispatcher, conversation engine and database.</summary>
public sealed class ConversationTests : IAsyncLifetime
{
    private SipasFactory _factory = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _factory = await SipasFactory.StartAsync(SipasFactory.SendAtOnce());
        _client = _factory.CreateClient();
        await StaffSessions.SignInSupervisorAsync(_factory.Services, _client);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    private async Task<string> InviteAsync(string phone) => (await _factory.InviteAsync(_client, phone)).ToString();

    private SipasDbContext Db() => TestDatabase.Open(_factory.ConnectionString);

    [Fact]
    public async Task Invitation_GreetsPolitely_AndAsksTheOverallQuestionFirst()
    {
        var number = Fixtures.NewPhone();
        await InviteAsync(number);

        var messages = await new SimulatedPhone(_client, number).MessagesAsync();

        var invitation = Assert.Single(messages);
        Assert.Equal("out", invitation.Direction);
        Assert.Contains("UBND phường Hoàn Kiếm", invitation.Text, StringComparison.Ordinal);
        Assert.Contains("Câu 1/7: Nhìn chung, Ông/Bà hài lòng thế nào", invitation.Text, StringComparison.Ordinal);
        Assert.Contains("5 = Rất hài lòng", invitation.Text, StringComparison.Ordinal);
        Assert.Contains("TU CHOI", invitation.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WholeConversation_StoresEachAnswer_ThanksTheCitizen_AndCountsInTheIndex()
    {
        var number = Fixtures.NewPhone();
        var invitationId = Guid.Parse(await InviteAsync(number));
        var phone = new SimulatedPhone(_client, number);

        Assert.StartsWith("Câu 2/7", (await phone.SendAsync("5")).Single(), StringComparison.Ordinal);
        Assert.StartsWith("Câu 3/7", (await phone.SendAsync("4")).Single(), StringComparison.Ordinal);
        Assert.StartsWith("Câu 4/7", (await phone.SendAsync("3")).Single(), StringComparison.Ordinal);
        Assert.StartsWith("Câu 5/7", (await phone.SendAsync("2")).Single(), StringComparison.Ordinal);
        var feedbackQuestion = (await phone.SendAsync("1")).Single();
        Assert.Contains("9 = Không áp dụng", feedbackQuestion, StringComparison.Ordinal);
        Assert.StartsWith("Câu 7/7", (await phone.SendAsync("không áp dụng")).Single(), StringComparison.Ordinal);
        Assert.Contains("Trân trọng cảm ơn", (await phone.SendAsync("Cán bộ hướng dẫn rất nhiệt tình, cảm ơn!")).Single(), StringComparison.Ordinal);

        await using var db = Db();
        var response = await db.Responses.Include(r => r.Answers).SingleAsync(r => r.InvitationId == invitationId);
        Assert.NotNull(response.CompletedAt);
        var answers = response.Answers.ToDictionary(a => a.ItemCode);
        Assert.Equal(5, answers["OVERALL"].Value);
        Assert.Equal(4, answers["ACCESS"].Value);
        Assert.Equal(1, answers["RESULT"].Value);
        Assert.Equal(AnswerKind.NotApplicable, answers["FEEDBACK"].Kind);
        Assert.Equal("Cán bộ hướng dẫn rất nhiệt tình, cảm ơn!", answers["COMMENT"].Text);
        Assert.Equal(InvitationState.Completed, (await db.Invitations.SingleAsync(i => i.Id == invitationId)).State);

        var index = (await _client.GetFromJsonAsync<JsonObject>("/api/v1/index?unit=00070&from=2000-01-01&to=2100-12-31"))!["index"]!;
        Assert.True((int)index["sipas"]!["n"]! >= 1);
        Assert.True((int)index["funnel"]!["completed"]! >= 1);
    }

    [Fact]
    public async Task UnclearReply_AsksTheSameQuestionAgain_AndStoresNoAnswer()
    {
        var number = Fixtures.NewPhone();
        var invitationId = Guid.Parse(await InviteAsync(number));
        var phone = new SimulatedPhone(_client, number);

        var reply = (await phone.SendAsync("7")).Single();

        Assert.StartsWith("Xin lỗi, chúng tôi chưa hiểu câu trả lời \"7\"", reply, StringComparison.Ordinal);
        Assert.Contains("Câu 1/7", reply, StringComparison.Ordinal);
        await using var db = Db();
        Assert.False(await db.Responses.AnyAsync(r => r.InvitationId == invitationId));
    }

    [Fact]
    public async Task SameMessageDeliveredTwice_IsAnsweredOnce()
    {
        var number = Fixtures.NewPhone();
        var invitationId = Guid.Parse(await InviteAsync(number));
        var phone = new SimulatedPhone(_client, number);

        Assert.Single(await phone.SendAsync("4", messageId: "provider-msg-1"));
        Assert.Empty(await phone.SendAsync("4", messageId: "provider-msg-1"));

        await using var db = Db();
        var response = await db.Responses.Include(r => r.Answers).SingleAsync(r => r.InvitationId == invitationId);
        Assert.Equal(["OVERALL"], response.Answers.Select(a => a.ItemCode));
    }

    [Fact]
    public async Task PartialResponse_CountsForTheHeadline()
    {
        var number = Fixtures.NewPhone();
        var invitationId = Guid.Parse(await InviteAsync(number));

        await new SimulatedPhone(_client, number).SendAsync("2");

        await using var db = Db();
        var invitation = await db.Invitations.SingleAsync(i => i.Id == invitationId);
        Assert.Equal(InvitationState.Started, invitation.State);
        var overall = await db.Answers.SingleAsync(a => a.ItemCode == "OVERALL" && db.Responses.Any(r => r.Id == a.ResponseId && r.InvitationId == invitationId));
        Assert.Equal(2, overall.Value);
    }

    [Fact]
    public async Task OptOut_EndsTheChat_AndNoLaterInvitationIsSent()
    {
        var number = Fixtures.NewPhone();
        await InviteAsync(number);
        var phone = new SimulatedPhone(_client, number);

        var confirmation = (await phone.SendAsync("Từ chối")).Single();
        Assert.Contains("đã từ chối nhận khảo sát", confirmation, StringComparison.Ordinal);
        Assert.Contains("Hiện không có phiếu khảo sát", (await phone.SendAsync("5")).Single(), StringComparison.Ordinal);

        var later = Guid.Parse(await InviteAsync(number));
        await using var db = Db();
        var invitation = await db.Invitations.SingleAsync(i => i.Id == later);
        Assert.Equal(InvitationState.Skipped, invitation.State);
        Assert.Equal(SkipReason.OptedOut, invitation.SkipReason);
        Assert.Equal(5, (await phone.MessagesAsync()).Count);
    }

    [Fact]
    public async Task ReplyFromAPhoneWithNoSurvey_GetsAPoliteAnswer()
    {
        var reply = (await new SimulatedPhone(_client, Fixtures.NewPhone()).SendAsync("5")).Single();
        Assert.Equal("Hiện không có phiếu khảo sát nào đang chờ Ông/Bà trả lời. Xin cảm ơn Ông/Bà.", reply);
    }

    [Fact]
    public async Task UnansweredForADay_GetsOneReminderOfTheWaitingQuestion_AnsweredOnesGetNone()
    {
        var silent = Fixtures.NewPhone();
        var silentId = Guid.Parse(await InviteAsync(silent));
        var answered = Fixtures.NewPhone();
        var answeredId = Guid.Parse(await InviteAsync(answered));
        await new SimulatedPhone(_client, answered).SendAsync("4");
        await using (var db = Db())
        {
            var dayAgo = DateTimeOffset.UtcNow - TimeSpan.FromDays(1) - TimeSpan.FromMinutes(1);
            await db.Invitations.Where(i => i.Id == silentId || i.Id == answeredId).ExecuteUpdateAsync(s => s.SetProperty(i => i.SentAt, dayAgo));
        }

        Assert.Equal(1, await RunAsync<SendRemindersJob>(job => job.RunAsync(CancellationToken.None)));
        Assert.Equal(0, await RunAsync<SendRemindersJob>(job => job.RunAsync(CancellationToken.None)));

        var messages = await new SimulatedPhone(_client, silent).MessagesAsync();
        Assert.Equal(2, messages.Count);
        Assert.StartsWith("Kính nhắc Ông/Bà", messages[1].Text, StringComparison.Ordinal);
        Assert.Contains("Câu 1/7", messages[1].Text, StringComparison.Ordinal);
        Assert.Equal(3, (await new SimulatedPhone(_client, answered).MessagesAsync()).Count);
    }

    [Fact]
    public async Task ChatLeftHalfAnsweredForADay_GetsOneReminderOfTheQuestionItWaitsOn()
    {
        var number = Fixtures.NewPhone();
        var invitationId = Guid.Parse(await InviteAsync(number));
        var phone = new SimulatedPhone(_client, number);
        await phone.SendAsync("5");
        await phone.SendAsync("4");
        await using (var db = Db())
        {
            var dayAgo = DateTimeOffset.UtcNow - TimeSpan.FromDays(1) - TimeSpan.FromMinutes(1);
            await db.Invitations.Where(i => i.Id == invitationId).ExecuteUpdateAsync(s => s.SetProperty(i => i.SentAt, dayAgo).SetProperty(i => i.UpdatedAt, dayAgo));
        }

        Assert.Equal(1, await RunAsync<SendRemindersJob>(job => job.RunAsync(CancellationToken.None)));
        Assert.Equal(0, await RunAsync<SendRemindersJob>(job => job.RunAsync(CancellationToken.None)));

        var reminder = (await phone.MessagesAsync())[^1];
        Assert.StartsWith("Kính nhắc Ông/Bà", reminder.Text, StringComparison.Ordinal);
        Assert.Contains("Câu 3/7", reminder.Text, StringComparison.Ordinal);
    }

    private async Task<int> RunAsync<TJob>(Func<TJob, Task<int>> run)
        where TJob : notnull
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        return await run(scope.ServiceProvider.GetRequiredService<TJob>());
    }

    [Fact]
    public async Task ReplyLeftPendingByACrash_IsSentByTheResendJob()
    {
        var number = Fixtures.NewPhone();
        var invitationId = Guid.Parse(await InviteAsync(number));
        await new SimulatedPhone(_client, number).SendAsync("5");
        Guid replyId;
        await using (var db = Db())
        {
            // As a process killed between the conversation's commit and the send would leave the reply.
            var reply = await db.OutboundMessages.SingleAsync(m => m.InvitationId == invitationId && m.Purpose == MessagePurpose.Question);
            replyId = reply.Id;
            await db.OutboundMessages.Where(m => m.Id == replyId).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.State, OutboundState.Pending)
                .SetProperty(m => m.SentAt, (DateTimeOffset?)null)
                .SetProperty(m => m.CreatedAt, DateTimeOffset.UtcNow - ResendPendingMessagesJob.MinimumAge - TimeSpan.FromSeconds(1)));
        }

        Assert.Equal(1, await RunAsync<ResendPendingMessagesJob>(job => job.RunAsync(CancellationToken.None)));
        Assert.Equal(0, await RunAsync<ResendPendingMessagesJob>(job => job.RunAsync(CancellationToken.None)));

        await using (var db = Db())
        {
            var reply = await db.OutboundMessages.SingleAsync(m => m.Id == replyId);
            Assert.Equal(OutboundState.Delivered, reply.State);
            Assert.NotNull(reply.SentAt);
        }
    }

    [Fact]
    public async Task SimulatorReply_WithoutPhoneOrText_Returns400Problem()
    {
        using var response = await _client.PostAsJsonAsync("/api/v1/dev/messages", new { text = "" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        Assert.Contains("text", errors.Select(e => e.Key));
        Assert.Contains("phone", errors.Select(e => e.Key));
    }
}
