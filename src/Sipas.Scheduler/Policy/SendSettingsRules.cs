namespace Sipas.Scheduler.Policy;

/// <summary>
/// The rules a unit's send settings (<see cref="Sipas.Data.Model.UnitSendSettings"/>) must keep, as one pure function
/// that the administrators' page, the configuration check and the policy all use. A null field is not set (the unit
/// inherits it), so it is not checked.
/// </summary>
public static class SendSettingsRules
{
    public const string DelayField = "DelayAfterReturn";
    public const string StartField = "WindowStartMinute";
    public const string EndField = "WindowEndMinute";

    /// <summary>A delay longer than this is a typo, not a policy: past it the event would be stale before it is asked about.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromDays(7);

    /// <summary>
    /// Field name (<see cref="DelayField"/>, <see cref="StartField"/>, <see cref="EndField"/>) → a Vietnamese message
    /// saying what is wrong; empty when the settings are valid.
    /// </summary>
    /// <param name="delay">Wait after the result is returned; 0 to 7 days.</param>
    /// <param name="startMinute">Window start, minutes after local midnight, 0–1439.</param>
    /// <param name="endMinute">Window end, minutes after local midnight, 1–1440 (1440 = 24:00); before the start for an overnight window, never equal to it.</param>
    public static IReadOnlyDictionary<string, string> Validate(TimeSpan? delay, int? startMinute, int? endMinute)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (delay < TimeSpan.Zero)
        {
            errors[DelayField] = "Thời gian chờ sau khi trả kết quả không được âm.";
        }
        else if (delay > MaxDelay)
        {
            errors[DelayField] = "Thời gian chờ sau khi trả kết quả không được quá 7 ngày.";
        }

        if (startMinute is < 0 or > 1439)
        {
            errors[StartField] = "Giờ bắt đầu phải trong khoảng 00:00 đến 23:59.";
        }

        if (endMinute is < 1 or > 1440)
        {
            errors[EndField] = "Giờ kết thúc phải trong khoảng 00:01 đến 24:00.";
        }
        else if (endMinute is { } end && startMinute == end)
        {
            errors[EndField] = "Giờ kết thúc phải khác giờ bắt đầu.";
        }

        return errors;
    }
}
