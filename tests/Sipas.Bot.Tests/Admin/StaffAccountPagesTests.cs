using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Sipas.Bot.Staff;
using Sipas.Bot.Tests.Support;
using Sipas.Data.Model;

namespace Sipas.Bot.Tests.Admin;

/// <summary>/admin/staff: the accounts of an Administrator's subtree, created, disabled, enabled and reset within the rules of roles and scopes.</summary>
public sealed class StaffAccountPagesTests(AdminHost host) : IClassFixture<AdminHost>
{
    private const string Path = "/admin/staff";
    private const string NewPassword = "một mật khẩu mới khá dài";

    private static Task<HttpResponseMessage> CreateAsync(HttpClient client, string userName, string role, string unit, string password = StaffSessions.Password) =>
        AdminHost.PostFormAsync(client, Path, Path,
            [new("userName", userName), new("displayName", "Nguyễn Văn Thử"), new("role", role), new("unit", unit), new("password", password)]);

    private async Task<StaffUser?> AccountAsync(string userName)
    {
        await using var db = host.Db();
        return await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.UserName == userName);
    }

    private HttpClient Browser() => host.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private static string Name(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..16];

    [Theory]
    [InlineData(StaffRole.UnitViewer, "WA")]
    [InlineData(StaffRole.Supervisor, null)]
    public async Task ReadOnlyRoles_AreRefused_WithAnAuditedDenial(StaffRole role, string? unit)
    {
        var staff = await host.SignInAsync(role, unit);

        using var list = await staff.Client.GetAsync(Path);
        await host.AssertDeniedAsync(list, staff, "GET", Path);
        var token = await StaffSessions.AntiforgeryTokenAsync(staff.Client, "/admin/account");
        var userName = Name("x");
        using var create = await staff.Client.PostAsync(Path, new FormUrlEncodedContent(
            [new("af", token), new("userName", userName), new("displayName", "X"), new("role", "Administrator"), new("unit", ""), new("password", StaffSessions.Password)]));
        await host.AssertDeniedAsync(create, staff, "POST", Path);
        Assert.Null(await AccountAsync(userName));
    }

    [Fact]
    public async Task ScopedAdministrator_ListsOnlyTheAccountsOfTheirSubtree_AndSeesTheRules()
    {
        var inA = Name("in-a");
        var inB = Name("in-b");
        var supervisor = Name("sup");
        await StaffSessions.CreateAsync(host.Factory.Services, inA, StaffRole.UnitViewer, "WA");
        await StaffSessions.CreateAsync(host.Factory.Services, inB, StaffRole.UnitViewer, "WB");
        await StaffSessions.CreateAsync(host.Factory.Services, supervisor, StaffRole.Supervisor);
        var staff = await host.SignInAsync(StaffRole.Administrator, "WA");

        var page = await staff.Client.GetStringAsync(Path);

        Assert.Contains(inA, page, StringComparison.Ordinal);
        Assert.Contains(staff.UserName, page, StringComparison.Ordinal);
        Assert.DoesNotContain(inB, page, StringComparison.Ordinal);
        Assert.DoesNotContain(supervisor, page, StringComparison.Ordinal);
        Assert.Contains("không tạo giám sát viên", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<option value=\"Supervisor\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScopedAdministrator_CreatesAUnitViewerInTheirSubtree_AuditedWithoutThePassword()
    {
        var staff = await host.SignInAsync(StaffRole.Administrator, "P01");
        var userName = Name("viewer");

        using var created = await CreateAsync(staff.Client, userName, "UnitViewer", "WA");

        Assert.Equal(HttpStatusCode.SeeOther, created.StatusCode);
        var account = await AccountAsync(userName);
        Assert.Equal((StaffRole.UnitViewer, host.WardA.Id, "Nguyễn Văn Thử"), (account!.Role, account.ScopeUnitId, account.DisplayName));
        var entry = Assert.Single(await host.AuditAsync(AuditActions.StaffCreated, userName));
        Assert.Equal((staff.UserName, (Guid?)host.WardA.Id), (entry.ActorName, entry.UnitId));
        var after = AdminHost.Json(entry.After);
        Assert.Equal(("UnitViewer", "WA"), (after.GetProperty("role").GetString(), after.GetProperty("unit").GetString()));
        Assert.DoesNotContain(StaffSessions.Password, entry.After, StringComparison.Ordinal);
        Assert.DoesNotContain(account.PasswordHash!, entry.After, StringComparison.Ordinal);
        using var browser = Browser();
        await StaffSessions.SignInAsync(browser, userName);
    }

    [Theory]
    [InlineData("WA", "Supervisor", "", "role", "Chỉ quản trị viên toàn hệ thống được tạo tài khoản giám sát viên.")]
    [InlineData("WA", "UnitViewer", "WB", "unit", "Đơn vị “WB” nằm ngoài phạm vi quản lý của bạn.")]
    [InlineData("WA", "Administrator", "", "unit", "Vui lòng nhập mã một đơn vị trong phạm vi của bạn")]
    [InlineData("WA", "UnitViewer", "KHONG-CO", "unit", "Không có đơn vị mã “KHONG-CO”.")]
    [InlineData("WA", "Owner", "WA", "role", "Vui lòng chọn vai trò.")]
    [InlineData(null, "UnitViewer", "", "unit", "Cán bộ theo dõi đơn vị phải gắn với một đơn vị.")]
    [InlineData(null, "Supervisor", "WA", "unit", "Giám sát viên xem được mọi đơn vị: không chọn đơn vị.")]
    [InlineData(null, "UnitViewer", "WA", "password", "Mật khẩu phải có ít nhất 12 ký tự.")]
    public async Task ARefusedAccount_Answers400WithTheFieldsMessage_AndCreatesNothing(string? adminUnit, string role, string unit, string field, string message)
    {
        var staff = await host.SignInAsync(StaffRole.Administrator, adminUnit);
        var userName = Name("refused");

        using var refused = await CreateAsync(staff.Client, userName, role, unit, field == "password" ? "ngắn quá" : StaffSessions.Password);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var page = await refused.Content.ReadAsStringAsync();
        Assert.Contains($"<p class=\"field-error\" id=\"{field}-error\">{message}", page, StringComparison.Ordinal);
        Assert.Contains($"value=\"{userName}\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("ngắn quá", page, StringComparison.Ordinal);
        Assert.Null(await AccountAsync(userName));
        Assert.Empty(await host.AuditAsync(AuditActions.StaffCreated, userName));
    }

    [Fact]
    public async Task ATakenUserName_IsRefusedWithAMessage()
    {
        var staff = await host.SignInAsync(StaffRole.Administrator);

        using var refused = await CreateAsync(staff.Client, staff.UserName, "UnitViewer", "WA");

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains($"Tên đăng nhập “{staff.UserName}” đã có người dùng.", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disabling_EndsTheAccountsSignIn_ChangesItsSecurityStamp_AndEnablingRestoresIt()
    {
        var staff = await host.SignInAsync(StaffRole.Administrator, "P01");
        var userName = Name("target");
        var target = await StaffSessions.CreateAsync(host.Factory.Services, userName, StaffRole.UnitViewer, "WA");

        using var disabled = await AdminHost.PostFormAsync(staff.Client, Path, $"{Path}/{target.Id}/disable", []);

        Assert.Equal(HttpStatusCode.SeeOther, disabled.StatusCode);
        var stored = await AccountAsync(userName);
        Assert.NotNull(stored!.DisabledAt);
        Assert.NotEqual(target.SecurityStamp, stored.SecurityStamp);
        var entry = Assert.Single(await host.AuditAsync(AuditActions.StaffDisabled, userName));
        Assert.False(AdminHost.Json(entry.Before).GetProperty("disabled").GetBoolean());
        Assert.True(AdminHost.Json(entry.After).GetProperty("disabled").GetBoolean());
        using (var browser = Browser())
        {
            using var refused = await StaffSessions.PostSignInAsync(browser, userName, StaffSessions.Password);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        Assert.Contains("Đã vô hiệu hóa", await staff.Client.GetStringAsync(Path), StringComparison.Ordinal);
        using var enabled = await AdminHost.PostFormAsync(staff.Client, Path, $"{Path}/{target.Id}/enable", []);

        Assert.Equal(HttpStatusCode.SeeOther, enabled.StatusCode);
        Assert.Null((await AccountAsync(userName))!.DisabledAt);
        Assert.Single(await host.AuditAsync(AuditActions.StaffEnabled, userName));
        using var again = Browser();
        await StaffSessions.SignInAsync(again, userName);
    }

    [Fact]
    public async Task AnAdministratorCannotDisableThemselves()
    {
        var staff = await host.SignInAsync(StaffRole.Administrator, "WA");
        var self = await AccountAsync(staff.UserName);

        using var refused = await AdminHost.PostFormAsync(staff.Client, Path, $"{Path}/{self!.Id}/disable", []);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("Bạn không thể tự vô hiệu hóa tài khoản của mình.", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null((await AccountAsync(staff.UserName))!.DisabledAt);
    }

    [Fact]
    public async Task ScopedAdministrator_CannotTouchAnAccountOutsideTheirSubtree()
    {
        var staff = await host.SignInAsync(StaffRole.Administrator, "WA");
        var outside = await StaffSessions.CreateAsync(host.Factory.Services, Name("in-b"), StaffRole.Administrator, "WB");
        var supervisor = await StaffSessions.CreateAsync(host.Factory.Services, Name("sup"), StaffRole.Supervisor);

        using var disable = await AdminHost.PostFormAsync(staff.Client, Path, $"{Path}/{outside.Id}/disable", []);
        await host.AssertDeniedAsync(disable, staff, "POST", $"{Path}/{outside.Id}/disable");
        using var reset = await AdminHost.PostFormAsync(staff.Client, Path, $"{Path}/{supervisor.Id}/password", [new("password", NewPassword), new("confirmPassword", NewPassword)]);
        await host.AssertDeniedAsync(reset, staff, "POST", $"{Path}/{supervisor.Id}/password");
        using var form = await staff.Client.GetAsync($"{Path}/{outside.Id}/password");
        await host.AssertDeniedAsync(form, staff, "GET", $"{Path}/{outside.Id}/password");

        Assert.Null((await AccountAsync(outside.UserName!))!.DisabledAt);
        using var browser = Browser();
        await StaffSessions.SignInAsync(browser, supervisor.UserName!);
    }

    [Fact]
    public async Task ResettingAPassword_LetsTheUserSignInWithTheNewOne_AndIsAuditedWithoutIt()
    {
        var staff = await host.SignInAsync(StaffRole.Administrator, "P01");
        var userName = Name("forgot");
        var target = await StaffSessions.CreateAsync(host.Factory.Services, userName, StaffRole.UnitViewer, "WA");
        var form = $"{Path}/{target.Id}/password";

        using var mismatch = await AdminHost.PostFormAsync(staff.Client, form, form, [new("password", NewPassword), new("confirmPassword", NewPassword + "x")]);
        Assert.Equal(HttpStatusCode.BadRequest, mismatch.StatusCode);
        Assert.Contains("Mật khẩu nhập lại không khớp.", await mismatch.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var tooShort = await AdminHost.PostFormAsync(staff.Client, form, form, [new("password", "ngắn quá"), new("confirmPassword", "ngắn quá")]);
        Assert.Equal(HttpStatusCode.BadRequest, tooShort.StatusCode);
        Assert.Contains("Mật khẩu phải có ít nhất 12 ký tự.", await tooShort.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await host.AuditAsync(AuditActions.StaffPasswordReset, userName));

        using var reset = await AdminHost.PostFormAsync(staff.Client, form, form, [new("password", NewPassword), new("confirmPassword", NewPassword)]);

        Assert.Equal(HttpStatusCode.SeeOther, reset.StatusCode);
        var entry = Assert.Single(await host.AuditAsync(AuditActions.StaffPasswordReset, userName));
        Assert.True(AdminHost.Json(entry.After).GetProperty("passwordReset").GetBoolean());
        Assert.DoesNotContain(NewPassword, entry.After, StringComparison.Ordinal);
        Assert.DoesNotContain(NewPassword, entry.Before, StringComparison.Ordinal);
        using var browser = Browser();
        await StaffSessions.SignInAsync(browser, userName, NewPassword);
        using var old = Browser();
        using var refused = await StaffSessions.PostSignInAsync(old, userName, StaffSessions.Password);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }
}
