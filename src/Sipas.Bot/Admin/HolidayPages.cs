using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Sipas.Bot.Http;
using Sipas.Bot.Staff;
using Sipas.Data;
using Sipas.Data.Model;
using Sipas.Scheduler.Policy;

namespace Sipas.Bot.Admin;

/// <summary>
/// The days on which no invitation goes out, by year. Holidays apply to the whole deployment, so only an
/// Administrator whose scope is the whole deployment adds or deletes one; Supervisors and scoped Administrators read.
/// </summary>
public static class HolidayPages
{
    public const string ListPath = "/admin/holidays";

    /// <summary>The <see cref="Holiday.Source"/> of a day an administrator added on this page.</summary>
    public const string AddedByAdministrator = "administrator";

    private const string DateField = "date";
    private const string NameField = "name";
    private const int MaxNameLength = 200;

    internal static RouteGroupBuilder MapHolidays(this RouteGroupBuilder admin)
    {
        admin.MapGet("/holidays", ListAsync).RequireAuthorization(StaffPolicies.Oversee);
        admin.MapPost("/holidays", AddAsync).RequireAuthorization(StaffPolicies.Administer);
        admin.MapPost("/holidays/delete", DeleteAsync).RequireAuthorization(StaffPolicies.Administer);
        return admin;
    }

    private static Task<PageResult> ListAsync(HttpContext http, string? year, string? saved, SipasDbContext db, IOptions<SurveyOptions> survey, TimeProvider time, CancellationToken ct)
    {
        var shown = int.TryParse(year, NumberStyles.None, CultureInfo.InvariantCulture, out var y) && y is >= 2000 and <= 2100 ? y : ThisYear(survey, time);
        var confirmation = saved switch
        {
            "added" => "Đã thêm ngày nghỉ.",
            "deleted" => "Đã xóa ngày nghỉ.",
            _ => null,
        };
        return PageAsync(http, db, shown, ThisYear(survey, time), new Dictionary<string, string>(), "", "", confirmation, ct);
    }

    private static async Task<IResult> AddAsync(HttpContext http, SipasDbContext db, AuditTrail audit, IOptions<SurveyOptions> survey, TimeProvider time, CancellationToken ct)
    {
        var (fields, refusal) = await StaffForm.ReadAsync(http, ct);
        if (refusal is not null)
        {
            return refusal;
        }

        if (!StaffScope.SeesEverything(http.User))
        {
            return await AdminPages.DeniedAsync(http, ct);
        }

        var dateText = fields!.Value(DateField) ?? "";
        var name = fields!.Value(NameField) ?? "";
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!AdminPages.TryParseDay(dateText, out var date))
        {
            errors[DateField] = dateText.Length == 0
                ? "Vui lòng nhập ngày nghỉ, ví dụ 02/09/2027."
                : $"“{dateText}” không phải một ngày hợp lệ: viết dạng ngày/tháng/năm (02/09/2027) hoặc năm-tháng-ngày (2027-09-02), năm từ 2000 đến 2100.";
        }

        if (name.Length == 0)
        {
            errors[NameField] = "Vui lòng nhập tên ngày nghỉ, ví dụ “Quốc khánh”.";
        }
        else if (name.Length > MaxNameLength || name.Any(char.IsControl))
        {
            errors[NameField] = $"Tên ngày nghỉ tối đa {MaxNameLength} ký tự, trên một dòng.";
        }

        var shownYear = errors.ContainsKey(DateField) ? ThisYear(survey, time) : date.Year;
        if (errors.Count == 0 && await db.Holidays.AsNoTracking().SingleOrDefaultAsync(h => h.Date == date, ct) is { } existing)
        {
            errors[DateField] = Duplicate(date, existing.Name);
        }

        if (errors.Count > 0)
        {
            return await PageAsync(http, db, shownYear, ThisYear(survey, time), errors, dateText, name, null, ct);
        }

