using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Sipas.Scheduler.Policy;

/// <summary>The `Survey` configuration section (docs/design.md §4.6); a malformed value stops the start with a message naming its key.</summary>
public sealed class SurveyOptions : IValidatableObject
{
    public const string Section = "Survey";

    [Required]
    public string TimeZone { get; set; } = "Asia/Ho_Chi_Minh";

    public TimeSpan DelayAfterReturn { get; set; } = TimeSpan.FromMinutes(30);

    public WindowOptions AllowedWindow { get; set; } = new();

    [Range(0, 3650)]
    public int FatigueWindowDays { get; set; } = 30;

    public TimeSpan ReminderAfter { get; set; } = TimeSpan.FromDays(1);

    public TimeSpan ExpireAfter { get; set; } = TimeSpan.FromDays(7);

    public TimeSpan MaxEventAge { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// How stale the units' send settings and the holidays may be in a process that reads them (administrators edit
    /// them in another process); each process re-reads them at most this often.
    /// </summary>
    public TimeSpan SettingsCacheTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Seed Vietnam's public holidays of this year and next (once per year: a deleted day stays deleted).</summary>
    public bool SeedHolidays { get; set; } = true;

    public sealed class WindowOptions
    {
        /// <summary>Local time "HH:mm".</summary>
        public string Start { get; set; } = "07:00";

        /// <summary>Local time "HH:mm"; "24:00" means midnight at the end of the day.</summary>
        public string End { get; set; } = "21:00";
    }

    /// <summary>The configured window; call only on validated options.</summary>
    public DailyWindow Window() => new(
        (int)ParseLocalTime(AllowedWindow.Start, "Survey:AllowedWindow:Start").TotalMinutes,
        (int)ParseLocalTime(AllowedWindow.End, "Survey:AllowedWindow:End").TotalMinutes);

    public TimeZoneInfo Zone() => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    public static TimeSpan ParseLocalTime(string value, string key)
    {
        if (value == "24:00")
        {
            return TimeSpan.FromHours(24);
        }

        return TimeOnly.TryParseExact(value, ["HH:mm", "H:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time.ToTimeSpan()
            : throw new FormatException($"{key} must be a local time such as 07:00 (or 24:00 for the end of the day), not '{value}'.");
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone ?? string.Empty, out _))
        {
            yield return new ValidationResult($"Survey:TimeZone '{TimeZone}' is not a known time zone; use an IANA name such as Asia/Ho_Chi_Minh.", [nameof(TimeZone)]);
        }

        var start = Minutes(AllowedWindow.Start, "Survey:AllowedWindow:Start", out var startError);
        var end = Minutes(AllowedWindow.End, "Survey:AllowedWindow:End", out var endError);
        foreach (var error in new[] { startError, endError }.OfType<string>())
        {
            yield return new ValidationResult(error, [nameof(AllowedWindow)]);
        }

        if (start is { } s && end is { } e)
        {
            if (s >= 1440)
            {
                yield return new ValidationResult("Survey:AllowedWindow:Start must be before 24:00.", [nameof(AllowedWindow)]);
            }
            else if (e == 0 || s == e)
            {
                yield return new ValidationResult(
                    $"Survey:AllowedWindow:End ({AllowedWindow.End}) must differ from Survey:AllowedWindow:Start ({AllowedWindow.Start}); write 24:00 for midnight at the end of the day.",
                    [nameof(AllowedWindow)]);
            }
        }

        if (DelayAfterReturn < TimeSpan.Zero || DelayAfterReturn > SendSettingsRules.MaxDelay)
        {
            yield return new ValidationResult($"Survey:DelayAfterReturn must be between 00:00:00 and 7.00:00:00, not {DelayAfterReturn}.", [nameof(DelayAfterReturn)]);
        }

        foreach (var (key, value) in new[] { ("ReminderAfter", ReminderAfter), ("ExpireAfter", ExpireAfter), ("MaxEventAge", MaxEventAge), ("SettingsCacheTtl", SettingsCacheTtl) })
        {
            if (value <= TimeSpan.Zero)
            {
                yield return new ValidationResult($"Survey:{key} must be positive, not {value}.", [key]);
            }
        }
    }

    private static int? Minutes(string value, string key, out string? error)
    {
        try
        {
            error = null;
            return (int)ParseLocalTime(value ?? string.Empty, key).TotalMinutes;
        }
        catch (FormatException ex)
        {
            error = ex.Message;
            return null;
        }
    }
}
