using System.Globalization;
using Sipas.Data.Model;
using Sipas.Scheduler.Policy;

namespace Sipas.Bot.Admin;

/// <summary>A unit as the inheritance of send settings sees it: its place in the tree and its code.</summary>
public sealed record UnitNode(Guid Id, Guid? ParentId, string Code);

/// <summary>One effective value and the unit that set it; <see cref="From"/> null means the configuration's default.</summary>
public sealed record Effective<T>(T Value, UnitNode? From);

/// <summary>What a unit's invitations actually use: each field from the unit, its nearest ancestor that sets it, or configuration.</summary>
public sealed record EffectiveSendSettings(Effective<TimeSpan> Delay, Effective<int> WindowStartMinute, Effective<int> WindowEndMinute);

/// <summary>
/// A unit's send settings as the page shows and checks them: the policy's rules, and each effective value with the
/// unit it comes from (the send policy's <see cref="SendCalendar"/> resolves the same way, without the provenance).
/// </summary>
public static class SendSettingsView
{
    public const string DelayField = "delay";
    public const string WindowStartField = "windowStart";
    public const string WindowEndField = "windowEnd";

    /// <summary>
    /// Field → Vietnamese message for each rule the overrides break; empty when they may be stored. The rules are the
    /// send policy's own (<see cref="SendSettingsRules"/>); the page adds one of its own: a window is set whole or not at all.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Validate(TimeSpan? delay, int? startMinute, int? endMinute)
    {
        var errors = SendSettingsRules.Validate(delay, startMinute, endMinute).ToDictionary(
            e => e.Key switch
            {
                SendSettingsRules.DelayField => DelayField,
                SendSettingsRules.StartField => WindowStartField,
                _ => WindowEndField,
            },
            e => e.Value,
            StringComparer.Ordinal);

        // A window is one decision: half of it inherited and half overridden would make a window nobody chose.
        if (startMinute is null && endMinute is not null)
        {
            errors.TryAdd(WindowStartField, "Nhập cả giờ bắt đầu và giờ kết thúc, hoặc để trống cả hai để dùng khung giờ kế thừa.");
        }
        else if (startMinute is not null && endMinute is null)
        {
            errors.TryAdd(WindowEndField, "Nhập cả giờ bắt đầu và giờ kết thúc, hoặc để trống cả hai để dùng khung giờ kế thừa.");
        }

        return errors;
    }

    /// <summary>
    /// The settings a unit's invitations use: each field from the unit's own override, else from the nearest ancestor
    /// that sets it, else from <c>Survey:DelayAfterReturn</c> and <c>Survey:AllowedWindow</c>.
    /// </summary>
    public static EffectiveSendSettings Resolve(
        Guid unitId, IReadOnlyDictionary<Guid, UnitNode> units, IReadOnlyDictionary<Guid, UnitSendSettings> overrides, SurveyOptions defaults)
    {
        Effective<TimeSpan>? delay = null;
        Effective<int>? start = null;
        Effective<int>? end = null;
        var seen = new HashSet<Guid>();
        for (var id = (Guid?)unitId; id is { } current && seen.Add(current) && units.TryGetValue(current, out var unit); id = unit.ParentId)
        {
            if (overrides.TryGetValue(current, out var own))
            {
                delay ??= own.DelayAfterReturn is { } d ? new(d, unit) : null;
                start ??= own.WindowStartMinute is { } s ? new(s, unit) : null;
                end ??= own.WindowEndMinute is { } e ? new(e, unit) : null;
            }
        }

        return new EffectiveSendSettings(
            delay ?? new(defaults.DelayAfterReturn, null),
            start ?? new(ConfiguredMinute(defaults.AllowedWindow.Start, "Survey:AllowedWindow:Start"), null),
            end ?? new(ConfiguredMinute(defaults.AllowedWindow.End, "Survey:AllowedWindow:End"), null));
    }

    /// <summary>"07:00"; 1440 is "24:00", the end of the day.</summary>
    public static string Clock(int minute) =>
        string.Create(CultureInfo.InvariantCulture, $"{minute / 60:00}:{minute % 60:00}");

    /// <summary>A delay as staff read it: "30 phút", "2 giờ 15 phút", "1 ngày 0 giờ 0 phút".</summary>
    public static string Duration(TimeSpan delay)
    {
        var minutes = (long)delay.TotalMinutes;
        return minutes switch
        {
            < 60 => $"{minutes} phút",
            < 1440 => $"{minutes / 60} giờ {minutes % 60} phút",
            _ => $"{minutes / 1440} ngày {minutes % 1440 / 60} giờ {minutes % 60} phút",
        };
    }

    private static int ConfiguredMinute(string value, string key) => (int)SurveyOptions.ParseLocalTime(value, key).TotalMinutes;
}
