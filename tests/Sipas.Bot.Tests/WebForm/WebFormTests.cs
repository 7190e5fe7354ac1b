using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Sipas.Bot.Tests.Support;
using Sipas.Data;
using Sipas.Data.Model;
using Sipas.Testing;

namespace Sipas.Bot.Tests.WebForm;

/// <summary>The short-link web form over HTTP against the real host and database: what a citizen's browser sends and gets.</summary>
public sealed class WebFormTests : IAsyncLifetime
{
    private const string IndexQuery = "/api/v1/index?unit=00070&from=2000-01-01&to=2100-12-31";

    private SipasFactory _factory = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _factory = await SipasFactory.StartAsync(SipasFactory.SendAtOnce());
        _client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await StaffSessions.SignInSupervisorAsync(_factory.Services, _client);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    private SipasDbContext Db() => TestDatabase.Open(_factory.ConnectionString);

    /// <summary>An invitation sent on the simulator; its form (the `full` questionnaire, as nothing was answered in the chat).</summary>
    private async Task<(Guid Id, SurveyForm Form)> InviteAsync(string? phone = null)
    {
        var id = await _factory.InviteAsync(_client, phone ?? Fixtures.NewPhone());
        return (id, new SurveyForm(_client, await SurveyForm.CodeOfAsync(_factory.ConnectionString, id)));
    }

    private static Dictionary<string, string> EveryItem(int value) => new()
    {
        ["OVERALL"] = value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["ACCESS.1"] = "5", ["ACCESS.2"] = "4", ["ACCESS.3"] = "4", ["ACCESS.4"] = "3", ["ACCESS.5"] = "na",
        ["PROCEDURE.1"] = "5", ["PROCEDURE.2"] = "5", ["PROCEDURE.3"] = "2",
        ["OFFICIAL.1"] = "5", ["OFFICIAL.2"] = "4", ["OFFICIAL.3"] = "4", ["OFFICIAL.4"] = "5",
        ["RESULT.1"] = "1", ["RESULT.2"] = "5", ["RESULT.3"] = "5", ["RESULT.4"] = "4", ["RESULT.5"] = "na", ["RESULT.6"] = "5",
        ["FEEDBACK.1"] = "no", ["FEEDBACK.2"] = "na", ["FEEDBACK.3"] = "na",
        ["COMMENT"] = "Cán bộ hướng dẫn tận tình.",
    };

    private async Task<IReadOnlyDictionary<string, long>> RowsAsync() => await RowCounts.OfAsync(_factory.ConnectionString);

    [Fact]
    public async Task UnknownCode_Gets404_AndAFriendlyVietnamesePage()
    {
        var (status, html, token) = await new SurveyForm(_client, "AAAAAAAAAA").OpenAsync();

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("Không tìm thấy phiếu khảo sát", html, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"vi\">", html, StringComparison.Ordinal);
        Assert.Null(token);
    }

