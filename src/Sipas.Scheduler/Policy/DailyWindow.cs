using System.Globalization;

namespace Sipas.Scheduler.Policy;

/// <summary>
/// The local hours in which invitations may go out, as minutes after local midnight: start 0–1439, end 1–1440 (1440 is
/// 24:00). An end before the start is an overnight window (20:00–06:00), open after its start and before its end.
/// </summary>
public readonly record struct DailyWindow
{
    public DailyWindow(int startMinute, int endMinute)
    {
        if (SendSettingsRules.Validate(null, startMinute, endMinute) is { Count: > 0 } errors)
        {
            throw new ArgumentException(string.Join(" ", errors.Values));
        }

        StartMinute = startMinute;
        EndMinute = endMinute;
    }

    public int StartMinute { get; }

    public int EndMinute { get; }

    private TimeSpan Start => TimeSpan.FromMinutes(StartMinute);

    private TimeSpan End => TimeSpan.FromMinutes(EndMinute);

    /// <summary>"07:00–21:00", as the decision log and the start-up log show it.</summary>
    public override string ToString() => $"{Format(StartMinute)}–{Format(EndMinute)}";

    public static string Format(int minute) => minute == 1440 ? "24:00" : TimeSpan.FromMinutes(minute).ToString(@"hh\:mm", CultureInfo.InvariantCulture);

    /// <summary>True when the window is wider than the 07:00–21:00 that Zalo and the anti-spam decree tolerate.</summary>
    public bool IsWiderThanDefault => StartMinute < 7 * 60 || EndMinute > 21 * 60 || StartMinute > EndMinute;

    /// <summary>The first instant at or after the given one inside the window, in UTC.</summary>
    public DateTimeOffset NextAllowed(DateTimeOffset instant, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        var timeOfDay = local.TimeOfDay;
        var midnight = local.Date;
        if (Start < End)
        {
            if (timeOfDay < Start)
            {
                return At(midnight + Start, zone);
            }

            return timeOfDay >= End ? At(midnight.AddDays(1) + Start, zone) : instant.ToUniversalTime();
        }

        // An overnight window such as 20:00–06:00 is open before its end and after its start.
        return timeOfDay >= Start || timeOfDay < End ? instant.ToUniversalTime() : At(midnight + Start, zone);
    }

    /// <summary>Local midnight starting <paramref name="date"/>, in UTC.</summary>
    public static DateTimeOffset StartOfDay(DateOnly date, TimeZoneInfo zone) => At(date.ToDateTime(TimeOnly.MinValue), zone);

    // Vietnam has no daylight saving, but re-resolving the offset keeps this right for any zone.
    private static DateTimeOffset At(DateTime localWallClock, TimeZoneInfo zone) =>
        new DateTimeOffset(localWallClock, zone.GetUtcOffset(localWallClock)).ToUniversalTime();
}
