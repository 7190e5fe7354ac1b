using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Sipas.Scheduler.Policy;

/// <summary>The `Survey` configuration section (docs/design.md §4.6).</summary>
public sealed class SurveyOptions
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

    public sealed class WindowOptions
    {
        /// <summary>Local time "HH:mm".</summary>
        public string Start { get; set; } = "07:00";

        /// <summary>Local time "HH:mm"; "24:00" means midnight at the end of the day.</summary>
        public string End { get; set; } = "21:00";
    }

    public static TimeSpan ParseLocalTime(string value, string key)
    {
        if (value == "24:00")
        {
            return TimeSpan.FromHours(24);
        }

        return TimeOnly.TryParseExact(value, ["HH:mm", "H:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time.ToTimeSpan()
            : throw new FormatException($"{key} must be a local time such as 07:00 (or 24:00 for the end of the day), not '{value}'.");
    }
}
