namespace Sipas.Scheduler.Policy;

/// <summary>
/// Exponential back-off with "equal jitter": the n-th retry waits between half and all of first × 2^(n-1), capped,
/// so a provider outage does not end with every waiting message retried in the same second.
/// </summary>
public static class RetryBackoff
{
    public static TimeSpan Delay(int failedAttempts, TimeSpan first, TimeSpan max, Random? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failedAttempts, 1);
        var exponent = Math.Min(failedAttempts - 1, 30);
        var ceiling = Math.Min(first.TotalMilliseconds * Math.Pow(2, exponent), max.TotalMilliseconds);
        var jitter = (random ?? Random.Shared).NextDouble();
        return TimeSpan.FromMilliseconds(ceiling / 2 * (1 + jitter));
    }
}
