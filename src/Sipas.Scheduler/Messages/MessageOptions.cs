using System.ComponentModel.DataAnnotations;

namespace Sipas.Scheduler.Messages;

/// <summary>The `Messages` configuration section: how each provider call is bounded and retried.</summary>
public sealed class MessageOptions
{
    public const string Section = "Messages";

    /// <summary>Provider calls per message, the first included; then the message fails.</summary>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 6;

    /// <summary>Wait before the second attempt; each later one waits twice as long, up to <see cref="MaxRetryDelay"/>, with jitter.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The longest a provider call may take. It must stay well inside the dispatcher's claim lease, so a claim never
    /// runs out while its send is still in flight (checked at start).
    /// </summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long a message stays claimed by its sender: the call's timeout plus half again to record the outcome.</summary>
    public TimeSpan SendLease => SendTimeout * 1.5;
}
