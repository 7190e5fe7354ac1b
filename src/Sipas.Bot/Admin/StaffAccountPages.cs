using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Sipas.Bot.Http;
using Sipas.Bot.Staff;
using Sipas.Data;
using Sipas.Data.Model;
using Sipas.Scheduler.Policy;

namespace Sipas.Bot.Admin;

/// <summary>
/// The staff accounts of an Administrator's subtree: list, create, disable and enable, reset a password. A scoped
/// Administrator manages only accounts scoped inside their subtree and never creates a Supervisor or an account
/// without a unit (either would see more than they do). Every change is audited; a password never is.
/// </summary>
public static class StaffAccountPages
{
    public const string ListPath = "/admin/staff";
    private const int MaxPasswordLength = 512;

    internal static RouteGroupBuilder MapStaffAccounts(this RouteGroupBuilder admin)
    {
        admin.MapGet("/staff", ListAsync).RequireAuthorization(StaffPolicies.Administer);
        admin.MapPost("/staff", CreateAsync).RequireAuthorization(StaffPolicies.Administer);
        admin.MapPost("/staff/{id:guid}/disable", (HttpContext http, Guid id, UserManager<StaffUser> users, SipasDbContext db, StaffScope scope, AuditTrail audit, TimeProvider time, IOptions<SurveyOptions> survey, CancellationToken ct) =>
            SetDisabledAsync(http, id, disable: true, users, db, scope, audit, time, survey, ct)).RequireAuthorization(StaffPolicies.Administer);
        admin.MapPost("/staff/{id:guid}/enable", (HttpContext http, Guid id, UserManager<StaffUser> users, SipasDbContext db, StaffScope scope, AuditTrail audit, TimeProvider time, IOptions<SurveyOptions> survey, CancellationToken ct) =>
            SetDisabledAsync(http, id, disable: false, users, db, scope, audit, time, survey, ct)).RequireAuthorization(StaffPolicies.Administer);
        admin.MapGet("/staff/{id:guid}/password", PasswordFormAsync).RequireAuthorization(StaffPolicies.Administer);
        admin.MapPost("/staff/{id:guid}/password", ResetPasswordAsync).RequireAuthorization(StaffPolicies.Administer);
        return admin;
    }

    /// <summary>An account as the audit trail records it: never its password or its keys.</summary>
    private sealed record AccountSnapshot(string? UserName, string DisplayName, string Role, string? Unit, bool TwoFactor, bool Disabled, DateTimeOffset? LockedUntil, bool? PasswordReset = null);

    /// <summary>The typed fields of the create form, shown again after a refusal (never the password).</summary>
    private sealed record NewAccountForm(string UserName, string DisplayName, string Role, string Unit)
    {
        public static readonly NewAccountForm Empty = new("", "", nameof(StaffRole.UnitViewer), "");
    }

    private static Task<PageResult> ListAsync(HttpContext http, string? saved, SipasDbContext db, StaffScope scope, TimeProvider time, IOptions<SurveyOptions> survey, CancellationToken ct)
    {
        var confirmation = saved switch
        {
            "created" => "Đã tạo tài khoản.",
            "disabled" => "Đã vô hiệu hóa tài khoản; các phiên đăng nhập của tài khoản đó sẽ kết thúc trong vòng một phút.",
            "enabled" => "Đã kích hoạt lại tài khoản.",
            "password" => "Đã đặt lại mật khẩu; hãy báo mật khẩu mới cho người dùng qua kênh riêng.",
            _ => null,
        };
        return ListPageAsync(http, db, scope, time, survey, NewAccountForm.Empty, new Dictionary<string, string>(), confirmation, ct);
    }

