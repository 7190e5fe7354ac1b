using Microsoft.Extensions.Options;

namespace Sipas.Scheduler.Policy;

/// <summary>
/// The configured time zone and default window (`Survey:TimeZone`, `Survey:AllowedWindow`). A unit's own window and
/// delay, and the holidays, are applied by <see cref="SendSchedule"/>; reminders and the start-up log use this one.
/// </summary>
public sealed class SendWindow(IOptions<SurveyOptions> options)
{
    private readonly TimeZoneInfo _zone = options.Value.Zone();
    private readonly DailyWindow _window = options.Value.Window();

    public TimeZoneInfo Zone => _zone;

    public DailyWindow Window => _window;

    /// <inheritdoc cref="DailyWindow.IsWiderThanDefault"/>
    public bool IsWiderThanDefault => _window.IsWiderThanDefault;

    public string Describe() => $"{_window} {_zone.Id}";

    /// <summary>The first instant at or after the given one inside the window, in UTC.</summary>
    public DateTimeOffset NextAllowed(DateTimeOffset instant) => _window.NextAllowed(instant, _zone);
}
