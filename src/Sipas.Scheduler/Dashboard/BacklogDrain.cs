namespace Sipas.Scheduler.Dashboard;

/// <summary>How long the due backlog takes to go out at the providers' configured rates.</summary>
public static class BacklogDrain
{
    /// <summary>
    /// The due count over the sum of the limited providers' rates (messages per second); null when no provider has a
    /// limit (the backlog goes out as fast as the dispatcher runs). A first estimate: the send policy's smoothing may
    /// replace it with one that knows which provider each invitation will use.
    /// </summary>
    public static TimeSpan? Estimate(long dueNow, IEnumerable<double> ratesPerSecond)
    {
        var total = ratesPerSecond.Where(rate => rate > 0).Sum();
        return total <= 0 ? null : TimeSpan.FromSeconds(dueNow / total);
    }
}
