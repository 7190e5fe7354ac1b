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
    /// <summary>Issue 5's target: a fifth of what PostgreSQL commits of single-row inserts in the same run, at p99 ≤ 50 ms.</summary>
    public const double TargetRatio = 0.20;
    public const double TargetP99Ms = 50;

    public bool? MeetsTarget => Ratio is { } ratio ? ratio >= TargetRatio && Latency.P99 <= TargetP99Ms && Load.ErrorCount == 0 : null;

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
            md.AppendLine(Invariant($"- pgbench ceiling: `{pg.CommandLine}` → {pg.Tps:0} tps, average latency {pg.LatencyMs:0.00} ms; PostgreSQL {pg.Cpu.Postgres:0.00} cores, pgbench {pg.Cpu.ClientChildren:0.00} cores, other {pg.Cpu.Other:0.00}, machine {pg.Cpu.Machine:0.00} cores."));
            md.AppendLine(Invariant($"- Ratio events/s ÷ pgbench tps: {Ratio:0.00}."));
            AppendCpuRatio(md, pg);
        }
        md.AppendLine(Invariant($"- Target (events/s ≥ {TargetRatio:0.00} × pgbench tps with p99 ≤ {TargetP99Ms:0} ms, no errors): {MeetsTarget switch { true => "met", false => "NOT met", null => "unknown (no pgbench run)" }}."));
    }

    /// <summary>
    /// The same comparison by CPU instead of by rate: where the disk's flush time rather than the CPU limits pgbench, the
    /// rate ratio flatters an ingest path that shares one commit among several events, and this shows it.
    /// </summary>
    private void AppendCpuRatio(StringBuilder md, PgBenchResult pg)
    {
        var perEvent = PerEvent(Cpu.Client + Cpu.Service + Cpu.Postgres);
        var perTransaction = pg.CpuMsPerTransaction;
        md.AppendLine(Invariant(
            $"- CPU per event (client, service and PostgreSQL) {perEvent:0.000} ms; per pgbench transaction (pgbench and PostgreSQL) {perTransaction:0.000} ms; their ratio {perTransaction / perEvent:0.00}."));
    }

    private double PerEvent(double cores) => cores / Load.EventsPerSecond * 1000;

    private static string Describe(IReadOnlyDictionary<string, int> counts) =>
        string.Join(", ", counts.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value}"));

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