    private static async Task<IResult> CreateAsync(
        HttpContext http, SipasDbContext db, StaffScope scope, StaffAccounts accounts, AuditTrail audit, TimeProvider time, IOptions<SurveyOptions> survey, CancellationToken ct)
    {
        var (fields, refusal) = await StaffForm.ReadAsync(http, ct);
        if (refusal is not null)
        {
            return refusal;
        }

        var form = new NewAccountForm(fields!.Value("userName") ?? "", fields!.Value("displayName") ?? "", fields!.Value("role") ?? "", fields!.Value("unit") ?? "");
        var password = fields!.TryGetValue("password", out var p) && p.Count == 1 ? p[0] ?? "" : "";
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var everything = StaffScope.SeesEverything(http.User);
        if (!Enum.TryParse<StaffRole>(form.Role, out var role) || !Enum.IsDefined(role) || int.TryParse(form.Role, out _))
        {
            errors["role"] = "Vui lòng chọn vai trò.";
        }
        else if (role == StaffRole.Supervisor && !everything)
        {
            errors["role"] = "Chỉ quản trị viên toàn hệ thống được tạo tài khoản giám sát viên.";
        }
        else if (!everything && form.Unit.Length == 0)
        {
            errors["unit"] = "Vui lòng nhập mã một đơn vị trong phạm vi của bạn: tài khoản bạn tạo không được xem rộng hơn bạn.";
        }
        else if (!everything && await db.Units.Where(u => u.Code == form.Unit).Select(u => (Guid?)u.Id).SingleOrDefaultAsync(ct) is { } unitId
            && !await scope.CoversAsync(http.User, unitId, ct))
        {
            errors["unit"] = $"Đơn vị “{form.Unit}” nằm ngoài phạm vi quản lý của bạn.";
        }

        if (form.UserName.Length == 0)
        {
            errors["userName"] = "Vui lòng nhập tên đăng nhập.";
        }

        if (password.Length > MaxPasswordLength)
        {
            errors["password"] = $"Mật khẩu tối đa {MaxPasswordLength} ký tự.";
        }

        if (errors.Count > 0)
        {
            return await ListPageAsync(http, db, scope, time, survey, form, errors, null, ct);
        }

        // The account and its audit entry commit together or not at all.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var (user, refused) = await accounts.CreateAsync(new NewStaffAccount(form.UserName, form.DisplayName, role, form.Unit.Length == 0 ? null : form.Unit, password), ct);
        if (user is null)
        {
            await transaction.RollbackAsync(ct);
            return await ListPageAsync(http, db, scope, time, survey, form, refused, null, ct);
        }

        audit.Stage(AuditActions.StaffCreated, user.UserName, user.ScopeUnitId, before: null, after: await SnapshotAsync(db, user, ct));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new SeeOtherResult($"{ListPath}?saved=created");
    }

    private static async Task<IResult> SetDisabledAsync(
        HttpContext http, Guid id, bool disable, UserManager<StaffUser> users, SipasDbContext db, StaffScope scope, AuditTrail audit, TimeProvider time, IOptions<SurveyOptions> survey, CancellationToken ct)
    {
        var (_, refusal) = await StaffForm.ReadAsync(http, ct);
        if (refusal is not null)
        {
            return refusal;
        }

        var (target, denied) = await TargetAsync(http, id, users, scope, audit, ct);
        if (target is null)
        {
            return denied!;
        }

        if (disable && target.Id == http.User.Id())
        {
            return await ListPageAsync(http, db, scope, time, survey, NewAccountForm.Empty, new Dictionary<string, string> { ["account"] = "Bạn không thể tự vô hiệu hóa tài khoản của mình." }, null, ct);
        }

        if ((target.DisabledAt is not null) == disable)
        {
            return new SeeOtherResult($"{ListPath}?saved={(disable ? "disabled" : "enabled")}");
        }

        var before = await SnapshotAsync(db, target, ct);
        target.DisabledAt = disable ? time.GetUtcNow() : null;
        var entry = audit.Stage(disable ? AuditActions.StaffDisabled : AuditActions.StaffEnabled, target.UserName, target.ScopeUnitId, before, await SnapshotAsync(db, target, ct));

        // A new security stamp makes the account's open sessions fail their next check (within a minute); the same
        // save writes the audit entry staged above.
        var result = disable ? await users.UpdateSecurityStampAsync(target) : await users.UpdateAsync(target);
        if (!result.Succeeded)
        {
            db.Entry(entry).State = EntityState.Detached;
            return await ListPageAsync(http, db, scope, time, survey, NewAccountForm.Empty, new Dictionary<string, string> { ["account"] = "Không lưu được thay đổi (có thể tài khoản vừa được sửa ở nơi khác). Vui lòng tải lại trang và thử lại." }, null, ct);
        }

        return new SeeOtherResult($"{ListPath}?saved={(disable ? "disabled" : "enabled")}");
    }

    private static async Task<IResult> PasswordFormAsync(HttpContext http, Guid id, UserManager<StaffUser> users, StaffScope scope, AuditTrail audit, CancellationToken ct)
    {
        var (target, denied) = await TargetAsync(http, id, users, scope, audit, ct);
        return target is null ? denied! : PasswordPage(http, target, new Dictionary<string, string>());
    }

