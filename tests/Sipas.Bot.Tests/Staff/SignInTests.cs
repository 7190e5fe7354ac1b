using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Sipas.Bot.Cli;
using Sipas.Bot.Staff;
using Sipas.Bot.Tests.Support;
using Sipas.Data.Model;
using Sipas.Testing;

namespace Sipas.Bot.Tests.Staff;

public sealed partial class SignInTests : IAsyncLifetime
{
    private const string WrongCredentials = "Tên đăng nhập hoặc mật khẩu không đúng";
    private SipasFactory _factory = null!;

    public async Task InitializeAsync() => _factory = await SipasFactory.StartAsync();

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private HttpClient NewClient() => _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    [Fact]
    public async Task AnUnknownName_AndAWrongPassword_GetTheSameAnswer_AndBothAreAudited()
    {
        await StaffSessions.CreateAsync(_factory.Services, "canbo1", StaffRole.UnitViewer, await WardAsync());
        using var client = NewClient();

        using var unknown = await StaffSessions.PostSignInAsync(client, "khong-ai", StaffSessions.Password);
        using var wrong = await StaffSessions.PostSignInAsync(client, "canbo1", "không phải mật khẩu này");

        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        var unknownText = ErrorBox(await unknown.Content.ReadAsStringAsync());
        Assert.Contains(WrongCredentials, unknownText, StringComparison.Ordinal);
        Assert.Equal(unknownText, ErrorBox(await wrong.Content.ReadAsStringAsync()));
        Assert.Null(wrong.Headers.Location);
        await using var db = TestDatabase.Open(_factory.ConnectionString);
        var failures = await db.AuditEntries.Where(a => a.Action == AuditActions.SignInFailed).OrderBy(a => a.Id).Select(a => a.ActorName).ToListAsync();
        Assert.Equal(["khong-ai", "canbo1"], failures);
    }

    [Fact]
    public async Task FiveWrongPasswords_LockTheAccount_SoEvenTheRightPasswordIsRefusedForAWhile()
    {
        await StaffSessions.CreateAsync(_factory.Services, "canbo2", StaffRole.Supervisor);
        using var client = NewClient();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            using var wrong = await StaffSessions.PostSignInAsync(client, "canbo2", "sai mật khẩu lần " + attempt);
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        }

        using var right = await StaffSessions.PostSignInAsync(client, "canbo2", StaffSessions.Password);

