using System.Diagnostics;

namespace Sipas.Bench.Ingest;

/// <summary>Latency percentiles (nearest rank) and the steadiness of throughput over a measured phase.</summary>
public sealed record LatencyStats(double P50, double P90, double P99, double Max, double Mean, int[] PerSecond)
{
    public static LatencyStats Of(LoadResult result)
    {
        var sorted = result.LatencyTicks.Order().ToArray();
        return new LatencyStats(
            Ms(Percentile(sorted, 0.50)),
            Ms(Percentile(sorted, 0.90)),
            Ms(Percentile(sorted, 0.99)),
            Ms(sorted[^1]),
            Ms((long)sorted.Average()),
            PerSecondCounts(result.CompletedAtTicks));
    }

    /// <summary>Fewest completions in any whole second of the phase: what "sustained" can honestly claim.</summary>
    public int SlowestSecond => PerSecond.Length == 0 ? 0 : PerSecond.Min();

    public int FastestSecond => PerSecond.Length == 0 ? 0 : PerSecond.Max();

    /// <summary>Nearest-rank percentile of ascending values.</summary>
    public static long Percentile(long[] sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    /// <summary>Stopwatch ticks in milliseconds.</summary>
    public static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    /// <summary>Completions in each whole second of the phase; the last, partial second is left out.</summary>
    private static int[] PerSecondCounts(long[] completedAt)
    {
        var seconds = completedAt.Select(t => (int)(t / Stopwatch.Frequency)).ToArray();
        var counts = new int[seconds.Max()];
        foreach (var s in seconds.Where(s => s < counts.Length))
        {
            counts[s]++;
        }
        return counts;
    }
}
