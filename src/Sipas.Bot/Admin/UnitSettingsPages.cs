using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Sipas.Bot.Http;
using Sipas.Bot.Staff;
using Sipas.Data;
using Sipas.Data.Model;
using Sipas.Scheduler.Policy;

namespace Sipas.Bot.Admin;

/// <summary>
/// The units in an Administrator's scope as a tree, each with the send settings its invitations use and where they
/// come from; and one unit's overrides (delay after return, allowed window), edited within the Administrator's scope.
/// </summary>
public static partial class UnitSettingsPages
{
    public const string ListPath = "/admin/units";
    private const string ClearField = "clear";

    internal static RouteGroupBuilder MapUnitSettings(this RouteGroupBuilder admin)
    {
        admin.MapGet("/units", ListAsync).RequireAuthorization(StaffPolicies.Administer);
        admin.MapGet("/units/{code}", EditAsync).RequireAuthorization(StaffPolicies.Administer);
        admin.MapPost("/units/{code}", SaveAsync).RequireAuthorization(StaffPolicies.Administer);
        return admin;
    }

    private sealed record UnitRow(Guid Id, Guid? ParentId, string Code, string Name, UnitKind Kind, bool NeedsReview);

    /// <summary>What the form holds: the text typed (shown again after a refusal), or the stored overrides.</summary>
    private sealed record SettingsForm(string Delay, string WindowStart, string WindowEnd)
    {
        public static SettingsForm Of(UnitSendSettings? stored) => new(
            stored?.DelayAfterReturn is { } d ? ((long)d.TotalMinutes).ToString(CultureInfo.InvariantCulture) : "",
            stored?.WindowStartMinute is { } s ? SendSettingsView.Clock(s) : "",
            stored?.WindowEndMinute is { } e ? SendSettingsView.Clock(e) : "");
    }

    private static async Task<PageResult> ListAsync(HttpContext http, SipasDbContext db, StaffScope scope, IOptions<SurveyOptions> survey, CancellationToken ct)
    {
        var inScope = await scope.UnitIdsAsync(http.User, ct);
        var (units, nodes, overrides) = await LoadTreeAsync(db, ct);
        var visible = units.Where(u => inScope is null || inScope.Contains(u.Id)).ToList();
        var visibleIds = visible.Select(u => u.Id).ToHashSet();
        var children = visible.ToLookup(u => u.ParentId is { } p && visibleIds.Contains(p) ? p : (Guid?)null);

        var html = new Html();
        html.Add($"{AdminPages.Style}<div class=\"card\"><p>Mỗi đơn vị dùng thời gian chờ sau khi trả kết quả và khung giờ gửi của chính mình nếu có, nếu không thì của đơn vị cấp trên gần nhất có đặt, nếu không nữa thì theo cấu hình chung.</p>");
        html.Add($"<p class=\"hint\">Cấu hình chung: chờ {SendSettingsView.Duration(survey.Value.DelayAfterReturn)}, gửi trong khung {survey.Value.AllowedWindow.Start}–{survey.Value.AllowedWindow.End} ({survey.Value.TimeZone}).</p></div>");
        if (visible.Count == 0)
        {
            html.Add($"<p>Chưa có đơn vị nào trong phạm vi của bạn.</p>");
            return StaffPage.Render(http, "Đơn vị và lịch gửi", new Markup(html.ToString()));
        }

        html.Add($"<table><caption class=\"hint\">Các đơn vị trong phạm vi quản lý, theo cây đơn vị</caption><thead><tr><th scope=\"col\">Mã</th><th scope=\"col\">Tên đơn vị</th><th scope=\"col\">Loại</th><th scope=\"col\">Cần rà soát</th>");
        html.Add($"<th scope=\"col\">Thời gian chờ</th><th scope=\"col\">Khung giờ gửi</th><th scope=\"col\"><span class=\"hint\">Thao tác</span></th></tr></thead><tbody>");
        var stack = new Stack<(UnitRow Unit, int Depth)>(children[null].OrderByDescending(u => u.Code, StringComparer.Ordinal).Select(u => (u, 0)));
        while (stack.Count > 0)
        {
            var (unit, depth) = stack.Pop();
            var effective = SendSettingsView.Resolve(unit.Id, nodes, overrides, survey.Value);
            var indent = new Markup(string.Create(CultureInfo.InvariantCulture, $" style=\"padding-left:{0.5 + (1.25 * Math.Min(depth, 8)):0.##}rem\""));
            html.Add($"<tr><td><code>{unit.Code}</code></td><td{indent}>{(depth > 0 ? "└ " : "")}{unit.Name}</td><td>{KindName(unit.Kind)}</td><td>{(unit.NeedsReview ? "Cần rà soát" : "")}</td>");
            html.Add($"<td>{SendSettingsView.Duration(effective.Delay.Value)}<br><span class=\"hint\">{Origin(effective.Delay.From, unit.Id)}</span></td>");
            html.Add($"<td>{Window(effective)}<br><span class=\"hint\">{Origin(effective.WindowStartMinute.From, unit.Id)}</span></td>");
            html.Add($"<td><a href=\"{ListPath}/{Uri.EscapeDataString(unit.Code)}\">Sửa<span class=\"hint\"> thiết lập của {unit.Code}</span></a></td></tr>");
            foreach (var child in children[unit.Id].OrderByDescending(u => u.Code, StringComparer.Ordinal))
            {
                stack.Push((child, depth + 1));
            }
        }

        html.Add($"</tbody></table>");
        return StaffPage.Render(http, "Đơn vị và lịch gửi", new Markup(html.ToString()));
    }

