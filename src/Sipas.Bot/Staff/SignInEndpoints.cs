using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Sipas.Bot.Http;
using Sipas.Data.Model;

namespace Sipas.Bot.Staff;

/// <summary>
/// Sign-in (password, then the authenticator code when the account has one), sign-out. A wrong user name, a wrong
/// password, a locked or disabled account all get the same answer, in about the same time; each attempt is audited
/// and the posts are rate-limited per client address on top of Identity's per-account lockout.
/// </summary>
public static partial class SignInEndpoints
{
    public const string TwoFactorPath = "/admin/sign-in/two-factor";
    private const string SignInForm = "the sign-in form itself: anti-forgery, per-address rate limit, per-account lockout";
    private const string WrongCredentials = "Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đang bị tạm khóa. Sau 5 lần nhập sai liên tiếp, tài khoản bị khóa 15 phút.";

    public static RouteGroupBuilder MapSignIn(this RouteGroupBuilder admin)
    {
        admin.MapGet("/sign-in", (HttpContext http, string? returnUrl) => SignInPage(http, returnUrl, null, null)).Public(SignInForm);
        admin.MapPost("/sign-in", SignInAsync).Public(SignInForm).RequireRateLimiting(StaffServiceCollectionExtensions.SignInRateLimit);
        admin.MapGet("/sign-in/two-factor", (HttpContext http, string? returnUrl) => TwoFactorPage(http, returnUrl, null)).Public(SignInForm);
        admin.MapPost("/sign-in/two-factor", TwoFactorAsync).Public(SignInForm).RequireRateLimiting(StaffServiceCollectionExtensions.SignInRateLimit);
        admin.MapPost("/sign-out", SignOutAsync).RequireAuthorization(StaffPolicies.SignedIn);
        return admin;
    }

    private static async Task<IResult> SignInAsync(
        HttpContext http, SignInManager<StaffUser> signIn, UserManager<StaffUser> users, IPasswordHasher<StaffUser> hasher, AuditTrail audit, CancellationToken ct)
    {
        var (fields, refusal) = await StaffForm.ReadAsync(http, ct);
        if (refusal is not null)
        {
            return refusal;
        }

        var userName = fields!.Value("userName");
        var password = fields!.TryGetValue("password", out var p) && p.Count == 1 ? p[0] ?? "" : "";
        var returnUrl = fields!.Value("returnUrl");
        if (userName is null || password.Length == 0 || userName.Length > 256 || password.Length > 512)
        {
            return SignInPage(http, returnUrl, userName, "Vui lòng nhập tên đăng nhập và mật khẩu.");
        }

        var user = await users.FindByNameAsync(userName);
        if (user is null)
        {
            // The same work as checking a real password, so the answer's timing does not tell that the name is unknown.
            hasher.VerifyHashedPassword(Decoy, DecoyHash.Value, password);
            await audit.RecordAsync(AuditActions.SignInFailed, userName, ct, actorName: userName);
            return SignInPage(http, returnUrl, userName, WrongCredentials);
        }

        var result = await signIn.PasswordSignInAsync(user, password, isPersistent: false, lockoutOnFailure: true);
        if (result.RequiresTwoFactor)
        {
            return new SeeOtherResult(TwoFactorPath + (returnUrl is null ? "" : "?returnUrl=" + Uri.EscapeDataString(returnUrl)));
        }

        if (result.Succeeded)
        {
            await audit.RecordAsync(AuditActions.SignIn, user.UserName, ct, unitId: user.ScopeUnitId, actorName: user.UserName);
            return new SeeOtherResult(LocalOrHome(returnUrl));
        }

        var action = result.IsLockedOut ? AuditActions.SignInLockedOut : result.IsNotAllowed ? AuditActions.SignInRefused : AuditActions.SignInFailed;
        await audit.RecordAsync(action, user.UserName, ct, unitId: user.ScopeUnitId, actorName: user.UserName);
        return SignInPage(http, returnUrl, userName, WrongCredentials);
    }