        Assert.Equal(HttpStatusCode.BadRequest, right.StatusCode);
        Assert.Contains(WrongCredentials, await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using var db = TestDatabase.Open(_factory.ConnectionString);
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == AuditActions.SignInLockedOut && a.ActorName == "canbo2"));
        Assert.True((await db.Users.SingleAsync(u => u.UserName == "canbo2")).LockoutEnd > DateTimeOffset.UtcNow.AddMinutes(14));
    }

    [Fact]
    public async Task ADisabledAccount_CannotSignIn_AndGetsTheSameAnswer()
    {
        var user = await StaffSessions.CreateAsync(_factory.Services, "canbo3", StaffRole.Supervisor);
        await using (var db = TestDatabase.Open(_factory.ConnectionString))
        {
            await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.DisabledAt, DateTimeOffset.UtcNow));
        }

        using var client = NewClient();
        using var refused = await StaffSessions.PostSignInAsync(client, "canbo3", StaffSessions.Password);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains(WrongCredentials, await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var home = await client.GetAsync(StaffPage.Home);
        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
    }

    [Fact]
    public async Task SignInPosts_AreLimitedPerAddress_WithAVietnameseAnswer()
    {
        await using var factory = await SipasFactory.StartAsync(new Dictionary<string, string?> { ["Staff:SignInPermitsPerMinute"] = "3" });
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        for (var attempt = 0; attempt < 3; attempt++)
        {
            using var allowed = await StaffSessions.PostSignInAsync(client, "ai-do", "mật khẩu đoán thử " + attempt);
            Assert.Equal(HttpStatusCode.BadRequest, allowed.StatusCode);
        }

        using var limited = await StaffSessions.PostSignInAsync(client, "ai-do", "mật khẩu đoán thử nữa");

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("60", limited.Headers.RetryAfter?.ToString());
        Assert.Contains("Có quá nhiều lần đăng nhập", await limited.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSessionCookie_IsHttpOnly_AndStrictlySameSite()
    {
        await StaffSessions.CreateAsync(_factory.Services, "canbo4", StaffRole.Supervisor);
        using var client = NewClient();
        using var signedIn = await StaffSessions.PostSignInAsync(client, "canbo4", StaffSessions.Password);

        Assert.Equal(HttpStatusCode.SeeOther, signedIn.StatusCode);
        var cookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("sipas-staff=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        await using var db = TestDatabase.Open(_factory.ConnectionString);
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == AuditActions.SignIn && a.ActorName == "canbo4"));
    }

    [Fact]
    public async Task APostWithoutTheAntiforgeryToken_IsRefused_AndChangesNothing()
    {
        using var client = await StaffSessions.ClientAsync(_factory, StaffRole.Supervisor, userName: "canbo5");

        using var forged = await client.PostAsync("/admin/account/password", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["currentPassword"] = StaffSessions.Password,
            ["newPassword"] = "mật khẩu mới do kẻ gian đặt",
            ["confirmPassword"] = "mật khẩu mới do kẻ gian đặt",
        }));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains("Biểu mẫu đã hết hạn", await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var again = NewClient();
        await StaffSessions.SignInAsync(again, "canbo5");
    }

    [Fact]
    public async Task WithTheAuthenticatorOn_SignInAsksForTheCode_AndOnlyTheRightCodeLetsIn()
    {
        using var client = await StaffSessions.ClientAsync(_factory, StaffRole.Administrator, userName: "quantri2");
        var setup = await client.GetStringAsync("/admin/account/two-factor");
        var key = KeyOnPage().Match(setup).Groups[1].Value.Replace(" ", "", StringComparison.Ordinal);
        var token = await StaffSessions.AntiforgeryTokenAsync(client, "/admin/account/two-factor");
        using (var enabled = await client.PostAsync("/admin/account/two-factor", Form(token, Totp.Code(key, DateTimeOffset.UtcNow))))
        {
            Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);
            Assert.Contains("Đã bật xác thực hai bước", await enabled.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var next = NewClient();
        using var password = await StaffSessions.PostSignInAsync(next, "quantri2", StaffSessions.Password);
        Assert.Equal(SignInEndpoints.TwoFactorPath, password.Headers.Location?.OriginalString.Split('?')[0]);
        using (var home = await next.GetAsync(StaffPage.Home))
        {
            Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
        }

        var codeToken = await StaffSessions.AntiforgeryTokenAsync(next, SignInEndpoints.TwoFactorPath);
        using (var wrong = await next.PostAsync(SignInEndpoints.TwoFactorPath, Form(codeToken, "000000")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        }

        using var right = await next.PostAsync(SignInEndpoints.TwoFactorPath, Form(codeToken, Totp.Code(key, DateTimeOffset.UtcNow.AddSeconds(30))));
        Assert.Equal(HttpStatusCode.SeeOther, right.StatusCode);
        using var signedIn = await next.GetAsync(StaffPage.Home);
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
    }

    [Theory]
    [InlineData("/hangfire/jobs/failed", "/hangfire/jobs/failed")]
    [InlineData("//evil.example/x", "/admin")]
    [InlineData("/\\evil.example", "/admin")]
    [InlineData("https://evil.example", "/admin")]
    [InlineData("", "/admin")]
    [InlineData(null, "/admin")]
    public void AfterSignIn_OnlyAPathOfThisSite_IsFollowed(string? returnUrl, string expected) =>
        Assert.Equal(expected, SignInEndpoints.LocalOrHome(returnUrl));

    [Fact]
    public async Task CreateAdmin_MakesAnAdministratorWhoCanSignIn_WithThePasswordRulesOfTheService()
    {
        var tooShort = await CommandRunner.RunAsync(
            _factory.ConnectionString, ["create-admin", "truongphong", "--name", "Trưởng phòng Nội vụ"], new Dictionary<string, string?> { [CreateAdminCommand.PasswordVariable] = "ngắn" });
        Assert.Equal(1, tooShort.ExitCode);
        Assert.Contains("Mật khẩu phải có ít nhất 12 ký tự", tooShort.Error, StringComparison.Ordinal);

        var created = await CommandRunner.RunAsync(
            _factory.ConnectionString, ["create-admin", "truongphong", "--name", "Trưởng phòng Nội vụ"], new Dictionary<string, string?> { [CreateAdminCommand.PasswordVariable] = StaffSessions.Password });
        Assert.True(created.ExitCode == 0, created.ToString());

        using var client = NewClient();
        await StaffSessions.SignInAsync(client, "truongphong");
        Assert.Contains("Trưởng phòng Nội vụ · Quản trị viên", await client.GetStringAsync(StaffPage.Home), StringComparison.Ordinal);
    }

    private async Task<string> WardAsync()
    {
        await using var db = TestDatabase.Open(_factory.ConnectionString);
        return (await new Seed(db).UnitAsync("SI-1", "Phường Đăng Nhập")).Code;
    }

    private static FormUrlEncodedContent Form(string token, string code) => new(new Dictionary<string, string> { ["af"] = token, ["code"] = code });

    private static string ErrorBox(string html) => ErrorBoxPattern().Match(html).Value;

    [GeneratedRegex("<div class=\"alert\".*?</div>", RegexOptions.Singleline)]
    private static partial Regex ErrorBoxPattern();

    [GeneratedRegex("<p><code>([a-z0-9 ]+)</code></p>")]
    private static partial Regex KeyOnPage();
}