    private static async Task<IResult> ResetPasswordAsync(HttpContext http, Guid id, UserManager<StaffUser> users, SipasDbContext db, StaffScope scope, AuditTrail audit, CancellationToken ct)
    {
        var (fields, refusal) = await StaffForm.ReadAsync(http, ct);
        if (refusal is not null)
        {
            return refusal;
        }

        var (target, denied) = await TargetAsync(http, id, users, scope, audit, ct);
        if (target is null)
        {
            return denied!;
        }

        var password = fields!.TryGetValue("password", out var p) && p.Count == 1 ? p[0] ?? "" : "";
        var confirm = fields.TryGetValue("confirmPassword", out var c) && c.Count == 1 ? c[0] ?? "" : "";
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (target.Id == http.User.Id())
        {
            errors["password"] = "Đổi mật khẩu của chính bạn ở trang “Tài khoản của tôi” (cần mật khẩu hiện tại).";
        }
        else if (password.Length == 0 || password.Length > MaxPasswordLength)
        {
            errors["password"] = $"Vui lòng nhập mật khẩu mới (12 đến {MaxPasswordLength} ký tự).";
        }
        else if (password != confirm)
        {
            errors["confirmPassword"] = "Mật khẩu nhập lại không khớp.";
        }

        if (errors.Count > 0)
        {
            return PasswordPage(http, target, errors);
        }

        var before = await SnapshotAsync(db, target, ct);
        var token = await users.GeneratePasswordResetTokenAsync(target);

        // A reset also lifts a lockout: it is what an administrator is asked for when a colleague is locked out.
        target.LockoutEnd = null;
        target.AccessFailedCount = 0;
        var entry = audit.Stage(AuditActions.StaffPasswordReset, target.UserName, target.ScopeUnitId, before, (await SnapshotAsync(db, target, ct)) with { PasswordReset = true });
        var result = await users.ResetPasswordAsync(target, token, password);
        if (!result.Succeeded)
        {
            db.Entry(entry).State = EntityState.Detached;
            await db.Entry(target).ReloadAsync(ct);
            return PasswordPage(http, target, new Dictionary<string, string> { ["password"] = string.Join(" ", result.Errors.Select(e => e.Description)) });
        }

        return new SeeOtherResult($"{ListPath}?saved=password");
    }

    /// <summary>The account named in the route, when the Administrator may manage it; else the 404 or the audited 403.</summary>
    private static async Task<(StaffUser? Target, IResult? Refusal)> TargetAsync(HttpContext http, Guid id, UserManager<StaffUser> users, StaffScope scope, AuditTrail audit, CancellationToken ct)
    {
        var target = await users.FindByIdAsync(id.ToString());
        if (target is null)
        {
            var html = new Html();
            html.Add($"<p>Không có tài khoản này. <a href=\"{ListPath}\">Về danh sách tài khoản</a></p>");
            return (null, StaffPage.Render(http, "Không tìm thấy tài khoản", new Markup(html.ToString()), StatusCodes.Status404NotFound));
        }

        // A scoped Administrator manages the accounts scoped inside their subtree; an account without a unit (a
        // Supervisor, a deployment-wide Administrator) sees more than they do.
        var manages = StaffScope.SeesEverything(http.User) || (target.ScopeUnitId is { } unit && await scope.CoversAsync(http.User, unit, ct));
        return manages ? (target, null) : (null, await AdminPages.DeniedAsync(http, ct, target.ScopeUnitId));
    }

    private static async Task<AccountSnapshot> SnapshotAsync(SipasDbContext db, StaffUser user, CancellationToken ct)
    {
        var unit = user.ScopeUnitId is { } id ? await db.Units.Where(u => u.Id == id).Select(u => u.Code).SingleOrDefaultAsync(ct) : null;
        return new AccountSnapshot(user.UserName, user.DisplayName, user.Role.ToString(), unit, user.TwoFactorEnabled, user.DisabledAt is not null, user.LockoutEnd);
    }

