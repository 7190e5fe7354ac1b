namespace Sipas.Data.Model;

/// <summary>
/// A unit's overrides of the configured send policy (`Survey:DelayAfterReturn`, `Survey:AllowedWindow`). A field left
/// null inherits from the nearest ancestor that sets it, then from configuration.
/// </summary>
public sealed class UnitSendSettings
{
    public Guid UnitId { get; set; }
    public TimeSpan? DelayAfterReturn { get; set; }

    /// <summary>Minutes after local midnight, 0–1439.</summary>
    public int? WindowStartMinute { get; set; }

    /// <summary>Minutes after local midnight, 1–1440 (1440 = 24:00); before the start for an overnight window.</summary>
    public int? WindowEndMinute { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public Guid? UpdatedBy { get; set; }
}

/// <summary>A day on which no invitation is sent: a public holiday (seeded, with its source) or a day an administrator added.</summary>
public sealed class Holiday
{
    public DateOnly Date { get; set; }
    public required string Name { get; set; }

    /// <summary>Where the date comes from: the law and, for lunar holidays, the calendar computation; or "administrator".</summary>
    public required string Source { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// A year whose public holidays were seeded. Seeding inserts a year's days only together with this row, so a day an
/// administrator deleted is not seeded again on the next start.
/// </summary>
public sealed class HolidaySeedYear
{
    public int Year { get; set; }
    public DateTimeOffset SeededAt { get; set; }
}
