using System.Diagnostics;
using System.Globalization;

namespace Sipas.Bench.Ingest;

/// <summary>
/// CPU time of the benchmark client, of its finished child processes (pgbench), of the service and PostgreSQL, and of
/// the whole machine, read from /proc.
/// </summary>
public sealed record CpuSnapshot(long Client, long ClientChildren, long Service, long Postgres, long MachineBusy, long Timestamp);

/// <summary>Average cores kept busy over an interval; "other" is the machine's busy time no measured process accounts for (interrupts, other processes).</summary>
public sealed record CpuUsage(double Client, double ClientChildren, double Service, double Postgres, double Machine, double Seconds)
{
    public double Other => Math.Max(0, Machine - Client - ClientChildren - Service - Postgres);
}

public sealed class CpuMeter(int servicePid, string postmasterPidFile)
{
    // /proc reports times in USER_HZ, which Linux fixes at 100 for user space.
    private const double TicksPerSecond = 100;

    public CpuSnapshot Take() => new(
        ProcessTicks(Environment.ProcessId, withReapedChildren: false),
        ReapedChildrenTicks(Environment.ProcessId),
        servicePid > 0 ? ProcessTicks(servicePid, withReapedChildren: false) : 0,
        PostgresTicks(),
        MachineBusyTicks(),
        Stopwatch.GetTimestamp());

    public static CpuUsage Between(CpuSnapshot before, CpuSnapshot after)
    {
        var seconds = (double)(after.Timestamp - before.Timestamp) / Stopwatch.Frequency;
        double Cores(long ticks) => ticks / TicksPerSecond / seconds;
        return new CpuUsage(
            Cores(after.Client - before.Client),
            Cores(after.ClientChildren - before.ClientChildren),
            Cores(after.Service - before.Service),
            Cores(after.Postgres - before.Postgres),
            Cores(after.MachineBusy - before.MachineBusy),
            seconds);
    }

    /// <summary>
    /// Waits (at most a few seconds) until the postmaster has no more children than <paramref name="count"/>: a backend
    /// that has exited but is not yet reaped is in neither the live children nor the postmaster's reaped total.
    /// </summary>
    public async Task WaitForPostgresChildrenAsync(int count, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (PostgresChildren() > count && deadline.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(50, ct);
        }
    }

    public int PostgresChildren() =>
        Postmaster() is { } postmaster
            ? Directory.EnumerateDirectories("/proc").Count(dir => int.TryParse(Path.GetFileName(dir), out var pid) && pid != postmaster && Stat(pid) is { } stat && Field(stat, 4) == postmaster)
            : 0;

    private int? Postmaster() =>
        File.Exists(postmasterPidFile) && int.TryParse(File.ReadLines(postmasterPidFile).FirstOrDefault(), out var pid) ? pid : null;

    /// <summary>
    /// The postmaster with its reaped children (backends that already exited) plus every live child, so a backend
    /// that ends mid-interval is still counted.
    /// </summary>
    private long PostgresTicks()
    {
        if (Postmaster() is not { } postmaster)
        {
            return 0;
        }

        var total = ProcessTicks(postmaster, withReapedChildren: true);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && pid != postmaster && Stat(pid) is { } stat && Field(stat, 4) == postmaster)
            {
                total += Field(stat, 14) + Field(stat, 15);
            }
        }
        return total;
    }

    private static long ProcessTicks(int pid, bool withReapedChildren)
    {
        if (Stat(pid) is not { } stat)
        {
            return 0;
        }
        var own = Field(stat, 14) + Field(stat, 15);
        return withReapedChildren ? own + Field(stat, 16) + Field(stat, 17) : own;
    }

    /// <summary>Children that have exited and been waited for, such as a finished pgbench.</summary>
    private static long ReapedChildrenTicks(int pid) => Stat(pid) is { } stat ? Field(stat, 16) + Field(stat, 17) : 0;

    /// <summary>The fields of /proc/PID/stat after "pid (comm)", whose comm may itself contain spaces or parentheses.</summary>
    private static string[]? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            return text[(text.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Field by its number in proc(5) (state is 3, ppid 4, utime 14…).</summary>
    private static long Field(string[] afterComm, int number) => long.Parse(afterComm[number - 3], CultureInfo.InvariantCulture);

    /// <summary>Cores the whole machine kept busy over the next <paramref name="interval"/>.</summary>
    public static async Task<double> MachineCoresAsync(TimeSpan interval, CancellationToken ct)
    {
        var before = MachineBusyTicks();
        var started = Stopwatch.GetTimestamp();
        await Task.Delay(interval, ct);
        return (MachineBusyTicks() - before) / TicksPerSecond / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private static long MachineBusyTicks()
    {
        // cpu  user nice system idle iowait irq softirq steal …
        var parts = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long Value(int i) => long.Parse(parts[i], CultureInfo.InvariantCulture);
        return Value(1) + Value(2) + Value(3) + Value(6) + Value(7) + Value(8);
    }
}
