using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Sipas.Bot.Http;
using Sipas.Data;
using Sipas.Data.Model;

namespace Sipas.Bot.Staff;

/// <summary>The staff home page and one's own account: password, and the optional authenticator (TOTP) second factor.</summary>
public static class AccountEndpoints
{
    private const string AccountPath = "/admin/account";
    private const string TwoFactorPath = "/admin/account/two-factor";

    public static RouteGroupBuilder MapAccount(this RouteGroupBuilder admin)
    {
        admin.MapGet("", HomeAsync).RequireAuthorization(StaffPolicies.SignedIn);
        admin.MapGet("/account", AccountAsync).RequireAuthorization(StaffPolicies.SignedIn);
        admin.MapPost("/account/password", ChangePasswordAsync).RequireAuthorization(StaffPolicies.SignedIn);
        admin.MapGet("/account/two-factor", TwoFactorSetupAsync).RequireAuthorization(StaffPolicies.SignedIn);
        admin.MapPost("/account/two-factor", EnableTwoFactorAsync).RequireAuthorization(StaffPolicies.SignedIn);
        admin.MapPost("/account/two-factor/disable", DisableTwoFactorAsync).RequireAuthorization(StaffPolicies.SignedIn);
        return admin;
    }

    private static async Task<PageResult> HomeAsync(HttpContext http, SipasDbContext db, CancellationToken ct)
    {
        var user = http.User;
        var scope = user.ScopeUnitId() is { } unitId
            ? await db.Units.Where(u => u.Id == unitId).Select(u => u.Name + " (" + u.Code + ")").SingleOrDefaultAsync(ct)
            : "toàn bộ các đơn vị";
        var html = new Html();
        html.Add($"<div class=\"card\"><p>Xin chào {user.Name()}. Vai trò: <strong>{StaffClaims.RoleName(user.Role()!.Value)}</strong>; phạm vi: <strong>{scope}</strong>.</p>");
        html.Add($"<p>Chọn chức năng trong thanh menu phía trên. Tỷ lệ phản hồi theo đơn vị có ở trang <a href=\"/hangfire/response-rates\">Tỷ lệ phản hồi</a>.</p></div>");
        return StaffPage.Render(http, "Tổng quan", new Markup(html.ToString()));
    }

    private static async Task<PageResult> AccountAsync(HttpContext http, UserManager<StaffUser> users) =>
        AccountPage(http, await users.GetUserAsync(http.User), null, null);

    private static async Task<PageResult> ChangePasswordAsync(
        HttpContext http, UserManager<StaffUser> users, SignInManager<StaffUser> signIn, AuditTrail audit, CancellationToken ct)
    {
        var (fields, refusal) = await StaffForm.ReadAsync(http, ct);
        if (refusal is not null)
        {
            return refusal;
        }

        var user = await users.GetUserAsync(http.User);
        if (user is null)
        {
            return StaffPage.Forbidden(http);
        }

        var current = Raw(fields!, "currentPassword");
        var next = Raw(fields!, "newPassword");
        if (next != Raw(fields!, "confirmPassword"))
        {
            return AccountPage(http, user, ["Mật khẩu mới và mật khẩu nhập lại không khớp."], null);
        }

        var result = await users.ChangePasswordAsync(user, current, next);
        if (!result.Succeeded)
        {
            return AccountPage(http, user, [.. result.Errors.Select(e => e.Description)], null);
        }

        await audit.RecordAsync(AuditActions.PasswordChanged, user.UserName, ct, unitId: user.ScopeUnitId);
        await signIn.RefreshSignInAsync(user);
        return AccountPage(http, user, null, "Đã đổi mật khẩu.");
    }

    private static async Task<PageResult> TwoFactorSetupAsync(HttpContext http, UserManager<StaffUser> users)
    {
        var user = await users.GetUserAsync(http.User);
        if (user is null)
        {
            return StaffPage.Forbidden(http);
        }

        if (await users.GetAuthenticatorKeyAsync(user) is null)
        {
            await users.ResetAuthenticatorKeyAsync(user);
        }

        return TwoFactorSetupPage(http, user, (await users.GetAuthenticatorKeyAsync(user))!, null);
    }

    private static async Task<PageResult> EnableTwoFactorAsync(HttpContext http, UserManager<StaffUser> users, AuditTrail audit, CancellationToken ct)
    {
        var (fields, refusal) = await StaffForm.ReadAsync(http, ct);
        if (refusal is not null)
        {
            return refusal;
        }

        var user = await users.GetUserAsync(http.User);
        var key = user is null ? null : await users.GetAuthenticatorKeyAsync(user);
        if (user is null || key is null)
        {
            return StaffPage.Forbidden(http);
        }

        var code = (fields!.Value("code") ?? "").Replace(" ", "", StringComparison.Ordinal);
        if (code.Length is 0 or > 16 || !await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code))
        {
            return TwoFactorSetupPage(http, user, key, "Mã không đúng. Hãy nhập mã 6 chữ số đang hiển thị trên ứng dụng xác thực (đồng hồ điện thoại cần đúng giờ).");
        }

