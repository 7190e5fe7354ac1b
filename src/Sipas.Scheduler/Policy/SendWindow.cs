using Microsoft.Extensions.Options;

namespace Sipas.Scheduler.Policy;

/// <summary>Decides when an invitation may go out: after the configured delay, and only inside the allowed local hours.</summary>
public sealed class SendWindow
{
    private readonly TimeZoneInfo _zone;
    private readonly TimeSpan _start;
    private readonly TimeSpan _end;
    private readonly TimeSpan _delay;

    public SendWindow(IOptions<SurveyOptions> options)
    {
        var survey = options.Value;
        _zone = TimeZoneInfo.FindSystemTimeZoneById(survey.TimeZone);
        _start = SurveyOptions.ParseLocalTime(survey.AllowedWindow.Start, "Survey:AllowedWindow:Start");
        _end = SurveyOptions.ParseLocalTime(survey.AllowedWindow.End, "Survey:AllowedWindow:End");
        _delay = survey.DelayAfterReturn;
        if (_start >= TimeSpan.FromHours(24) || _start == _end)
        {
            throw new InvalidOperationException("Survey:AllowedWindow must have a start before 24:00 and different from its end.");
        }
    }

    public TimeZoneInfo Zone => _zone;

    /// <summary>True when the window is wider than the 07:00–21:00 that Zalo and the anti-spam decree tolerate.</summary>
    public bool IsWiderThanDefault => _start < TimeSpan.FromHours(7) || _end > TimeSpan.FromHours(21) || _start > _end;

    public string Describe() => $"{_start:hh\\:mm}–{(_end == TimeSpan.FromHours(24) ? "24:00" : _end.ToString(@"hh\:mm"))} {_zone.Id}";

    /// <summary>The due time of a dossier's invitation: its return plus the delay, never in the past, moved into the window.</summary>
    public DateTimeOffset DueTimeFor(DateTimeOffset returnedAt, DateTimeOffset now)
    {
        var candidate = returnedAt + _delay;
        return NextAllowed(candidate > now ? candidate : now);
    }

    /// <summary>The first instant at or after the given one inside the window, in UTC.</summary>
    public DateTimeOffset NextAllowed(DateTimeOffset instant)
    {
        var local = TimeZoneInfo.ConvertTime(instant, _zone);
        var timeOfDay = local.TimeOfDay;
        var midnight = new DateTimeOffset(local.Date, local.Offset);
        if (_start < _end)
        {
            if (timeOfDay < _start)
            {
                return At(midnight + _start);
            }

            return timeOfDay >= _end ? At(midnight.AddDays(1) + _start) : instant.ToUniversalTime();
        }

        // An overnight window such as 20:00–06:00 is open before its end and after its start.
        return timeOfDay >= _start || timeOfDay < _end ? instant.ToUniversalTime() : At(midnight + _start);
    }

    // Vietnam has no daylight saving, but re-resolving the offset keeps this right for any zone.
    private DateTimeOffset At(DateTimeOffset localWallClock) =>
        new DateTimeOffset(localWallClock.DateTime, _zone.GetUtcOffset(localWallClock.DateTime)).ToUniversalTime();
}