    private static async Task<PageResult> EditAsync(HttpContext http, string code, SipasDbContext db, IOptions<SurveyOptions> survey, CancellationToken ct)
    {
        var unit = await db.Units.AsNoTracking().SingleOrDefaultAsync(u => u.Code == code, ct);
        if (unit is null)
        {
            return NotFound(http, code);
        }

        if (!await StaffAccess.AllowsAsync(http, unit.Id, StaffPolicies.ManageUnit, ct))
        {
            return StaffPage.Forbidden(http);
        }

        var stored = await db.UnitSendSettings.AsNoTracking().SingleOrDefaultAsync(s => s.UnitId == unit.Id, ct);
        var saved = http.Request.Query.ContainsKey("saved") ? "Đã lưu thiết lập gửi của đơn vị." : null;
        return await EditPageAsync(http, db, survey.Value, unit, SettingsForm.Of(stored), new Dictionary<string, string>(), saved, ct);
    }

    private static async Task<IResult> SaveAsync(
        HttpContext http, string code, SipasDbContext db, AuditTrail audit, IOptions<SurveyOptions> survey, TimeProvider time, CancellationToken ct)
    {
        var (fields, refusal) = await StaffForm.ReadAsync(http, ct);
        if (refusal is not null)
        {
            return refusal;
        }

        var unit = await db.Units.AsNoTracking().SingleOrDefaultAsync(u => u.Code == code, ct);
        if (unit is null)
        {
            return NotFound(http, code);
        }

        if (!await StaffAccess.AllowsAsync(http, unit.Id, StaffPolicies.ManageUnit, ct))
        {
            return StaffPage.Forbidden(http);
        }

        var clear = fields!.Value(ClearField) is not null;
        var typed = clear ? new SettingsForm("", "", "") : new SettingsForm(
            fields!.Value(SendSettingsView.DelayField) ?? "", fields!.Value(SendSettingsView.WindowStartField) ?? "", fields!.Value(SendSettingsView.WindowEndField) ?? "");
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var delay = ParseDelay(typed.Delay, errors);
        var start = ParseClock(typed.WindowStart, SendSettingsView.WindowStartField, "Giờ bắt đầu", errors);
        var end = ParseClock(typed.WindowEnd, SendSettingsView.WindowEndField, "Giờ kết thúc", errors);
        if (errors.Count == 0)
        {
            foreach (var (field, message) in SendSettingsView.Validate(delay, start, end))
            {
                errors[field] = message;
            }
        }

        if (errors.Count > 0)
        {
            return await EditPageAsync(http, db, survey.Value, unit, typed, errors, null, ct);
        }

        // The unit's row is locked so two administrators saving at once each see the other's change as "before".
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM units WHERE id = {unit.Id} FOR UPDATE", ct);
        var stored = await db.UnitSendSettings.SingleOrDefaultAsync(s => s.UnitId == unit.Id, ct);
        var before = Snapshot(stored);
        var after = Snapshot(new UnitSendSettings { DelayAfterReturn = delay, WindowStartMinute = start, WindowEndMinute = end });
        if (before == after)
        {
            return new SeeOtherResult($"{ListPath}/{Uri.EscapeDataString(unit.Code)}?saved=1");
        }

        if (after is null)
        {
            db.UnitSendSettings.Remove(stored!);
        }
        else
        {
            if (stored is null)
            {
                stored = new UnitSendSettings { UnitId = unit.Id };
                db.UnitSendSettings.Add(stored);
            }

            stored.DelayAfterReturn = delay;
            stored.WindowStartMinute = start;
            stored.WindowEndMinute = end;
            stored.UpdatedAt = time.GetUtcNow();
            stored.UpdatedBy = http.User.Id();
        }

        audit.Stage(AuditActions.UnitSettingsUpdated, unit.Code, unit.Id, before, after);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new SeeOtherResult($"{ListPath}/{Uri.EscapeDataString(unit.Code)}?saved=1");
    }

