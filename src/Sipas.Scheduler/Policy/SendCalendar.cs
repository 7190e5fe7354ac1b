using System.Collections.Concurrent;
using Sipas.Data.Model;

namespace Sipas.Scheduler.Policy;

/// <summary>A unit's effective delay after return and allowed window.</summary>
public sealed record UnitSchedule(TimeSpan Delay, DailyWindow Window);

/// <summary>A unit's settings as stored (a null field is inherited).</summary>
public sealed record UnitSettingsRow(Guid UnitId, TimeSpan? Delay, int? WindowStartMinute, int? WindowEndMinute);

/// <summary>
/// The send policy's calendar as read at one moment: the configuration, the units' own settings with their parents,
/// and the holidays. Pure: every answer depends only on what it holds and the instants it is given, so the ingest,
/// the dispatcher and the tests ask it the same questions.
/// </summary>
public sealed class SendCalendar
{
    private readonly SurveyOptions _options;
    private readonly TimeZoneInfo _zone;
    private readonly UnitSchedule _configured;
    private readonly IReadOnlyDictionary<Guid, Guid?> _parents;
    private readonly Dictionary<Guid, UnitSettingsRow> _settings;
    private readonly IReadOnlyDictionary<DateOnly, string> _holidays;
    private readonly ConcurrentDictionary<Guid, UnitSchedule> _resolved = new();

    public SendCalendar(
        SurveyOptions options,
        IReadOnlyDictionary<Guid, Guid?> parents,
        IReadOnlyCollection<UnitSettingsRow> settings,
        IReadOnlyDictionary<DateOnly, string> holidays,
        DateTimeOffset readAt)
    {
        _options = options;
        _zone = options.Zone();
        _configured = new UnitSchedule(options.DelayAfterReturn, options.Window());
        _parents = parents;
        _settings = settings.ToDictionary(s => s.UnitId);
        _holidays = holidays;
        ReadAt = readAt;
    }

    /// <summary>When the settings and holidays were read.</summary>
    public DateTimeOffset ReadAt { get; }

    public TimeZoneInfo Zone => _zone;

    /// <summary>
    /// The unit's delay and window: each field from the nearest of the unit and its ancestors that sets it, else from
    /// configuration. A combination that is no window (an inherited start equal to an inherited end) falls back to the
    /// configured window as a whole.
    /// </summary>
    public UnitSchedule For(Guid unitId) => _resolved.GetOrAdd(unitId, Resolve);

    /// <summary>
    /// When a new dossier's invitation is due: its return plus the unit's delay, never in the past, moved to the next
    /// allowed slot (inside the window, not on a holiday); with the decision when the window or a holiday moved it.
    /// </summary>
    public (DateTimeOffset DueAt, PolicyDecision? Decision) DueTime(Guid unitId, DateTimeOffset returnedAt, DateTimeOffset now)
    {
        var schedule = For(unitId);
        var candidate = returnedAt + schedule.Delay;
        var earliest = (candidate > now ? candidate : now).ToUniversalTime();
        var (due, decision) = NextSlot(schedule.Window, earliest);
        return (due, decision);
    }

    /// <summary>At dispatch: null when the invitation may go now; else why not (stale → skipped; window or holiday → deferred to the next slot).</summary>
    public PolicyDecision? CheckNow(Guid unitId, DateTimeOffset returnedAt, DateTimeOffset now)
    {
        if (IsStale(returnedAt, now))
        {
            return Stale(returnedAt);
        }

        return NextSlot(For(unitId).Window, now.ToUniversalTime()).Decision;
    }

    public bool IsStale(DateTimeOffset returnedAt, DateTimeOffset now) => now - returnedAt > _options.MaxEventAge;

    public PolicyDecision Stale(DateTimeOffset returnedAt) => PolicyDecision.Skipped(
        DecisionRules.Stale, new { maxEventAge = _options.MaxEventAge.ToString(), returnedAt = TimeZoneInfo.ConvertTime(returnedAt, _zone) });

    public bool IsHoliday(DateOnly localDate) => _holidays.ContainsKey(localDate);

    /// <summary>The first instant at or after <paramref name="earliest"/> inside the window and not on a holiday; the decision says which rule moved it, if any.</summary>
    public (DateTimeOffset At, PolicyDecision? Decision) NextSlot(DailyWindow window, DateTimeOffset earliest)
    {
        var at = earliest;
        (DateOnly Date, string Name)? holiday = null;

        // A year of consecutive holidays is an administrator's mistake, not a calendar: stop there rather than loop.
        for (var day = 0; day < 400; day++)
        {
            at = window.NextAllowed(at, _zone);
            var date = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, _zone).DateTime);
            if (!_holidays.TryGetValue(date, out var name))
            {
                break;
            }

            holiday ??= (date, name);
            at = DailyWindow.StartOfDay(date.AddDays(1), _zone);
        }

        if (at == earliest)
        {
            return (at, null);
        }

        var parameters = new Dictionary<string, object?>
        {
            ["window"] = window.ToString(),
            ["timeZone"] = _zone.Id,
            ["from"] = TimeZoneInfo.ConvertTime(earliest, _zone),
        };
        if (holiday is { } h)
        {
            parameters["holiday"] = h.Name;
            parameters["holidayDate"] = h.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        }

        return (at, PolicyDecision.Deferred(holiday is null ? DecisionRules.Window : DecisionRules.Holiday, at, parameters));
    }

    private UnitSchedule Resolve(Guid unitId)
    {
        TimeSpan? delay = null;
        int? start = null;
        int? end = null;
        Guid? current = unitId;

        // Depth-capped: a cycle in the unit tree must not hang a send.
        for (var depth = 0; current is { } id && depth < 32; depth++)
        {
            if (_settings.TryGetValue(id, out var own))
            {
                delay ??= own.Delay;
                start ??= own.WindowStartMinute;
                end ??= own.WindowEndMinute;
            }

            current = _parents.GetValueOrDefault(id);
        }

        var window = _configured.Window;
        var startMinute = start ?? window.StartMinute;
        var endMinute = end ?? window.EndMinute;
        if (SendSettingsRules.Validate(null, startMinute, endMinute).Count == 0)
        {
            window = new DailyWindow(startMinute, endMinute);
        }

        var effectiveDelay = delay is { } d && SendSettingsRules.Validate(d, null, null).Count == 0 ? d : _configured.Delay;
        return new UnitSchedule(effectiveDelay, window);
    }
}
