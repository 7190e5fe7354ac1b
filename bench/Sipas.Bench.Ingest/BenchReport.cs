using System.Globalization;
using System.Text;

namespace Sipas.Bench.Ingest;

/// <summary>Everything one run measured, printed as a Markdown block that can be pasted into BENCHMARKS.md.</summary>
public sealed record BenchReport(
    BenchOptions Options,
    string CommandLine,
    DateTimeOffset StartedAt,
    MachineInfo Machine,
    PostgresInfo Postgres,
    double BackgroundCores,
    LoadResult Load,
    LatencyStats Latency,
    CpuUsage Cpu,
    long RowsStored,
    PgBenchResult? PgBench)
{
    public const double TargetEventsPerSecond = 1_000;
    public const double TargetP99Ms = 100;

    public bool MeetsTarget => Load.EventsPerSecond >= TargetEventsPerSecond && Latency.P99 <= TargetP99Ms && Load.ErrorCount == 0;

    public double? Ratio => PgBench is { Tps: > 0 } pg ? Load.EventsPerSecond / pg.Tps : null;

    public static string TableHeader =>
        "| role | C | events | events/s | p50 ms | p90 ms | p99 ms | max ms | errors | pgbench tps | events/s ÷ tps |\n" +
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|";

    public string TableRow => Invariant(
        $"| {Options.Role} | {Options.Concurrency} | {Options.Events} | {Load.EventsPerSecond:0} | {Latency.P50:0.0} | {Latency.P90:0.0} | {Latency.P99:0.0} | {Latency.Max:0} | {Load.ErrorCount} | {(PgBench is null ? "—" : PgBench.Tps.ToString("0", CultureInfo.InvariantCulture))} | {(Ratio is { } r ? r.ToString("0.00", CultureInfo.InvariantCulture) : "—")} |");

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.AppendLine(Invariant($"### Ingest, role {Options.Role}, concurrency {Options.Concurrency} ({StartedAt:yyyy-MM-dd HH:mm} UTC)"));
        md.AppendLine();
        md.AppendLine($"- Command: `{CommandLine}`");
        md.AppendLine($"- Machine: {Machine.Describe()}");
        md.AppendLine($"- {Postgres.Describe()}");
        if (!string.IsNullOrWhiteSpace(Options.ConnectionOptions))
        {
            md.AppendLine($"- Service connection string extras: `{Options.ConnectionOptions}`");
        }
        if (Options.ServiceEnvironment.Count > 0 || Options.LogLevel != "Warning")
        {
            md.AppendLine($"- Service settings: Logging:LogLevel:Default={Options.LogLevel}{string.Concat(Options.ServiceEnvironment.Select(e => $", {e}"))}");
        }
        md.AppendLine();
        md.AppendLine(TableHeader);
        md.AppendLine(TableRow);
        md.AppendLine();
        AppendDetails(md);
        return md.ToString();
    }

    private void AppendDetails(StringBuilder md)
    {
        md.AppendLine(Invariant($"- Measured phase: {Options.Events} events in {Load.Seconds:0.00} s after {Options.Warmup} warm-up events; slowest whole second {Latency.SlowestSecond} events, fastest {Latency.FastestSecond}; mean latency {Latency.Mean:0.0} ms."));
        md.AppendLine($"- Events completed in each second: {string.Join(' ', Latency.PerSecond)}.");
        md.AppendLine($"- Answers: {Describe(Load.Answers)}; errors: {(Load.ErrorCount == 0 ? "none" : Describe(Load.Errors))}; dossiers stored (warm-up and measured): {RowsStored} of {Options.Warmup + Options.Events}.");
        md.AppendLine(Invariant($"- CPU while posting (cores busy, of {Machine.Cores}): client {Cpu.Client:0.00}, service {Cpu.Service:0.00}, PostgreSQL {Cpu.Postgres:0.00}, other {Cpu.Other:0.00}; machine {Cpu.Machine:0.00}."));
        if (Cpu.Other > QuietMachine.IdleCores || BackgroundCores > QuietMachine.IdleCores)
        {
            md.AppendLine(Invariant($"- **Warning:** other load shared the machine ({BackgroundCores:0.00} cores busy just before the run, {Cpu.Other:0.00} unaccounted during it); rerun on an idle machine."));
        }
        md.AppendLine(Invariant($"- CPU per event: service {PerEvent(Cpu.Service):0.00} ms, PostgreSQL {PerEvent(Cpu.Postgres):0.00} ms, client {PerEvent(Cpu.Client):0.00} ms."));
        if (PgBench is { } pg)
        {
            md.AppendLine(Invariant($"- pgbench ceiling: `{pg.CommandLine}` → {pg.Tps:0} tps, average latency {pg.LatencyMs:0.00} ms; PostgreSQL {pg.Cpu.Postgres:0.00} cores, machine {pg.Cpu.Machine:0.00} cores."));
            md.AppendLine(Invariant($"- Ratio events/s ÷ pgbench tps: {Ratio:0.00}."));
        }
        md.AppendLine(Invariant($"- Target (≥ {TargetEventsPerSecond:0} events/s with p99 ≤ {TargetP99Ms:0} ms, no errors): {(MeetsTarget ? "met" : "NOT met")}."));
    }

    private double PerEvent(double cores) => cores / Load.EventsPerSecond * 1000;

    private static string Describe(IReadOnlyDictionary<string, int> counts) =>
        string.Join(", ", counts.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value}"));

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