    private static async Task<PageResult> ListPageAsync(
        HttpContext http, SipasDbContext db, StaffScope scope, TimeProvider time, IOptions<SurveyOptions> survey, NewAccountForm form, IReadOnlyDictionary<string, string> errors, string? confirmation, CancellationToken ct)
    {
        var inScope = await scope.UnitIdsAsync(http.User, ct);
        var query = db.Users.AsNoTracking();
        if (inScope is not null)
        {
            var ids = inScope.ToList();
            query = query.Where(u => u.ScopeUnitId != null && ids.Contains(u.ScopeUnitId.Value));
        }

        var accounts = await query
            .GroupJoin(db.Units, u => u.ScopeUnitId, unit => unit.Id, (u, units) => new { User = u, Units = units })
            .SelectMany(x => x.Units.DefaultIfEmpty(), (x, unit) => new
            {
                x.User.Id,
                x.User.DisplayName,
                x.User.UserName,
                x.User.Role,
                UnitCode = unit == null ? null : unit.Code,
                UnitName = unit == null ? null : unit.Name,
                x.User.TwoFactorEnabled,
                x.User.LockoutEnd,
                x.User.DisabledAt,
                x.User.CreatedAt,
            })
            .OrderBy(a => a.UnitCode).ThenBy(a => a.UserName)
            .ToListAsync(ct);

        var everything = StaffScope.SeesEverything(http.User);
        var zone = AdminPages.LocalZone(survey);
        var now = time.GetUtcNow();
        var tokens = StaffPage.AntiforgeryField(StaffPage.Tokens(http));
        var html = new Html();
        html.Add($"{AdminPages.Style}{AdminPages.Confirmation(confirmation)}{StaffPage.Errors(errors.Values)}");
        html.Add($"<div class=\"card\"><h2>Quy tắc</h2><ul>");
        html.Add($"<li>Quản trị viên toàn hệ thống tạo được mọi vai trò. Quản trị viên của một đơn vị chỉ tạo tài khoản quản trị viên hoặc cán bộ theo dõi gắn với một đơn vị trong phạm vi của mình, không tạo giám sát viên.</li>");
        html.Add($"<li>Cán bộ theo dõi đơn vị chỉ xem số liệu của đơn vị mình và các đơn vị trực thuộc, không bao giờ thấy số điện thoại hay tên người dân. Giám sát viên xem mọi đơn vị, nhật ký quyết định gửi và nhật ký thao tác, không sửa được gì.</li>");
        html.Add($"<li>Mật khẩu do quản trị viên nhập: ít nhất 12 ký tự, ít nhất 5 ký tự khác nhau (nên dùng một câu dễ nhớ). Hãy báo mật khẩu cho người dùng qua kênh riêng và đề nghị họ đổi ngay sau lần đăng nhập đầu.</li>");
        html.Add($"<li>Vô hiệu hóa tài khoản hoặc đặt lại mật khẩu sẽ kết thúc các phiên đăng nhập của tài khoản đó trong vòng một phút. Bạn không thể tự vô hiệu hóa tài khoản của mình.</li>");
        html.Add($"<li>Mọi thay đổi được ghi vào nhật ký thao tác, không bao giờ ghi mật khẩu.</li></ul></div>");

        html.Add($"<h2>Tài khoản trong phạm vi của bạn</h2><table class=\"log\"><thead><tr><th scope=\"col\">Họ và tên</th><th scope=\"col\">Tên đăng nhập</th><th scope=\"col\">Vai trò</th><th scope=\"col\">Đơn vị</th>");
        html.Add($"<th scope=\"col\">Xác thực hai bước</th><th scope=\"col\">Trạng thái</th><th scope=\"col\">Ngày tạo</th><th scope=\"col\">Thao tác</th></tr></thead><tbody>");
        foreach (var a in accounts)
        {
            var status = a.DisabledAt is not null ? "Đã vô hiệu hóa"
                : a.LockoutEnd > now ? "Tạm khóa đến " + AdminPages.LocalTime(a.LockoutEnd.Value, zone)
                : "Đang hoạt động";
            var unit = a.UnitCode is null ? (a.Role == StaffRole.Supervisor ? "Mọi đơn vị" : "Toàn hệ thống") : $"{a.UnitName} ({a.UnitCode})";
            var path = $"{ListPath}/{a.Id:D}";
            html.Add($"<tr><td>{a.DisplayName}</td><td><code>{a.UserName}</code></td><td>{StaffClaims.RoleName(a.Role)}</td><td>{unit}</td>");
            html.Add($"<td>{(a.TwoFactorEnabled ? "Bật" : "Tắt")}</td><td>{status}</td><td>{AdminPages.LocalTime(a.CreatedAt, zone)[..10]}</td><td>");
            if (a.Id != http.User.Id())
            {
                html.Add($"<form method=\"post\" action=\"{path}/{(a.DisabledAt is null ? "disable" : "enable")}\" class=\"inline\">{tokens}<button type=\"submit\">{(a.DisabledAt is null ? "Vô hiệu hóa" : "Kích hoạt lại")}<span class=\"hint\"> {a.UserName}</span></button></form> ");
                html.Add($"<a href=\"{path}/password\">Đặt lại mật khẩu<span class=\"hint\"> của {a.UserName}</span></a>");
            }
            else
            {
                html.Add($"<span class=\"hint\">Tài khoản của bạn</span>");
            }

            html.Add($"</td></tr>");
        }

        html.Add($"</tbody></table>");
        html.Add($"<h2>Tạo tài khoản</h2><form method=\"post\" action=\"{ListPath}\" class=\"card\" novalidate>{tokens}");
        html.Add($"<label for=\"userName\">Tên đăng nhập (chữ không dấu, chữ số, - . _ @)</label><input id=\"userName\" name=\"userName\" autocomplete=\"off\" maxlength=\"256\" value=\"{form.UserName}\"{AdminPages.Described(errors, "userName")}>{AdminPages.FieldError(errors, "userName")}");
        html.Add($"<label for=\"displayName\">Họ và tên</label><input id=\"displayName\" name=\"displayName\" maxlength=\"200\" size=\"40\" value=\"{form.DisplayName}\"{AdminPages.Described(errors, "displayName")}>{AdminPages.FieldError(errors, "displayName")}");
        html.Add($"<label for=\"role\">Vai trò</label><select id=\"role\" name=\"role\"{AdminPages.Described(errors, "role")}>");
        foreach (var role in everything ? [StaffRole.UnitViewer, StaffRole.Administrator, StaffRole.Supervisor] : new[] { StaffRole.UnitViewer, StaffRole.Administrator })
        {
            var selected = role.ToString() == form.Role ? new Markup(" selected") : Markup.Empty;
            html.Add($"<option value=\"{role.ToString()}\"{selected}>{StaffClaims.RoleName(role)}</option>");
        }

        html.Add($"</select>{AdminPages.FieldError(errors, "role")}");
        var unitHint = everything ? "để trống: quản trị viên toàn hệ thống; giám sát viên không chọn đơn vị" : "bắt buộc, trong phạm vi của bạn";
        html.Add($"<label for=\"unit\">Mã đơn vị ({unitHint})</label><input id=\"unit\" name=\"unit\" maxlength=\"64\" value=\"{form.Unit}\"{AdminPages.Described(errors, "unit")}>{AdminPages.FieldError(errors, "unit")}");
        html.Add($"<label for=\"password\">Mật khẩu ban đầu</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"new-password\" maxlength=\"{MaxPasswordLength}\"{AdminPages.Described(errors, "password")}>{AdminPages.FieldError(errors, "password")}");
        html.Add($"<p><button type=\"submit\">Tạo tài khoản</button></p></form>");
        return StaffPage.Render(http, "Tài khoản cán bộ", new Markup(html.ToString()), errors.Count > 0 ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK);
    }

