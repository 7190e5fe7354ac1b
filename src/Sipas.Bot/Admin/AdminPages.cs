using System.Globalization;
using Microsoft.Extensions.Options;
using Sipas.Bot.Http;
using Sipas.Bot.Staff;
using Sipas.Scheduler.Policy;

namespace Sipas.Bot.Admin;

/// <summary>The administration pages under <c>/admin</c>: units and their send settings, holidays, staff accounts, the decision log, the audit trail.</summary>
public static class AdminPages
{
    public static RouteGroupBuilder MapAdminPages(this RouteGroupBuilder admin)
    {
        admin.MapUnitSettings();
        admin.MapHolidays();
        admin.MapStaffAccounts();
        admin.MapDecisionLog();
        admin.MapAuditTrail();
        return admin;
    }

    /// <summary>403 for a request outside the user's role or scope that the route's policy could not see (a flag, a target account), audited.</summary>
    public static async Task<PageResult> DeniedAsync(HttpContext http, CancellationToken ct, Guid? unitId = null)
    {
        await StaffAccess.RecordDenialAsync(http, ct, unitId);
        return StaffPage.Forbidden(http);
    }

    /// <summary>The green box confirming a change, after the redirect that follows a successful post.</summary>
    public static Markup Confirmation(string? text)
    {
        if (text is null)
        {
            return Markup.Empty;
        }

        var html = new Html();
        html.Add($"<div class=\"ok\" role=\"status\">{text}</div>");
        return new Markup(html.ToString());
    }

    /// <summary>A field's message under the field (the red box at the top lists them all too).</summary>
    public static Markup FieldError(IReadOnlyDictionary<string, string> errors, string field)
    {
        if (!errors.TryGetValue(field, out var message))
        {
            return Markup.Empty;
        }

        var html = new Html();
        html.Add($"<p class=\"field-error\" id=\"{field}-error\">{message}</p>");
        return new Markup(html.ToString());
    }

    /// <summary>The attributes that tie a field to its message for screen readers, when it has one.</summary>
    public static Markup Described(IReadOnlyDictionary<string, string> errors, string field)
    {
        if (!errors.ContainsKey(field))
        {
            return Markup.Empty;
        }

        var html = new Html();
        html.Add($" aria-invalid=\"true\" aria-describedby=\"{field}-error\"");
        return new Markup(html.ToString());
    }

    /// <summary>The style of the pages' own elements, on top of the staff frame's.</summary>
    public static readonly Markup Style = new(
        "<style>.field-error{color:#b3261e;font-weight:600;margin:.25rem 0 0}.filters{display:flex;flex-wrap:wrap;gap:0 1rem;align-items:flex-end}"
        + ".filters label{margin-top:0}.inline{display:inline;margin:0}.inline button{padding:.3rem .7rem;min-height:2rem}"
        + "table.log td{font-size:.92rem}td code{white-space:pre-wrap;word-break:break-word}.pager{display:flex;gap:1rem;margin:1rem 0}</style>");

    /// <summary>The deployment's local zone (<c>Survey:TimeZone</c>): staff read times and pick days in it.</summary>
    public static TimeZoneInfo LocalZone(IOptions<SurveyOptions> survey) => TimeZoneInfo.FindSystemTimeZoneById(survey.Value.TimeZone);

    public static string LocalTime(DateTimeOffset instant, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(instant, zone).ToString("dd/MM/yyyy HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>A local day as the [start, end) instants that bound it.</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) DayBounds(DateOnly day, TimeZoneInfo zone)
    {
        var start = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        var end = start.AddDays(1);
        return (new DateTimeOffset(start, zone.GetUtcOffset(start)).ToUniversalTime(), new DateTimeOffset(end, zone.GetUtcOffset(end)).ToUniversalTime());
    }

    /// <summary>A day typed by staff: 30/04/2027, 30/4/2027 or 2027-04-30 (what a date field sends); years 2000–2100.</summary>
    public static bool TryParseDay(string? text, out DateOnly day) =>
        DateOnly.TryParseExact(text?.Trim(), ["dd/MM/yyyy", "d/M/yyyy", "yyyy-MM-dd"], CultureInfo.InvariantCulture, DateTimeStyles.None, out day)
        && day.Year is >= 2000 and <= 2100;

    public static string DayText(DateOnly day) => day.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);

    /// <summary>The query string of a list page: only the filters that are set, escaped.</summary>
    public static string Query(params (string Name, string? Value)[] parameters)
    {
        var set = parameters.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return set.Count == 0 ? "" : "?" + string.Join("&", set);
    }
}
