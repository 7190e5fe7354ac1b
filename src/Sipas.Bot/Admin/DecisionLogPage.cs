using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Sipas.Bot.Http;
using Sipas.Bot.Staff;
using Sipas.Data;
using Sipas.Data.Model;
using Sipas.Data.Privacy;
using Sipas.Scheduler.Policy;

namespace Sipas.Bot.Admin;

/// <summary>
/// Why any citizen was or was not asked: every decision not to send an invitation now, newest first, with its rule,
/// parameters and the time it will be tried again; filtered by unit (and its subtree), local day, kind and rule.
/// The citizen appears only as a masked phone, never by name.
/// </summary>
public static class DecisionLogPage
{
    public const string Path = "/admin/decisions";
    public const int PageSize = 100;

    /// <summary>The rules' stable names (<see cref="InvitationDecision.Rule"/>) and what staff read for them.</summary>
    public static readonly IReadOnlyDictionary<string, string> RuleLabels = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [DecisionRules.Window] = "Ngoài khung giờ gửi",
        [DecisionRules.Holiday] = "Ngày nghỉ lễ",
        [DecisionRules.RateLimit] = "Vượt giới hạn tốc độ gửi",
        [DecisionRules.OpenSurvey] = "Người dân đang có khảo sát chưa xong",
        [DecisionRules.OptedOut] = "Người dân đã từ chối nhận tin",
        [DecisionRules.FatigueCap] = "Đã được mời gần đây (giới hạn tần suất)",
        [DecisionRules.NotMobile] = "Không phải số di động",
        [DecisionRules.Stale] = "Hồ sơ trả quá lâu",
        [DecisionRules.NoChannel] = "Không có kênh gửi phù hợp",
        [DecisionRules.ProviderError] = "Lỗi của nhà cung cấp dịch vụ gửi",
        [DecisionRules.AttemptsExhausted] = "Đã hết số lần thử gửi",
    };

    private static readonly Dictionary<DecisionKind, string> KindLabels = new()
    {
        [DecisionKind.Deferred] = "Hoãn gửi",
        [DecisionKind.Skipped] = "Không gửi",
        [DecisionKind.Failed] = "Gửi lỗi",
    };

    internal static RouteGroupBuilder MapDecisionLog(this RouteGroupBuilder admin)
    {
        admin.MapGet("/decisions", ShowAsync).RequireAuthorization(StaffPolicies.Oversee);
        return admin;
    }

    private sealed record UnitOption(Guid Id, Guid? ParentId, string Code, string Name);

    private sealed record Filters(string Unit, string Day, string Kind, string Rule, int Page);

    private sealed record Row(DateTimeOffset At, string UnitCode, string UnitName, string DossierCode, byte[]? Phone, DecisionKind Kind, string Rule, string? Parameters, DateTimeOffset? DeferredUntil);

    private static async Task<PageResult> ShowAsync(
        HttpContext http, string? unit, string? day, string? kind, string? rule, string? page,
        SipasDbContext db, StaffScope scope, PersonalDataProtector personalData, IOptions<SurveyOptions> survey, CancellationToken ct)
    {
        var filters = new Filters(unit?.Trim() ?? "", day?.Trim() ?? "", kind?.Trim() ?? "", rule?.Trim() ?? "",
            int.TryParse(page, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is >= 1 and <= 100_000 ? p : 1);
        var zone = AdminPages.LocalZone(survey);
        var inScope = await scope.UnitIdsAsync(http.User, ct);
        var units = await db.Units.AsNoTracking().Select(u => new UnitOption(u.Id, u.ParentId, u.Code, u.Name)).ToListAsync(ct);
        var visible = units.Where(u => inScope is null || inScope.Contains(u.Id)).OrderBy(u => u.Code, StringComparer.Ordinal).ToList();
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);

        IReadOnlyCollection<Guid>? unitIds = inScope?.ToList();
        if (filters.Unit.Length > 0)
        {
            var chosen = units.FirstOrDefault(u => u.Code == filters.Unit);
            if (chosen is null)
            {
                errors["unit"] = $"Không có đơn vị mã “{filters.Unit}”.";
            }
            else if (!await StaffAccess.AllowsAsync(http, chosen.Id, StaffPolicies.UnitInScope, ct))
            {
                return StaffPage.Forbidden(http);
            }
            else
            {
                unitIds = Subtree(chosen.Id, units);
            }
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

        DecisionKind? kindFilter = null;
        if (filters.Kind.Length > 0)
        {
            if (Enum.TryParse<DecisionKind>(filters.Kind, out var k) && KindLabels.ContainsKey(k) && !int.TryParse(filters.Kind, out _))
            {
                kindFilter = k;
            }
            else
            {
                errors["kind"] = "Loại quyết định không hợp lệ: chọn trong danh sách.";
            }
        }

        if (filters.Rule.Length > 0 && !RuleLabels.ContainsKey(filters.Rule))
        {
            errors["rule"] = "Lý do không hợp lệ: chọn trong danh sách.";
        }

        var html = new Html();
        html.Add($"{AdminPages.Style}{StaffPage.Errors(errors.Values)}");
        html.Add($"<div class=\"card\"><p>Mỗi lần Sipas hoãn, bỏ qua hoặc gửi lỗi một lời mời, lý do được ghi lại cùng thông số của quy tắc và thời điểm. Số điện thoại được che, không hiển thị tên người dân.</p></div>");
        FilterForm(html, filters, visible, errors);
        if (errors.Count > 0)
        {
            return StaffPage.Render(http, "Nhật ký quyết định gửi", new Markup(html.ToString()), StatusCodes.Status400BadRequest);
        }

        var decisions = db.InvitationDecisions.AsNoTracking();
        if (unitIds is not null)
        {
            decisions = decisions.Where(d => unitIds.Contains(d.UnitId));
        }

        if (bounds is { } b)
        {
            decisions = decisions.Where(d => d.At >= b.Start && d.At < b.End);
        }

        if (kindFilter is { } kf)
        {
            decisions = decisions.Where(d => d.Kind == kf);
        }

        if (filters.Rule.Length > 0)
        {
            decisions = decisions.Where(d => d.Rule == filters.Rule);
        }

        var rows = await (
                from d in decisions
                join i in db.Invitations on d.InvitationId equals i.Id
                join dossier in db.Dossiers on i.DossierId equals dossier.Id
                join u in db.Units on d.UnitId equals u.Id
                join c in db.Contacts on i.ContactId equals c.Id into contacts
                from c in contacts.DefaultIfEmpty()
                orderby d.At descending, d.Id descending
                select new Row(d.At, u.Code, u.Name, dossier.Code, c == null ? null : c.PhoneEncrypted, d.Kind, d.Rule, d.Parameters, d.DeferredUntil))
            .Skip((filters.Page - 1) * PageSize)
            .Take(PageSize + 1)
            .ToListAsync(ct);

        if (rows.Count == 0)
        {
            html.Add($"<p>Không có quyết định nào khớp bộ lọc.</p>");
        }
        else
        {
            html.Add($"<table class=\"log\"><thead><tr><th scope=\"col\">Thời điểm</th><th scope=\"col\">Đơn vị</th><th scope=\"col\">Mã hồ sơ</th><th scope=\"col\">Số điện thoại</th>");
            html.Add($"<th scope=\"col\">Loại</th><th scope=\"col\">Lý do</th><th scope=\"col\">Thông số</th><th scope=\"col\">Thử lại lúc</th></tr></thead><tbody>");
            foreach (var row in rows.Take(PageSize))
            {
                html.Add($"<tr><td>{AdminPages.LocalTime(row.At, zone)}</td><td>{row.UnitName} (<code>{row.UnitCode}</code>)</td><td><code>{row.DossierCode}</code></td>");
                html.Add($"<td>{MaskedPhone(row.Phone, personalData)}</td><td>{KindLabels.GetValueOrDefault(row.Kind, row.Kind.ToString())}</td>");
                html.Add($"<td>{RuleLabels.GetValueOrDefault(row.Rule, row.Rule)}</td><td><code>{ParametersText(row.Parameters)}</code></td>");
                html.Add($"<td>{(row.DeferredUntil is { } until ? AdminPages.LocalTime(until, zone) : "")}</td></tr>");
            }

            html.Add($"</tbody></table>");
        }

        Pager(html, filters, hasNext: rows.Count > PageSize);
        return StaffPage.Render(http, "Nhật ký quyết định gửi", new Markup(html.ToString()));
    }

    /// <summary>
    /// The phone as a Vietnamese reader knows it, all but its first two and last three digits hidden: enough to tell
    /// two citizens' decisions apart or confirm a caller's "my number ends in 678", not enough to call anyone.
    /// </summary>
    public static string MaskedPhone(byte[]? encrypted, PersonalDataProtector personalData)
    {
        if (encrypted is null)
        {
            return "—";
        }

        string phone;
        try
        {
            phone = personalData.Decrypt(encrypted);
        }
        catch (CryptographicException)
        {
            return "(không đọc được)";
        }

        var national = phone.StartsWith("+84", StringComparison.Ordinal) ? "0" + phone[3..] : phone;
        return national.Length < 7 ? new string('•', national.Length) : national[..2] + new string('•', national.Length - 5) + national[^3..];
    }

    /// <summary>The rule's parameters as "name: value" pairs.</summary>
    private static string ParametersText(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return "";
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            var text = document.RootElement.ValueKind == JsonValueKind.Object
                ? string.Join("; ", document.RootElement.EnumerateObject().Select(p => $"{p.Name}: {(p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText())}"))
                : document.RootElement.GetRawText();
            return StoredText.Cut(text, 400);
        }
        catch (JsonException)
        {
            return StoredText.Cut(json, 400);
        }
    }

    private static List<Guid> Subtree(Guid root, List<UnitOption> units)
    {
        var children = units.ToLookup(u => u.ParentId);
        var ids = new List<Guid>();
        var seen = new HashSet<Guid>();
        var pending = new Stack<Guid>([root]);
        while (pending.TryPop(out var id))
        {
            if (seen.Add(id))
            {
                ids.Add(id);
                foreach (var child in children[id])
                {
                    pending.Push(child.Id);
                }
            }
        }

        return ids;
    }

    private static void FilterForm(Html html, Filters filters, List<UnitOption> units, IReadOnlyDictionary<string, string> errors)
    {
        html.Add($"<form method=\"get\" action=\"{Path}\" class=\"card filters\"><div><label for=\"unit\">Đơn vị (kèm các đơn vị trực thuộc)</label><select id=\"unit\" name=\"unit\"{AdminPages.Described(errors, "unit")}><option value=\"\">Tất cả trong phạm vi</option>");
        foreach (var unit in units)
        {
            html.Add($"<option value=\"{unit.Code}\"{Selected(unit.Code == filters.Unit)}>{unit.Code} — {unit.Name}</option>");
        }

        html.Add($"</select>{AdminPages.FieldError(errors, "unit")}</div>");
        html.Add($"<div><label for=\"day\">Ngày (dd/MM/yyyy)</label><input id=\"day\" name=\"day\" maxlength=\"10\" size=\"10\" value=\"{filters.Day}\"{AdminPages.Described(errors, "day")}>{AdminPages.FieldError(errors, "day")}</div>");
        html.Add($"<div><label for=\"kind\">Loại</label><select id=\"kind\" name=\"kind\"{AdminPages.Described(errors, "kind")}><option value=\"\">Tất cả</option>");
        foreach (var (kind, label) in KindLabels)
        {
            html.Add($"<option value=\"{kind.ToString()}\"{Selected(kind.ToString() == filters.Kind)}>{label}</option>");
        }

        html.Add($"</select>{AdminPages.FieldError(errors, "kind")}</div>");
        html.Add($"<div><label for=\"rule\">Lý do</label><select id=\"rule\" name=\"rule\"{AdminPages.Described(errors, "rule")}><option value=\"\">Tất cả</option>");
        foreach (var (rule, label) in RuleLabels)
        {
            html.Add($"<option value=\"{rule}\"{Selected(rule == filters.Rule)}>{label}</option>");
        }

        html.Add($"</select>{AdminPages.FieldError(errors, "rule")}</div><div><button type=\"submit\">Lọc</button></div></form>");
    }

    private static void Pager(Html html, Filters filters, bool hasNext)
    {
        string Link(int page) => Path + AdminPages.Query(
            ("unit", filters.Unit), ("day", filters.Day), ("kind", filters.Kind), ("rule", filters.Rule), ("page", page == 1 ? null : page.ToString(CultureInfo.InvariantCulture)));

        html.Add($"<nav aria-label=\"Trang\" class=\"pager\">");
        if (filters.Page > 1)
        {
            html.Add($"<a href=\"{Link(filters.Page - 1)}\">← Mới hơn</a>");
        }

        html.Add($"<span>Trang {filters.Page}</span>");
        if (hasNext)
        {
            html.Add($"<a href=\"{Link(filters.Page + 1)}\">Cũ hơn →</a>");
        }

        html.Add($"</nav>");
    }

    private static Markup Selected(bool selected) => selected ? new Markup(" selected") : Markup.Empty;
}
