using System.ComponentModel.DataAnnotations;

namespace Sipas.Bot.Channels;

/// <summary>The `Channels` section's settings shared by every provider.</summary>
public sealed class ChannelOptions : IValidatableObject
{
    public const string Section = "Channels";

    /// <summary>Messages per second per provider name, shared by all processes (0 or absent: unlimited).</summary>
    public Dictionary<string, double> RateLimits { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How long a provider stays paused after a configuration error before it is tried again.</summary>
    public TimeSpan PauseAfterConfigurationError { get; set; } = TimeSpan.FromMinutes(15);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (provider, rate) in RateLimits)
        {
            if (rate < 0 || double.IsNaN(rate) || double.IsInfinity(rate))
            {
                yield return new ValidationResult($"Channels:RateLimits:{provider} must be a number of messages per second (0 for none), not {rate}.");
            }
        }

        if (PauseAfterConfigurationError <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Channels:PauseAfterConfigurationError must be positive, e.g. 00:15:00.");
        }
    }
}