    private sealed record StoredSnapshot(long? DelayMinutes, string? WindowStart, string? WindowEnd);

    private static StoredSnapshot? Snapshot(UnitSendSettings? stored) =>
        stored is null || (stored.DelayAfterReturn is null && stored.WindowStartMinute is null && stored.WindowEndMinute is null)
            ? null
            : new StoredSnapshot((long?)stored.DelayAfterReturn?.TotalMinutes, Clock(stored.WindowStartMinute), Clock(stored.WindowEndMinute));

    private static string? Clock(int? minute) => minute is { } m ? SendSettingsView.Clock(m) : null;

    private static async Task<PageResult> EditPageAsync(
        HttpContext http, SipasDbContext db, SurveyOptions survey, Unit unit, SettingsForm form, IReadOnlyDictionary<string, string> errors, string? saved, CancellationToken ct)
    {
        var (_, nodes, overrides) = await LoadTreeAsync(db, ct);
        var effective = SendSettingsView.Resolve(unit.Id, nodes, overrides, survey);
        overrides.TryGetValue(unit.Id, out var stored);
        var current = SettingsForm.Of(stored);
        var html = new Html();
        html.Add($"{AdminPages.Style}{AdminPages.Confirmation(saved)}{StaffPage.Errors(errors.Values)}");
        html.Add($"<div class=\"card\"><p>Đơn vị: <strong>{unit.Name}</strong> (<code>{unit.Code}</code>), {KindName(unit.Kind)}.</p>");
        html.Add($"<p>Đang áp dụng: chờ <strong>{SendSettingsView.Duration(effective.Delay.Value)}</strong> sau khi trả kết quả ({Origin(effective.Delay.From, unit.Id)}); ");
        html.Add($"gửi trong khung <strong>{Window(effective)}</strong> ({Origin(effective.WindowStartMinute.From, unit.Id)}).</p>");
        html.Add($"<p>Thiết lập riêng đang lưu: thời gian chờ {Or(current.Delay, " phút")}, khung giờ {(current.WindowStart.Length == 0 ? "kế thừa" : current.WindowStart + "–" + current.WindowEnd)}.</p></div>");

        html.Add($"<form method=\"post\" action=\"{ListPath}/{Uri.EscapeDataString(unit.Code)}\" class=\"card\" novalidate>{StaffPage.AntiforgeryField(StaffPage.Tokens(http))}");
        html.Add($"<p class=\"hint\">Để trống một ô để kế thừa từ đơn vị cấp trên hoặc cấu hình chung.</p>");
        html.Add($"<label for=\"{SendSettingsView.DelayField}\">Thời gian chờ sau khi trả kết quả (phút, từ 0 đến 10080)</label>");
        html.Add($"<input id=\"{SendSettingsView.DelayField}\" name=\"{SendSettingsView.DelayField}\" inputmode=\"numeric\" maxlength=\"10\" value=\"{form.Delay}\"{AdminPages.Described(errors, SendSettingsView.DelayField)}>");
        html.Add($"{AdminPages.FieldError(errors, SendSettingsView.DelayField)}");
        html.Add($"<label for=\"{SendSettingsView.WindowStartField}\">Giờ bắt đầu gửi (HH:mm, ví dụ 07:00)</label>");
        html.Add($"<input id=\"{SendSettingsView.WindowStartField}\" name=\"{SendSettingsView.WindowStartField}\" maxlength=\"5\" value=\"{form.WindowStart}\"{AdminPages.Described(errors, SendSettingsView.WindowStartField)}>");
        html.Add($"{AdminPages.FieldError(errors, SendSettingsView.WindowStartField)}");
        html.Add($"<label for=\"{SendSettingsView.WindowEndField}\">Giờ kết thúc gửi (HH:mm; 24:00 là nửa đêm; trước giờ bắt đầu là khung qua đêm)</label>");
        html.Add($"<input id=\"{SendSettingsView.WindowEndField}\" name=\"{SendSettingsView.WindowEndField}\" maxlength=\"5\" value=\"{form.WindowEnd}\"{AdminPages.Described(errors, SendSettingsView.WindowEndField)}>");
        html.Add($"{AdminPages.FieldError(errors, SendSettingsView.WindowEndField)}");
        html.Add($"<p><input type=\"checkbox\" id=\"{ClearField}\" name=\"{ClearField}\" value=\"1\"> <label for=\"{ClearField}\" class=\"inline\">Xóa mọi thiết lập riêng của đơn vị này (dùng giá trị kế thừa)</label></p>");
        html.Add($"<p><button type=\"submit\">Lưu thiết lập</button></p></form>");
        html.Add($"<p><a href=\"{ListPath}\">Về danh sách đơn vị</a></p>");
        return StaffPage.Render(http, "Thiết lập gửi của đơn vị", new Markup(html.ToString()), errors.Count > 0 ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK);
    }