        var holiday = new Holiday { Date = date, Name = name, Source = AddedByAdministrator, CreatedAt = time.GetUtcNow() };
        db.Holidays.Add(holiday);
        audit.Stage(AuditActions.HolidaysUpdated, AdminPages.DayText(date), before: null, after: Snapshot(holiday));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Another administrator added the same day between our check and our insert.
            db.ChangeTracker.Clear();
            errors[DateField] = Duplicate(date, null);
            return await PageAsync(http, db, shownYear, ThisYear(survey, time), errors, dateText, name, null, ct);
        }

        return new SeeOtherResult($"{ListPath}?year={date.Year.ToString(CultureInfo.InvariantCulture)}&saved=added");
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, SipasDbContext db, AuditTrail audit, IOptions<SurveyOptions> survey, TimeProvider time, CancellationToken ct)
    {
        var (fields, refusal) = await StaffForm.ReadAsync(http, ct);
        if (refusal is not null)
        {
            return refusal;
        }

        if (!StaffScope.SeesEverything(http.User))
        {
            return await AdminPages.DeniedAsync(http, ct);
        }

        var dateText = fields!.Value(DateField) ?? "";
        var holiday = AdminPages.TryParseDay(dateText, out var date) ? await db.Holidays.SingleOrDefaultAsync(h => h.Date == date, ct) : null;
        if (holiday is null)
        {
            var errors = new Dictionary<string, string> { ["delete"] = $"Ngày “{dateText}” không có trong danh sách (có thể đã được xóa)." };
            return await PageAsync(http, db, ThisYear(survey, time), ThisYear(survey, time), errors, "", "", null, ct);
        }

        db.Holidays.Remove(holiday);
        audit.Stage(AuditActions.HolidaysUpdated, AdminPages.DayText(date), before: Snapshot(holiday), after: null);
        await db.SaveChangesAsync(ct);
        return new SeeOtherResult($"{ListPath}?year={date.Year.ToString(CultureInfo.InvariantCulture)}&saved=deleted");
    }

    private static async Task<PageResult> PageAsync(
        HttpContext http, SipasDbContext db, int year, int thisYear, IReadOnlyDictionary<string, string> errors, string typedDate, string typedName, string? confirmation, CancellationToken ct)
    {
        var all = await db.Holidays.AsNoTracking().OrderBy(h => h.Date).ToListAsync(ct);
        var years = all.Select(h => h.Date.Year).Append(thisYear).Append(thisYear + 1).Append(year).Distinct().Order().ToList();
        var edits = StaffScope.SeesEverything(http.User) && http.User.Role() is StaffRole.Administrator;
        var tokens = edits ? StaffPage.AntiforgeryField(StaffPage.Tokens(http)) : Markup.Empty;
        var html = new Html();
        html.Add($"{AdminPages.Style}{AdminPages.Confirmation(confirmation)}{StaffPage.Errors(errors.Values)}");
        html.Add($"<div class=\"card\"><p>Vào các ngày nghỉ dưới đây Sipas không gửi lời mời khảo sát; lời mời đến hạn được dời sang khung giờ gửi của ngày làm việc kế tiếp.</p>");
        html.Add($"<p class=\"hint\">{(edits ? "Bạn có thể thêm hoặc xóa ngày nghỉ; ngày nghỉ áp dụng cho mọi đơn vị." : "Chỉ quản trị viên toàn hệ thống được thêm hoặc xóa ngày nghỉ; bạn chỉ xem.")}</p></div>");
        html.Add($"<nav aria-label=\"Năm\" class=\"pager\">");
        foreach (var y in years)
        {
            var label = y.ToString(CultureInfo.InvariantCulture);
            if (y == year)
            {
                html.Add($"<strong aria-current=\"page\">{label}</strong>");
            }
            else
            {
                html.Add($"<a href=\"{ListPath}?year={label}\">{label}</a>");
            }
        }

        html.Add($"</nav><h2>Năm {year.ToString(CultureInfo.InvariantCulture)}</h2>");
        var days = all.Where(h => h.Date.Year == year).ToList();
        if (days.Count == 0)
        {
            html.Add($"<p>Chưa có ngày nghỉ nào của năm này.</p>");
        }
        else
        {
            html.Add($"<table><thead><tr><th scope=\"col\">Ngày</th><th scope=\"col\">Thứ</th><th scope=\"col\">Tên ngày nghỉ</th><th scope=\"col\">Nguồn</th>{(edits ? new Markup("<th scope=\"col\">Thao tác</th>") : Markup.Empty)}</tr></thead><tbody>");
            foreach (var day in days)
            {
                html.Add($"<tr><td>{AdminPages.DayText(day.Date)}</td><td>{Weekday(day.Date.DayOfWeek)}</td><td>{day.Name}</td><td>{SourceText(day.Source)}</td>");
                if (edits)
                {
                    html.Add($"<td><form method=\"post\" action=\"{ListPath}/delete\" class=\"inline\">{tokens}<input type=\"hidden\" name=\"{DateField}\" value=\"{day.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}\">");
                    html.Add($"<button type=\"submit\">Xóa<span class=\"hint\"> ngày {AdminPages.DayText(day.Date)}</span></button></form></td>");
                }

                html.Add($"</tr>");
            }

            html.Add($"</tbody></table>");
        }

        if (edits)
        {
            html.Add($"<h2>Thêm ngày nghỉ</h2><form method=\"post\" action=\"{ListPath}\" class=\"card\" novalidate>{tokens}");
            html.Add($"<label for=\"{DateField}\">Ngày (ngày/tháng/năm, ví dụ 02/09/2027)</label>");
            html.Add($"<input id=\"{DateField}\" name=\"{DateField}\" maxlength=\"10\" value=\"{typedDate}\"{AdminPages.Described(errors, DateField)}>{AdminPages.FieldError(errors, DateField)}");
            html.Add($"<label for=\"{NameField}\">Tên ngày nghỉ</label>");
            html.Add($"<input id=\"{NameField}\" name=\"{NameField}\" maxlength=\"{MaxNameLength}\" size=\"40\" value=\"{typedName}\"{AdminPages.Described(errors, NameField)}>{AdminPages.FieldError(errors, NameField)}");
            html.Add($"<p><button type=\"submit\">Thêm ngày nghỉ</button></p></form>");
        }

        return StaffPage.Render(http, "Ngày nghỉ lễ", new Markup(html.ToString()), errors.Count > 0 ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK);
    }

    private static string Duplicate(DateOnly date, string? name) =>
        $"Ngày {AdminPages.DayText(date)} đã có trong danh sách{(name is null ? "" : $" (“{name}”)")}.";

    private static object Snapshot(Holiday holiday) => new { date = holiday.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), holiday.Name, holiday.Source };

    private static int ThisYear(IOptions<SurveyOptions> survey, TimeProvider time) => TimeZoneInfo.ConvertTime(time.GetUtcNow(), AdminPages.LocalZone(survey)).Year;

    private static string SourceText(string source) => source == AddedByAdministrator ? "Quản trị viên thêm" : source;

    public static string Weekday(DayOfWeek day) => day switch
    {
        DayOfWeek.Monday => "Thứ Hai",
        DayOfWeek.Tuesday => "Thứ Ba",
        DayOfWeek.Wednesday => "Thứ Tư",
        DayOfWeek.Thursday => "Thứ Năm",
        DayOfWeek.Friday => "Thứ Sáu",
        DayOfWeek.Saturday => "Thứ Bảy",
        _ => "Chủ nhật",
    };
}