    [Theory]
    [InlineData("not-base62!")]
    [InlineData("short")]
    public async Task MalformedCode_Gets404_Page(string code)
    {
        var (status, html, _) = await new SurveyForm(_client, Uri.EscapeDataString(code)).OpenAsync();

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("Không tìm thấy phiếu khảo sát", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(InvitationState.Expired)]
    [InlineData(InvitationState.Partial)]
    [InlineData(InvitationState.Skipped)]
    public async Task ExpiredInvitation_Gets410_AndNoForm(InvitationState? state)
    {
        var (id, form) = await InviteAsync();
        await using (var db = Db())
        {
            var invitation = await db.Invitations.SingleAsync(i => i.Id == id);
            invitation.ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(state is null ? -1 : 60);
            invitation.State = state ?? invitation.State;
            await db.SaveChangesAsync();
        }

        var (status, html, token) = await form.OpenAsync();

        Assert.Equal(HttpStatusCode.Gone, status);
        Assert.Contains("Đợt khảo sát đã kết thúc", html, StringComparison.Ordinal);
        Assert.Null(token);
    }

    [Fact]
    public async Task OpeningTheForm_SetsStartedAt_AndLeavesTheStateAlone()
    {
        var (id, form) = await InviteAsync();
        await using var db = Db();
        var before = await db.Invitations.AsNoTracking().SingleAsync(i => i.Id == id);
        Assert.Null(before.StartedAt);

        var (status, html, token) = await form.OpenAsync();

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotNull(token);
        var after = await db.Invitations.AsNoTracking().SingleAsync(i => i.Id == id);
        Assert.NotNull(after.StartedAt);
        Assert.Equal(before.State, after.State);
        Assert.False(await db.Responses.AnyAsync(r => r.InvitationId == id));
        var funnel = (await _client.GetFromJsonAsync<JsonObject>(IndexQuery))!["index"]!["funnel"]!;
        Assert.Equal(1, (int)funnel["started"]!);
        Assert.Equal(0, (int)funnel["completed"]!);
    }

    [Fact]
    public async Task Form_ShowsWhoAsksAboutWhat_TheFullQuestionnaireByDimension_HeadlineFirst_AndThePrivacyNotice()
    {
        var (_, form) = await InviteAsync();

        var (_, html, _) = await form.OpenAsync();

        Assert.Contains("UBND phường Hoàn Kiếm", html, StringComparison.Ordinal);
        Assert.Contains("Đăng ký khai sinh", html, StringComparison.Ordinal);
        Assert.Matches(@"trả kết quả ngày <strong>\d{2}/\d{2}/\d{4}</strong>", html);
        Assert.Contains("tự nguyện", html, StringComparison.Ordinal);
        Assert.Contains("Luật số 91/2025/QH15", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"{form.Path}/tu-choi\"", html, StringComparison.Ordinal);
        var legends = System.Text.RegularExpressions.Regex.Matches(html, "<fieldset class=\"dim\"><legend>([^<]+)</legend>").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["Đánh giá chung", "Tiếp cận dịch vụ", "Thủ tục hành chính", "Công chức trực tiếp giải quyết công việc", "Kết quả giải quyết thủ tục hành chính", "Tiếp nhận, xử lý góp ý, phản ánh, kiến nghị"], legends);
        Assert.True(html.IndexOf("name=\"OVERALL\"", StringComparison.Ordinal) < html.IndexOf("name=\"ACCESS.1\"", StringComparison.Ordinal));
        Assert.Equal(22, System.Text.RegularExpressions.Regex.Count(html, "<fieldset class=\"q\">"));
        Assert.Equal(5, System.Text.RegularExpressions.Regex.Count(html, "value=\"na\""));
        Assert.Contains("<textarea id=\"COMMENT\" name=\"COMMENT\" maxlength=\"1000\"", html, StringComparison.Ordinal);
        Assert.True(Encoding.UTF8.GetByteCount(html) < 30 * 1024, $"The form weighs {Encoding.UTF8.GetByteCount(html)} bytes");
    }

