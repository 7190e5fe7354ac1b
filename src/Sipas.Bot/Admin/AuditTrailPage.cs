using System.Globalization;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Sipas.Bot.Http;
using Sipas.Bot.Staff;
using Sipas.Data;
using Sipas.Scheduler.Policy;

namespace Sipas.Bot.Admin;

/// <summary>
/// The audit trail, newest first, filtered by action, user name and local day. Supervisors and deployment-wide
/// Administrators read every entry; a scoped Administrator the entries about their subtree and their own. There is
/// no route that changes or deletes an entry.
/// </summary>
public static class AuditTrailPage
{
    public const string Path = "/admin/audit";
    public const int PageSize = 100;

    /// <summary>Every action name <see cref="AuditActions"/> declares, so a new one is filterable without touching this page.</summary>
    private static readonly string[] Actions = [.. typeof(AuditActions).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!).Order(StringComparer.Ordinal)];

    private static readonly Dictionary<string, string> ActionLabels = new(StringComparer.Ordinal)
    {
        [AuditActions.SignIn] = "Đăng nhập",
        [AuditActions.SignInFailed] = "Đăng nhập sai",
        [AuditActions.SignInLockedOut] = "Đăng nhập khi tài khoản bị khóa",
        [AuditActions.SignInRefused] = "Đăng nhập bị từ chối",
        [AuditActions.SignOut] = "Đăng xuất",
        [AuditActions.PasswordChanged] = "Đổi mật khẩu",
        [AuditActions.TwoFactorEnabled] = "Bật xác thực hai bước",
        [AuditActions.TwoFactorDisabled] = "Tắt xác thực hai bước",
        [AuditActions.AccessDenied] = "Truy cập bị từ chối",
        [AuditActions.StaffCreated] = "Tạo tài khoản cán bộ",
        [AuditActions.StaffUpdated] = "Sửa tài khoản cán bộ",
        [AuditActions.StaffDisabled] = "Vô hiệu hóa tài khoản",
        [AuditActions.StaffEnabled] = "Kích hoạt lại tài khoản",
        [AuditActions.StaffPasswordReset] = "Đặt lại mật khẩu",
        [AuditActions.UnitSettingsUpdated] = "Sửa thiết lập gửi của đơn vị",
        [AuditActions.HolidaysUpdated] = "Sửa danh sách ngày nghỉ",
        [AuditActions.DashboardCommand] = "Thao tác trên bảng công việc nền",
    };

    internal static RouteGroupBuilder MapAuditTrail(this RouteGroupBuilder admin)
    {
        admin.MapGet("/audit", ShowAsync).RequireAuthorization(StaffPolicies.Oversee);
        return admin;
    }

    private sealed record Filters(string Action, string User, string Day, int Page);

    private static async Task<PageResult> ShowAsync(
        HttpContext http, string? action, string? user, string? day, string? page, SipasDbContext db, StaffScope scope, IOptions<SurveyOptions> survey, CancellationToken ct)
    {
        var filters = new Filters(action?.Trim() ?? "", user?.Trim() ?? "", day?.Trim() ?? "",
            int.TryParse(page, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is >= 1 and <= 100_000 ? p : 1);
        var zone = AdminPages.LocalZone(survey);
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (filters.Action.Length > 0 && !Actions.Contains(filters.Action, StringComparer.Ordinal))
        {
            errors["action"] = "Thao tác không hợp lệ: chọn trong danh sách.";
        }

        if (filters.User.Length > 256)
        {
            errors["user"] = "Tên đăng nhập tối đa 256 ký tự.";
        }

        (DateTimeOffset Start, DateTimeOffset End)? bounds = null;
        if (filters.Day.Length > 0)
        {
            if (AdminPages.TryParseDay(filters.Day, out var localDay))
            {
                bounds = AdminPages.DayBounds(localDay, zone);
            }
            else
            {
                errors["day"] = $"“{filters.Day}” không phải một ngày hợp lệ: viết dạng ngày/tháng/năm, ví dụ 24/11/2026.";
            }
        }

        var html = new Html();
        html.Add($"{AdminPages.Style}{StaffPage.Errors(errors.Values)}");
        html.Add($"<div class=\"card\"><p>Mọi thao tác của cán bộ (đăng nhập, thay đổi thiết lập, ngày nghỉ, tài khoản, thao tác trên công việc nền, truy cập bị từ chối) được ghi lại với người thực hiện, thời điểm, trạng thái trước và sau. Nhật ký chỉ được thêm, không ai sửa hay xóa được.</p></div>");
        FilterForm(html, filters, errors);
        if (errors.Count > 0)
        {
            return StaffPage.Render(http, "Nhật ký thao tác", new Markup(html.ToString()), StatusCodes.Status400BadRequest);
        }

        var entries = db.AuditEntries.AsNoTracking();
        if (await scope.UnitIdsAsync(http.User, ct) is { } inScope)
        {
            var ids = inScope.ToList();
            var me = http.User.Id();
            entries = entries.Where(a => (a.UnitId != null && ids.Contains(a.UnitId.Value)) || (me != null && a.ActorId == me));
        }

        if (filters.Action.Length > 0)
        {
            entries = entries.Where(a => a.Action == filters.Action);
        }

        if (filters.User.Length > 0)
        {
            // Exact, ignoring case: the pattern's wildcards are escaped.
            var pattern = filters.User.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
            entries = entries.Where(a => EF.Functions.ILike(a.ActorName, pattern));
        }

        if (bounds is { } b)
        {
            entries = entries.Where(a => a.At >= b.Start && a.At < b.End);
        }

        var rows = await entries
            .GroupJoin(db.Units, a => a.UnitId, u => u.Id, (a, units) => new { Entry = a, Units = units })
            .SelectMany(x => x.Units.DefaultIfEmpty(), (x, u) => new { x.Entry, UnitCode = u == null ? null : u.Code })
            .OrderByDescending(x => x.Entry.At).ThenByDescending(x => x.Entry.Id)
            .Skip((filters.Page - 1) * PageSize)
            .Take(PageSize + 1)
            .ToListAsync(ct);

        if (rows.Count == 0)
        {
            html.Add($"<p>Không có mục nào khớp bộ lọc.</p>");
        }
        else
        {
            html.Add($"<table class=\"log\"><thead><tr><th scope=\"col\">Thời điểm</th><th scope=\"col\">Người thực hiện</th><th scope=\"col\">Thao tác</th><th scope=\"col\">Đối tượng</th>");
            html.Add($"<th scope=\"col\">Đơn vị</th><th scope=\"col\">Trước</th><th scope=\"col\">Sau</th><th scope=\"col\">Địa chỉ</th></tr></thead><tbody>");
            foreach (var row in rows.Take(PageSize))
            {
                var entry = row.Entry;
                html.Add($"<tr><td>{AdminPages.LocalTime(entry.At, zone)}</td><td>{entry.ActorName}</td><td>{ActionLabels.GetValueOrDefault(entry.Action, entry.Action)}<br><code>{entry.Action}</code></td>");
                html.Add($"<td>{entry.Target}</td><td>{row.UnitCode}</td><td><code>{entry.Before}</code></td><td><code>{entry.After}</code></td><td>{entry.RemoteAddress}</td></tr>");
            }

            html.Add($"</tbody></table>");
        }

        html.Add($"<nav aria-label=\"Trang\" class=\"pager\">");
        if (filters.Page > 1)
        {
            html.Add($"<a href=\"{Link(filters, filters.Page - 1)}\">← Mới hơn</a>");
        }

        html.Add($"<span>Trang {filters.Page}</span>");
        if (rows.Count > PageSize)
        {
            html.Add($"<a href=\"{Link(filters, filters.Page + 1)}\">Cũ hơn →</a>");
        }

        html.Add($"</nav>");
        return StaffPage.Render(http, "Nhật ký thao tác", new Markup(html.ToString()));
    }

    private static string Link(Filters filters, int page) => Path + AdminPages.Query(
        ("action", filters.Action), ("user", filters.User), ("day", filters.Day), ("page", page == 1 ? null : page.ToString(CultureInfo.InvariantCulture)));

    private static void FilterForm(Html html, Filters filters, IReadOnlyDictionary<string, string> errors)
    {
        html.Add($"<form method=\"get\" action=\"{Path}\" class=\"card filters\"><div><label for=\"action\">Thao tác</label><select id=\"action\" name=\"action\"{AdminPages.Described(errors, "action")}><option value=\"\">Tất cả</option>");
        foreach (var action in Actions)
        {
            var selected = action == filters.Action ? new Markup(" selected") : Markup.Empty;
            html.Add($"<option value=\"{action}\"{selected}>{ActionLabels.GetValueOrDefault(action, action)}</option>");
        }

        html.Add($"</select>{AdminPages.FieldError(errors, "action")}</div>");
        html.Add($"<div><label for=\"user\">Tên đăng nhập</label><input id=\"user\" name=\"user\" maxlength=\"256\" value=\"{filters.User}\"{AdminPages.Described(errors, "user")}>{AdminPages.FieldError(errors, "user")}</div>");
        html.Add($"<div><label for=\"day\">Ngày (dd/MM/yyyy)</label><input id=\"day\" name=\"day\" maxlength=\"10\" size=\"10\" value=\"{filters.Day}\"{AdminPages.Described(errors, "day")}>{AdminPages.FieldError(errors, "day")}</div>");
        html.Add($"<div><button type=\"submit\">Lọc</button></div></form>");
    }
}
