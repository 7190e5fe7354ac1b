using Sipas.Bench.Dispatch;
using Sipas.Bench.Ingest;

return await BenchCommandLine.MainAsync(args, DispatchBenchOptions.Parse, DispatchBenchOptions.Usage, async (options, ct) =>
{
    var report = await new DispatchBenchmark(options, BenchCommandLine.Displayed("bench/run-dispatch", args)).RunAsync(ct);
    return report.Verified;
});