    [Fact]
    public async Task SurveyBegunInTheChat_IsContinuedOnTheForm_InItsShortQuestionnaire_WithTheAnswersGivenSoFar()
    {
        var phone = Fixtures.NewPhone();
        var (_, form) = await InviteAsync(phone);
        await new SimulatedPhone(_client, phone).SendAsync("4");

        var (status, html, _) = await form.OpenAsync();

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Matches("name=\"OVERALL\" value=\"4\"[^>]*checked", html);
        Assert.Equal(6, System.Text.RegularExpressions.Regex.Count(html, "<fieldset class=\"q\">"));
        Assert.Contains("name=\"FEEDBACK\" value=\"na\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("ACCESS.1", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FormSubmitted_WhileAChatWasOpenOnTheSameSurvey_EndsTheChat_WhichThenSaysItIsRecorded()
    {
        var phone = new SimulatedPhone(_client, Fixtures.NewPhone());
        var (id, form) = await InviteAsync(phone.Number);
        await phone.SendAsync("4");

        using var response = await form.SubmitAsync(new Dictionary<string, string> { ["OVERALL"] = "5" });

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        await using (var db = Db())
        {
            Assert.Equal(ConversationState.Ended, (await db.Conversations.SingleAsync(c => c.InvitationId == id)).State);
            Assert.Equal(5, (await db.Answers.SingleAsync(a => a.ItemCode == "OVERALL" && db.Responses.Any(r => r.Id == a.ResponseId && r.InvitationId == id))).Value);
        }

        Assert.StartsWith("Ý kiến của Ông/Bà về hồ sơ này đã được ghi nhận", (await phone.SendAsync("3")).Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FormOpenedOnOneInstance_IsAcceptedPostedToAnother_WhoseKeysComeSealedFromTheDatabase()
    {
        var (id, form) = await InviteAsync();
        using var first = _factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });
        using var opened = await first.GetAsync(form.Path);
        var cookie = opened.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith("sipas-af=", StringComparison.Ordinal));
        var token = SurveyForm.TokenOf(await opened.Content.ReadAsStringAsync())!;

        await using var other = new SipasFactory(_factory.ConnectionString, SipasFactory.SendAtOnce());
        using var second = other.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });
        using var post = new HttpRequestMessage(HttpMethod.Post, form.Path)
        {
            Content = new FormUrlEncodedContent([new(SurveyForm.TokenField, token), new("OVERALL", "5")]),
        };
        post.Headers.Add("Cookie", cookie);
        using var response = await second.SendAsync(post);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        await using var db = Db();
        Assert.Equal(InvitationState.Completed, (await db.Invitations.SingleAsync(i => i.Id == id)).State);
        var keys = await db.DataProtectionKeys.Select(k => k.Xml!).ToListAsync();
        Assert.NotEmpty(keys);
        Assert.All(keys, xml => Assert.DoesNotContain("masterKey", xml, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Submission_StoresEveryAnswer_RedirectsToTheThankYouPage_AndCountsInTheIndex()
    {
        var (id, form) = await InviteAsync();

        using var response = await form.SubmitAsync(EveryItem(5));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal($"{form.Path}/cam-on", response.Headers.Location!.OriginalString);
        await using var db = Db();
        var stored = await db.Responses.Include(r => r.Answers).SingleAsync(r => r.InvitationId == id);
        Assert.Equal(ChannelKind.Web, stored.Channel);
        Assert.Equal(QuestionnaireSeed.FullV1Id, stored.QuestionnaireId);
        Assert.NotNull(stored.CompletedAt);
        var answers = stored.Answers.ToDictionary(a => a.ItemCode);
        Assert.Equal(23, answers.Count);
        Assert.Equal(5, answers["OVERALL"].Value);
        Assert.Equal(AnswerKind.NotApplicable, answers["ACCESS.5"].Kind);
        Assert.Equal((AnswerKind.YesNo, 0), (answers["FEEDBACK.1"].Kind, answers["FEEDBACK.1"].Value));
        Assert.Equal("Cán bộ hướng dẫn tận tình.", answers["COMMENT"].Text);
        Assert.Equal(InvitationState.Completed, (await db.Invitations.SingleAsync(i => i.Id == id)).State);

        var index = (await _client.GetFromJsonAsync<JsonObject>(IndexQuery))!["index"]!;
        Assert.Equal(1, (int)index["sipas"]!["n"]!);
        Assert.Equal(1, (int)index["funnel"]!["completed"]!);

        var (status, thanks, _) = await form.OpenAsync(form.Path + "/cam-on");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Trân trọng cảm ơn", thanks, StringComparison.Ordinal);
        Assert.Contains("tổng hợp ẩn danh vào Chỉ số hài lòng", thanks, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PartlyFilledForm_CountsWhatWasAnswered_AndNothingElse()
    {
        var (id, form) = await InviteAsync();

        using var response = await form.SubmitAsync(new Dictionary<string, string> { ["OVERALL"] = "4", ["RESULT.2"] = "2", ["COMMENT"] = "" });

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        await using var db = Db();
        var stored = await db.Responses.Include(r => r.Answers).SingleAsync(r => r.InvitationId == id);
        Assert.Equal(["OVERALL", "RESULT.2"], stored.Answers.Select(a => a.ItemCode).Order(StringComparer.Ordinal));
        var index = (await _client.GetFromJsonAsync<JsonObject>(IndexQuery))!["index"]!;
        Assert.Equal(1, (int)index["sipas"]!["n"]!);
        Assert.Equal(100.0, (double)index["sipas"]!["percent"]!);
    }

    [Fact]
    public async Task SecondSubmission_SaysAlreadyRecorded_AndStoresNothing()
    {
        var (id, form) = await InviteAsync();
        var (_, _, token) = await form.OpenAsync();
        using (var first = await form.PostAsync([new(SurveyForm.TokenField, token!), new("OVERALL", "5")]))
        {
            Assert.Equal(HttpStatusCode.SeeOther, first.StatusCode);
        }

        var rows = await RowsAsync();
        using var replayed = await form.PostAsync([new(SurveyForm.TokenField, token!), new("OVERALL", "1"), new("COMMENT", "lần hai")]);

        Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
        Assert.Contains("Ý kiến của Ông/Bà đã được ghi nhận", await replayed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(rows, await RowsAsync());
        await using var db = Db();
        Assert.Equal(5, (await db.Responses.Include(r => r.Answers).SingleAsync(r => r.InvitationId == id)).Answers.Single().Value);
        var (status, again, _) = await form.OpenAsync();
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Ý kiến của Ông/Bà đã được ghi nhận", again, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostWithoutTheAntiforgeryToken_IsRejectedWithAClearPage_AndStoresNothing()
    {
        var (_, form) = await InviteAsync();
        await form.OpenAsync();
        var rows = await RowsAsync();

        using var response = await form.PostAsync([new("OVERALL", "5")]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Phiếu gửi lên không hợp lệ", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(rows, await RowsAsync());
    }

    [Fact]
    public async Task PostFromAnotherBrowser_WithoutItsCookie_OrWithAForgedToken_IsRejected()
    {
        var (_, form) = await InviteAsync();
        var (_, _, token) = await form.OpenAsync();
        var rows = await RowsAsync();
        using var stranger = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var strangersForm = new SurveyForm(stranger, form.Code);

        using var withoutCookie = await strangersForm.PostAsync([new(SurveyForm.TokenField, token!), new("OVERALL", "1")]);
        using var forged = await form.PostAsync([new(SurveyForm.TokenField, "CfDJ8forged" + token![12..]), new("OVERALL", "1")]);

        Assert.Equal(HttpStatusCode.BadRequest, withoutCookie.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains("Phiếu gửi lên không hợp lệ", await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(rows, await RowsAsync());
    }

    [Fact]
    public async Task OversizedPost_Gets413AndAClearPage_AndStoresNothing()
    {
        var (_, form) = await InviteAsync();
        var rows = await RowsAsync();

        using var response = await form.SubmitAsync(new Dictionary<string, string> { ["OVERALL"] = "5", ["COMMENT"] = new string('x', 20_000) });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("quá lớn", html, StringComparison.Ordinal);
        Assert.Contains("Chưa có câu trả lời nào được lưu", html, StringComparison.Ordinal);
        Assert.Equal(rows, await RowsAsync());
    }

    [Theory]
    [InlineData("OVERALL", "6")]
    [InlineData("OVERALL", "na")]
    [InlineData("FEEDBACK.1", "5")]
    [InlineData("NOT.AN.ITEM", "5")]
    public async Task InvalidAnswer_ShowsTheFormAgainWithWhatToFix_AndStoresNothing(string field, string value)
    {
        var (_, form) = await InviteAsync();
        var rows = await RowsAsync();

        using var response = await form.SubmitAsync(new Dictionary<string, string> { ["ACCESS.1"] = "4", [field] = value, ["COMMENT"] = "Giữ lại góp ý này" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Phiếu chưa được gửi", html, StringComparison.Ordinal);
        Assert.Contains("name=\"ACCESS.1\" value=\"4\" checked", html, StringComparison.Ordinal);
        Assert.Contains(">Giữ lại góp ý này</textarea>", html, StringComparison.Ordinal);
        Assert.NotNull(SurveyForm.TokenOf(html));
        Assert.Equal(rows, await RowsAsync());
    }

    [Fact]
    public async Task CommentOverTheLimit_ShowsTheFormAgain_AndLineBreaksCountOnce()
    {
        var (id, form) = await InviteAsync();
        var rows = await RowsAsync();

        using var tooLong = await form.SubmitAsync(new Dictionary<string, string> { ["OVERALL"] = "4", ["COMMENT"] = new string('ý', 1001) });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains("tối đa 1.000 ký tự", await tooLong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(rows, await RowsAsync());

        // 1,000 characters as the textarea counts them, sent with CRLF line breaks as browsers send them.
        var comment = string.Join("\r\n", [.. Enumerable.Repeat(new string('a', 100), 9), new string('a', 91)]);
        using var atTheLimit = await form.SubmitAsync(new Dictionary<string, string> { ["OVERALL"] = "4", ["COMMENT"] = comment });
        Assert.Equal(HttpStatusCode.SeeOther, atTheLimit.StatusCode);
        await using var db = Db();
        var stored = await db.Responses.Include(r => r.Answers).SingleAsync(r => r.InvitationId == id);
        Assert.Equal(1000, stored.Answers.Single(a => a.ItemCode == "COMMENT").Text!.Length);
    }

    [Theory]
    [InlineData("text/plain", "OVERALL=5")]
    [InlineData("application/json", "{\"OVERALL\":5}")]
    [InlineData("application/x-www-form-urlencoded", "OVERALL=5&\u00ff\u00fe")]
    public async Task PostThatIsNotAForm_GetsAClearPage_AndStoresNothing(string contentType, string body)
    {
        var (_, form) = await InviteAsync();
        await form.OpenAsync();
        var rows = await RowsAsync();
        var bytes = contentType == "application/x-www-form-urlencoded" ? [.. Encoding.UTF8.GetBytes("OVERALL=5&"), 0xff, 0xfe] : Encoding.UTF8.GetBytes(body);
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);

        using var response = await _client.PostAsync(form.Path, content);

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnsupportedMediaType, $"{response.StatusCode}");
        var html = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("text/html", response.Content.Headers.ContentType!.MediaType, StringComparison.Ordinal);
        Assert.Contains("Không gửi được phiếu khảo sát", html, StringComparison.Ordinal);
        Assert.Equal(rows, await RowsAsync());
    }

    [Fact]
    public async Task ScriptInTheComment_IsStoredAsText_AndShownEscaped()
    {
        const string Hostile = "<script>alert('x')</script><img src=x onerror=alert(1)> & \"quoted\"";
        var (id, form) = await InviteAsync();

        using (var refused = await form.SubmitAsync(new Dictionary<string, string> { ["OVERALL"] = "9", ["COMMENT"] = Hostile }))
        {
            var html = await refused.Content.ReadAsStringAsync();
            Assert.Contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quoted&quot;</textarea>", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        }

        using (var accepted = await form.SubmitAsync(new Dictionary<string, string> { ["OVERALL"] = "3", ["COMMENT"] = Hostile }))
        {
            Assert.Equal(HttpStatusCode.SeeOther, accepted.StatusCode);
        }

        await using var db = Db();
        var stored = await db.Responses.Include(r => r.Answers).SingleAsync(r => r.InvitationId == id);
        Assert.Equal(Hostile, stored.Answers.Single(a => a.ItemCode == "COMMENT").Text);
    }

    [Fact]
    public async Task Pages_RunNoScript_AndAreNeitherCachedNorFramed()
    {
        var (_, form) = await InviteAsync();

        using var response = await _client.GetAsync(form.Path);

        Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.True(response.Headers.CacheControl!.NoStore);
    }

    [Fact]
    public async Task OptOut_AsksForConfirmation_ThenRecordsTheRefusalOnEveryChannel()
    {
        var (id, form) = await InviteAsync();
        var (status, confirm, _) = await form.OpenAsync(form.Path + "/tu-choi");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Xác nhận từ chối", confirm, StringComparison.Ordinal);
        await using var db = Db();
        var contactId = await db.Invitations.Where(i => i.Id == id).Select(i => i.ContactId).SingleAsync();
        Assert.False(await db.OptOuts.AnyAsync(o => o.ContactId == contactId));

        using var response = await form.SubmitAsync([], "tu-choi");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Đã ghi nhận yêu cầu từ chối", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var optOut = await db.OptOuts.SingleAsync(o => o.ContactId == contactId);
        Assert.Equal((ChannelKind.Web, null, "web-form"), (optOut.Channel, optOut.OnlyChannel, optOut.Reason));
    }

    [Fact]
    public async Task OptOutPostWithoutToken_IsRejected_AndRecordsNothing()
    {
        var (_, form) = await InviteAsync();

        using var response = await form.PostAsync([], "tu-choi");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await using var db = Db();
        Assert.False(await db.OptOuts.AnyAsync());
    }
}