    private static PageResult PasswordPage(HttpContext http, StaffUser target, IReadOnlyDictionary<string, string> errors)
    {
        var html = new Html();
        html.Add($"{AdminPages.Style}{StaffPage.Errors(errors.Values)}");
        html.Add($"<div class=\"card\"><p>Tài khoản: <strong>{target.DisplayName}</strong> (<code>{target.UserName}</code>). Mật khẩu mới thay mật khẩu cũ ngay, mở khóa tài khoản nếu đang bị tạm khóa và kết thúc các phiên đăng nhập của tài khoản đó.</p></div>");
        html.Add($"<form method=\"post\" action=\"{ListPath}/{target.Id.ToString("D")}/password\" class=\"card\" novalidate>{StaffPage.AntiforgeryField(StaffPage.Tokens(http))}");
        html.Add($"<label for=\"password\">Mật khẩu mới (ít nhất 12 ký tự)</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"new-password\" maxlength=\"{MaxPasswordLength}\"{AdminPages.Described(errors, "password")}>{AdminPages.FieldError(errors, "password")}");
        html.Add($"<label for=\"confirmPassword\">Nhập lại mật khẩu mới</label><input id=\"confirmPassword\" name=\"confirmPassword\" type=\"password\" autocomplete=\"new-password\" maxlength=\"{MaxPasswordLength}\"{AdminPages.Described(errors, "confirmPassword")}>{AdminPages.FieldError(errors, "confirmPassword")}");
        html.Add($"<p><button type=\"submit\">Đặt lại mật khẩu</button></p></form><p><a href=\"{ListPath}\">Về danh sách tài khoản</a></p>");
        return StaffPage.Render(http, "Đặt lại mật khẩu", new Markup(html.ToString()), errors.Count > 0 ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK);
    }
}
