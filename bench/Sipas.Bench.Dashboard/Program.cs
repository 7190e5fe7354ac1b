using Sipas.Bench.Dashboard;
using Sipas.Bench.Ingest;

return await BenchCommandLine.MainAsync(args, DashboardBenchOptions.Parse, DashboardBenchOptions.Usage, async (options, ct) =>
{
    var report = await new DashboardBenchmark(options, BenchCommandLine.Displayed("bench/run-dashboard", args)).RunAsync(ct);
    return report.MeetsTarget;
});
