using Sipas.Bench.Form;
using Sipas.Bench.Ingest;

return await BenchCommandLine.MainAsync(args, FormBenchOptions.Parse, FormBenchOptions.Usage, async (options, ct) =>
{
    var report = await new FormBenchmark(options, BenchCommandLine.Displayed("bench/run-form", args)).RunAsync(ct);
    return report.Verified;
});
