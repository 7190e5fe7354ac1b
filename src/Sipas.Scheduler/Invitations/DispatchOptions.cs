using System.ComponentModel.DataAnnotations;

namespace Sipas.Scheduler.Invitations;

/// <summary>The `Scheduler` configuration section: how due invitations are claimed and sent.</summary>
public sealed class DispatchOptions
{
    public const string Section = "Scheduler";

    /// <summary>Hangfire cron (with seconds) of the recurring dispatcher.</summary>
    [Required]
    public string DispatchCron { get; set; } = "*/5 * * * * *";

    [Range(1, 1000)]
    public int BatchSize { get; set; } = 50;

    [Range(1, 64)]
    public int Parallelism { get; set; } = 8;

    /// <summary>How long a claimed invitation stays with its dispatcher; after that a crashed dispatcher's work is taken over.</summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long after its claim an invitation's send may still start when it waits for its provider's rate-limit slot
    /// (a quarter of the lease): a slot starting later defers the invitation to it, recorded as a rate-limit decision,
    /// so a batch claimed at a window's start with a backlog does not hold its claims while the backlog drains.
    /// </summary>
    public TimeSpan LongestRateLimitWait => ClaimLease / 4;

    /// <summary>A dispatcher run stops claiming after this long, so the next recurring run shares the work.</summary>
    public TimeSpan MaxRunTime { get; set; } = TimeSpan.FromSeconds(30);

    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 5;

    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    [Range(1, 200)]
    public int WorkerCount { get; set; } = 10;
}