        await users.SetTwoFactorEnabledAsync(user, true);
        var recoveryCodes = await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10) ?? [];
        await audit.RecordAsync(AuditActions.TwoFactorEnabled, user.UserName, ct, unitId: user.ScopeUnitId);
        var html = new Html();
        html.Add($"<div class=\"ok\" role=\"status\">Đã bật xác thực hai bước.</div><div class=\"card\"><p>Mã khôi phục (mỗi mã dùng được một lần, khi không có điện thoại). Hãy in hoặc cất giữ nơi an toàn; trang này chỉ hiện chúng một lần:</p><ul>");
        foreach (var recovery in recoveryCodes)
        {
            html.Add($"<li><code>{recovery}</code></li>");
        }

        html.Add($"</ul><p><a href=\"{AccountPath}\">Về trang tài khoản</a></p></div>");
        return StaffPage.Render(http, "Xác thực hai bước", new Markup(html.ToString()));
    }

    private static async Task<PageResult> DisableTwoFactorAsync(HttpContext http, UserManager<StaffUser> users, AuditTrail audit, CancellationToken ct)
    {
        var (_, refusal) = await StaffForm.ReadAsync(http, ct);
        if (refusal is not null)
        {
            return refusal;
        }

        var user = await users.GetUserAsync(http.User);
        if (user is null)
        {
            return StaffPage.Forbidden(http);
        }

        await users.SetTwoFactorEnabledAsync(user, false);
        await users.ResetAuthenticatorKeyAsync(user);
        await audit.RecordAsync(AuditActions.TwoFactorDisabled, user.UserName, ct, unitId: user.ScopeUnitId);
        return AccountPage(http, user, null, "Đã tắt xác thực hai bước.");
    }

    private static PageResult AccountPage(HttpContext http, StaffUser? user, IReadOnlyList<string>? errors, string? done)
    {
        if (user is null)
        {
            return StaffPage.Forbidden(http);
        }

        var af = StaffPage.AntiforgeryField(StaffPage.Tokens(http));
        var html = new Html();
        html.Add($"{StaffPage.Errors(errors ?? [])}");
        if (done is not null)
        {
            html.Add($"<div class=\"ok\" role=\"status\">{done}</div>");
        }

        html.Add($"<div class=\"card\"><p>Tên đăng nhập: <strong>{user.UserName}</strong></p></div>");
        html.Add($"<h2>Đổi mật khẩu</h2><form method=\"post\" action=\"{AccountPath}/password\" class=\"card\">{af}");
        html.Add($"<label for=\"currentPassword\">Mật khẩu hiện tại</label><input id=\"currentPassword\" name=\"currentPassword\" type=\"password\" autocomplete=\"current-password\" required>");
        html.Add($"<label for=\"newPassword\">Mật khẩu mới (ít nhất 12 ký tự; nên dùng một câu dễ nhớ)</label><input id=\"newPassword\" name=\"newPassword\" type=\"password\" autocomplete=\"new-password\" required minlength=\"12\">");
        html.Add($"<label for=\"confirmPassword\">Nhập lại mật khẩu mới</label><input id=\"confirmPassword\" name=\"confirmPassword\" type=\"password\" autocomplete=\"new-password\" required minlength=\"12\">");
        html.Add($"<p><button type=\"submit\">Đổi mật khẩu</button></p></form>");
        html.Add($"<h2>Xác thực hai bước</h2><div class=\"card\">");
        if (user.TwoFactorEnabled)
        {
            html.Add($"<p>Đang bật: mỗi lần đăng nhập cần thêm mã từ ứng dụng xác thực.</p><form method=\"post\" action=\"{TwoFactorPath}/disable\">{af}<button type=\"submit\">Tắt xác thực hai bước</button></form>");
        }
        else
        {
            html.Add($"<p>Chưa bật. Quản trị viên nên bật để bảo vệ tài khoản.</p><p><a class=\"btn\" href=\"{TwoFactorPath}\">Bật xác thực hai bước</a></p>");
        }

        html.Add($"</div>");
        return StaffPage.Render(http, "Tài khoản của tôi", new Markup(html.ToString()), errors is { Count: > 0 } ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK);
    }

    private static PageResult TwoFactorSetupPage(HttpContext http, StaffUser user, string key, string? error)
    {
        var uri = string.Create(
            CultureInfo.InvariantCulture,
            $"otpauth://totp/{Uri.EscapeDataString("Sipas:" + user.UserName)}?secret={key}&issuer=Sipas&digits=6");
        var html = new Html();
        html.Add($"{StaffPage.Errors(error is null ? [] : [error])}<div class=\"card\"><p>1. Mở ứng dụng xác thực trên điện thoại (Google Authenticator, Microsoft Authenticator…), chọn thêm tài khoản bằng khóa thiết lập và nhập khóa:</p>");
        html.Add($"<p><code>{Grouped(key)}</code></p><p class=\"hint\">Hoặc dùng địa chỉ: <code>{uri}</code></p>");
        html.Add($"<p>2. Nhập mã 6 chữ số ứng dụng hiển thị:</p><form method=\"post\" action=\"{TwoFactorPath}\">{StaffPage.AntiforgeryField(StaffPage.Tokens(http))}");
        html.Add($"<label for=\"code\">Mã xác thực</label><input id=\"code\" name=\"code\" autocomplete=\"one-time-code\" inputmode=\"numeric\" required maxlength=\"16\">");
        html.Add($"<p><button type=\"submit\">Bật xác thực hai bước</button></p></form></div>");
        return StaffPage.Render(http, "Bật xác thực hai bước", new Markup(html.ToString()), error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    /// <summary>The key in groups of four, as authenticator apps show it.</summary>
    private static string Grouped(string key)
    {
        var text = new StringBuilder();
        for (var i = 0; i < key.Length; i += 4)
        {
            text.Append(key.AsSpan(i, Math.Min(4, key.Length - i))).Append(' ');
        }

        return text.ToString().TrimEnd().ToLowerInvariant();
    }

    private static string Raw(IReadOnlyDictionary<string, Microsoft.Extensions.Primitives.StringValues> fields, string name) =>
        fields.TryGetValue(name, out var values) && values.Count == 1 ? values[0] ?? "" : "";
}
