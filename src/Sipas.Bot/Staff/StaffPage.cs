using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Sipas.Bot.Http;
using Sipas.Data.Model;

namespace Sipas.Bot.Staff;

/// <summary>
/// The frame of every staff page: a header with the signed-in person, their role and a sign-out button, the menu their
/// role allows, and the page's own content (built with <see cref="Html"/>, every value escaped). No script, inline CSS.
/// </summary>
public static class StaffPage
{
    public const string Home = "/admin";
    public const string SignInPath = "/admin/sign-in";
    public const string SignOutPath = "/admin/sign-out";

    /// <summary>The menu: label, path, and the roles that see it.</summary>
    private static readonly (string Label, string Path, StaffRole[] Roles)[] Menu =
    [
        ("Tổng quan", Home, [StaffRole.Administrator, StaffRole.UnitViewer, StaffRole.Supervisor]),
        ("Tỷ lệ phản hồi", "/hangfire/response-rates", [StaffRole.Administrator, StaffRole.UnitViewer, StaffRole.Supervisor]),
        ("Đơn vị và lịch gửi", "/admin/units", [StaffRole.Administrator]),
        ("Ngày nghỉ lễ", "/admin/holidays", [StaffRole.Administrator, StaffRole.Supervisor]),
        ("Tài khoản cán bộ", "/admin/staff", [StaffRole.Administrator]),
        ("Nhật ký quyết định gửi", "/admin/decisions", [StaffRole.Administrator, StaffRole.Supervisor]),
        ("Nhật ký thao tác", "/admin/audit", [StaffRole.Administrator, StaffRole.Supervisor]),
        ("Công việc nền", "/hangfire", [StaffRole.Administrator, StaffRole.UnitViewer, StaffRole.Supervisor]),
        ("Tài khoản của tôi", "/admin/account", [StaffRole.Administrator, StaffRole.UnitViewer, StaffRole.Supervisor]),
    ];

    /// <summary>Colours chosen for WCAG 2.2 AA contrast, as on the citizen's pages.</summary>
    private const string Style = """
        *{box-sizing:border-box}
        body{margin:0;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1d2733;background:#f3f5f8}
        header{background:#8e1616;color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center}
        header .brand{font-weight:700;margin-right:auto}
        header form{margin:0}
        header button{background:#fff;color:#8e1616;padding:.3rem .8rem;min-height:2rem}
        nav{background:#fff;border-bottom:1px solid #c9d1db;padding:.25rem 1rem}
        nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}
        nav a{display:inline-block;padding:.35rem 0;color:#0b4f9c}
        nav a[aria-current]{font-weight:700;color:#1d2733}
        main{max-width:72rem;margin:0 auto;padding:1rem}
        h1{font-size:1.4rem;margin:.25rem 0 1rem}
        h2{font-size:1.15rem;margin:1.25rem 0 .5rem}
        .card{background:#fff;border:1px solid #c9d1db;border-radius:.5rem;padding:1rem;margin:0 0 1rem}
        table{border-collapse:collapse;width:100%;background:#fff}
        th,td{border:1px solid #c9d1db;padding:.35rem .5rem;text-align:left;vertical-align:top}
        th{background:#e8ecf1}
        td.n{text-align:right;font-variant-numeric:tabular-nums}
        label{display:block;font-weight:600;margin:.75rem 0 .25rem}
        input,select,textarea{font:inherit;padding:.4rem;border:1px solid #6b7785;border-radius:.3rem;max-width:100%}
        button,.btn{display:inline-block;font:inherit;font-weight:700;color:#fff;background:#8e1616;border:0;border-radius:.4rem;padding:.55rem 1.1rem;min-height:2.5rem;text-decoration:none;cursor:pointer}
        a{color:#0b4f9c}
        :focus-visible{outline:3px solid #0b4f9c;outline-offset:2px}
        .alert{border:2px solid #b3261e;background:#fdecea;padding:.75rem 1rem;border-radius:.5rem;margin:0 0 1rem}
        .ok{border:2px solid #1e6b34;background:#e7f4ea;padding:.75rem 1rem;border-radius:.5rem;margin:0 0 1rem}
        .hint{font-size:.9rem;color:#3d4854}
        """;

    /// <summary>A page for a signed-in staff member (or for no one, such as the sign-in page).</summary>
    public static PageResult Render(HttpContext http, string title, Markup content, int status = StatusCodes.Status200OK)
    {
        var user = http.User;
        var signedIn = user.Role() is not null;
        var html = new Html();
        html.Add($"<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        html.Add($"<title>{title} — Sipas</title><style>{new Markup(Style)}</style></head><body><header><span class=\"brand\">Sipas — Chỉ số hài lòng về sự phục vụ hành chính</span>");
        if (signedIn)
        {
            var tokens = http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);
            html.Add($"<span>{user.Name()} · {StaffClaims.RoleName(user.Role()!.Value)}</span>");
            html.Add($"<form method=\"post\" action=\"{SignOutPath}\">{AntiforgeryField(tokens)}<button type=\"submit\">Đăng xuất</button></form>");
        }

        html.Add($"</header>");
        if (signedIn)
        {
            html.Add($"<nav aria-label=\"Chức năng\"><ul>");
            foreach (var (label, path, roles) in Menu.Where(m => m.Roles.Contains(user.Role()!.Value)))
            {
                var current = http.Request.Path.Equals(path, StringComparison.OrdinalIgnoreCase) ? new Markup(" aria-current=\"page\"") : Markup.Empty;
                html.Add($"<li><a href=\"{path}\"{current}>{label}</a></li>");
            }

            html.Add($"</ul></nav>");
        }

        html.Add($"<main><h1>{title}</h1>{content}</main></body></html>");
        return new PageResult(status, html.ToString());
    }

    /// <summary>The hidden field every staff form carries.</summary>
    public static Markup AntiforgeryField(AntiforgeryTokenSet tokens)
    {
        var html = new Html();
        html.Add($"<input type=\"hidden\" name=\"{tokens.FormFieldName}\" value=\"{tokens.RequestToken}\">");
        return new Markup(html.ToString());
    }

    /// <summary>The anti-forgery tokens for a form on the page being built.</summary>
    public static AntiforgeryTokenSet Tokens(HttpContext http) => http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);

    /// <summary>A list of messages in a red box (validation errors), or nothing.</summary>
    public static Markup Errors(IEnumerable<string> errors)
    {
        var list = errors.ToList();
        if (list.Count == 0)
        {
            return Markup.Empty;
        }

        var html = new Html();
        html.Add($"<div class=\"alert\" role=\"alert\"><p>Chưa lưu được, vui lòng sửa:</p><ul>");
        foreach (var error in list)
        {
            html.Add($"<li>{error}</li>");
        }

        html.Add($"</ul></div>");
        return new Markup(html.ToString());
    }

    /// <summary>403 for a staff member outside their role or scope; the refusal is audited by the caller or the authorization handler.</summary>
    public static PageResult Forbidden(HttpContext http) =>
        Render(http, "Không có quyền truy cập", new Markup("<p>Tài khoản của bạn không có quyền xem hoặc thực hiện chức năng này. Nếu cần, vui lòng liên hệ quản trị viên của đơn vị.</p>"), StatusCodes.Status403Forbidden);
}