    private static async Task<(List<UnitRow> Units, Dictionary<Guid, UnitNode> Nodes, Dictionary<Guid, UnitSendSettings> Overrides)> LoadTreeAsync(SipasDbContext db, CancellationToken ct)
    {
        // Every unit, not only the scope: an override on an ancestor outside the scope still applies inside it.
        var units = await db.Units.AsNoTracking().Select(u => new UnitRow(u.Id, u.ParentId, u.Code, u.Name, u.Kind, u.NeedsReview)).ToListAsync(ct);
        var overrides = await db.UnitSendSettings.AsNoTracking().ToDictionaryAsync(s => s.UnitId, ct);
        return (units, units.ToDictionary(u => u.Id, u => new UnitNode(u.Id, u.ParentId, u.Code)), overrides);
    }

    /// <summary>Whole minutes; blank = inherit.</summary>
    private static TimeSpan? ParseDelay(string text, Dictionary<string, string> errors)
    {
        if (text.Length == 0)
        {
            return null;
        }

        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var minutes) || minutes is < -10_000_000 or > 10_000_000)
        {
            errors[SendSettingsView.DelayField] = "Thời gian chờ phải là một số phút nguyên, ví dụ 30.";
            return null;
        }

        return TimeSpan.FromMinutes(minutes);
    }

    /// <summary>"HH:mm" or "H:mm" as minutes after midnight; the range is the validator's to judge (so 24:00 can end a window).</summary>
    private static int? ParseClock(string text, string field, string label, Dictionary<string, string> errors)
    {
        if (text.Length == 0)
        {
            return null;
        }

        var match = ClockText().Match(text);
        if (!match.Success)
        {
            errors[field] = $"{label} phải viết dạng giờ:phút, ví dụ 07:00 hoặc 21:30.";
            return null;
        }

        return (int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) * 60) + int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex("^([0-9]{1,2})[:hH]([0-5][0-9])$")]
    private static partial Regex ClockText();

    private static string Window(EffectiveSendSettings effective) =>
        SendSettingsView.Clock(effective.WindowStartMinute.Value) + "–" + SendSettingsView.Clock(effective.WindowEndMinute.Value)
        + (effective.WindowEndMinute.Value < effective.WindowStartMinute.Value ? " (qua đêm)" : "");

    private static string Origin(UnitNode? from, Guid unitId) =>
        from is null ? "theo cấu hình chung" : from.Id == unitId ? "thiết lập riêng của đơn vị này" : $"kế thừa từ đơn vị {from.Code}";

    private static string Or(string value, string unit) => value.Length == 0 ? "kế thừa" : value + unit;

    public static string KindName(UnitKind kind) => kind switch
    {
        UnitKind.Province => "Tỉnh, thành phố",
        UnitKind.Department => "Sở, ban, ngành",
        UnitKind.District => "Quận, huyện (cũ)",
        UnitKind.Commune => "Xã, phường, đặc khu",
        _ => "Chưa rõ",
    };

    private static PageResult NotFound(HttpContext http, string code)
    {
        var html = new Html();
        html.Add($"<p>Không có đơn vị mã “{code}”. <a href=\"{ListPath}\">Về danh sách đơn vị</a></p>");
        return StaffPage.Render(http, "Không tìm thấy đơn vị", new Markup(html.ToString()), StatusCodes.Status404NotFound);
    }
}