    private static async Task<IResult> TwoFactorAsync(HttpContext http, SignInManager<StaffUser> signIn, AuditTrail audit, CancellationToken ct)
    {
        var (fields, refusal) = await StaffForm.ReadAsync(http, ct);
        if (refusal is not null)
        {
            return refusal;
        }

        var returnUrl = fields!.Value("returnUrl");
        var user = await signIn.GetTwoFactorAuthenticationUserAsync();
        if (user is null)
        {
            return new SeeOtherResult(StaffPage.SignInPath);
        }

        var code = (fields!.Value("code") ?? "").Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        var result = code.Length == 0 || code.Length > 32 ? SignInResult.Failed
            : SixDigits().IsMatch(code) ? await signIn.TwoFactorAuthenticatorSignInAsync(code, isPersistent: false, rememberClient: false)
            : await signIn.TwoFactorRecoveryCodeSignInAsync(code);
        if (result.Succeeded)
        {
            await audit.RecordAsync(AuditActions.SignIn, user.UserName, ct, unitId: user.ScopeUnitId, actorName: user.UserName);
            return new SeeOtherResult(LocalOrHome(returnUrl));
        }

        await audit.RecordAsync(result.IsLockedOut ? AuditActions.SignInLockedOut : AuditActions.SignInFailed, user.UserName + " (mã xác thực)", ct, unitId: user.ScopeUnitId, actorName: user.UserName);
        return TwoFactorPage(http, returnUrl, "Mã xác thực không đúng hoặc đã hết hạn. Vui lòng nhập mã đang hiển thị trên ứng dụng xác thực.");
    }

    private static async Task<IResult> SignOutAsync(HttpContext http, SignInManager<StaffUser> signIn, AuditTrail audit, CancellationToken ct)
    {
        var (_, refusal) = await StaffForm.ReadAsync(http, ct);
        if (refusal is not null)
        {
            return refusal;
        }

        await audit.RecordAsync(AuditActions.SignOut, http.User.Identity?.Name, ct, unitId: http.User.ScopeUnitId());
        await signIn.SignOutAsync();
        return new SeeOtherResult(StaffPage.SignInPath);
    }

    private static PageResult SignInPage(HttpContext http, string? returnUrl, string? userName, string? error)
    {
        var tokens = StaffPage.Tokens(http);
        var html = new Html();
        html.Add($"{StaffPage.Errors(error is null ? [] : [error])}<form method=\"post\" action=\"{StaffPage.SignInPath}\" class=\"card\">{StaffPage.AntiforgeryField(tokens)}");
        html.Add($"<input type=\"hidden\" name=\"returnUrl\" value=\"{LocalOrHome(returnUrl)}\">");
        html.Add($"<label for=\"userName\">Tên đăng nhập</label><input id=\"userName\" name=\"userName\" autocomplete=\"username\" required maxlength=\"256\" value=\"{userName}\">");
        html.Add($"<label for=\"password\">Mật khẩu</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required maxlength=\"512\">");
        html.Add($"<p><button type=\"submit\">Đăng nhập</button></p></form>");
        html.Add($"<p class=\"hint\">Trang dành cho cán bộ. Tài khoản do quản trị viên của đơn vị cấp; quên mật khẩu, vui lòng liên hệ quản trị viên.</p>");
        return StaffPage.Render(http, "Đăng nhập", new Markup(html.ToString()), error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    private static PageResult TwoFactorPage(HttpContext http, string? returnUrl, string? error)
    {
        var tokens = StaffPage.Tokens(http);
        var html = new Html();
        html.Add($"{StaffPage.Errors(error is null ? [] : [error])}<form method=\"post\" action=\"{TwoFactorPath}\" class=\"card\">{StaffPage.AntiforgeryField(tokens)}");
        html.Add($"<input type=\"hidden\" name=\"returnUrl\" value=\"{LocalOrHome(returnUrl)}\">");
        html.Add($"<label for=\"code\">Mã 6 chữ số trên ứng dụng xác thực (hoặc một mã khôi phục)</label>");
        html.Add($"<input id=\"code\" name=\"code\" autocomplete=\"one-time-code\" inputmode=\"numeric\" required maxlength=\"32\">");
        html.Add($"<p><button type=\"submit\">Xác nhận</button></p></form>");
        return StaffPage.Render(http, "Xác thực hai bước", new Markup(html.ToString()), error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    /// <summary>Only a path of this site: "/admin/x" yes; "//evil.example", "/\evil", "https://…" no (an open redirect would help phishing).</summary>
    public static string LocalOrHome(string? returnUrl) =>
        returnUrl is { Length: > 0 and <= 2000 } url && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) && !url.Any(char.IsControl)
            ? url
            : StaffPage.Home;

    private static readonly StaffUser Decoy = new() { DisplayName = "" };
    private static readonly Lazy<string> DecoyHash = new(() => new PasswordHasher<StaffUser>().HashPassword(Decoy, Guid.NewGuid().ToString()));

    [GeneratedRegex("^[0-9]{6}$")]
    private static partial Regex SixDigits();
}
